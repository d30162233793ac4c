"""The workbench's table: a DataTable with the registry's cursor keys (j/k, g/G) and two
component styles (changed rows, muted text) whose colours come from the theme via CSS, whose
cell updates redraw only the row they change."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.binding import BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey

from .. import actions


class BenchTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("table")
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "bench-table--changed", "bench-table--muted",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType,
                    *, update_width: bool = False) -> None:
        """Textual's DataTable forgets every rendered row on any cell update (its caches are
        keyed by one update counter), so changing one quantity re-rendered all the visible
        rows of the lines table and, as its row is updated too, of the basket list: most of
        a keypress's paint. Here only the updated row's cached renderings are dropped and
        only its region is repainted. A width change still takes the table's own path."""
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        column_key = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        if update_width or row_key not in self._row_locations \
                or column_key not in self._column_locations:
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        self._data[row_key][column_key] = value
        self._forget_row(row_key)

    def _forget_row(self, row_key: RowKey) -> None:
        """Drop the cached renderings of one row and repaint its region (internals of the
        pinned Textual version; tests/tui/test_lines_pane.py checks the result on screen)."""
        row_index = self._row_locations.get(row_key)
        if row_index is None:
            return
        for cache in (self._cell_render_cache, self._row_render_cache):
            for key in [k for k in cache.keys() if k[0] == row_key]:
                cache.discard(key)
        self._row_renderable_cache.discard((self._update_count, row_index))
        region = self._get_row_region(row_index)
        lines = range(region.y, region.bottom)
        for key in [k for k in self._line_cache.keys() if k[0] in lines]:
            self._line_cache.discard(key)
        self._refresh_region(region)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def style_of(self, name: str) -> Style:
        """The rich style of one of our component classes ('changed', 'muted')."""
        return self.get_component_rich_style(f"bench-table--{name}", partial=True)

    def plain_rows(self) -> list[tuple[str, ...]]:
        """Every row as plain text, in display order (for tests and the copy helpers)."""
        return [tuple(getattr(cell, "plain", str(cell)) for cell in self.get_row_at(i))
                for i in range(self.row_count)]

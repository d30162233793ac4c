"""The workbench's table: a DataTable with the registry's cursor keys (j/k, g/G) and two
component styles (changed rows, muted text) whose colours come from the theme via CSS, whose
cell updates redraw only the row they change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Region
from textual.strip import Strip
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
        self._stale_rows: set[RowKey] = set()  # updated since the last paint

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType,
                    *, update_width: bool = False) -> None:
        """Textual's DataTable forgets every rendered row on any cell update (its caches are
        keyed by one update counter), so changing one quantity re-rendered all the visible
        rows of the lines table and, as its row is updated too, of the basket list: most of
        a keypress's paint. Here the row is marked stale and only its region is repainted;
        its cached renderings are dropped once, at the next paint (`render_line`). A width
        change still takes the table's own path."""
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        column_key = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        if update_width or row_key not in self._row_locations \
                or column_key not in self._column_locations:
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        self._data[row_key][column_key] = value
        if row_key not in self._stale_rows:
            self._stale_rows.add(row_key)
            self._refresh_region(self._region_of(row_key))

    def _region_of(self, row_key: RowKey) -> Region:
        index = self._row_locations.get(row_key)
        if index is None:
            return Region(0, 0, 0, 0)
        if self._total_row_height != self.row_count:  # some row is taller than one line
            return self._get_row_region(index)
        y = index + (self.header_height if self.show_header else 0)
        return Region(0, y, max(self.size.width, self.virtual_size.width), 1)

    def render_line(self, y: int) -> Strip:
        if self._stale_rows:
            self._forget_stale_rows()
        return super().render_line(y)

    def _forget_stale_rows(self) -> None:
        """Drop the cached renderings of the rows updated since the last paint, in one pass
        over each cache (internals of the pinned Textual version;
        tests/tui/test_lines_pane.py checks the painted rows after a change)."""
        stale, self._stale_rows = self._stale_rows, set()
        for cache in (self._cell_render_cache, self._row_render_cache):
            _drop(cache, lambda key: key[0] in stale)
        indexes = {self._row_locations.get(row) for row in stale} - {None}
        _drop(self._row_renderable_cache, lambda key: key[1] in indexes)
        lines: set[int] = set()
        for row in stale:
            region = self._region_of(row)
            lines.update(range(region.y, region.bottom))
        _drop(self._line_cache, lambda key: key[0] in lines)

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


def _drop(cache: Any, stale: Callable[[Any], bool]) -> None:
    """Discard the entries of one of DataTable's LRU caches whose key is stale (the caches'
    key shapes differ, hence Any)."""
    for key in [k for k in cache.keys() if stale(k)]:  # noqa: SIM118 - LRUCache has keys() only
        cache.discard(key)

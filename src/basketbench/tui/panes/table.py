"""The workbench's table: a DataTable with the registry's cursor keys (j/k, g/G) and two
component styles (changed rows, muted text) whose colours come from the theme via CSS."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.binding import BindingType
from textual.widgets import DataTable

from .. import actions


class BenchTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("table")
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "bench-table--changed", "bench-table--muted",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)

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

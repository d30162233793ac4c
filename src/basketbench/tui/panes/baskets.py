"""Pane 1: the basket list, paged (200 rows at a time, more as the cursor nears the end) so a
database of 100,000 baskets opens as fast as one of ten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist

from ...backends import BasketPage, BasketSummary
from ...model.summary import summary_of
from ..format import amount, flags, literal, plural, short_id, user_label, when
from .table import BenchTable

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket

PAGE_SIZE = 200
# Ask for the next page when the cursor comes this close to the last loaded row.
PREFETCH_MARGIN = 25
# `G` loads the rest of the list in one call, at most this many rows (a bigger list: G
# again, or filter it).
LAST_ROW_LOAD = 5000

# The grand total comes right after the id, so a narrow pane (120 columns) still shows it.
COLUMNS = (("id", "id"), ("total", "total"), ("lines", "lines"), ("user", "user"),
           ("flags", "flags"), ("updated", "updated"))
USER_WIDTH = 20  # longer emails are cut with "…"


class BasketsPane(Vertical):
    """The list. It only shows rows; the app loads pages and tells it what to show."""

    @dataclass
    class NeedMore(Message):
        """The cursor is near the end of the loaded rows and there are more (or `G` asked
        for the rest: `limit` rows, then the cursor goes to the last one)."""

        offset: int
        limit: int = PAGE_SIZE
        to_last: bool = False

    @dataclass
    class FilterChanged(Message):
        query: str
        immediate: bool = False  # enter: filter now; typing: after a short pause

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[BasketSummary] = []
        self.total = 0
        self.query_text = ""
        self.user_id: str | None = None
        self.new_id: str | None = None  # a basket opened with `n` and not saved yet
        self.loading_more = False
        self.to_last = False  # `G` asked for the rest: go to the last row once it is here
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: id prefix, user email or id, stock code or product",
                    id="basket-filter")
        yield BasketsTable(id="baskets-table")
        yield Static(id="baskets-info", markup=False)

    def on_mount(self) -> None:
        self.border_title = "1 Baskets"
        table = self.table
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        self.filter_input.display = False

    @property
    def table(self) -> BenchTable:
        return self.query_one("#baskets-table", BenchTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#basket-filter", Input)

    # -- what the app tells it --------------------------------------------------------------

    def show_page(self, page: BasketPage, *, query: str, user_id: str | None, append: bool,
                  note: str = "") -> None:
        self.loading_more = False
        self.note = note
        if append and (query, user_id) == (self.query_text, self.user_id):
            known = {r.id.lower() for r in self.rows}
            fresh = [r for r in page.rows if r.id.lower() not in known]
            self.rows.extend(fresh)
            self.total = page.total
            for row in fresh:
                self._add(row)
            if self.to_last:
                self.to_last = False
                self.table.move_cursor(row=self.table.row_count - 1, scroll=True)
        else:
            keep = self.highlighted_id()
            self.rows, self.total = list(page.rows), page.total
            self.query_text, self.user_id = query, user_id
            self._rebuild(keep)
        self._update_info()

    def set_new(self, basket_id: str | None) -> None:
        """Show (or stop showing) the new, unsaved basket as the first row."""
        if self.new_id == basket_id:
            return
        self.new_id = basket_id
        self._rebuild(basket_id or self.highlighted_id())

    def upsert(self, basket: Basket) -> bool:
        """Update the row of a changed basket in place. False when it is not listed (the app
        then reloads the list, e.g. after the first change saved a new basket)."""
        if not basket.id:
            return False
        bid = basket.id.lower()
        if bid == self.new_id and not getattr(basket, "is_new", False):
            return False
        summary = summary_of(basket)
        for i, row in enumerate(self.rows):
            if row.id.lower() == bid:
                self.rows[i] = summary
                if self.is_mounted and bid in self.table.rows:
                    for (key, value) in zip((k for _, k in COLUMNS), self._cells(summary)):
                        self.table.update_cell(bid, key, value)
                return True
        return bid == self.new_id

    def remove_basket(self, basket_id: str) -> None:
        basket_id = basket_id.lower()
        if basket_id == self.new_id:
            self.new_id = None
        before = len(self.rows)
        self.rows = [r for r in self.rows if r.id.lower() != basket_id]
        self.total -= before - len(self.rows)
        if basket_id in self.table.rows:
            self.table.remove_row(basket_id)
        self._update_info()

    def row(self, basket_id: str) -> BasketSummary | None:
        """The listed summary of a basket (None when it is not loaded in the list)."""
        basket_id = basket_id.lower()
        return next((r for r in self.rows if r.id.lower() == basket_id), None)

    def highlighted_id(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:  # cursor outside the rows while the table is being rebuilt
            return None
        return key.value

    def select(self, basket_id: str) -> None:
        basket_id = basket_id.lower()
        if basket_id in self.table.rows:
            self.table.move_cursor(row=self.table.get_row_index(basket_id))

    # -- drawing ----------------------------------------------------------------------------

    def _cells(self, s: BasketSummary, *, new: bool = False) -> list[Text]:
        total = s.grand_total_formatted or amount(s.grand_total, s.currency_code)
        user = user_label(s.user_email, s.user_id)
        if len(user) > USER_WIDTH:
            user = user[: USER_WIDTH - 1] + "…"
        return [literal(short_id(s.id)), Text(total, justify="right"),
                Text(str(s.line_count), justify="right"), literal(user),
                literal(flags(locked=s.is_locked, quote=s.is_quote, new=new)),
                literal(when(s.last_updated))]

    def _add(self, s: BasketSummary, *, new: bool = False) -> None:
        # Rows are keyed by the lower-case id: GUIDs compare case-insensitively.
        self.table.add_row(*self._cells(s, new=new), key=s.id.lower())

    def _rebuild(self, keep: str | None) -> None:
        table = self.table
        table.clear()
        if self.new_id and all(r.id.lower() != self.new_id for r in self.rows):
            self._add(BasketSummary(id=self.new_id, user_id=None, user_email=None,
                                    currency_code="", line_count=0, grand_total=None,
                                    grand_total_formatted="-", last_updated=""), new=True)
        for row in self.rows:
            self._add(row)
        if keep and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), scroll=True)
        self._update_info()

    def _update_info(self) -> None:
        shown = len(self.rows)
        parts = [f"{shown:,} of {plural(self.total, 'basket')}" if shown < self.total
                 else plural(self.total, "basket")]
        if self.user_id:
            parts.append(f"user {short_id(self.user_id)}")
        if self.query_text:
            parts.append(f"filter: {self.query_text}")
        if self.note:
            parts.append(self.note)
        self.query_one("#baskets-info", Static).update(literal(" · ".join(parts)))

    # -- events -----------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is not self.table:
            return
        near_end = event.cursor_row >= self.table.row_count - PREFETCH_MARGIN
        if near_end and len(self.rows) < self.total and not self.loading_more \
                and not self.to_last:
            self.loading_more = True
            self.post_message(self.NeedMore(len(self.rows)))

    def last_row(self) -> None:
        """`G`: the last row of the whole list, loading the rest first when there is more
        (one call, at most LAST_ROW_LOAD rows)."""
        missing = self.total - len(self.rows)
        if missing <= 0:
            if self.table.row_count:
                self.table.move_cursor(row=self.table.row_count - 1, scroll=True)
            return
        self.to_last = True
        self.loading_more = True
        self.post_message(self.NeedMore(len(self.rows), min(missing, LAST_ROW_LOAD),
                                        to_last=True))

    def open_filter(self) -> None:
        self.filter_input.display = True
        self.filter_input.focus()

    def close_filter(self, *, clear: bool) -> bool:
        """Hide the filter box; True when that cleared an active filter."""
        box = self.filter_input
        had = bool(box.value or self.query_text)
        box.display = False
        if clear and had:
            box.value = ""
            self.post_message(self.FilterChanged("", immediate=True))
        self.table.focus()
        return clear and had

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.post_message(self.FilterChanged(event.value.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.filter_input.display = bool(event.value)
            self.table.focus()
            self.post_message(self.FilterChanged(event.value.strip(), immediate=True))


class BasketsTable(BenchTable):
    """The list's table: `G` goes to the last basket of the list, not of the loaded page."""

    def action_last_row(self) -> None:
        pane = self.parent
        if isinstance(pane, BasketsPane):
            pane.last_row()
        else:
            super().action_last_row()

"""Pane 2: the basket's lines, each child line (personalisation) indented under its parent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual.widgets.data_table import ColumnKey

from ...model.lines import is_child, parent_key
from ..diff import line_key
from ..format import custom_info, literal, negated, plural, price, short_id
from .table import BenchTable

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket
    from ...model.basket import Line as LineItem

COLUMNS = (("product", "product"), ("stock code", "code"), ("qty", "qty"),
           ("unit price", "unit"), ("discount", "discount"), ("line total", "total"),
           ("custom info", "info"))


def display_order(lines: list[LineItem]) -> list[LineItem]:
    """Top-level lines by displayOrder, each followed by its children; children whose parent
    is missing come last, so nothing the backend sent is hidden."""
    def order(ln: LineItem) -> tuple:
        line_id = ln.id or ""
        return (ln.display_order or 0, int(line_id) if line_id.isdigit() else 0)

    tops = sorted((ln for ln in lines if not is_child(ln.parent_product_id)), key=order)
    children: dict[str, list[LineItem]] = {}
    for ln in lines:
        if is_child(ln.parent_product_id):
            children.setdefault(parent_key(ln.parent_product_id), []).append(ln)
    out: list[LineItem] = []
    for top in tops:
        out.append(top)
        out.extend(sorted(children.pop((top.product_id or "").lower(), []), key=order))
    for orphans in children.values():
        out.extend(sorted(orphans, key=order))
    return out


Row = tuple[str, ...]  # a line's cells as plain text, plus its highlight: what is on screen


class LinesPane(Vertical):
    """The lines table. A change redraws only the rows that differ: a quantity change on a
    2,000-line basket updates a few cells, not 14,000 (the table is rebuilt only when lines
    are inserted in the middle or reordered)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.basket: Basket | None = None
        self.lines: list[LineItem] = []
        self.changed: set[str] = set()
        self._keys: list[str] = []  # row keys in table order
        self._rows: dict[str, Row] = {}  # row key -> what that row shows
        # id(line) -> (line, key, row without highlight), for the lines shown: the local
        # backend hands back unchanged lines as the same objects (wirejson/parse.py),
        # so a change formats only the lines it touched.
        self._made: dict[int, tuple[LineItem, str, Row]] = {}
        self._made_for: tuple[str | None, str | None] | None = None  # (basket id, currency)
        self.rebuilds = 0  # full redraws so far (tests check that a change avoids one)

    def compose(self) -> ComposeResult:
        yield BenchTable(id="lines-table")
        yield Static(id="lines-info", markup=False)

    def on_mount(self) -> None:
        self.border_title = "2 Lines"
        for label, key in COLUMNS:
            self.table.add_column(label, key=key)

    @property
    def table(self) -> BenchTable:
        return self.query_one("#lines-table", BenchTable)

    def show(self, basket: Basket | None, changed: set[str] | None = None,
             *, keep: str | None = None) -> None:
        """Draw the lines of `basket`; `changed` line keys are highlighted; the cursor stays on
        `keep` (a line key), else on the line it was on, else at the same index."""
        table = self.table
        same = basket is not None and self.basket is not None and basket.id == self.basket.id
        previous_key = keep or (self.selected_key() if same else None)
        previous_row = table.cursor_row if same else 0
        self.basket = basket
        self.changed = set(changed or ())
        self.lines = display_order(list(basket.line_items or [])) if basket else []
        keys, rows = self._rows_of(basket)
        if not (same and self._patch(keys, rows)):
            self._rebuild(keys, rows)
        if previous_key and previous_key in table.rows:
            table.move_cursor(row=table.get_row_index(previous_key))
        elif self.lines:
            table.move_cursor(row=min(previous_row, len(self.lines) - 1))
        self._update_info(basket)

    def _rows_of(self, basket: Basket | None) -> tuple[list[str], list[Row]]:
        """Each shown line's key and row, formatting only lines not shown before."""
        code = basket.currency_code if basket else None
        made_for = (basket.id, code) if basket else None
        before = self._made if made_for == self._made_for else {}
        made: dict[int, tuple[LineItem, str, Row]] = {}
        keys, rows = [], []
        for ln in self.lines:
            hit = before.get(id(ln))
            if hit is None or hit[0] is not ln:
                hit = (ln, line_key(ln), self._plain(ln, code))
            made[id(ln)] = hit
            keys.append(hit[1])
            rows.append((*hit[2], "changed" if hit[1] in self.changed else ""))
        self._made, self._made_for = made, made_for
        return keys, rows

    @staticmethod
    def _plain(ln: LineItem, code: str | None) -> Row:
        """A line's cells as text, without the highlight."""
        top = not is_child(ln.parent_product_id)
        return (ln.name or ln.stock_code or short_id(ln.product_id), ln.stock_code or "",
                str(ln.qty or 0), price(ln.price, code=code),
                negated(price(ln.discount, code=code)), price(ln.total_price, code=code),
                custom_info(ln), "" if top else "child")

    def _styles(self) -> tuple[Style, Style]:
        """(muted, changed), read once per redraw: every `update_cell` refreshes the table,
        which empties its style cache, and reading a component style again costs ~1 ms."""
        table = self.table
        return table.style_of("muted"), table.style_of("changed")

    @staticmethod
    def _cells(row: Row, styles: tuple[Style, Style]) -> list[Text]:
        name, code, qty, unit, discount, total, info, child, highlighted = row
        muted, changed_style = styles
        name_text = literal(name)
        if child:
            name_text = Text.assemble(("  └ ", muted), name_text)
        cells = [name_text, literal(code), Text(qty, justify="right"),
                 Text(unit, justify="right"), Text(discount, justify="right"),
                 Text(total, justify="right"), literal(info, style=muted)]
        if highlighted:
            for cell in cells:
                cell.stylize(changed_style)
        return cells

    def _rebuild(self, keys: list[str], rows: list[Row]) -> None:
        table = self.table
        table.clear()
        styles = self._styles()
        for key, row in zip(keys, rows):
            table.add_row(*self._cells(row, styles), key=key)
        self._keys, self._rows = keys, dict(zip(keys, rows))
        self.rebuilds += 1

    def _patch(self, keys: list[str], rows: list[Row]) -> bool:
        """Update the table in place: changed cells, removed rows, rows added at the end.
        False (nothing touched) when the change needs a rebuild."""
        table = self.table
        new = set(keys)
        kept = [k for k in self._keys if k in new]
        if keys[:len(kept)] != kept:  # a line inserted in the middle, or lines reordered
            return False
        for key in self._keys:
            if key not in new:
                table.remove_row(key)
                del self._rows[key]
        columns = [ColumnKey(key) for _, key in COLUMNS]
        styles = self._styles()
        for key, row in zip(keys, rows):
            old = self._rows.get(key)
            if old is None:
                table.add_row(*self._cells(row, styles), key=key)
            elif old != row:
                cells = self._cells(row, styles)
                for index, column in enumerate(columns):
                    # A highlight restyles every cell; otherwise only the values that moved.
                    if old[-1] != row[-1] or old[index] != row[index] \
                            or (index == 0 and old[7] != row[7]):
                        # Only a wider value resizes the column: asking the table to fit a
                        # narrower one makes it measure the whole column.
                        wider = cells[index].cell_len > table.columns[column].content_width
                        table.update_cell(key, column, cells[index], update_width=wider)
            self._rows[key] = row
        self._keys = keys
        return True

    def _update_info(self, basket: Basket | None) -> None:
        info = self.query_one("#lines-info", Static)
        if basket is None:
            info.update(literal("no basket open: choose one in pane 1 (enter), or n for new"))
            return
        units = sum(ln.qty or 0 for ln in basket.line_items or [])
        text = f"{plural(len(self.lines), 'line')}, {plural(units, 'unit')}"
        basket_info = custom_info(basket)
        if basket_info:
            text += f" · basket info: {basket_info}"
        info.update(literal(text), layout=False)  # one line: no layout pass per change

    def clear_highlight(self) -> None:
        if self.changed and self.basket is not None:
            self.show(self.basket, set())

    def selected(self) -> LineItem | None:
        if not self.lines or not self.table.row_count:
            return None
        row = self.table.cursor_row
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def selected_key(self) -> str | None:
        line = self.selected()
        return line_key(line) if line is not None else None

    def select(self, key: str) -> None:
        if key in self.table.rows:
            self.table.move_cursor(row=self.table.get_row_index(key))

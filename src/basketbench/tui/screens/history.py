"""The history view of the open basket (`h`): its versions newest first, with operation,
actor, time and a one-line summary, loaded a page at a time (moving to the last row, or G or
ctrl+end, loads more). `enter` shows the version read-only with a diff against the version
before it; `space` marks a version and `d` diffs it against the one under the cursor; `r`
restores the version under the cursor (asks first; a new version, through the workbench's
usual change path); `x` exports the history as a flow file (asks for the file name)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import DataTable, Static

from ...backends import BackendError
from ...flows.diff import diff_baskets, render_diff
from ...model.basket import Basket
from ...model.ids import is_none_id
from ...model.lines import is_child
from ..format import custom_info, literal, plural, price, short_id, when
from .base import Dialog
from .confirm import ConfirmScreen
from .prompt import TextPromptScreen

PAGE = 50


def basket_text(basket: Basket) -> str:
    """A version of a basket as plain text: lines, codes, delivery, totals."""
    code = basket.currency_code
    out = []
    lines = sorted(basket.line_items or [], key=lambda ln: ln.display_order or 0)
    for ln in lines:
        indent = "" if not is_child(ln.parent_product_id) else "  + "
        info = custom_info(ln)
        out.append(f"{indent}{ln.stock_code or ln.product_id}  {ln.qty} x "
                   f"{price(ln.price, code=code)} = {price(ln.total_price, code=code)}"
                   + (f"  [{info}]" if info else ""))
    if not lines:
        out.append("(no lines)")
    codes = [p.promo_code or p.voucher_code for p in basket.promotions_applied or []]
    if any(codes):
        out.append("Codes: " + ", ".join(c for c in codes if c))
    if basket.shipping_method_id:
        out.append(f"Shipping: {basket.shipping_method_id}")
    for label, text in (("User", basket.user_email or basket.user_id), ("PO", basket.po_number),
                        ("Instruction", basket.delivery_instruction)):
        if not is_none_id(text):
            out.append(f"{label}: {text}")
    for label, value in (("Sub total", basket.sub_total), ("Discount", basket.discount),
                         ("Shipping", basket.shipping_charge),
                         ("Grand total", basket.grand_total)):
        out.append(f"{label}: {price(value, code=code)}")
    return "\n".join(out) + "\n"


class TextScreen(Dialog[None]):
    """A wide, scrollable text (a version, a diff), shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,q", "close", "Close")]
    DEFAULT_CSS = """
    TextScreen #text-scroll { height: 1fr; }
    TextScreen #text-body { width: auto; }
    """

    def __init__(self, title: str, loader: Any) -> None:
        super().__init__()
        self.title_text, self.loader = title, loader
        self.text = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-full"):
            yield self.title_line(self.title_text)
            with ScrollableContainer(id="text-scroll"):
                yield Static(literal("loading…"), markup=False, id="text-body")
            yield self.message_line()
            yield self.hint_line("arrows scroll · enter / esc: close")

    def on_mount(self) -> None:
        self.query_one("#text-scroll").focus()
        self.call_backend(self.loader, self._loaded, group="history-text")

    def _loaded(self, text: str | None, error: BackendError | None) -> None:
        if error is not None:
            self.query_one("#text-body", Static).update(literal(""))
            self.say(f"could not read the version: {error.code}: {error.message}",
                     kind="error")
            return
        self.text = text or ""
        self.query_one("#text-body", Static).update(literal(self.text))


class HistoryScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "show", "Show", show=False),
        Binding("space", "mark", "Mark", show=False),
        Binding("d", "diff", "Diff", show=False),
        Binding("r", "restore", "Restore", show=False),
        Binding("x", "export", "Export flow", show=False),
        Binding("G", "last_row", "Last row", show=False),
    ]
    DEFAULT_CSS = """
    HistoryScreen DataTable { height: 1fr; }
    """

    def __init__(self, bench: Any, basket_id: str) -> None:
        super().__init__()
        self.bench, self.basket_id = bench, basket_id
        self.rows: list[dict] = []  # newest first, as loaded
        self.total = 0
        self.marked: int | None = None
        self.loading = False
        self.note = ""  # said before the counts once the list has loaded again

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-full"):
            yield self.title_line(f"History of basket {short_id(self.basket_id)}")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield self.message_line()
            yield self.hint_line("enter: show version · space: mark · d: diff marked with "
                                 "cursor · r: restore · x: export as flow · G: oldest · "
                                 "esc: close")

    @property
    def table(self) -> DataTable:
        return self.query_one("#history-table", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns("", "Version", "When", "Actor", "Operation", "What moved")
        self.table.focus()
        self.load()

    # -- loading, a page at a time --------------------------------------------------------

    def load(self, *, again: bool = False) -> None:
        if again:
            self.rows, self.total = [], 0
            self.table.clear()
        self.loading = True
        offset = len(self.rows)
        self.call_backend(lambda: self.bench.backend.history(self.basket_id, offset=offset,
                                                             limit=PAGE),
                          self._page, group="history-page")

    def _page(self, page: dict | None, error: BackendError | None) -> None:
        self.loading = False
        if error is not None:
            self.say(f"could not read the history: {error.code}: {error.message}",
                     kind="error")
            return
        assert page is not None
        self.total = page["total"]
        for row in page["rows"]:
            if any(r["version"] == row["version"] for r in self.rows):
                continue
            self.rows.append(row)
            self.table.add_row(*self._cells(row), key=str(row["version"]))
        more = f"; {self.total - len(self.rows)} older: move to the last row" \
            if len(self.rows) < self.total else ""
        note, self.note = self.note, ""
        self.say(f"{note}{plural(self.total, 'version')}, {len(self.rows)} shown{more}",
                 kind="ok" if note else "info")

    def _cells(self, row: dict) -> tuple:
        mark = "*" if row["version"] == self.marked else ""
        summary = row["summary"] + ("  [deleted]" if row["deleted"] else "")
        return (mark, f"v{row['version']}", when(row["at"]), row["actor"], row["op"], summary)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.rows) - 1 and len(self.rows) < self.total \
                and not self.loading:
            self.load()

    def action_last_row(self) -> None:
        """To the oldest version loaded (as G in the workbench); that loads the next page."""
        self.table.move_cursor(row=len(self.rows) - 1)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on the table: the table's own binding selects the row
        self.action_show()

    def current(self) -> dict | None:
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- looking ----------------------------------------------------------------------------

    def action_show(self) -> None:
        row = self.current()
        if row is None:
            return
        version = row["version"]
        previous = next((r["version"] for r in self.rows if r["version"] < version), None)
        backend, bid = self.bench.backend, self.basket_id

        async def text() -> str:
            basket = await backend.basket_version(bid, version)
            out = [f"Version {version} · {row['op']} · {row['actor']} · {when(row['at'])}",
                   row["summary"], "", basket_text(basket)]
            if previous is not None:
                before = await backend.basket_version(bid, previous)
                out += [f"Against version {previous}:",
                        render_diff(diff_baskets(before, basket),
                                    a_label=f"version {previous}",
                                    b_label=f"version {version}")]
            return "\n".join(out)

        self.app.push_screen(TextScreen(f"Basket {short_id(bid)} at version {version} "
                                        "(read-only)", text))

    def action_mark(self) -> None:
        row = self.current()
        if row is None:
            return
        old = self.marked
        self.marked = None if old == row["version"] else row["version"]
        for version in (old, self.marked):
            if version is not None and str(version) in self.table.rows:
                self.table.update_cell(str(version), self.table.ordered_columns[0].key,
                                       "*" if version == self.marked else "")
        self.say(f"version {self.marked} marked: move to another and press d"
                 if self.marked is not None else "mark cleared")

    def action_diff(self) -> None:
        row = self.current()
        if row is None:
            return
        if self.marked is None:
            self.say("mark a version first (space), then move to another and press d",
                     kind="error")
            return
        a, b = sorted((self.marked, row["version"]))
        backend, bid = self.bench.backend, self.basket_id

        async def text() -> str:
            first = await backend.basket_version(bid, a)
            second = await backend.basket_version(bid, b)
            return render_diff(diff_baskets(first, second), a_label=f"version {a}",
                               b_label=f"version {b}")

        self.app.push_screen(TextScreen(f"Basket {short_id(bid)}: version {a} against {b}",
                                        text))

    # -- going back ---------------------------------------------------------------------------

    def action_restore(self) -> None:
        row = self.current()
        if row is None:
            return
        version = row["version"]
        if row["deleted"]:
            self.say(f"version {version} is the deletion of the basket: restore the one "
                     "before it", kind="error")
            return
        shown = self.bench.basket
        now = shown.version if shown is not None else None
        question = (f"Restore basket {self.basket_id} to version {version} ({row['summary']})?"
                    f"\n\nThe basket becomes what it was then: lines, codes, delivery and "
                    f"fields. This is a new version after version {now}; nothing is "
                    "removed from the history, and ctrl+z takes the restore back.")

        def answered(yes: bool | None) -> None:
            if yes and self.bench.restore_version(self.basket_id, version, self._restored):
                self.say(f"restoring version {version}…")

        self.app.push_screen(ConfirmScreen("Restore version", question, yes="Restore"),
                             answered)

    def _restored(self, result: Any, error: BackendError | None) -> None:
        if not self.is_attached:
            return
        if error is not None:
            self.say(f"restore failed: {error.code}: {error.message}", kind="error")
            return
        basket = result if isinstance(result, Basket) else None
        self.note = f"restored: now version {basket.version if basket else '?'}; "
        self.load(again=True)

    def action_export(self) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
        folder = Path("flows")
        name = f"history-{short_id(self.basket_id)}-{stamp}.toml"
        default = str(folder / name) if folder.is_dir() else name

        def entered(path: str | None) -> None:
            if path:
                self._export(path)

        self.app.push_screen(TextPromptScreen("Export the history as a flow: file name",
                                              default, allow_empty=False,
                                              hint="enter: write · esc: cancel"), entered)

    def _export(self, path: str) -> None:
        from ...flows.history_export import ExportError, export_history

        backend, bid = self.bench.backend, self.basket_id

        async def write() -> str:
            try:
                recorder = await export_history(backend, bid)
                target = recorder.save(path)
            except (ExportError, OSError, ValueError) as exc:
                raise BackendError(0, "EXPORT", str(exc)) from None
            return f"wrote {plural(recorder.step_count, 'step')} to {target}"

        def written(text: str | None, error: BackendError | None) -> None:
            if error is not None:
                self.say(f"not exported: {error.message}", kind="error")
            else:
                self.say(text or "", kind="ok")

        self.say(f"exporting to {path}…")
        self.call_backend(write, written, group="history-export")

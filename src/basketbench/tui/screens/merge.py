"""Merge another basket into the open one: pick the source and the strategy, see the merged
lines (a dry run: `backend.merge(..., dry_run=True)` changes nothing), then confirm."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from ...backends import Backend, BackendError, BasketSummary
from ...wire import Basket
from ..diff import lines_by_key
from ..format import literal, price, short_id, user_label, when
from ..panes.baskets import summary_of_short
from .add_item import GUID
from .base import Dialog

SEARCH_DELAY = 0.2


def source_label(s: BasketSummary) -> str:
    return (f"{short_id(s.id)}  {user_label(s.user_email, s.user_id)}  {s.line_count} lines  "
            f"{s.grand_total_formatted}  {when(s.last_updated)}")


class MergeScreen(Dialog[dict]):
    """Answers {"source": basket id, "strategy": name}."""

    def __init__(self, backend: Backend, target: Basket) -> None:
        super().__init__()
        self.backend, self.target = backend, target
        self.strategies = tuple(backend.capabilities.merge_strategies) or ("sum",)
        self.strategy = "sum" if "sum" in self.strategies else self.strategies[0]
        self.candidates: list[BasketSummary] = []
        self.candidates_for: str | None = None  # the filter the candidates answer
        self.source: str | None = None
        self.preview: Basket | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line(f"Merge into basket {short_id(self.target.id)} "
                                  f"({user_label(self.target.user_email, self.target.user_id)})")
            yield Input(placeholder="source basket: filter by id, user or product, or paste "
                        "its id", id="source-filter")
            yield OptionList(id="sources", markup=False)
            with RadioSet(id="strategy"):
                for name in self.strategies:
                    yield RadioButton(name, value=name == self.strategy, name=name)
            yield DataTable(id="preview", cursor_type="none", zebra_stripes=True)
            yield self.message_line()
            with Horizontal(classes="dialog-buttons"):
                yield Button("Merge", id="merge", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")
            yield self.hint_line("enter on a basket: preview · then enter on Merge · "
                                 "sum adds quantities, max keeps the larger, replace takes "
                                 "the source's · the source basket is deleted")

    def on_mount(self) -> None:
        table = self.query_one("#preview", DataTable)
        for label in ("stock code", "product", "qty now", "qty merged"):
            table.add_column(label)
        self.query_one("#source-filter", Input).focus()
        self.load_candidates("")

    # -- sources ----------------------------------------------------------------------------

    @on(Input.Changed, "#source-filter")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self.load_candidates(event.value))

    def load_candidates(self, text: str) -> None:
        self.run_worker(self._candidates(text.strip()), group="sources", exclusive=True,
                        exit_on_error=False)

    async def _candidates(self, text: str, *, then_choose: bool = False) -> None:
        try:
            if self.backend.capabilities.list_all:
                page = await self.backend.list_baskets(query=text or None, limit=50)
                found = page.rows
            elif self.target.user_id:
                found = [summary_of_short(b)
                         for b in await self.backend.list_user_baskets(self.target.user_id)]
                found = [s for s in found if text.lower() in source_label(s).lower()]
            else:
                found = []
        except BackendError as exc:
            self.say(f"could not list baskets: {exc.message} (paste a basket id instead)",
                     kind="error")
            return
        target = (self.target.id or "").lower()
        self.candidates = [s for s in found if s.id.lower() != target]
        options = self.query_one("#sources", OptionList)
        options.clear_options()
        options.add_options([Option(source_label(s)) for s in self.candidates])
        self.candidates_for = text
        if self.candidates:
            options.highlighted = 0
        if then_choose:
            self.choose_for(text)

    def on_key(self, event) -> None:
        if (event.key == "down" and self.focused is self.query_one("#source-filter")
                and self.candidates):
            event.stop()
            self.query_one("#sources", OptionList).focus()

    @on(Input.Submitted, "#source-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self._timer is not None:
            self._timer.stop()
        if text != self.candidates_for and not GUID.match(text):
            # enter came before the list for this filter: load it, then choose
            self.run_worker(self._candidates(text, then_choose=True), group="sources",
                            exclusive=True, exit_on_error=False)
            return
        self.choose_for(text)

    def choose_for(self, text: str) -> None:
        options = self.query_one("#sources", OptionList)
        if GUID.match(text):
            self.choose(text.lower())
        elif self.candidates and options.highlighted is not None:
            self.choose(self.candidates[options.highlighted].id)
        else:
            self.say("no basket matches: change the filter or paste a basket id", kind="error")

    @on(OptionList.OptionSelected, "#sources")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.candidates[event.option_index].id)

    @on(RadioSet.Changed, "#strategy")
    def _strategy(self, event: RadioSet.Changed) -> None:
        self.strategy = event.pressed.name or self.strategy
        if self.source:
            self.choose(self.source)

    # -- preview ----------------------------------------------------------------------------

    def choose(self, source: str) -> None:
        self.source = source
        self.preview = None
        button = self.query_one("#merge", Button)
        if not self.backend.capabilities.merge_preview:
            button.disabled = False
            self.say(f"source {short_id(source)}, strategy {self.strategy}: this backend "
                     "cannot preview a merge; Merge applies it")
            button.focus()
            return
        button.disabled = True
        self.say(f"previewing {short_id(source)} with {self.strategy}…")
        self.run_worker(self._preview(source, self.strategy), group="preview", exclusive=True,
                        exit_on_error=False)

    async def _preview(self, source: str, strategy: str) -> None:
        try:
            merged = await self.backend.merge(self.target.id, source, strategy=strategy,
                                              dry_run=True)
        except BackendError as exc:
            self.show_preview(None)
            extra = "; ".join(exc.field_errors)
            self.say(f"cannot merge: {exc.message}" + (f" ({extra})" if extra else ""),
                     kind="error")
            return
        if (source, strategy) == (self.source, self.strategy):
            self.show_preview(merged)

    def show_preview(self, merged: Basket | None) -> None:
        self.preview = merged
        table = self.query_one("#preview", DataTable)
        table.clear()
        button = self.query_one("#merge", Button)
        button.disabled = merged is None
        if merged is None:
            return
        now = lines_by_key(self.target)
        for key, line in lines_by_key(merged).items():
            before = now.get(key)
            qty_now = str(before.qty) if before is not None else "-"
            style = "" if before is not None and before.qty == line.qty else "bold"
            table.add_row(literal(line.stock_code), literal(line.name),
                          Text(qty_now, justify="right"),
                          Text(str(line.qty), justify="right", style=style))
        self.say(f"grand total {price(self.target.grand_total)} -> {price(merged.grand_total)}"
                 f" · {len(merged.line_items or [])} lines · strategy {self.strategy}",
                 kind="ok")
        button.focus()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "merge" and self.source:
            self.dismiss({"source": self.source, "strategy": self.strategy})
        else:
            self.dismiss(None)

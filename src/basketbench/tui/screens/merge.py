"""Merge another basket into the open one: pick the source and the strategy, see the merged
lines (a dry run: `backend.merge(..., dry_run=True)` changes nothing), then confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from ...backends import Backend, BackendError, BasketSummary
from ...model.summary import summary_of
from ..diff import lines_by_key
from ..format import literal, plural, price, short_id, user_label, when
from .add_item import GUID
from .base import Dialog

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket

SEARCH_DELAY = 0.2


def source_label(s: BasketSummary) -> str:
    return (f"{short_id(s.id)}  {user_label(s.user_email, s.user_id)}  "
            f"{plural(s.line_count, 'line')}  "
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
            preview: DataTable[Text] = DataTable(id="preview", cursor_type="none",
                                                 zebra_stripes=True)
            preview.can_focus = False  # tab goes from the strategies straight to Merge
            yield preview
            yield self.message_line()
            with Horizontal(classes="dialog-buttons"):
                yield Button("Merge", id="merge", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")
            yield self.hint_line("enter on a basket: preview · tab to Merge, enter: merge · "
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

    def load_candidates(self, text: str, *, then_choose: bool = False) -> None:
        text = text.strip()
        self.call_backend(lambda: self._find(text),
                          lambda found, error: self._listed(text, found, error, then_choose),
                          group="sources")

    async def _find(self, text: str) -> list[BasketSummary]:
        if self.backend.capabilities.list_all:
            return (await self.backend.list_baskets(query=text or None, limit=50)).rows
        if self.target.user_id:
            found = [summary_of(b)
                     for b in await self.backend.list_user_baskets(self.target.user_id)]
            return [s for s in found if text.lower() in source_label(s).lower()]
        return []

    def _listed(self, text: str, found: list[BasketSummary] | None,
                error: BackendError | None, then_choose: bool) -> None:
        if error is not None:
            self.say(f"could not list baskets: {error.message} (paste a basket id instead)",
                     kind="error")
            return
        target = (self.target.id or "").lower()
        self.candidates = [s for s in found or [] if s.id.lower() != target]
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
            self.load_candidates(text, then_choose=True)
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
            self.say(f"{self.consequence()} · this backend cannot preview a merge; tab to "
                     "Merge and press enter to apply it")
            self.focus_strategies()
            return
        button.disabled = True
        self.say(f"previewing {short_id(source)} with {self.strategy}…")
        strategy, target_id = self.strategy, self.target.id
        assert target_id is not None  # the open basket: it always has an id
        self.call_backend(
            lambda: self.backend.merge(target_id, source, strategy=strategy, dry_run=True),
            lambda merged, error: self._previewed(source, strategy, merged, error),
            group="preview")

    def consequence(self) -> str:
        """What Merge will do, in words (said before it can be pressed)."""
        return (f"Merge adds basket {short_id(self.source)}'s lines to "
                f"{short_id(self.target.id)} ({self.strategy}); basket "
                f"{short_id(self.source)} will be deleted")

    def focus_strategies(self) -> None:
        # After a source is chosen the focus goes to the strategies, never to Merge: an enter
        # meant for choosing must not merge. Merge is one deliberate tab away.
        if self.focused is self.query_one("#source-filter") or self.focused is \
                self.query_one("#sources"):
            self.query_one("#strategy", RadioSet).focus()

    def _previewed(self, source: str, strategy: str, merged: Basket | None,
                   error: BackendError | None) -> None:
        if (source, strategy) != (self.source, self.strategy):
            return  # another source or strategy was chosen meanwhile
        if error is not None:
            self.show_preview(None)
            extra = "; ".join(error.field_errors)
            self.say(f"cannot merge: {error.message}" + (f" ({extra})" if extra else ""),
                     kind="error")
            return
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
        lines = len(merged.line_items or [])
        self.say(f"{self.consequence()} · grand total {price(self.target.grand_total)} -> "
                 f"{price(merged.grand_total)} · {plural(lines, 'line')} · tab to Merge, "
                 "enter", kind="ok")
        self.focus_strategies()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        # Only the Merge button itself commits (enter or space on it while it has the
        # focus, or a click): nothing else in this dialog merges.
        if event.button.id == "merge" and self.source:
            self.dismiss({"source": self.source, "strategy": self.strategy})
        else:
            self.dismiss(None)

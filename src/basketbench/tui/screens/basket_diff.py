"""Two baskets side by side: `render_diff` of the open basket (A) and another one (B), read
fresh from the backend, in a wide scrollable dialog. The text is shown literally, in the
terminal's monospace, and scrolls both ways (long ids and many lines)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

from ...backends import Backend, BackendError
from ...flows.diff import BasketDiff, diff_baskets, render_diff
from ..format import literal, short_id
from .base import Dialog


class BasketDiffScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,q", "close", "Close")]
    DEFAULT_CSS = """
    BasketDiffScreen #diff-scroll {
        height: 1fr;
    }
    BasketDiffScreen #diff-text {
        width: auto;
    }
    """

    def __init__(self, backend: Backend, a_id: str, b_id: str) -> None:
        super().__init__()
        self.backend, self.a_id, self.b_id = backend, a_id, b_id
        self.text = ""  # the rendered diff, once loaded
        self.diff: BasketDiff | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-full"):
            yield self.title_line(f"Diff: A {short_id(self.a_id)} · B {short_id(self.b_id)}")
            with ScrollableContainer(id="diff-scroll"):
                yield Static(literal("loading both baskets…"), markup=False, id="diff-text")
            yield self.message_line()
            yield self.hint_line("+ only in B · - only in A · ~ changed · arrows scroll · "
                                 "enter / esc: close")

    def on_mount(self) -> None:
        self.query_one("#diff-scroll").focus()
        self.call_backend(self._both, self._loaded, group="basket-diff")

    async def _both(self) -> tuple:
        return (await self.backend.get_basket(self.a_id),
                await self.backend.get_basket(self.b_id))

    def _loaded(self, both: tuple | None, error: BackendError | None) -> None:
        if error is not None:
            self.query_one("#diff-text", Static).update(literal(""))
            self.say(f"could not read a basket: {error.code}: {error.message}", kind="error")
            return
        assert both is not None  # no error: the call's result
        a, b = both
        self.diff = diff = diff_baskets(a, b)
        self.text = render_diff(diff)
        self.query_one("#diff-text", Static).update(literal(self.text))
        self.say("the baskets are the same" if diff.same else
                 f"{len(diff.lines)} line change(s), {len(diff.totals)} total(s) "
                 "differ", kind="ok" if diff.same else "info")

"""The explanation of a basket's figures (key `w`): read-only text, scrollable. On a backend
that cannot explain (a live API), it shows the audit of the basket's own numbers instead."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ..format import literal
from .base import Dialog


class ExplainScreen(Dialog[None]):
    BINDINGS = [("w,q", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-full"):
            yield self.title_line(self.title_text)
            with VerticalScroll(id="explain-scroll"):
                # User text (product names, engraving text) is shown literally, never as markup.
                yield Static(literal(self.text), id="explain-text", markup=False)
            yield self.hint_line("esc / w / q: close · up/down, pgup/pgdn: scroll")

    def on_mount(self) -> None:
        self.query_one("#explain-scroll").focus()

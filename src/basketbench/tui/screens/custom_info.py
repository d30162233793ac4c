"""Edit customInfo1..5 of the basket or of one line. The values are user text: they are
shown and stored exactly as typed, never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from ...model.requests import CustomTexts
from ..format import literal
from .base import Dialog

MAX_LENGTH = 2000


class CustomInfoScreen(Dialog[CustomTexts]):
    """Answers the five texts (empty strings for blanks: the endpoint replaces them all)."""

    def __init__(self, title: str, values: CustomTexts) -> None:
        super().__init__()
        self.title_text = title
        self.values = [text or "" for text in values.texts]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line(self.title_text)
            for n, value in enumerate(self.values, 1):
                with Horizontal(classes="dialog-row"):
                    yield Static(literal(f"Info {n}:"), markup=False, classes="dialog-label")
                    yield Input(value, id=f"info{n}", max_length=MAX_LENGTH)
            yield self.message_line()
            yield self.hint_line("tab: next field · enter: save all · esc: cancel")

    def on_mount(self) -> None:
        self.query_one("#info1", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(CustomTexts.of([self.query_one(f"#info{n}", Input).value
                                     for n in range(1, 6)]))

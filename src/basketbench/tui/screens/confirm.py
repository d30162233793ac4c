"""Yes or no, with the question literally as given."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ..format import literal
from .base import Dialog


class ConfirmScreen(Dialog[bool]):
    BINDINGS = [("y", "answer(True)", "Yes"), ("n", "answer(False)", "No")]

    def __init__(self, title: str, question: str, *, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text, self.question, self.yes = title, question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_line(self.title_text)
            yield Static(literal(self.question), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button("No", id="no")
            yield self.hint_line("y: yes · n / esc: no · tab + enter: the buttons")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_close(self) -> None:
        self.dismiss(False)

"""An error too long for a notification (or one that is a bug): the message, the field
errors and where it happened, all shown literally. The app keeps running behind it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from ..format import literal
from .base import Dialog


class ErrorScreen(Dialog[None]):
    BINDINGS = [("enter", "close", "Close")]

    def __init__(self, title: str, message: str, details: list[str] | None = None) -> None:
        super().__init__()
        self.title_text, self.message, self.details = title, message, list(details or [])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide dialog-error"):
            yield self.title_line(self.title_text)
            with VerticalScroll(id="error-scroll"):
                yield Static(literal(self.message), markup=False, id="error-message")
                for line in self.details:
                    yield Static(literal(f"• {line}"), markup=False, classes="error-detail")
            yield Button("Close", id="close", variant="error")
            yield self.hint_line("enter / esc: close · the workbench keeps running")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

"""One-line prompts: a quantity, or a text value (PO number, instruction, campaign...)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from .base import Dialog


class QuantityScreen(Dialog[int]):
    """A whole number >= 0; refuses anything else in the dialog, naming the value."""

    def __init__(self, title: str, current: int, *, maximum: int | None = None) -> None:
        super().__init__()
        self.title_text, self.current, self.maximum = title, current, maximum

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_line(self.title_text)
            # No `restrict`: a minus sign or a letter is refused with a message naming it,
            # never silently dropped (typing -5 must not set 5).
            yield Input(str(self.current), id="qty", max_length=7)
            yield self.message_line()
            yield self.hint_line("enter: set · 0 removes the line · esc: cancel")

    def on_mount(self) -> None:
        # Input selects its text on focus, so typing replaces the current quantity.
        self.query_one("#qty", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value.isdigit():
            self.say(f"quantity must be a whole number of 0 or more (got {value!r})",
                     kind="error")
            return
        qty = int(value)
        if self.maximum is not None and qty > self.maximum:
            self.say(f"quantity must be at most {self.maximum} (got {qty})", kind="error")
            return
        self.dismiss(qty)


class TextPromptScreen(Dialog[str]):
    """A text value; an empty value means "clear" (dismisses with ""), escape cancels (None)."""

    def __init__(self, title: str, value: str | None, *, placeholder: str = "",
                 max_length: int = 0, hint: str = "enter: save (empty clears) · esc: cancel",
                 allow_empty: bool = True) -> None:
        super().__init__()
        self.title_text, self.value = title, value or ""
        self.placeholder, self.max_length, self.hint = placeholder, max_length, hint
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_line(self.title_text)
            yield Input(self.value, placeholder=self.placeholder, id="text",
                        max_length=self.max_length)
            yield self.message_line()
            yield self.hint_line(self.hint)

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value and not self.allow_empty:
            self.say("a value is required", kind="error")
            return
        self.dismiss(value)

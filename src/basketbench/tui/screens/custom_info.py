"""Edit customInfo1..5 of the basket or of one line. The values are user text: they are
shown and stored exactly as typed, never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from ..format import literal
from .base import Dialog

FIELDS = tuple(f"customInfo{n}" for n in range(1, 6))
MAX_LENGTH = 2000


class CustomInfoScreen(Dialog[dict]):
    """Answers {"customInfo1": ..., ..., "customInfo5": ...} (empty strings for blanks)."""

    def __init__(self, title: str, values: dict[str, str | None]) -> None:
        super().__init__()
        self.title_text = title
        self.values = {k: values.get(k) or "" for k in FIELDS}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line(self.title_text)
            for n, key in enumerate(FIELDS, 1):
                with Horizontal(classes="dialog-row"):
                    yield Static(literal(f"Info {n}:"), markup=False, classes="dialog-label")
                    yield Input(self.values[key], id=f"info{n}", max_length=MAX_LENGTH)
            yield self.message_line()
            yield self.hint_line("tab: next field · enter: save all · esc: cancel")

    def on_mount(self) -> None:
        self.query_one("#info1", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss({key: self.query_one(f"#info{n}", Input).value
                      for n, key in enumerate(FIELDS, 1)})

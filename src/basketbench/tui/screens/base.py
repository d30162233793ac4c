"""The base of every dialog: a modal box with a title, escape closes it (binding
'dialog.close'), and a line where refusals and errors are shown."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import actions
from ..format import literal

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("dialog")

    def action_close(self) -> None:
        self.dismiss(None)

    @staticmethod
    def title_line(text: str) -> Static:
        return Static(literal(text), classes="dialog-title", markup=False)

    @staticmethod
    def hint_line(text: str) -> Static:
        return Static(literal(text), classes="dialog-hint", markup=False)

    @staticmethod
    def message_line(id: str = "dialog-message") -> Static:
        return Static("", id=id, classes="dialog-message", markup=False)

    def say(self, text: str, *, kind: str = "info", id: str = "dialog-message") -> None:
        """Show a result or refusal in the dialog (kind: info, ok, error)."""
        line = self.query_one(f"#{id}", Static)
        line.update(literal(text))
        for k in ("info", "ok", "error"):
            line.set_class(k == kind, f"-{k}")

    @property
    def said(self) -> str:
        """The text of the message line (for tests)."""
        return str(self.query_one("#dialog-message", Static).content)

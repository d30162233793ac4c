"""The base of every dialog: a modal box with a title, escape closes it (binding
'dialog.close'), a line where refusals and errors are shown, and `call_backend`, the one way
a dialog asks the backend something: the call runs in a worker, which only posts the answer;
the dialog's handler (on the event loop, in message order) is what touches its widgets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from textual.binding import BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ...backends import BackendError
from .. import actions
from ..format import literal
from ..too_small import TooSmall

T = TypeVar("T")
# then(result, error): error is a BackendError (a bug becomes one too), result None with it.
Then = Callable[[Any, BackendError | None], None]


@dataclass
class Answered(Message, bubble=False):
    """A backend call of a dialog's worker finished; its handler `then` shows the result."""

    then: Then
    result: Any
    error: BackendError | None


class Dialog(ModalScreen[T]):
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("dialog")
    AUTO_FOCUS = "*"  # the app's own AUTO_FOCUS names the basket list, not a dialog's field

    def on_mount(self) -> None:
        # Runs besides each dialog's own on_mount (Textual calls every class's handler).
        self.mount(TooSmall())

    def call_backend(self, call: Callable[[], Awaitable[Any]], then: Then, *,
                     group: str) -> None:
        """Run `call` in a worker (a newer call of the same group cancels an older one) and
        hand its result or error to `then` through a message."""
        async def work() -> None:
            try:
                result = await call()
            except BackendError as exc:
                self.post_message(Answered(then, None, exc))
            except Exception as exc:  # noqa: BLE001 - a bug: shown in the dialog, no crash
                self.post_message(Answered(then, None, BackendError(
                    0, "UNEXPECTED", f"{type(exc).__name__}: {exc}")))
            else:
                self.post_message(Answered(then, result, None))

        self.run_worker(work(), group=group, exclusive=True, exit_on_error=False)

    def on_answered(self, message: Answered) -> None:
        message.stop()
        if self.is_attached:  # a dialog closed meanwhile has no widgets to show it on
            message.then(message.result, message.error)

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

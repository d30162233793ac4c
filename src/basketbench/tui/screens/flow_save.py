"""Where to save a recorded flow: a file path and the flow's name. A failed save (a folder, no
permission, a bad name) is shown in the dialog, which stays open to try another path; an
existing file is overwritten only after a second enter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from ..format import literal
from .base import Dialog


class SaveFlowScreen(Dialog[str]):
    """Dismisses with the path written, or None (escape: the recording is discarded)."""

    def __init__(self, steps: int, path: str, name: str,
                 save: Callable[[str, str], Path]) -> None:
        super().__init__()
        self.steps, self.path, self.flow_name, self.save = steps, path, name, save
        self._overwrite: Path | None = None  # the existing file a second enter overwrites

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line(f"Save the recorded flow ({self.steps} "
                                  f"step{'s' if self.steps != 1 else ''})")
            with Horizontal(classes="dialog-row"):
                yield Static(literal("File:"), markup=False, classes="dialog-label")
                yield Input(self.path, id="flow-path", placeholder="flows/my-flow.toml")
            with Horizontal(classes="dialog-row"):
                yield Static(literal("Name:"), markup=False, classes="dialog-label")
                yield Input(self.flow_name, id="flow-name", placeholder="the flow's name")
            yield self.message_line()
            yield self.hint_line("enter: save · tab: next field · esc: discard the recording")

    def on_mount(self) -> None:
        self.query_one("#flow-path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._overwrite = None  # a changed path or name needs a fresh confirmation

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = self.query_one("#flow-path", Input).value.strip()
        name = self.query_one("#flow-name", Input).value.strip()
        if not text:
            self.say("file: a path is required, e.g. flows/checkout.toml", kind="error")
            return
        if not name:
            self.say("name: a flow needs a name", kind="error")
            self.query_one("#flow-name", Input).focus()
            return
        target = Path(text).expanduser()
        if target.is_dir():
            self.say(f"file: {text!r} is a folder; give a file name such as "
                     f"{str(target / 'flow.toml')!r}", kind="error")
            return
        if target.exists() and self._overwrite != target:
            self._overwrite = target
            self.say(f"{text!r} exists: enter again to overwrite it", kind="error")
            return
        try:
            saved = self.save(str(target), name)
        except OSError as exc:
            self.say(f"could not save {text!r}: {exc.strerror or exc}", kind="error")
            return
        except Exception as exc:  # noqa: BLE001 - shown, never a crash; the dialog stays
            self.say(f"could not save {text!r}: {exc}", kind="error")
            return
        self.dismiss(str(saved))

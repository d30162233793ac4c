"""The help screen: every action with its keys (after the keymap), binding id and help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from .. import actions
from .base import Dialog


def help_text(keymap: dict[str, str] | None = None) -> Text:
    overrides = actions.normalise_keymap(keymap)
    out = Text()
    for spec in actions.ACTIONS:
        keys = actions.key_label(overrides.get(spec.id, spec.keys))
        out.append(f"{keys:<14}", style="bold")
        out.append(f"{spec.description:<16}")
        out.append(f"{spec.id:<22}", style="dim")
        out.append(spec.help)
        if spec.mutates:
            out.append("  (changes data)", style="dim italic")
        out.append("\n")
    # The example is valid TOML as it stands: a dotted id must be quoted.
    out.append("\nRemap any key by binding id in the config file (basketbench config path):\n",
               style="dim")
    out.append("  [keys]\n  \"line.qty_inc\" = \"=\"\n", style="dim")
    return out


class HelpScreen(Dialog[None]):
    BINDINGS = [("question_mark,f1,q", "close", "Close")]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.text = help_text(keymap)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-full"):
            yield self.title_line("basketbench keys")
            with VerticalScroll(id="help-scroll"):
                yield Static(self.text, markup=False)
            yield self.hint_line("esc / ? / q: close · up/down: scroll")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

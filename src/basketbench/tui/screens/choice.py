"""Pick one of a list (users, stores, applied promo codes), filtered as you type; optionally
accept typed text (an id) when the backend has no list to offer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...backends import BackendError
from .base import Dialog


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str


@dataclass(frozen=True)
class Picked:
    """The answer: an option's value, or (typed=True) the text the user typed."""

    value: Any
    typed: bool = False
    label: str = ""  # the chosen option's label (how the person saw it)


class ChoiceScreen(Dialog[Picked]):
    def __init__(self, title: str, choices: list[Choice] | None = None, *,
                 loader: Callable[[], Awaitable[list[Choice]]] | None = None,
                 allow_text: bool = False, placeholder: str = "type to filter",
                 hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices or [])
        self.loader = loader
        self.allow_text = allow_text
        self.placeholder = placeholder
        self.hint = hint or ("enter: choose · down: the list · esc: cancel"
                             + (" · or type a value and enter" if allow_text else ""))
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_line(self.title_text)
            yield Input(placeholder=self.placeholder, id="choice-filter")
            yield OptionList(id="choice-list", markup=False)
            yield self.message_line()
            yield self.hint_line(self.hint)

    def on_mount(self) -> None:
        self.query_one("#choice-filter", Input).focus()
        self._refilter("")
        if self.loader is not None:
            self.say("loading…")
            self.call_backend(self.loader, self._loaded, group="choices")

    def _loaded(self, choices: list | None, error: BackendError | None) -> None:
        if error is not None:
            self.say(f"could not load the list: {error.message}"
                     + (" (type a value instead)" if self.allow_text else ""), kind="error")
            return
        choices = list(choices or [])
        self.choices = choices
        self.say("" if choices else "nothing to choose from")
        self._refilter(self.query_one("#choice-filter", Input).value)

    def _refilter(self, text: str) -> None:
        needle = text.strip().lower()
        self.shown = [c for c in self.choices if needle in c.label.lower()]
        options = self.query_one("#choice-list", OptionList)
        options.clear_options()
        options.add_options([Option(c.label) for c in self.shown])
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, "#choice-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(Input.Submitted, "#choice-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#choice-list", OptionList)
        text = event.value.strip()
        exact = [c for c in self.shown if c.label.lower() == text.lower()]
        if self.shown and options.highlighted is not None and (exact or not self.allow_text
                                                               or len(self.shown) == 1):
            self.dismiss(Picked(self.shown[options.highlighted].value,
                                label=self.shown[options.highlighted].label))
        elif self.allow_text and text:
            self.dismiss(Picked(text, typed=True))
        else:
            self.say("nothing matches: change the filter", kind="error")

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input) and self.shown:
            event.stop()
            self.query_one("#choice-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#choice-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Picked(self.shown[event.option_index].value,
                            label=self.shown[event.option_index].label))

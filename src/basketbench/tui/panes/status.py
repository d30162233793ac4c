"""The status bar: backend and profile, basket id and version, the last call's result and
duration, what the last action did, and the read-only marker."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..format import literal, short_id


class StatusBar(Static):
    # The markers' colours come from the theme (app.tcss): read-only profiles and Nexudus
    # snapshots in the warning colour.
    COMPONENT_CLASSES: ClassVar[set[str]] = {"status--read-only", "status--snapshot"}

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.backend = ""
        self.profile = ""
        self.read_only = False
        self.snapshot = ""  # what is shown when it is not a basket of the backend
        self.basket = ""
        self.call = ""
        self.message = ""
        self.recording = ""  # e.g. "● REC 5 steps" while a checkout flow is being recorded
        self.text = Text()

    @property
    def plain(self) -> str:
        return self.text.plain

    def set_backend(self, kind: str, label: str, profile: str, read_only: bool) -> None:
        self.backend, self.profile, self.read_only = f"{kind} {label}", profile, read_only
        self.set_class(read_only, "-read-only")
        self._draw()

    def set_snapshot(self, source: str) -> None:
        """Mark the basket shown as a read-only snapshot ("" when it is the backend's)."""
        self.snapshot = source
        self._draw()

    def set_basket(self, basket_id: str | None, version: int | None, *, new: bool = False,
                   busy: bool = False) -> None:
        if not basket_id:
            self.basket = "no basket"
        else:
            self.basket = f"basket {short_id(basket_id)}"
            if new:
                self.basket += " new, not saved"
            elif version is not None:
                self.basket += f" v{version}"
            if busy:
                self.basket += " (saving…)"
        self._draw()

    def set_call(self, text: str) -> None:
        self.call = text
        self._draw()

    def say(self, message: str) -> None:
        self.message = message
        self._draw()

    def set_recording(self, marker: str) -> None:
        """The flow recording marker ("" when not recording)."""
        self.recording = marker
        self._draw()

    def _draw(self) -> None:
        text = Text()
        if self.read_only:
            text.append(" READ-ONLY ", style=self._marker_style("read-only"))
            text.append(" ")
        if self.snapshot:
            text.append(" SNAPSHOT ", style=self._marker_style("snapshot"))
            text.append(" ")
        if self.recording:
            text.append(f" {self.recording} ", style="reverse bold")
            text.append(" ")
        parts = [f"{self.backend} · profile {self.profile}", self.basket, self.call,
                 self.message]
        text.append_text(literal(" │ ".join(p for p in parts if p)))
        self.text = text
        self.update(text, layout=False)  # one line, always: no layout pass per update

    def _marker_style(self, name: str) -> Style | str:
        if not self.is_mounted:  # styles come from the CSS, which needs the widget mounted
            return "reverse bold"
        return self.get_component_rich_style(f"status--{name}", partial=True)

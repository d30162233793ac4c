"""The status bar, two lines: backend and profile, basket id and version, the last call's
result and duration and the read-only marker; below, what the last action did."""

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
        first = Text()
        if self.read_only:
            first.append(" READ-ONLY ", style=self._marker_style("read-only"))
            first.append(" ")
        if self.snapshot:
            first.append(" SNAPSHOT ", style=self._marker_style("snapshot"))
            first.append(" ")
        if self.recording:
            first.append(f" {self.recording} ", style="reverse bold")
            first.append(" ")
        # The basket and the last call first: a long database path is what gets cut.
        parts = [self.basket, self.call, f"{self.backend} · profile {self.profile}"]
        first.append_text(literal(" │ ".join(p for p in parts if p)))
        # What the last action did has a line of its own, so a long change summary (its
        # grand total before and after comes last) is not pushed out by the rest.
        second = literal(self.message)
        width = self.content_size.width if self.is_mounted else 0
        if width > 0:  # each line cut at the edge, never wrapped into the next
            first.truncate(width, overflow="ellipsis")
            second.truncate(width, overflow="ellipsis")
        self.text = Text("\n").join([first, second])
        self.update(self.text, layout=False)  # two lines, always: no layout pass per update

    def on_resize(self) -> None:
        self._draw()

    def _marker_style(self, name: str) -> Style | str:
        if not self.is_mounted:  # styles come from the CSS, which needs the widget mounted
            return "reverse bold"
        return self.get_component_rich_style(f"status--{name}", partial=True)

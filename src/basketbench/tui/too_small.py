"""A clear message instead of a broken layout when the terminal is below the minimum size.

Below MIN_WIDTH x MIN_HEIGHT the app sets the class `-too-small` on itself; every screen (the
main one and each dialog) holds one `TooSmall`, which app.tcss then shows over the whole
screen, so neither `… … …` totals nor a dialog without its buttons is ever drawn.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 100, 28


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmall(Static):
    DEFAULT_CSS = """
    TooSmall {
        display: none;
        dock: top;
        width: 100%;
        height: 100%;
        background: $background;
        color: $warning;
        content-align: center middle;
        text-align: center;
        text-style: bold;
    }
    """

    def render(self) -> RenderResult:
        width, height = self.app.size
        return (f"The terminal is too small: {width}x{height}.\n"
                f"basketbench needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window "
                "(q quits).")

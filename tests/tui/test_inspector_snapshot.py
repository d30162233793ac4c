"""SVG snapshots of the request inspector with fixed calls, in a dark and a light theme.
Update after an intended change of the look: pytest tests/tui/test_inspector_snapshot.py
--snapshot-update (then look at the SVGs in __snapshots__ before committing them)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from basketbench.tui.inspector import RequestInspector
from basketbench.tui.themes import register_themes

from .scenes import fixed_log


class InspectorApp(App):
    CSS = "RequestInspector { height: 1fr; }"

    def __init__(self, theme: str) -> None:
        super().__init__()
        register_themes(self, config_dir="/nonexistent")
        self.wanted = theme

    def compose(self) -> ComposeResult:
        yield RequestInspector(fixed_log())

    def on_mount(self) -> None:
        self.theme = self.wanted
        inspector = self.query_one(RequestInspector)
        inspector.table.focus()
        inspector.table.move_cursor(row=1)


async def show_second_call(pilot) -> None:
    inspector = pilot.app.query_one(RequestInspector)
    for _ in range(200):
        await pilot.pause(0.02)
        if "Response body" in inspector.detail_text:
            break
    await pilot.pause()


@pytest.mark.parametrize("theme", ["basketbench-dark", "basketbench-light"])
def test_inspector_snapshot(snap_compare, theme):
    assert snap_compare(InspectorApp(theme), terminal_size=(120, 40),
                        run_before=show_second_call)

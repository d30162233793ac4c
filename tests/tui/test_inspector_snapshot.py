"""SVG snapshots of the request inspector with fixed calls, in a dark and a light theme.
Update after an intended change of the look: pytest tests/tui/test_inspector_snapshot.py
--snapshot-update (then look at the SVGs in __snapshots__ before committing them)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from basketbench.backends.request_log import LoggedCall, RequestLog
from basketbench.tui.inspector import RequestInspector
from basketbench.tui.themes import register_themes

BASKET = "8836058b-8e4f-4a8e-9b43-2a1d51d3c2f1"
BODY = ('{"isValid":true,"status":200,"messageCode":null,"result":{"id":"' + BASKET + '",'
        '"lineItems":[{"stockCode":"POLO-NAVY-L","qty":2,"price":{"raw":{"withTax":24.00}}}],'
        '"grandTotal":{"formatted":{"withTax":"£43.20"}}}}')


def fixed_log() -> RequestLog:
    """Calls with fixed ids and timings (a real log numbers calls process-wide)."""
    log = RequestLog()
    auth = {"Authorization": "***", "Accept": "application/json", "Currency": "GBP"}
    log.calls.extend([
        LoggedCall("POST", "https://api.example.com/oAuth/Token", 200, 84.2,
                   {"Content-Type": "application/x-www-form-urlencoded"},
                   "grant_type=client_credentials&client_id=bench&client_secret=***",
                   '{"access_token":"***","expires_in":3600}', 66, 42, id=1, started=0),
        LoggedCall("GET", f"https://api.example.com/api/v2/commerce/basket/{BASKET}", 200,
                   31.7, auth, None, BODY, 0, len(BODY.encode()), id=2, started=0),
        LoggedCall("PUT", f"https://api.example.com/api/v2/commerce/basket/{BASKET}/promo/BAD",
                   404, 12.4, auth, None,
                   '{"isValid":false,"status":404,"messageCode":"NOT_FOUND"}', 0, 57,
                   id=3, started=0),
        LoggedCall("GET", "https://api.example.com/api/v2/commerce/basket/x", None, 15000.0,
                   auth, None, None, 0, 0, error="timed out after 15 s", id=4, started=0),
    ])
    return log


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

"""Fixed scenes of the workbench, for the SVG snapshot tests and the README screenshots
(`bench/screenshots.py`): the main screen, the promo dialog, the merge preview and the request
inspector, each on the demo data with a fixed clock, at a fixed terminal size.

What varies from run to run is held still: the status bar does not show call durations, the
database path is shown as "demo.db", and the inspector lists a fixed set of HTTP calls (the
real log's ids, times and durations differ on every run).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from basketbench.backends.local import LocalBackend
from basketbench.backends.request_log import LoggedCall, RequestLog
from basketbench.engine import BasketEngine, demo
from basketbench.tui import app as app_module
from basketbench.tui.app import BasketBench
from basketbench.tui.screens import MergeScreen, PromoScreen

from .helpers import basket_id, open_basket, select_line, settle, type_text

SIZE = (120, 40)
THEMES = ("basketbench-dark", "basketbench-light")
NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
BASKET = "8836058b-8e4f-4a8e-9b43-2a1d51d3c2f1"
BODY = ('{"isValid":true,"status":200,"messageCode":null,"result":{"id":"' + BASKET + '",'
        '"lineItems":[{"stockCode":"POLO-NAVY-L","qty":2,"price":{"raw":{"withTax":24.00}}}],'
        '"grandTotal":{"formatted":{"withTax":"£43.20"}}}}')


def fixed_log() -> RequestLog:
    """HTTP calls with fixed ids and timings, secrets already redacted as the log does."""
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


class SceneBench(BasketBench):
    """The workbench without the figures that change on every run (call durations)."""

    # Textual reads a relative CSS_PATH next to the subclass's module: point at the app's.
    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def _show_last_call(self) -> None:
        self.status.set_call("")


def demo_engine(db_path: Path) -> BasketEngine:
    """A fresh demo database whose clock stands still at NOW."""
    engine = BasketEngine(db_path, clock=lambda: NOW)
    demo.reset(engine)
    return engine


def scene_app(engine: BasketEngine, theme: str, config_dir: Path) -> SceneBench:
    """`config_dir` should hold no themes of its own: only the shipped ones are used."""
    backend = LocalBackend(engine.path, engine=engine)
    backend.label = "demo.db"  # not the temporary path
    return SceneBench(backend, theme=theme, config_dir=config_dir)


async def _until(pilot: Pilot, condition: Callable[[], bool], what: str,
                 tries: int = 250) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"scene: timed out waiting for {what}")


async def opened(pilot: Pilot, name: str) -> None:
    """Open a demo basket and wait for the totals pane's audit verdict (it comes from a
    worker thread), so that the picture does not depend on which came first."""
    await open_basket(pilot, name)
    await _until(pilot, lambda: "foots" in pilot.app.totals_pane.text, "the audit verdict")


async def main_screen(pilot: Pilot) -> None:
    """alice's basket open, the cursor on a line of pane 2."""
    await opened(pilot, "alice-main")
    select_line(pilot.app, "MUG-WHITE")
    await settle(pilot)


async def promo_dialog(pilot: Pilot) -> None:
    """`p` on carol's basket, a code typed that the basket does not qualify for: the reason
    is shown as you type."""
    await opened(pilot, "carol-account")
    await pilot.press("p")
    screen = pilot.app.screen
    assert isinstance(screen, PromoScreen)
    await type_text(pilot, "FIVER")
    await _until(pilot, lambda: "FIVER" in screen.said, "the promo check")
    await settle(pilot)


async def merge_preview(pilot: Pilot) -> None:
    """`m` on alice's basket, a guest basket chosen: the merged lines before confirming."""
    await opened(pilot, "alice-main")
    await pilot.press("m")
    screen = pilot.app.screen
    assert isinstance(screen, MergeScreen)
    await type_text(pilot, basket_id("carol-guest")[:8])
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")
    await _until(pilot, lambda: screen.preview is not None, "the merge preview")
    await settle(pilot)


async def inspector(pilot: Pilot) -> None:
    """`l` over alice's basket, showing fixed HTTP calls, the second one selected."""
    app = pilot.app
    await opened(pilot, "alice-main")
    await pilot.press("l")
    pane = app.inspector
    pane.set_log(fixed_log(), kind="bettercommerce")
    pane.table.focus()
    pane.table.move_cursor(row=1)
    await _until(pilot, lambda: "Response body" in pane.detail_text, "the call's details")
    # The table sizes its columns to the new rows on a later refresh: under load the picture
    # could otherwise be taken with the columns still as narrow as their titles.
    widest = max(len(call.url) for call in fixed_log().calls) - len("https://api.example.com")
    await _until(pilot, lambda: pane.table.virtual_size.width > widest, "the column widths")
    await settle(pilot)


SCENES: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "main-screen": main_screen,
    "promo-dialog": promo_dialog,
    "merge-preview": merge_preview,
    "inspector": inspector,
}

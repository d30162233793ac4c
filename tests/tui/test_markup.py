"""Text typed by users or stored in baskets is shown literally: markup-like values render as
the characters they are, in the panes, the status bar, dialogs and notifications."""

from __future__ import annotations

from basketbench.backends import BackendError
from basketbench.engine import demo
from basketbench.tui.app import BasketBench
from tests.support.wire import wire

from .faulty import FaultyBackend
from .helpers import SIZE, open_basket, pane_row, screen_text, select_line, settle

BOLD, CLOSE, LINK = "[bold]x[/]", "[/]", "[link=https://example.com]y[/link]"


def seed_markup(engine) -> str:
    bid = demo.basket_id("alice-engraved")
    engine.set_po(bid, LINK)
    engine.set_delivery_instruction(bid, f"{BOLD} then {CLOSE}")
    engine.set_campaign(bid, "[red]SPRING[/red]")
    basket = wire(engine.get_basket(bid))
    # The gift message card takes 200 characters (the engraving only 20).
    child = next(ln for ln in basket["lineItems"] if ln["stockCode"] == "GIFT-MSG")
    engine.set_custom_info(bid, {"customInfo1": BOLD, "lineInfo": [
        {"lineId": child["id"], "customInfo1": f"{CLOSE} {LINK}"}]})
    return bid


async def test_markup_like_text_renders_literally(engine, backend):
    seed_markup(engine)
    app = BasketBench(backend)
    async with app.run_test(size=(220, 50)) as pilot:  # wide: every column in view
        await open_basket(pilot, "alice-engraved")
        assert pane_row(app, "GIFT-MSG")[6] == f"{CLOSE} {LINK}"
        delivery = app.delivery_pane.plain
        assert LINK in delivery and f"{BOLD} then {CLOSE}" in delivery
        assert "campaign [red]SPRING[/red]" in app.totals_pane.text
        info = str(app.lines_pane.query_one("#lines-info").content)
        assert f"basket info: {BOLD}" in info
        shown = screen_text(app)
        for value in (f"{CLOSE} {LINK}", LINK, f"{BOLD} then {CLOSE}", "[red]SPRING[/red]"):
            assert value in shown, value
        # The editor shows the stored text as it is, too.
        select_line(app, "GIFT-MSG")
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one("#info1").value == f"{CLOSE} {LINK}"


async def test_markup_in_an_error_message_is_shown_literally(backend):
    faulty = FaultyBackend(backend)
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_basket(pilot, "alice-main")
        faulty.fail("add_item", BackendError(400, "VALIDATION", f"bad name {BOLD} {LINK}"))
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.pause(0.2)
        assert f"bad name {BOLD} {LINK}" in screen_text(app)

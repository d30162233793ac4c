"""History view and undo/redo against the real sandbox server (one per module): with its
history extension (undo restores versions), and as a plain BetterCommerce API without it
(undo sends the inverse operation, or refuses with the reason)."""

from __future__ import annotations

import pytest

from basketbench.backends.http import HttpBackend
from basketbench.engine import demo
from basketbench.tui.app import BasketBench
from basketbench.tui.screens import MergeScreen
from basketbench.tui.screens.history import HistoryScreen, TextScreen
from tests.support.sandbox import start_sandbox

from .helpers import SIZE, basket_id, line_of, notices, open_basket, paste, select_line, settle
from .test_flows_workbench import promo
from .test_history_view import quiet


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("history-tui-sandbox") / "sandbox.db") as sb:
        yield sb


@pytest.fixture
async def http(sandbox):
    backend = HttpBackend(sandbox.base_url, extensions=True, profile="sandbox")
    yield backend
    await backend.close()


@pytest.fixture
async def plain_http(sandbox):
    backend = HttpBackend(sandbox.base_url, extensions=False, profile="plain")
    yield backend
    await backend.close()


async def test_sandbox_undo_redo_restore_and_the_history_view(http):
    app = BasketBench(http, profile_name="sandbox")
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        select_line(app, "TEA-SAMPLER")
        await pilot.press("plus")  # 2 -> 3
        await settle(pilot)
        await promo(pilot, "SAVE10")
        bid = basket_id("carol-account")
        assert (await http.get_basket(bid)).promotions_applied

        await pilot.press("ctrl+z")
        await settle(pilot)
        now = await http.get_basket(bid)
        assert not [p for p in now.promotions_applied or [] if p.promo_code == "SAVE10"]
        said = app.status.message  # what was undone, and what it moved
        assert said.startswith("undo promo SAVE10 (restored version") and "SAVE10 removed" \
            in said
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert line_of(await http.get_basket(bid), "TEA-SAMPLER").qty == 2
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert line_of(await http.get_basket(bid), "TEA-SAMPLER").qty == 3
        assert "redo" in app.status.message

        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        newest = screen.rows[0]
        assert newest["op"] == "restore" and newest["actor"] == "sandbox"
        assert [r["op"] for r in screen.rows[:3]] == ["restore", "restore", "restore"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen) and "TEA-SAMPLER  3 x" in app.screen.text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")  # the +1 ... before it
        target = screen.current()["version"]
        await pilot.press("r", "y")
        await settle(pilot)
        assert screen.rows[0]["op"] == "restore"
        assert f"restored: now version {screen.rows[0]['version']}" in screen.said
        assert (await http.get_basket(bid)).version == screen.rows[0]["version"]
        assert target < screen.rows[0]["version"]
        await quiet(pilot)


async def _open_on_plain(pilot, user: str, name: str) -> None:
    await settle(pilot)
    await pilot.press("slash")
    await paste(pilot, demo.USERS[user])
    await pilot.press("enter")
    await settle(pilot)
    await open_basket(pilot, name)


async def test_live_api_undo_sends_the_inverse_or_says_why_not(plain_http, sandbox):
    app = BasketBench(plain_http, profile_name="plain")
    async with app.run_test(size=SIZE) as pilot:
        await _open_on_plain(pilot, "alice", "alice-engraved")
        bid = basket_id("alice-engraved")
        await pilot.press("h")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        assert "history unavailable" in app.status.message and "keeps no basket history" \
            in app.status.message

        select_line(app, "WALLET-BRN")
        await pilot.press("x", "y")  # the wallet and its engraving and gift message go
        await settle(pilot)
        assert not (await plain_http.get_basket(bid)).line_items
        await pilot.press("ctrl+z")
        await settle(pilot)
        back = await plain_http.get_basket(bid)
        assert line_of(back, "ENGRAVE-TEXT", child=True).custom_info1 == "A.S. 2026"
        assert line_of(back, "GIFT-MSG", child=True).custom_info1 == "Happy birthday!"
        assert "line re-added with its custom info" in app.status.message

        select_line(app, "WALLET-BRN")
        await pilot.press("plus")  # 1 -> 2
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert line_of(await plain_http.get_basket(bid), "WALLET-BRN", child=False).qty == 1
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert line_of(await plain_http.get_basket(bid), "WALLET-BRN", child=False).qty == 2

        await promo(pilot, "SAVE10")
        await pilot.press("ctrl+z")
        await settle(pilot)
        codes = [p.promo_code for p in (await plain_http.get_basket(bid)).promotions_applied
                 or []]
        assert "SAVE10" not in codes and "code SAVE10 removed" in app.status.message
        await quiet(pilot)


async def test_live_api_refuses_to_undo_a_merge(plain_http):
    app = BasketBench(plain_http, profile_name="plain")
    async with app.run_test(size=SIZE) as pilot:
        await _open_on_plain(pilot, "erin", "erin-xmas")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        await paste(pilot, basket_id("guest-2"))
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        if app.screen is screen:  # a preview or a confirmation first
            await pilot.press("tab", "enter")
            await settle(pilot)
        merged = await plain_http.get_basket(basket_id("erin-xmas"))
        assert line_of(merged, "TEA-SAMPLER") is not None
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any("Undo refused" in n and "a merge cannot be undone" in n
                   for n in notices(app, "warning"))
        assert line_of(await plain_http.get_basket(basket_id("erin-xmas")),
                       "TEA-SAMPLER") is not None
        await quiet(pilot)


async def test_live_api_undo_puts_the_shipping_method_back(plain_http):
    app = BasketBench(plain_http, profile_name="plain")
    async with app.run_test(size=SIZE) as pilot:
        await _open_on_plain(pilot, "alice", "alice-main")  # shipped STD by the demo
        bid = basket_id("alice-main")
        before = (await plain_http.get_basket(bid)).shipping_method_id
        await pilot.press("s")
        await settle(pilot)
        codes = [m.code for m in app.screen.methods]
        await pilot.press(*["down"] * codes.index("NEXT"), "enter")
        await settle(pilot)
        assert (await plain_http.get_basket(bid)).shipping_method_id != before
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert (await plain_http.get_basket(bid)).shipping_method_id == before
        assert "shipping method put back" in app.status.message
        await quiet(pilot)


async def test_sandbox_undo_of_a_basket_changed_elsewhere_is_refused_by_if_match(http):
    app = BasketBench(http, profile_name="sandbox")
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "guest-3")
        select_line(app, "POLO-NAVY-L")
        await pilot.press("plus")  # 3 -> 4
        await settle(pilot)
        # Another client (a storefront) changes the basket; the workbench has not seen it.
        await http.set_qty(basket.id, line_of(basket, "POLO-NAVY-L").product_id, 7)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert line_of(await http.get_basket(basket.id), "POLO-NAVY-L").qty == 7  # untouched
        assert any("Changed elsewhere" in n for n in notices(app, "warning"))
        assert any(c.method.startswith("PUT") and c.status == 409 for c in http.log.calls)
        await quiet(pilot)

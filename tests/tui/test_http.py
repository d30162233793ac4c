"""A subset of the key tests against the real sandbox server through HttpBackend: the same
keys, the same checks, over HTTP (one server for the module; each test uses its own
baskets). Also a plain BetterCommerce API (no sandbox extensions): no catalogue, no listing
of every basket, no lock."""

from __future__ import annotations

import pytest

from basketbench.backends.http import HttpBackend
from basketbench.engine import demo
from basketbench.tui.app import BasketBench
from basketbench.tui.screens import MergeScreen, PromoScreen
from tests.support.sandbox import start_sandbox

from .helpers import (
    SIZE,
    basket_id,
    line_of,
    notices,
    open_basket,
    pane_row,
    paste,
    select_line,
    settle,
    stored,
    type_text,
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("tui-sandbox") / "sandbox.db") as sb:
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


async def test_http_lists_opens_and_changes_a_quantity(http, sandbox):
    app = BasketBench(http, profile_name="sandbox")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.baskets_pane.table.row_count >= 10
        assert f"bettercommerce {sandbox.base_url} · profile sandbox" in app.status.plain
        await open_basket(pilot, "carol-account")
        select_line(app, "TEA-SAMPLER")
        await pilot.press("plus")
        await settle(pilot)
        assert line_of(await stored(app, "carol-account"), "TEA-SAMPLER").qty == 3
        assert pane_row(app, "TEA-SAMPLER")[2] == "3"
        assert "TEA-SAMPLER qty 2 -> 3" in app.status.plain
        assert "PUT 200" in app.status.plain


async def test_http_promo_refused_then_applied(http):
    app = BasketBench(http)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-3")
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, PromoScreen)
        await type_text(pilot, "NOPE")
        await pilot.pause(0.4)
        await settle(pilot)
        assert "not found" in screen.said
        await pilot.press("enter")
        await settle(pilot)
        assert "refused" in screen.said
        await pilot.press("ctrl+u")
        await type_text(pilot, "FIVER")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromoScreen)
        codes = [p.voucher_code for p in (await stored(app, "guest-3")).promotions_applied]
        assert codes == ["FIVER"]


async def test_http_merge_preview_then_merge(http):
    app = BasketBench(http)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "erin-xmas")
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        await type_text(pilot, basket_id("guest-1")[:8])
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert {ln.stock_code for ln in screen.preview.line_items} == {"CANDLE-FIG",
                                                                       "GIFTCARD-25"}
        await pilot.press("tab", "enter")
        await settle(pilot)
        merged = await stored(app, "erin-xmas")
        assert line_of(merged, "GIFTCARD-25").qty == 1
        assert (await stored(app, "guest-1")).is_new


async def test_http_shipping_and_a_locked_basket_error(http, ref):
    app = BasketBench(http)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "dave-nominated")
        await pilot.press("s")
        await settle(pilot)
        codes = [m.code for m in app.screen.methods]
        await pilot.press(*["down"] * codes.index("NEXT"), "enter")
        await settle(pilot)
        assert (await stored(app, "dave-nominated")).shipping_method_id == ref.method("NEXT")
        await open_basket(pilot, "bob-locked")
        select_line(app, "BS0010-DODGER-BLUE-M")
        await pilot.press("plus")
        await settle(pilot)
        assert any("BASKET_LOCKED 423" in n for n in notices(app, "error"))
        assert app.is_running


async def test_http_new_basket_and_add_by_stock_code(http):
    app = BasketBench(http)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        bid = app.basket_id
        await pilot.press("a")
        await type_text(pilot, "MUG-WHITE")
        await pilot.press("enter")
        await settle(pilot)
        saved = await http.get_basket(bid)
        assert not saved.is_new and saved.line_items[0].stock_code == "MUG-WHITE"


async def test_plain_bettercommerce_api_lists_a_users_baskets_and_adds_by_code(plain_http):
    app = BasketBench(plain_http)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        info = str(app.baskets_pane.query_one("#baskets-info").content)
        assert "lists one user's baskets" in info
        await pilot.press("slash")
        await paste(pilot, demo.USERS["alice"])
        await pilot.press("enter")
        await settle(pilot)
        users = {r[3] for r in app.baskets_pane.table.plain_rows()}
        assert users == {"alice@example.com"}
        await open_basket(pilot, "alice-empty")
        await pilot.press("a")
        await settle(pilot)
        assert "no catalogue" in str(app.screen.query_one(".dialog-hint").content)
        await type_text(pilot, "POLO-NAVY-L")
        await pilot.press("enter")
        await settle(pilot)
        assert line_of(await stored(app, "alice-empty"), "POLO-NAVY-L").qty == 1
        await pilot.press("L")
        assert any("cannot lock" in n for n in notices(app, "warning"))

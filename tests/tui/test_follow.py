"""Follow mode: a basket open in the workbench updates by itself when another client changes
it (a second engine on the same file; another HTTP client of the sandbox), marked as made
elsewhere and highlighted; the workbench's own changes are not "elsewhere"; `W` turns it
off."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from basketbench.backends.http import HttpBackend
from basketbench.engine import BasketEngine, demo
from basketbench.tui.diff import line_key
from tests.support.sandbox import start_sandbox

from .faulty import FaultyBackend
from .helpers import (
    SIZE,
    basket_id,
    line_of,
    open_basket,
    pane_row,
    paste,
    select_line,
    settle,
)

PRODUCTS = {p["stockCode"]: p["productId"].lower() for p in demo.reference_data()["products"]}


async def shows_version(pilot, version: int, within: float = 1.0) -> float:
    """Seconds until the workbench shows `version` (fails after `within`)."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        basket = pilot.app.basket
        if basket is not None and (basket.version or 0) >= version:
            return time.monotonic() - started
        await pilot.pause(0.02)
    shown = pilot.app.basket.version if pilot.app.basket else None
    raise AssertionError(f"version {version} not shown within {within}s (shows {shown}; "
                         f"status: {pilot.app.status.plain})")


async def following(pilot, within: float = 5.0) -> None:
    """Until the workbench follows the open basket: its follower is in the local engine's
    change feed, or the sandbox has answered its event stream."""
    backend = pilot.app.backend
    started = time.monotonic()
    while time.monotonic() - started < within:
        feed = getattr(backend, "_feed", None)
        if feed is not None and feed.followers():
            return
        if any("/events" in call.url and call.status == 200 for call in backend.log.calls):
            return
        await pilot.pause(0.02)
    raise AssertionError("the workbench did not start following")


async def test_local_change_by_another_engine_appears_marked_and_highlighted(make_app,
                                                                             db_path):
    app = make_app()
    other = BasketEngine(db_path)  # as another process on the same file
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = await open_basket(pilot, "alice-main")
            await following(pilot)
            await asyncio.to_thread(other.add_item, basket_id("alice-main"),
                                    {"productId": PRODUCTS["CANDLE-FIG"], "qty": 2})
            await shows_version(pilot, shown.version + 1, within=3)
            await settle(pilot)
            status = app.status.plain
            assert "changed elsewhere" in status and "add_item by engine" in status
            assert "+CANDLE-FIG x2" in status
            assert line_of(app.basket, "CANDLE-FIG").qty == 2
            # Highlighted as after a change made here: the new line and the totals.
            assert app.lines_pane.changed == {line_key(line_of(app.basket, "CANDLE-FIG"))}
            assert "grand_total" in app.totals_pane.changed
            assert pane_row(app, "CANDLE-FIG")[2] == "2"
    finally:
        other.close()


async def test_own_changes_are_not_made_elsewhere_and_w_turns_follow_off(make_app, db_path):
    app = make_app()
    other = BasketEngine(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = await open_basket(pilot, "alice-main")
            select_line(app, "POLO-NAVY-L")
            await pilot.press("plus")
            await settle(pilot)
            await pilot.pause(0.8)  # the feed has seen our own version
            await settle(pilot)
            assert app.basket.version == shown.version + 1
            assert "elsewhere" not in app.status.plain
            await pilot.press("W")
            assert "follow off" in app.status.plain
            await pilot.pause(0.2)
            assert app.backend._feed.followers() == 0  # nothing left running
            await asyncio.to_thread(other.add_item, basket_id("alice-main"),
                                    {"productId": PRODUCTS["CANDLE-FIG"], "qty": 1})
            await pilot.pause(0.8)
            await settle(pilot)
            assert app.basket.version == shown.version + 1  # not followed any more
            await pilot.press("W")  # on again: the next change shows
            await following(pilot)
            await asyncio.to_thread(other.add_item, basket_id("alice-main"),
                                    {"productId": PRODUCTS["CANDLE-FIG"], "qty": 1})
            await shows_version(pilot, shown.version + 3, within=3)
    finally:
        other.close()


async def test_a_key_pressed_during_the_refresh_is_bound_to_the_new_version(backend,
                                                                            db_path):
    from basketbench.tui.app import BasketBench

    slow = FaultyBackend(backend)
    app = BasketBench(slow)
    other = BasketEngine(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = await open_basket(pilot, "alice-main")
            select_line(app, "POLO-NAVY-L")
            await following(pilot)
            gate = slow.hold("get_basket")  # the refresh is on its way as long as we like
            await asyncio.to_thread(other.add_item, basket_id("alice-main"),
                                    {"productId": PRODUCTS["CANDLE-FIG"], "qty": 1})
            started = time.monotonic()
            while app.loading_id is None and time.monotonic() - started < 1.5:
                await pilot.pause(0.02)
            assert app.loading_id is not None, "the refresh did not start"
            await pilot.press("plus")  # pressed on the old version: held
            assert "held until" in app.status.plain
            gate.set()
            await settle(pilot)
            stored = await backend.get_basket(basket_id("alice-main"))
        # Applied to the refreshed basket: no conflict, nothing lost.
        assert stored.version == shown.version + 2
        assert line_of(stored, "POLO-NAVY-L").qty == line_of(shown, "POLO-NAVY-L").qty + 1
        assert line_of(stored, "CANDLE-FIG").qty == 1
    finally:
        other.close()


async def test_a_change_elsewhere_waits_for_ours_in_flight(backend, db_path):
    from basketbench.tui.app import BasketBench

    slow = FaultyBackend(backend)
    app = BasketBench(slow)
    other = BasketEngine(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = await open_basket(pilot, "alice-main")
            select_line(app, "POLO-NAVY-L")
            await following(pilot)
            gate = slow.hold("add_item")  # + sends an add of one (a quantity delta)
            reads = [c[0] for c in slow.calls].count("get_basket")
            await pilot.press("plus")  # ours: on its way, bound to the version shown
            await pilot.pause(0.1)
            await asyncio.to_thread(other.add_item, basket_id("alice-main"),
                                    {"productId": PRODUCTS["CANDLE-FIG"], "qty": 1})
            await pilot.pause(1.0)  # the feed has seen it; the workbench must not read it now
            assert app.loading_id is None and app.basket.version == shown.version
            assert [c[0] for c in slow.calls].count("get_basket") == reads
            gate.set()
            await settle(pilot)
            await pilot.pause(0.5)
            await settle(pilot)
            stored = await backend.get_basket(basket_id("alice-main"))
            # Ours was refused as stale (the workbench's rule), nothing applied unseen, and
            # the panes show the basket as it is now.
            assert line_of(stored, "POLO-NAVY-L").qty == line_of(shown, "POLO-NAVY-L").qty
            assert app.basket.version == stored.version == shown.version + 1
            assert any("changed since you saw it" in n[2] for n in app.notices)
    finally:
        other.close()


async def test_a_basket_deleted_elsewhere_is_closed_with_a_notice(make_app, db_path):
    app = make_app()
    other = BasketEngine(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_basket(pilot, "alice-main")
            await following(pilot)
            await asyncio.to_thread(other.delete_basket, basket_id("alice-main"))
            started = time.monotonic()
            while app.basket is not None and time.monotonic() - started < 3:
                await pilot.pause(0.02)
            await settle(pilot)
            assert app.basket is None and app.basket_id is None
            assert "deleted elsewhere: delete_basket by engine" in app.status.plain
            assert basket_id("alice-main") not in {r.id.lower() for r in app.baskets_pane.rows}
    finally:
        other.close()


# -- the sandbox ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("tui-follow") / "sandbox.db") as sb:
        yield sb


async def test_sandbox_change_by_another_client_appears_within_a_second(sandbox):
    from basketbench.tui.app import BasketBench

    backend = HttpBackend(sandbox.base_url, extensions=True, profile="sandbox")
    app = BasketBench(backend, profile_name="sandbox")
    bid = basket_id("alice-main")
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_basket(pilot, bid)
        await following(pilot)
        async with httpx.AsyncClient(base_url=sandbox.base_url) as storefront:
            resp = await storefront.put(f"/api/v2/commerce/basket/{bid}/items/add",
                                        json={"productId": PRODUCTS["MUG-WHITE"], "qty": 3})
            assert resp.status_code == 200
        took = await shows_version(pilot, shown.version + 1, within=3)
        await settle(pilot)
        assert took < 1.0
        status = app.status.plain
        assert "changed elsewhere: add_item by sandbox" in status
        assert line_key(line_of(app.basket, "MUG-WHITE")) in app.lines_pane.changed


async def test_a_polled_live_api_marks_the_basket_stale_and_r_reads_it(sandbox):
    from basketbench.tui.app import BasketBench

    # The sandbox taken for a live API: no event stream, the profile polls every second.
    backend = HttpBackend(sandbox.base_url, extensions=False, follow_interval=1,
                          profile="live")
    app = BasketBench(backend, profile_name="live")
    bid = basket_id("alice-empty")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await paste(pilot, demo.USERS["alice"])
        await pilot.press("enter")
        await settle(pilot)
        shown = await open_basket(pilot, bid)
        reads = len(backend.log.calls)
        started = time.monotonic()  # until the first poll has read it
        while not any(c.method == "GET" and c.url.endswith(bid)
                      for c in list(backend.log.calls)[reads:]):
            assert time.monotonic() - started < 5, "the basket was never polled"
            await pilot.pause(0.05)
        async with httpx.AsyncClient(base_url=sandbox.base_url) as storefront:
            resp = await storefront.put(f"/api/v2/commerce/basket/{bid}/items/add",
                                        json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1})
            assert resp.status_code == 200
        started = time.monotonic()
        while "stale" not in str(app.lines_pane.border_subtitle) and \
                time.monotonic() - started < 3:
            await pilot.pause(0.05)
        assert "stale: changed elsewhere · r refreshes" in str(app.lines_pane.border_subtitle)
        assert "changed elsewhere" in app.status.plain and "r refreshes" in app.status.plain
        assert app.basket.version == shown.version  # marked only: not read behind your back
        await pilot.press("r")
        await settle(pilot)
        assert app.basket.version == shown.version + 1
        assert "stale" not in str(app.lines_pane.border_subtitle)

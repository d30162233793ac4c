"""Issue 13, "the workbench never surprises": every key lands where the person aimed it.

Each test presses the real keys at typing speed against a real LocalBackend (wrapped, where a
slow response is needed, by the fault-injecting `FaultyBackend`), and each was written to fail
on the code before its fix.
"""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from basketbench.tui.app import BasketBench, prepare
from basketbench.tui.screens import ConfirmScreen, MergeScreen, QuantityScreen
from basketbench.tui.screens.help import help_text

from .faulty import FaultyBackend
from .helpers import (
    SIZE,
    basket_id,
    line_of,
    notices,
    open_basket,
    select_line,
    settle,
    stored,
    type_text,
)

TYPING = 0.03  # seconds between keys: a fast typist


async def until_connected(pilot) -> None:
    for _ in range(300):
        await settle(pilot)
        if not pilot.app.connecting and pilot.app.baskets_pane.total:
            return
        await pilot.pause(0.05)
    raise AssertionError("the workbench never connected")


async def press_typing(pilot, *keys: str) -> None:
    """Keys as a terminal delivers them to a fast typist: each sent TYPING seconds after the
    last, without waiting for the app to finish with the one before (Pilot.press waits until
    the app is idle, which no person does)."""
    from textual import events
    from textual.keys import _character_to_key

    names = {"plus": "+", "minus": "-", "enter": "\r"}
    for key in keys:
        char = names.get(key, key if len(key) == 1 else None)
        name = key if len(key) > 1 else _character_to_key(key)
        pilot.app._driver.send_message(events.Key(name, char))
        await asyncio.sleep(TYPING)


# -- 1. an action is bound to what the person saw --------------------------------------------

async def test_a_key_pressed_while_a_basket_loads_never_mixes_two_baskets(backend):
    slow = FaultyBackend(backend)
    app = BasketBench(slow)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("1")
        app.baskets_pane.select(basket_id("carol-account"))
        gate = slow.hold("get_basket")  # the next basket takes its time to arrive
        await press_typing(pilot, "enter", "2", "plus")
        assert app.basket is not None and app.basket.id == basket_id("alice-main")
        gate.set()
        del slow.gates["get_basket"]
        await settle(pilot)
        carol = await stored(app, "carol-account")
        alice = await stored(app, "alice-main")
    # Alice's polo never went into Carol's basket; the held + was applied to Carol's first line.
    assert line_of(carol, "POLO-NAVY-L") is None
    assert line_of(carol, "TEA-SAMPLER").qty == 3
    assert line_of(alice, "POLO-NAVY-L").qty == 2


async def test_a_basket_changed_elsewhere_is_refused_and_reloaded(make_app, engine):
    app = make_app()
    app.follow_on = False  # the refusal itself; following it is in test_follow.py
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_basket(pilot, "alice-main")
        # Someone else changes the basket after it was shown here.
        engine.add_item(basket_id("alice-main"), {"stockCode": "MUG-WHITE", "qty": 1})
        select_line(app, "POLO-NAVY-L")
        await pilot.press("plus")
        await settle(pilot)
        now = await stored(app, "alice-main")
        assert line_of(now, "POLO-NAVY-L").qty == 2  # not applied to what was not seen
        said = " ".join(notices(app))
        assert f"version {shown.version} -> {now.version}" in said and "reloaded" in said
        assert app.basket.version == now.version  # the panes show the basket as it is now
        assert line_of(app.basket, "MUG-WHITE").qty == 4


async def test_ten_plus_presses_add_ten_in_a_few_calls_without_busy_toasts(backend):
    slow = FaultyBackend(backend)
    app = BasketBench(slow)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        gate = slow.hold("add_item")  # the first + is out for as long as the typing lasts
        await press_typing(pilot, *["plus"] * 10)
        await pilot.pause(0.1)
        assert "MUG-WHITE +9 queued" in app.status.plain
        gate.set()
        del slow.gates["add_item"]
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "MUG-WHITE").qty == 13
        adds = [c[1][1].qty for c in slow.calls if c[0] == "add_item"]
        assert adds == [1, 9]  # the press that went, then the nine that came meanwhile
        assert not [n for n in notices(app) if "busy" in n]
        assert "MUG-WHITE qty 4 -> 13" in app.status.plain


# -- 2. nothing irreversible by accident -------------------------------------------------------

async def test_choosing_a_merge_strategy_never_arms_enter_to_merge(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")  # choose the source: a preview
        await settle(pilot)
        assert screen.preview is not None
        screen.query_one("#strategy").focus()
        await pilot.pause()
        await press_typing(pilot, "down", "enter")  # choose "max"
        await settle(pilot)
        assert screen.strategy == "max" and screen.preview is not None
        await pilot.press("enter")  # meant for the strategies, not for Merge
        await settle(pilot)
        assert app.screen is screen
        assert not (await stored(app, "carol-guest")).is_new  # the source still exists
        assert "will be deleted" in screen.said  # it says what Merge will do


async def test_x_asks_before_removing_a_line_and_says_what_goes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "WALLET-BRN")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "WALLET-BRN" in app.screen.question and "child line" in app.screen.question
        await pilot.press("enter")  # the focus is on No
        await settle(pilot)
        assert line_of(await stored(app, "alice-engraved"), "WALLET-BRN") is not None
        await pilot.press("x", "y")
        await settle(pilot)
        assert line_of(await stored(app, "alice-engraved"), "WALLET-BRN") is None


# -- 3. keyboard flow --------------------------------------------------------------------------

async def test_a_minus_sign_in_the_quantity_box_is_refused_not_dropped(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("e")
        await press_typing(pilot, "minus", "5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QuantityScreen)
        assert "'-5'" in app.screen.said
        assert line_of(await stored(app, "alice-main"), "MUG-WHITE").qty == 3


async def test_l_focuses_the_inspector_and_r_there_copies_the_response(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await press_typing(pilot, "l", "2", "l", "R")  # back to the lines, then l again
        await settle(pilot)
        assert app.inspector.display and app.inspector.has_focus_within
        assert not app.flow_tools.is_recording
        assert any("Copied the response" in n or "no response body" in n
                   for n in notices(app))


def test_the_help_screens_remap_example_is_valid_toml():
    text = help_text().plain
    example = text[text.index("[keys]"):].splitlines()
    table = tomllib.loads("\n".join(line.strip() for line in example[:2]))
    assert table["keys"]["line.qty_inc"] == "="


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    from tests.support.sandbox import start_sandbox

    with start_sandbox(tmp_path_factory.mktemp("surprises") / "sandbox.db") as sb:
        yield sb


@pytest.fixture
def no_config(tmp_path, monkeypatch):
    """An empty config directory: no profiles, so only --api names the server."""
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))
    for name in ("BASKETBENCH_PROFILE", "BASKETBENCH_API", "BASKETBENCH_DB"):
        monkeypatch.delenv(name, raising=False)


async def test_quitting_an_api_workbench_closes_its_client_in_the_apps_loop(sandbox,
                                                                           no_config):
    app = prepare(api=sandbox.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await until_connected(pilot)
        http = app.backend
        await pilot.press("q")
        await pilot.pause()
    # Closed by the app itself: `run` used to close it after the loop had gone ("Event
    # loop is closed", exit 1).
    assert app.backend_closed and http.transport.client.is_closed


async def test_n_uses_the_api_url_like_the_cli_does(sandbox, no_config):
    from basketbench.tui.nexudus_view import NexudusSessionsScreen

    app = prepare(api=sandbox.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await until_connected(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, NexudusSessionsScreen)
        assert not [n for n in notices(app, "warning") if "Nexudus" in n]


async def test_over_http_a_stale_basket_is_refused_by_if_match_and_reloaded(sandbox):
    import httpx

    from basketbench.backends.http import HttpBackend

    http = HttpBackend(sandbox.base_url, extensions=True, profile="sandbox")
    app = BasketBench(http, profile_name="sandbox")
    app.follow_on = False  # the refusal itself; following it is in test_follow.py
    route = f"{sandbox.base_url}/api/v2/commerce/basket/{basket_id('erin-xmas')}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = await open_basket(pilot, "erin-xmas")
            async with httpx.AsyncClient() as other:  # someone else, another tab
                reply = await other.put(f"{route}/items/add",
                                        json={"stockCode": "MUG-WHITE", "qty": 1})
                assert reply.status_code == 200
            select_line(app, "CANDLE-FIG")
            await pilot.press("plus")
            await settle(pilot)
            sent = [c for c in http.log.calls if c.method == "PUT"][-1]
            assert sent.status == 409 and sent.request_headers.get("If-Match") == \
                f'"{shown.version}"'
            now = await stored(app, "erin-xmas")
            assert line_of(now, "CANDLE-FIG").qty == 2
            said = " ".join(notices(app))
            assert f"version {shown.version} -> {now.version}" in said and "reloaded" in said
            assert line_of(app.basket, "MUG-WHITE") is not None  # shown as it is now
    finally:
        await http.close()


# -- 4. layout ---------------------------------------------------------------------------------

async def test_at_120_columns_the_change_summary_and_basket_totals_are_visible(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        from .helpers import screen_text

        text = screen_text(app)
        before = app.status.message
        assert "grand total" in before
        tail = before[before.index("grand total"):]
        assert tail in text  # the whole before -> after grand total is on screen
        total = app.basket.grand_total.formatted.with_tax
        pane_1 = [line.split("│")[1] for line in text.splitlines() if line.startswith("│")]
        row = next(cell for cell in pane_1 if basket_id("alice-main")[:8] in cell)
        assert total in row  # the baskets pane shows the grand total column


async def test_singular_and_plural(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-guest")
        await pilot.press("2", "x", "y")
        await settle(pilot)
        info = str(app.lines_pane.query_one("#lines-info").content)
        assert info.startswith("1 line,"), info


async def test_a_terminal_below_the_minimum_size_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        from .helpers import screen_text

        assert "too small" in screen_text(app)
        assert "60x15" in screen_text(app)


async def test_a_diff_names_the_discount_and_the_user(make_app):
    from basketbench.flows.diff import diff_baskets, render_diff

    app = make_app()
    async with app.run_test(size=SIZE):
        a = await stored(app, "alice-main")
        b = await stored(app, "carol-account")
    d = diff_baskets(a, b)
    assert ("user", "alice@example.com", "carol@example.com") in d.other
    text = render_diff(d)
    polo = line_of(a, "POLO-NAVY-L")
    assert (f"2 x £24.00 - {polo.discount.formatted.with_tax} discount = "
            f"{polo.total_price.formatted.with_tax}") in text


# -- personalisation: the product's text limit, and a second engraving as a line of its own ----

async def test_b_refuses_text_over_the_limit_as_typed_and_shows_the_new_child_line(backend):
    from basketbench.tui.screens import ChildLineScreen

    # The engine lists ENGRAVE-TEXT with maxTextLength 20 (engine-rules §2).
    app = BasketBench(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "WALLET-BRN")
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChildLineScreen)
        codes = [p.stock_code for p in screen.products]
        await pilot.press(*["down"] * codes.index("ENGRAVE-TEXT"), "enter")
        await type_text(pilot, "Twenty-one characters")  # 21
        assert "takes at most 20" in screen.said and "21 characters" in screen.said
        await pilot.press("enter")  # refused: the dialog stays, nothing is sent
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+u")
        await type_text(pilot, "B.J. 2026")
        assert "9 of 20 characters" in screen.said
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "alice-engraved")
        engraved = [ln for ln in after.line_items if ln.stock_code == "ENGRAVE-TEXT"]
        assert "B.J. 2026" in [ln.custom_info1 for ln in engraved]
        shown = [row for row in app.lines_pane.table.plain_rows() if row[1] == "ENGRAVE-TEXT"]
        assert len(shown) == len(engraved)  # every child line its own row, none collapsed
        assert any("B.J. 2026" in row[6] for row in shown)


# -- registry, refresh, copy id, add-item layout ----------------------------------------------

async def test_every_changing_action_is_refused_read_only_from_the_registry(backend):
    from basketbench.tui import actions

    spy = FaultyBackend(backend)
    app = BasketBench(spy, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "POLO-NAVY-L")
        for spec in actions.ACTIONS:
            if not spec.mutates:
                continue
            before = len(app.notices)
            await app.run_action(spec.action)
            await settle(pilot)
            said = notices(app)[before:]
            assert len(said) == 1 and "read-only" in said[0], (spec.id, said)
            assert app.screen is app.screen_stack[0], spec.id  # no dialog opened either
        from basketbench.backends.base import MUTATIONS

        assert not [c for c in spy.calls if c[0] in MUTATIONS]
        await app.run_action("copy_json")  # not a change: not refused
        assert "Copied the basket's JSON" in notices(app)[-1]


async def test_a_refresh_clears_what_was_said_before(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "bob-locked")
        select_line(app, "BS0010-DODGER-BLUE-M")
        await pilot.press("plus")
        await settle(pilot)
        assert "failed: BASKET_LOCKED" in app.status.message
        await pilot.press("r")
        await settle(pilot)
        assert "BASKET_LOCKED" not in app.status.plain
        assert app.status.message.startswith("refreshed: 14 baskets listed")
        assert not app._notifications


async def test_i_copies_the_full_basket_id(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("I")
        assert app.clipboard == basket_id("alice-main")
        await pilot.press("1", "j", "I")  # in pane 1: the basket under the cursor
        assert app.clipboard == app.baskets_pane.highlighted_id() != basket_id("alice-main")


@pytest.mark.parametrize("size", [(120, 40), (100, 30)])
async def test_tab_in_add_item_reaches_a_quantity_box_that_is_on_screen(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("a", "tab")
        await settle(pilot)
        qty = app.screen.query_one("#qty")
        assert app.focused is qty
        region = qty.region
        assert region.width >= 6 and region.right <= size[0] and region.x >= 0


async def test_keys_held_for_a_basket_that_is_left_before_it_loads_are_dropped(backend):
    slow = FaultyBackend(backend)
    app = BasketBench(slow)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("1")
        app.baskets_pane.select(basket_id("carol-account"))
        gate = slow.hold("get_basket")
        await press_typing(pilot, "enter", "2", "plus", "1")
        await pilot.pause(0.1)
        app.baskets_pane.select(basket_id("alice-main"))  # back to the basket shown
        await pilot.pause(0.1)
        await press_typing(pilot, "enter")
        await pilot.pause(0.2)
        gate.set()
        del slow.gates["get_basket"]
        await settle(pilot)
        assert any("was left before it loaded" in n for n in notices(app, "warning"))
        assert line_of(await stored(app, "carol-account"), "TEA-SAMPLER").qty == 2
        assert line_of(await stored(app, "alice-main"), "POLO-NAVY-L").qty == 2

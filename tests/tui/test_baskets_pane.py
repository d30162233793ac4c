"""Pane 1 and basket-level keys, pressed for real on the local engine."""

from __future__ import annotations

import json

from basketbench import jsonio
from basketbench.engine import demo
from basketbench.tui.panes import BenchTable, DeliveryPane, TotalsPane
from basketbench.tui.screens import ConfirmScreen, HelpScreen
from basketbench.wirejson.to_wire import to_wire

from .helpers import SIZE, notices, open_basket, settle, stored, type_text


async def test_first_screen_lists_the_demo_baskets_without_opening_one(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.baskets_pane.table.plain_rows()
        assert len(rows) == 14
        ids = [r[0] for r in rows]
        assert demo.basket_id("alice-main")[:8] in ids
        bob_locked = rows[ids.index(demo.basket_id("bob-locked")[:8])]
        assert bob_locked[3] == "bob@example.com" and "L" in bob_locked[4]
        quote = rows[ids.index(demo.basket_id("alice-quote")[:8])]
        assert "Q" in quote[4]
        guest = rows[ids.index(demo.basket_id("guest-1")[:8])]
        assert guest[3] == "guest"
        assert app.basket is None
        assert "local" in app.status.plain and "profile local" in app.status.plain
        assert "list_baskets 200" in app.status.plain


async def test_enter_opens_a_basket_into_lines_totals_and_delivery(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "alice-main")
        rows = app.lines_pane.table.plain_rows()
        assert [r[1] for r in rows] == ["POLO-NAVY-L", "LINEN-WHT-M", "MUG-WHITE"]
        assert rows[0][2] == "2" and rows[0][3] == "£24.00"
        totals = app.query_one(TotalsPane)
        assert totals.value("grand_total") == basket.grand_total.formatted.with_tax
        assert totals.value("promo:SAVE10").startswith("-£")
        assert totals.value("grand_total", "tax") == basket.grand_total.formatted.tax
        delivery = app.query_one(DeliveryPane).plain
        assert "● " in delivery and "Standard delivery" in delivery
        assert f"basket {basket.id[:8]} v{basket.version}" in app.status.plain


async def test_navigation_keys_move_the_cursor_and_focus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.baskets_pane.table
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        for key, wanted in (("2", "lines-table"), ("3", "totals"), ("4", "delivery"),
                            ("1", "baskets-table")):
            await pilot.press(key)
            assert app.focused.id == wanted, key
        await pilot.press("tab")
        assert app.focused.id != "baskets-table"
        await pilot.press("shift+tab")
        assert app.focused.id == "baskets-table"


async def test_slash_filters_by_user_and_product_and_escape_clears(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.baskets_pane.filter_input
        await type_text(pilot, "bob@")
        await pilot.press("enter")
        await settle(pilot)
        users = {r[3] for r in app.baskets_pane.table.plain_rows()}
        assert users == {"bob@example.com"}
        assert isinstance(app.focused, BenchTable)
        await pilot.press("slash")  # the filter's text is selected: typing replaces it
        await type_text(pilot, "engrave")
        await pilot.press("enter")
        await settle(pilot)
        ids = [r[0] for r in app.baskets_pane.table.plain_rows()]
        assert demo.basket_id("alice-engraved")[:8] in ids and len(ids) < 14
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.baskets_pane.table.plain_rows()) == 14


async def test_r_refreshes_after_a_change_made_elsewhere(make_app, engine):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        engine.set_po(demo.basket_id("carol-account"), "PO-FROM-ELSEWHERE")
        await pilot.press("r")
        await settle(pilot)
        assert "PO-FROM-ELSEWHERE" in app.delivery_pane.plain


async def test_n_opens_a_new_unsaved_basket_that_the_first_change_saves(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        bid = app.basket_id
        assert app.basket is not None and app.basket.is_new
        assert "new, not saved" in app.status.plain
        first = app.baskets_pane.table.plain_rows()[0]
        assert first[0] == bid[:8] and "*" in first[4]
        assert (await app.backend.get_basket(bid)).is_new
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "MUG-WHITE")
        await pilot.press("enter")
        await settle(pilot)
        saved = await app.backend.get_basket(bid)
        assert not saved.is_new and saved.line_items[0].stock_code == "MUG-WHITE"
        rows = {r[0]: r for r in app.baskets_pane.table.plain_rows()}
        assert "*" not in rows[bid[:8]][4] and rows[bid[:8]][2] == "1"
        assert "new, not saved" not in app.status.plain


async def test_d_asks_then_deletes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-2")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert not (await stored(app, "guest-2")).is_new
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await stored(app, "guest-2")).is_new  # gone: GET gives an empty new basket
        ids = [r[0] for r in app.baskets_pane.table.plain_rows()]
        assert demo.basket_id("guest-2")[:8] not in ids
        assert app.basket is None and "deleted" in app.status.plain


async def test_y_copies_the_exact_wire_json(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "alice-main")
        await pilot.press("y")
        assert app.clipboard == jsonio.dumps(to_wire(basket), indent=2)
        assert json.loads(app.clipboard)["id"] == basket.id
        assert '"withTax": 105.29' in app.clipboard  # Decimal written as an exact number


async def test_help_lists_every_binding_and_closes(make_app):
    from basketbench.tui import actions

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen)
            text = app.screen.text.plain
            assert all(spec.id in text for spec in actions.ACTIONS)
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_a_basket_command(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "carol-guest")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "basket: copy JSON")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert json.loads(app.clipboard)["id"] == basket.id


async def test_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_read_only_refuses_every_mutating_key(make_app):
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "alice-main")
        for key in ("plus", "minus", "x", "a", "p", "d", "m", "s", "L"):
            await pilot.press(key)
            await settle(pilot)
        assert not app.screen.is_modal
        after = await stored(app, "alice-main")
        assert after.version == before.version
        refusals = [n for n in notices(app, "warning") if "read-only" in n]
        assert len(refusals) == 9
        assert "READ-ONLY" in app.status.plain


async def test_keymap_remaps_a_binding_by_id(make_app):
    app = make_app(keymap={"line.qty_inc": "="})
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        app.lines_pane.table.focus()
        await pilot.press("equals_sign")
        await settle(pilot)
        assert (await stored(app, "alice-main")).line_items[0].qty == 3

"""Promotions, delivery and the other basket fields, from the keyboard: p, P, s, c, i, o, t,
u, L, m."""

from __future__ import annotations

from basketbench.engine import demo
from basketbench.tui.screens import ChoiceScreen, MergeScreen, PromoScreen, ShippingScreen

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


async def test_p_validates_as_you_type_refuses_with_the_reason_then_applies(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "carol-account")
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, PromoScreen)
        await type_text(pilot, "FIVER")
        await pilot.pause(0.4)
        await settle(pilot)
        assert "✗ FIVER" in screen.said and "over £50.00" in screen.said
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and "refused" in screen.said and "£50.00" in screen.said
        assert (await stored(app, "carol-account")).promotions_applied == ()
        await pilot.press("ctrl+u")
        await type_text(pilot, "save10")
        await pilot.pause(0.4)
        await settle(pilot)
        assert screen.said.startswith("✓")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromoScreen)
        after = await stored(app, "carol-account")
        assert [p.voucher_code for p in after.promotions_applied] == ["SAVE10"]
        assert app.totals_pane.value("promo:SAVE10").startswith("-£")
        assert "promo SAVE10 added" in app.status.plain
        assert after.grand_total.with_tax < before.grand_total.with_tax


async def test_a_promo_that_no_longer_qualifies_shows_its_reason(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "erin-xmas")
        assert "XMAS2020 has expired" in app.totals_pane.note("promo:XMAS2020")
        assert app.totals_pane.value("promo:XMAS2020") == "£0.00"


async def test_shift_p_removes_the_only_code_or_asks_which(make_app, engine):
    engine.apply_promo(demo.basket_id("alice-main"), "FIVER")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("P")
        assert isinstance(app.screen, ChoiceScreen)
        await type_text(pilot, "FIV")
        await pilot.press("enter")
        await settle(pilot)
        assert "Remove promo code FIVER" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        codes = [p.voucher_code for p in (await stored(app, "alice-main")).promotions_applied]
        assert codes == ["SAVE10"]
        await pilot.press("P", "y")
        await settle(pilot)
        assert (await stored(app, "alice-main")).promotions_applied == ()
        assert "promo:SAVE10" not in app.totals_pane.values


async def test_s_chooses_a_method_then_a_nominated_day(make_app, ref):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("s")
        assert isinstance(app.screen, ShippingScreen)
        codes = [m.code for m in app.screen.methods]
        await pilot.press(*["down"] * codes.index("NEXT"), "enter")
        await settle(pilot)
        after = await stored(app, "alice-main")
        assert after.shipping_method_id == ref.method("NEXT")
        assert "● " in app.delivery_pane.plain
        chosen = [ln for ln in app.delivery_pane.plain.splitlines() if "●" in ln]
        assert len(chosen) == 1 and "Next day" in chosen[0]
        assert "shipping" in app.status.plain
        await pilot.press("s")
        codes = [m.code for m in app.screen.methods]
        await pilot.press(*["down"] * codes.index("NOM"), "enter")
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-28")
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "alice-main")
        assert after.shipping_method_id == ref.method("NOM")
        assert after.nominated_delivery["deliveryDate"].startswith("2026-11-28")
        assert "Saturday 2026-11-28" in app.delivery_pane.plain


async def test_s_changes_the_country(make_app, ref):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-3")
        await pilot.press("s")
        await pilot.press("shift+tab", "ctrl+u")
        await type_text(pilot, "ie")
        await pilot.press("enter")
        await settle(pilot)
        assert {m.code for m in app.screen.methods} >= {"INTL-IE", "IE-EXP"}
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "guest-3")
        assert after.country_code == "IE"
        assert after.shipping_method_id in (ref.method("INTL-IE"), ref.method("IE-EXP"))
        assert "IE" in app.delivery_pane.plain


async def test_c_chooses_and_clears_the_click_and_collect_store(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "MAN1")
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "carol-account")
        assert after.click_collect_store["code"] == "MAN1"
        assert "Manchester Arndale (MAN1)" in app.delivery_pane.plain
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "(none)")
        await pilot.press("enter")
        await settle(pilot)
        assert (await stored(app, "carol-account")).click_collect_store is None


async def test_i_o_t_set_instruction_po_and_campaign(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        for key, text in (("i", "Ring twice"), ("o", "PO-77"), ("t", "SPRING")):
            await pilot.press(key)
            await type_text(pilot, text)
            await pilot.press("enter")
            await settle(pilot)
        after = await stored(app, "carol-account")
        assert after.delivery_instruction == "Ring twice"
        assert after.po_number == "PO-77"
        assert after.campaign_code == "SPRING"
        plain = app.delivery_pane.plain
        assert "Ring twice" in plain and "PO-77" in plain
        assert "campaign SPRING" in app.totals_pane.text
        await pilot.press("o", "ctrl+u", "enter")  # empty clears
        await settle(pilot)
        assert (await stored(app, "carol-account")).po_number is None


async def test_u_assigns_the_basket_to_a_user(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-1")
        await pilot.press("u")
        await settle(pilot)
        await type_text(pilot, "dave@")
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "guest-1")
        assert after.user_id == demo.USERS["dave"] and after.user_email == "dave@example.com"
        row = {r[0]: r for r in app.baskets_pane.table.plain_rows()}[basket_id("guest-1")[:8]]
        assert row[3] == "dave@example.com"


async def test_shift_l_locks_then_a_change_is_refused_then_unlocks(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "carol-account")
        await pilot.press("L")
        await settle(pilot)
        assert (await stored(app, "carol-account")).is_locked
        assert "locked" in app.lines_pane.border_title
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        assert any("BASKET_LOCKED" in n for n in notices(app, "error"))
        assert line_of(await stored(app, "carol-account"), "MUG-WHITE").qty == 1
        await pilot.press("L")
        await settle(pilot)
        after = await stored(app, "carol-account")
        assert not after.is_locked and after.version == before.version + 2


async def test_m_previews_then_merges_a_guest_basket_into_the_users(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        preview = {ln.stock_code: ln.qty for ln in screen.preview.line_items}
        assert preview["MUG-WHITE"] == 5 and preview["CANDLE-FIG"] == 1
        assert not (await stored(app, "carol-guest")).is_new  # a preview changes nothing
        await pilot.press("tab", "enter")  # strategies -> Merge: a deliberate step
        await settle(pilot)
        merged = await stored(app, "alice-main")
        assert line_of(merged, "MUG-WHITE").qty == 5 and line_of(merged, "CANDLE-FIG").qty == 1
        assert (await stored(app, "carol-guest")).is_new  # the source is gone
        ids = [r[0] for r in app.baskets_pane.table.plain_rows()]
        assert basket_id("carol-guest")[:8] not in ids
        assert "MUG-WHITE qty 3 -> 5" in app.status.plain


async def test_m_with_the_max_strategy(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("m")
        screen = app.screen
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "enter")  # the preview leaves the focus on the strategies
        await settle(pilot)
        assert screen.strategy == "max"
        assert {ln.stock_code: ln.qty for ln in screen.preview.line_items}["MUG-WHITE"] == 3
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "MUG-WHITE").qty == 3

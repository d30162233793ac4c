"""Pane 2 keys: quantities, remove, add (catalogue search and typed id), personalisation
child lines, display order, custom info; each checked in the panes and in the stored basket."""

from __future__ import annotations

from basketbench.tui.diff import line_key
from basketbench.tui.screens import AddItemScreen, ChildLineScreen, CustomInfoScreen

from .helpers import (
    SIZE,
    line_of,
    open_basket,
    pane_row,
    paste,
    select_line,
    settle,
    stored,
    type_text,
)


async def test_plus_and_minus_change_the_quantity_and_say_what_changed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "alice-main")
        line = select_line(app, "POLO-NAVY-L")
        await pilot.press("plus")
        await settle(pilot)
        after = await stored(app, "alice-main")
        assert line_of(after, "POLO-NAVY-L").qty == 3
        assert pane_row(app, "POLO-NAVY-L")[2] == "3"
        old, new = before.grand_total.formatted.with_tax, after.grand_total.formatted.with_tax
        assert "POLO-NAVY-L qty 2 -> 3" in app.status.plain
        assert f"grand total {old} -> {new}" in app.status.plain
        assert line_key(line) in app.lines_pane.changed
        assert "grand_total" in app.totals_pane.changed
        assert app.totals_pane.value("grand_total") == new
        for _ in range(2):
            await pilot.press("minus")
            await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "POLO-NAVY-L").qty == 1
        assert pane_row(app, "POLO-NAVY-L")[2] == "1"
        await pilot.press("minus")  # at zero the line goes
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "POLO-NAVY-L") is None
        assert "removed POLO-NAVY-L" in app.status.plain


async def test_highlight_clears_after_a_while(make_app):
    from basketbench.tui import app as app_module

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        assert app_module.HIGHLIGHT_SECONDS <= 3  # long enough to see, short enough to fade
        await pilot.press("plus")
        await settle(pilot)
        assert app.lines_pane.changed
        app.clear_highlights()
        await pilot.pause()
        assert not app.lines_pane.changed and not app.totals_pane.changed


async def test_e_sets_an_exact_quantity_on_a_parent_and_on_a_child_line(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "WALLET-BRN")
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "4")
        await pilot.press("enter")
        await settle(pilot)
        assert line_of(await stored(app, "alice-engraved"), "WALLET-BRN").qty == 4
        select_line(app, "GIFT-MSG")
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "3")
        await pilot.press("enter")
        await settle(pilot)
        child = line_of(await stored(app, "alice-engraved"), "GIFT-MSG", child=True)
        assert child.qty == 3
        assert pane_row(app, "GIFT-MSG")[2] == "3"


async def test_e_refuses_a_non_number_in_the_dialog(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("backspace", "enter")
        assert "whole number" in app.screen.said
        await pilot.press("escape")
        assert (await stored(app, "alice-main")).version == before.version


async def test_x_removes_the_selected_line_and_its_children(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "WALLET-BRN")
        await pilot.press("x", "y")
        await settle(pilot)
        assert (await stored(app, "alice-engraved")).line_items == ()
        assert app.lines_pane.table.row_count == 0
        assert "removed WALLET-BRN" in app.status.plain


async def test_x_on_a_child_line_removes_only_that_child(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "GIFT-MSG")
        await pilot.press("x", "y")
        await settle(pilot)
        codes = [ln.stock_code for ln in (await stored(app, "alice-engraved")).line_items]
        assert sorted(codes) == ["ENGRAVE-TEXT", "WALLET-BRN"]


async def test_a_searches_the_catalogue_and_adds_the_chosen_product(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddItemScreen)
        await type_text(pilot, "candle")
        await pilot.pause(0.35)
        await settle(pilot)
        assert app.screen.results and all("candle" in (p.name or "").lower()
                                          or "CANDLE" in (p.stock_code or "")
                                          for p in app.screen.results)
        await pilot.press("tab")
        await pilot.press("backspace")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await settle(pilot)
        added = line_of(await stored(app, "carol-account"), app_first_candle(app))
        assert added is not None and added.qty == 2
        assert pane_row(app, added.stock_code)[2] == "2"


def app_first_candle(app) -> str:
    return next(ln.stock_code for ln in app.lines_pane.lines if "CANDLE" in ln.stock_code)


async def test_a_accepts_a_typed_product_id(make_app, ref):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("a")
        await settle(pilot)
        await paste(pilot, ref.product("WALLET-BRN"))
        await pilot.press("enter")
        await settle(pilot)
        assert line_of(await stored(app, "carol-account"), "WALLET-BRN").qty == 1


async def test_a_shows_the_backend_refusal_for_an_unknown_stock_code(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "carol-account")
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "NO-SUCH-THING")
        await pilot.pause(0.35)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert any("NO-SUCH-THING" in n and "NOT_FOUND" in n for n in
                   [f"{t}: {m}" for _, t, m in app.notices])
        assert (await stored(app, "carol-account")).version == before.version


async def test_b_adds_a_personalisation_child_line_with_its_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "WALLET-BRN")
        await pilot.press("enter")
        await settle(pilot)
        select_line(app, "WALLET-BRN")
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChildLineScreen)
        codes = [p.stock_code for p in screen.products]
        assert "ENGRAVE-TEXT" in codes and "WALLET-BRN" not in codes
        for _ in range(codes.index("ENGRAVE-TEXT")):
            await pilot.press("down")
        await pilot.press("enter")
        await type_text(pilot, "C.C. 26")
        await pilot.press("enter")
        await settle(pilot)
        child = line_of(await stored(app, "carol-account"), "ENGRAVE-TEXT", child=True)
        assert child is not None and child.custom_info1 == "C.C. 26"
        row = pane_row(app, "ENGRAVE-TEXT")
        assert row[0].startswith("  └ ") and row[6] == "C.C. 26"
        order = [ln.stock_code for ln in app.lines_pane.lines]
        assert order.index("ENGRAVE-TEXT") == order.index("WALLET-BRN") + 1


async def test_brackets_move_the_selected_line(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("left_square_bracket")
        await settle(pilot)

        def order(basket):
            return [ln.stock_code for ln in sorted(basket.line_items,
                                                   key=lambda ln: ln.display_order)]

        assert order(await stored(app, "alice-main")) == ["POLO-NAVY-L", "MUG-WHITE",
                                                           "LINEN-WHT-M"]
        assert [r[1] for r in app.lines_pane.table.plain_rows()][1] == "MUG-WHITE"
        assert app.lines_pane.selected().stock_code == "MUG-WHITE"  # the cursor followed
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert order(await stored(app, "alice-main")) == ["POLO-NAVY-L", "LINEN-WHT-M",
                                                           "MUG-WHITE"]


async def test_f_edits_custom_info_of_a_line_and_keeps_the_basket_info(make_app, engine):
    from basketbench.engine import demo

    engine.set_custom_info(demo.basket_id("alice-engraved"), {"customInfo2": "basket note"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-engraved")
        select_line(app, "ENGRAVE-TEXT")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, CustomInfoScreen)
        await pilot.press("ctrl+u")  # clear the field (Input's delete-to-start key)
        await type_text(pilot, "J.D. 2027")
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "alice-engraved")
        assert line_of(after, "ENGRAVE-TEXT", child=True).custom_info1 == "J.D. 2027"
        assert after.custom_info2 == "basket note"  # the endpoint replaces it: it was resent
        assert pane_row(app, "ENGRAVE-TEXT")[6] == "J.D. 2027"


async def test_f_edits_the_basket_custom_info_outside_the_lines_pane(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "gift order")
        await pilot.press("enter")
        await settle(pilot)
        after = await stored(app, "carol-account")
        assert after.custom_info2 == "gift order" and after.custom_info1 is None
        assert "basket info: 2: gift order" in str(app.lines_pane.query_one("#lines-info")
                                                   .content)


def _painted_row(table, row_index: int) -> str:
    """The text the table paints for one row (its rendering, not its data): an update must
    not leave an old rendering of the row in the table's caches (panes/table.py)."""
    y = row_index + (table.header_height if table.show_header else 0) - round(table.scroll_y)
    return table.render_line(y).text


async def test_a_change_repaints_the_rows_it_touched_with_the_new_values(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "POLO-NAVY-L")
        lines, baskets = app.lines_pane.table, app.baskets_pane.table
        row = lines.cursor_row
        listed = baskets.get_row_index(app.basket_id)
        painted_before = _painted_row(lines, row), _painted_row(baskets, listed)
        await pilot.press("plus")
        await settle(pilot)
        total = app.totals_pane.value("grand_total")
        qty_cell = _painted_row(lines, row).split()
        assert "3" in qty_cell and "2" not in qty_cell, qty_cell
        assert total in _painted_row(baskets, listed)
        assert total not in painted_before[1]
        for other in range(lines.row_count):  # every other row still painted as its data
            if other != row:
                assert lines.get_row_at(other)[1].plain in _painted_row(lines, other)

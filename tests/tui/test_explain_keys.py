"""`w` explains the open basket (the selected line on the lines pane, else the whole basket),
and the totals pane says whether the basket's own numbers foot."""

from __future__ import annotations

from basketbench.tui.screens.explain import ExplainScreen
from tests.support.seed_server import BASKET, USER, SeedBasketServer

from .helpers import SIZE, open_basket, paste, select_line, settle


async def verdict(pilot) -> str:
    """The totals pane's audit verdict, once it has come (the audit waits for the basket to
    stand still, then runs off the event loop)."""
    for _ in range(100):
        text = pilot.app.totals_pane.text
        if "foots" in text or "foot (" in text:
            return text
        await pilot.pause(0.05)
    raise AssertionError(f"no audit verdict: {pilot.app.totals_pane.text!r}")


async def test_w_on_the_lines_pane_explains_the_selected_line(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExplainScreen)
        assert "MUG-WHITE" in screen.text and "POLO-NAVY-L" not in screen.text
        assert "3 x £3.33 = £9.99" in screen.text
        assert "SAVE10" in screen.text and "remainder unit" in screen.text
        await pilot.press("escape")
        assert not isinstance(app.screen, ExplainScreen)


async def test_w_elsewhere_explains_totals_promotions_and_shipping(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("3", "w")
        await settle(pilot)
        text = app.screen.text
        assert "Grand total" in text and "free over £60.00" in text
        assert "code SAVE10" in text and "[yes]" in text
        await pilot.press("w")  # w closes it again
        assert not isinstance(app.screen, ExplainScreen)


async def test_the_totals_pane_says_the_numbers_foot(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        assert "✓ foots" in await verdict(pilot)
        await pilot.press("2")
        select_line(app, "POLO-NAVY-L")
        await pilot.press("plus")
        await settle(pilot)
        assert app.totals_pane._audited != (None, None)
        assert "✓ foots" in await verdict(pilot)
        assert app.totals_pane._audited == (app.basket.id, app.basket.version)


async def test_the_audit_after_a_change_renders_no_wire_json(make_app, monkeypatch):
    """The local workbench never builds wire JSON: its audit reads the domain basket. Every
    rendering of a basket, a line or a price goes through these `wirejson.render` functions
    (to_wire's too), so none may run while a basket is opened, changed and audited."""
    from basketbench.wirejson import render

    calls: list[str] = []
    for name in ("basket", "line", "price", "price_ex", "shipping_method", "short_basket"):
        real = getattr(render, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(render, name, counted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        assert "✓ foots" in await verdict(pilot)
        await pilot.press("2")
        select_line(app, "POLO-NAVY-L")
        await pilot.press("plus")
        await settle(pilot)
        assert "✓ foots" in await verdict(pilot)
        assert app.totals_pane._audited == (app.basket.id, app.basket.version)
    assert calls == []


async def test_a_live_basket_that_does_not_foot_is_flagged_and_w_shows_the_audit():
    from basketbench.backends.http import HttpBackend
    from basketbench.tui.app import BasketBench

    server = SeedBasketServer()
    backend = HttpBackend(server.url, extensions=False, profile="live")
    try:
        app = BasketBench(backend)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await paste(pilot, USER)
            await pilot.press("enter")
            await settle(pilot)
            await open_basket(pilot, BASKET)
            assert "do not foot" in await verdict(pilot)
            await pilot.press("w")
            await settle(pilot)
            text = app.screen.text
            assert "cannot explain" in text and "subTotal" in text and "99.99" in text
    finally:
        await backend.close()
        server.close()



async def test_an_audit_that_lands_after_the_panes_are_gone_is_dropped(make_app):
    """The audit runs off the event loop; its verdict may land while the app closes, when the
    totals pane is already removed: it is then dropped, not a crash (NoMatches) at exit."""
    from basketbench.tui.messages import BasketAudited

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await verdict(pilot)
        basket = app.basket
        await app.totals_pane.remove()  # as at shutdown
        app.post_message(BasketAudited((basket.id or "").lower(), basket.version, []))
        await settle(pilot)
        assert app.is_running and app.basket is basket

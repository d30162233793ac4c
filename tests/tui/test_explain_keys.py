"""`w` explains the open basket (the selected line on the lines pane, else the whole basket),
and the totals pane says whether the basket's own numbers foot."""

from __future__ import annotations

from basketbench.tui.screens.explain import ExplainScreen

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


BASKET = "5a3c2bd0-0000-4000-8000-00000000f00d"
USER = "44e89017-9e42-5967-bb54-b7307332190b"


class _SeedBasketServer:
    """A real BetterCommerce-like server on a loopback port that answers with the seed's
    example baskets, whose figures do not foot (quirks.md §1): the user's list is example 01,
    the basket example 02 (both with the id BASKET)."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from pathlib import Path

        examples = Path(__file__).parents[1] / "fixtures" / "examples"

        def load(name: str) -> dict:
            return json.loads((examples / f"{name}.response.json").read_text("utf-8"))

        listing, basket = load("01-get-user-baskets"), load("02-get-basket")
        listing["result"] = listing["result"][:1]
        listing["result"][0]["id"] = basket["result"]["id"] = BASKET
        bodies = {"all": json.dumps(listing).encode(), "one": json.dumps(basket).encode()}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                # The storefront (and so HttpBackend) sends a JSON body even on a GET.
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = bodies["all" if self.path.split("?")[0].endswith("/all") else "one"]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def test_a_live_basket_that_does_not_foot_is_flagged_and_w_shows_the_audit():
    from basketbench.backends.http import HttpBackend
    from basketbench.tui.app import BasketBench

    server = _SeedBasketServer()
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

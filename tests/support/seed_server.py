"""A real BetterCommerce-like server on loopback that serves the seed's example baskets, whose
figures do not foot (quirks.md §1): for the audit's tests on a live API's basket."""

from __future__ import annotations

BASKET = "5a3c2bd0-0000-4000-8000-00000000f00d"
USER = "44e89017-9e42-5967-bb54-b7307332190b"


class SeedBasketServer:
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

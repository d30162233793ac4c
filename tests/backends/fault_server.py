"""A real HTTP server on a loopback port that misbehaves on demand, for the fault tests.

It runs in a thread (http.server), counts every request it receives by (method, path), and
answers according to `server.mode`:

  ok          200 with a success envelope (result: a tiny basket)
  slow        sleeps `server.delay` seconds, then answers ok
  error500    500 with an error envelope; `error500-html`: 500 with an HTML page
  flaky       503 for the first `server.failures` requests, then ok
  html        200 with an HTML page
  truncated   200 with the first half of a JSON envelope
  refused     200 with `success: false` and an error envelope
  drop        headers and part of the body, then the connection is closed
  not-json    200 with a JSON document that is not an envelope
  address     like ok, but `/campaign` answers with an Address (as the documented API does)
  dribble     headers at once, then the body one byte every `server.delay` seconds (for at
              most `server.dribble_for` seconds, then the connection is closed)
  redirect    302 to `server.location` (another host by default)
  pascal-promo  200 with a PascalCase envelope holding a promo result spelt `IsValid` only
  record      answers each basket route with a result of its documented shape (true, a
              record result, a promo result, a list or the basket), for request recording
  promo-refused  200 with the refused-promo shape of engine-rules §4 (success false,
              result null, messageCode PROMO_NOT_APPLICABLE, the reason in message)

`/oAuth/Token` hands out tok-1, tok-2, ... (or 401 when `token_refused`); basket routes answer
401 to any token in `server.rejected_tokens` (all tokens when it holds "*"), and to a missing
token when `server.require_auth` is set.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASKET_ID = "5a3c2bd0-0000-4000-8000-000000000001"
OK_BASKET = {"id": BASKET_ID, "currencyCode": "GBP", "lineItems": [],
             "grandTotal": {"currencySymbol": "£", "formatted": {"withTax": "£0.00"},
                            "raw": {"withTax": 0.00, "withoutTax": 0.00, "tax": 0.00}}}
HTML = ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
        "<body><h1>Bad Gateway</h1></body></html>")


def envelope(result, *, success=True, status=200, message="", code="", errors=()):
    return json.dumps({"statusCode": status, "status": "OK" if success else "Error",
                       "errors": list(errors), "success": success, "message": message,
                       "messageCode": code, "result": result})


RECORD = {"recordId": BASKET_ID, "id": 0, "isValid": True}


def recorded_result(method: str, path: str):
    """A result of the shape the route answers with (api.md §1), for the recording tests."""
    if path.endswith(("/delete", "/display-order", "/validate")):
        return True
    if path.endswith(("/po", "/delivery/plan", "/line-plan", "/instructions",
                      "/click-collect-store")):
        return RECORD
    if path.endswith(("/related-products", "/all")):
        return []
    if path.endswith(("/apply", "/remove")) and "/promo/" in path:
        return {"isVaild": True, "isValid": True, "message": "applied", "basket": OK_BASKET}
    return OK_BASKET


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: str, content_type: str = "application/json",
              headers: dict | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> str:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while (size := int(self.rfile.readline().strip() or b"0", 16)) > 0:
                data += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return data.decode()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _handle(self) -> None:
        body = self._body()
        path = urlsplit(self.path).path
        srv = self.server
        with srv.lock:
            srv.hits[(self.command, path)] += 1
            srv.requests.append({"method": self.command, "path": self.path, "body": body,
                                 "headers": dict(self.headers.items())})
        if path.lower() == "/oauth/token":
            form = {k: v[0] for k, v in parse_qs(body).items()}
            srv.token_forms.append(form)
            if srv.token_refused or form.get("client_secret") != srv.client_secret:
                self._send(401, json.dumps({"error": "invalid_client",
                                            "error_description": "bad client credentials"}))
                return
            with srv.lock:
                srv.issued += 1
                token = f"tok-{srv.issued}"
            self._send(200, json.dumps({"access_token": token, "token_type": "bearer",
                                        "expires_in": srv.expires_in}))
            return
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        if (srv.require_auth and not token) or token in srv.rejected_tokens or (
                token and "*" in srv.rejected_tokens):
            self._send(401, envelope(None, success=False, status=401, code="UNAUTHORIZED",
                                     message="The bearer token is not valid",
                                     errors=["Authorization: The bearer token is not valid"]))
            return
        mode = srv.mode
        if mode == "slow":
            time.sleep(srv.delay)
            mode = "ok"
        if mode == "dribble":
            self._dribble(envelope(OK_BASKET).encode())
            return
        if mode == "redirect":
            self._send(302, "", "text/plain", headers={"Location": srv.location})
            return
        if mode == "promo-refused":
            self._send(200, envelope(None, success=False, status=200,
                                     code="PROMO_NOT_APPLICABLE",
                                     message="Promo code SAVE10 is only valid for baskets "
                                             "over £50.00"))
            return
        if mode == "flaky":
            with srv.lock:
                srv.failures -= 1
                failing = srv.failures >= 0
            if failing:
                self._send(503, envelope(None, success=False, status=503,
                                         message="try again"))
                return
            mode = "ok"
        if mode == "address" and path.endswith("/campaign"):
            self._send(200, envelope({"customerId": BASKET_ID, "isDefault": False, "id": 0,
                                      "firstName": "", "countryCode": "UK"}))
            return
        if mode == "pascal-promo":
            self._send(200, json.dumps({"StatusCode": 200, "Success": True, "Message": "",
                                        "Result": {"IsValid": True, "Message": "applied",
                                                   "Basket": OK_BASKET}}))
            return
        if mode == "record":
            self._send(200, envelope(recorded_result(self.command, path)))
            return
        if mode in ("ok", "address"):
            self._send(200, envelope(OK_BASKET))
        elif mode == "error500":
            self._send(500, envelope(None, success=False, status=500, code="ERROR",
                                     message="Object reference not set to an instance"))
        elif mode == "error500-html":
            self._send(500, HTML, "text/html")
        elif mode == "html":
            self._send(200, HTML, "text/html; charset=utf-8")
        elif mode == "truncated":
            text = envelope(OK_BASKET)
            self._send(200, text[: len(text) // 2])
        elif mode == "refused":
            self._send(200, envelope(None, success=False, status=404, code="NOT_FOUND",
                                     message="Product 123 not found",
                                     errors=["productId: product 123 not found"]))
        elif mode == "malformed":  # an envelope whose basket has a line qty of "three"
            bad = {**OK_BASKET, "lineItems": [{"productId": "p1", "qty": "three"}]}
            self._send(200, envelope(bad))
        elif mode == "not-json":
            self._send(200, json.dumps([1, 2, 3]))
        elif mode == "drop":
            text = envelope(OK_BASKET).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text[:20])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)

    def _dribble(self, data: bytes) -> None:
        srv = self.server
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        stop = time.monotonic() + srv.dribble_for  # bounded: never outlives the test
        try:
            for byte in data:
                if time.monotonic() > stop:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(srv.delay)
        except OSError:  # the client gave up: that is what the test expects
            pass
        self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = _handle


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.hits: Counter = Counter()
        self.requests: list[dict] = []
        self.token_forms: list[dict] = []
        self.mode = "ok"
        self.delay = 1.0
        self.failures = 0
        self.issued = 0
        self.expires_in = 3600
        self.client_secret = "s3cret-client-value"
        self.token_refused = False
        self.rejected_tokens: set[str] = set()
        self.require_auth = False
        self.dribble_for = 5.0
        self.location = "https://elsewhere.example.net/api/v2/commerce/basket/x"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, method: str, suffix: str) -> int:
        return sum(n for (m, p), n in self.hits.items() if m == method and p.endswith(suffix))

    def __enter__(self) -> FaultServer:
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

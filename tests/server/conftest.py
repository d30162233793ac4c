"""Server tests talk HTTP to the real sandbox, started once per test module in a subprocess.
Every response an httpx client receives here is checked against the server's /openapi.json."""

from __future__ import annotations

import uuid

import httpx
import pytest

from basketbench.engine import demo
from tests.support.sandbox import start_sandbox

from .openapi_check import OpenApiResponseCheck

BASKET = "/api/v2/commerce/basket"
ZERO = "00000000-0000-0000-0000-000000000000"
_REF = demo.reference_data()
PRODUCTS = {p["stockCode"]: p["productId"].lower() for p in _REF["products"]}
METHODS = {m["shippingCode"]: m["id"].lower() for m in _REF["shippingMethods"]}
STORES = {s["code"]: s for s in _REF["stores"]}
USERS = demo.USERS


def new_id() -> str:
    return str(uuid.uuid4())


def demo_basket(name: str) -> str:
    return demo.basket_id(name)


def ok_result(resp: httpx.Response):
    """Assert a BetterCommerce success envelope, field by field; return `result`."""
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert list(body)[:7] == ["statusCode", "status", "errors", "success", "message",
                              "messageCode", "result"]
    assert body["statusCode"] == 200 and body["status"] == "OK"
    assert body["errors"] == [] and body["success"] is True
    return body["result"]


def error_body(resp: httpx.Response, status: int, code: str, *words: str) -> dict:
    """Assert a BetterCommerce error envelope whose message names every word given."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["statusCode"] == status and body["success"] is False
    assert body["result"] is None and body["messageCode"] == code
    assert isinstance(body["errors"], list) and body["errors"]
    assert all(isinstance(e, str) for e in body["errors"])
    for word in words:
        assert word.lower() in body["message"].lower(), (word, body["message"])
    return body


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="module")
def api(sandbox):
    """A client rooted at the basket prefix."""
    with httpx.Client(base_url=sandbox.base_url + BASKET, timeout=15) as client:
        yield client


_DOCS: dict[str, OpenApiResponseCheck] = {}


def _check_against_the_document(client: httpx.Client, send, response: httpx.Response) -> None:
    url = response.request.url
    if url.path == "/openapi.json":
        return
    # An in-process app (TestClient) has no port: its document is asked through the same
    # client, and not cached (another test may build another app at the same address).
    in_process = url.port is None
    origin = f"{url.scheme}://{url.host}:{url.port}"
    if in_process or origin not in _DOCS:
        try:
            doc = send(client, client.build_request(
                "GET", url.copy_with(path="/openapi.json", query=None)))
        except httpx.TransportError:
            return  # the server is gone (a crash test): nothing left to ask
        if doc.status_code != 200:
            return
        check = OpenApiResponseCheck(doc.json())
        if in_process:
            check.check(response)
            return
        _DOCS[origin] = check
    _DOCS[origin].check(response)


@pytest.fixture(autouse=True)
def responses_match_the_document(monkeypatch):
    """Every response an httpx client receives in these tests is checked against the
    /openapi.json of the server that sent it (status documented, body valid)."""
    send = httpx.Client.send

    def checked_send(self, request, **kwargs):
        response = send(self, request, **kwargs)
        if not kwargs.get("stream"):
            _check_against_the_document(self, send, response)
        return response

    monkeypatch.setattr(httpx.Client, "send", checked_send)


def add(api: httpx.Client, basket: str, stock: str, qty: int = 1, **extra) -> dict:
    return ok_result(api.put(f"/{basket}/items/add",
                             json={"productId": PRODUCTS[stock], "qty": qty, **extra}))

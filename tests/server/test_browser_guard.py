"""The open sandbox refuses cross-site browser requests (a form, a text/plain fetch, an <img>
on another web site) unless `--cors-origin` allows the origin, which also gets CORS for a
storefront in a browser on another port. curl and httpx (no Origin, no Sec-Fetch-Site) are
not affected, and neither is a sandbox with auth on."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.support.sandbox import ROOT, start_sandbox

from .conftest import BASKET, PRODUCTS, demo_basket, ok_result

STOREFRONT = "http://localhost:3000"
SHOP = "https://shop.example.com"
EVIL = "https://evil.example"
ALICE = demo_basket("alice-main")
CORS_ARGS = ["--cors-origin", STOREFRONT, "--cors-origin", SHOP + "/"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("browser") / "b.db",
                       extra_args=CORS_ARGS) as sb:
        yield sb


@pytest.fixture(scope="module")
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=15) as c:
        yield c


def promo_codes(http: httpx.Client) -> list[str]:
    basket = ok_result(http.get(f"{BASKET}/{ALICE}"))
    return [p["promoCode"] for p in basket["promotionsApplied"]]


def test_clients_without_browser_headers_keep_working(http):
    assert http.get(f"{BASKET}/{ALICE}").status_code == 200
    resp = http.put(f"{BASKET}/{ALICE}/items/add", headers={"Content-Type": "text/plain"},
                    content=f'{{"productId": "{PRODUCTS["MUG-WHITE"]}", "qty": 1}}')
    assert resp.status_code == 200 and "access-control-allow-origin" not in resp.headers


@pytest.mark.parametrize("method, path, headers", [
    # A form or no-cors fetch on another site: a POST without preflight.
    ("POST", f"{BASKET}/{ALICE}/promo/FIVER/apply",
     {"Origin": EVIL, "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}),
    # <img src=".../promo/FIVER/apply">: a GET with no Origin at all.
    ("GET", f"{BASKET}/{ALICE}/promo/FIVER/apply",
     {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}),
    # A sandboxed iframe or a file:// page sends Origin: null.
    ("POST", f"{BASKET}/{ALICE}/promo/FIVER/apply", {"Origin": "null"}),
    # The <img> in a browser that sends no Sec-Fetch-*: only the page it is on.
    ("GET", f"{BASKET}/{ALICE}/promo/FIVER/apply",
     {"Referer": "https://evil.example/page?session=s3cret"}),
])
def test_cross_site_requests_are_refused_and_change_nothing(http, method, path, headers):
    before = promo_codes(http)
    resp = http.request(method, path, headers=headers)
    assert resp.status_code == 403, resp.text
    body = resp.json()
    assert body["messageCode"] == "FORBIDDEN" and body["success"] is False
    assert "--cors-origin" in body["message"]
    if "Origin" in headers:
        assert repr(headers["Origin"]) in body["message"]
    elif "Referer" in headers:
        assert "'https://evil.example'" in body["message"]
        assert "s3cret" not in resp.text  # the page's query is not echoed
    else:
        assert "Sec-Fetch-Site: cross-site" in body["message"]
    assert promo_codes(http) == before


def test_nexudus_refusal_uses_the_nexudus_envelope(http):
    resp = http.post("/api/billing/basketsessions", headers={"Origin": EVIL},
                     json={"BusinessId": 1, "SessionId": "x"})
    assert resp.status_code == 403
    assert resp.json()["WasSuccessful"] is False and EVIL in resp.json()["Message"]


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:5173", "Sec-Fetch-Site": "cross-site"},  # loopback page
    {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"},             # typed in the bar
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1"},
    {"Referer": "http://localhost:8765/docs"},                               # Swagger UI
])
def test_loopback_and_same_origin_browser_requests_are_served(http, headers):
    resp = http.get(f"{BASKET}/{ALICE}", headers=headers)
    assert resp.status_code == 200
    assert "access-control-allow-origin" not in resp.headers  # not listed: no CORS


@pytest.mark.parametrize("origin", [STOREFRONT, SHOP])
def test_allowed_origin_gets_cors(http, origin):
    pre = http.options(f"{BASKET}/{ALICE}/items/add", headers={
        "Origin": origin, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type,authorization,devicid",
        "Access-Control-Request-Private-Network": "true"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == origin
    assert "PUT" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-headers"] == "content-type,authorization,devicid"
    assert pre.headers["access-control-allow-private-network"] == "true"
    assert pre.headers["vary"] == "Origin" and int(pre.headers["access-control-max-age"]) > 0
    resp = http.put(f"{BASKET}/{ALICE}/items/add", headers={
        "Origin": origin, "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
        json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1})
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == origin
    assert "ETag" in resp.headers["access-control-expose-headers"]


def test_preflight_from_another_origin_is_refused(http):
    resp = http.options(f"{BASKET}/{ALICE}/items/add", headers={
        "Origin": "http://localhost:4000", "Access-Control-Request-Method": "PUT"})
    assert resp.status_code == 403
    assert "access-control-allow-origin" not in resp.headers
    assert "--cors-origin http://localhost:4000" in resp.json()["message"]


def test_with_auth_cross_site_is_not_refused_and_cors_still_works(tmp_path):
    with start_sandbox(tmp_path / "a.db", auth=True, extra_args=CORS_ARGS) as sb, \
            httpx.Client(base_url=sb.base_url, timeout=15) as c:
        token = c.post("/oAuth/Token", headers={"Origin": STOREFRONT}, data={
            "grant_type": "client_credentials", "client_id": sb.client_id,
            "client_secret": sb.client_secret})
        assert token.status_code == 200
        assert token.headers["access-control-allow-origin"] == STOREFRONT
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        # A bearer token is never sent by a browser on its own: nothing to refuse here.
        resp = c.get(f"{BASKET}/{ALICE}", headers={"Origin": EVIL, **auth})
        assert resp.status_code == 200 and "access-control-allow-origin" not in resp.headers
        assert c.get(f"{BASKET}/{ALICE}", headers={"Origin": EVIL}).status_code == 401
        pre = c.options(f"{BASKET}/{ALICE}", headers={
            "Origin": STOREFRONT, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        assert pre.status_code == 204  # no token needed for a preflight


@pytest.mark.parametrize("value", ["localhost:3000", "http://localhost:3000/shop", "*"])
def test_bad_cors_origin_is_refused_at_start(tmp_path, value):
    result = subprocess.run([sys.executable, "-m", "basketbench", "serve", "--db",
                             str(tmp_path / "x.db"), "--cors-origin", value],
                            capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 2
    assert "--cors-origin" in result.stderr and value in result.stderr
    assert "Traceback" not in result.stderr

"""How ASP.NET-style clients really send requests (storefront.md "What follows for a server",
engine-rules §2 and §8): routes and JSON keys in any case, GET and DELETE with a JSON body,
chunked bodies without a Content-Type, and text that cannot be stored refused as a 400 that
names the field (never a 500). A 405's `Allow` names every method of the path."""

from __future__ import annotations

import httpx
import pytest

from tests.support.sandbox import start_sandbox

from .conftest import BASKET, PRODUCTS, ZERO, add, error_body, new_id, ok_result
from .routes_table import ROUTES, is_nexudus

MUG = PRODUCTS["MUG-WHITE"]


# -- routes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/API/V2/COMMERCE/BASKET/{id}/ITEMS/ADD",
    "/api/v2/Commerce/Basket/{id}/Items/Add",
])
def test_routes_match_in_any_case(http, path):
    basket = new_id()
    lines = ok_result(http.put(path.format(id=basket),
                               json={"productId": MUG, "qty": 2}))["lineItems"]
    assert [(ln["productId"].lower(), ln["qty"]) for ln in lines] == [(MUG, 2)]
    # Parameters keep the spelling they were sent in: an upper-case id is the same basket.
    again = ok_result(http.get(f"{BASKET}/{basket.upper()}"))
    assert again["lineItems"][0]["qty"] == 2


@pytest.mark.parametrize("path", ["/oAuth/token", "/oauth/token", "/OAUTH/TOKEN"])
def test_token_route_in_any_case(http, path):
    resp = http.post(path, data={"grant_type": "client_credentials", "client_id": "x",
                                 "client_secret": "y"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["access_token"]


def test_case_does_not_slip_past_auth(tmp_path):
    """The auth gate sees the route's own spelling: `/API/...` needs a token too."""
    with start_sandbox(tmp_path / "auth.db", auth=True) as sb:
        for path in (f"/API/V2/commerce/basket/{ZERO}", "/Api/Billing/BasketSessions"):
            resp = httpx.get(sb.base_url + path, timeout=15)
            assert resp.status_code == 401, (path, resp.text)
        token = httpx.post(sb.base_url + "/oAuth/token", data={
            "grant_type": "client_credentials", "client_id": sb.client_id,
            "client_secret": sb.client_secret}, timeout=15)
        assert token.status_code == 200, token.text
        resp = httpx.get(f"{sb.base_url}/API/V2/commerce/basket/{ZERO}", timeout=15,
                         headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", f"{BASKET}/{ZERO}/promo/SAVE10/apply", "GET, POST"),
    ("DELETE", "/api/billing/basketsessions", "GET, POST, PUT"),
    ("POST", f"{BASKET}/{ZERO}", "GET"),
])
def test_405_allow_lists_every_method_of_the_path(http, method, path, allowed):
    resp = http.request(method, path)
    assert resp.status_code == 405, resp.text
    assert resp.headers["allow"] == allowed
    assert allowed in (resp.json().get("message") or resp.json().get("Message"))


# -- bodies ------------------------------------------------------------------------------------

def test_pascal_case_keys_bind_like_camel_case(api):
    basket = new_id()
    result = ok_result(api.put(f"/{basket}/items/add-bulk", json=[
        {"ProductId": MUG, "Qty": 2, "StockCode": "MUG-WHITE", "CustomInfo1": "hello",
         "ItemType": 0, "SomethingUnknown": {"nested": True}},
    ]))
    line = result["lineItems"][0]
    assert (line["productId"].lower(), line["qty"], line["customInfo1"]) == (MUG, 2, "hello")
    result = ok_result(api.put(f"/{basket}/items/add", json={"PRODUCTID": MUG, "qTy": 1}))
    assert result["lineItems"][0]["qty"] == 3
    ok_result(api.put(f"/{basket}/custom-info", json={
        "CustomInfo2": "basket note",
        "LineInfo": [{"LineId": line["id"], "CustomInfo3": "line note"}]}))
    after = ok_result(api.get(f"/{basket}"))
    assert after["customInfo2"] == "basket note"
    assert after["lineItems"][0]["customInfo3"] == "line note"
    api.put(f"/{basket}/delivery/instructions", json={"FieldValue": "By the door"})
    assert ok_result(api.get(f"/{basket}"))["deliveryInstruction"] == "By the door"


def test_exact_spelling_wins_over_another_case(api):
    basket = new_id()
    result = ok_result(api.put(f"/{basket}/items/add",
                               json={"qty": 1, "QTY": 5, "productId": MUG}))
    assert result["lineItems"][0]["qty"] == 1


def test_nexudus_keys_in_any_case(http):
    resp = http.post("/api/billing/basketsessions",
                     json={"businessId": 7, "sessionid": "any-case"})
    assert resp.status_code == 200, resp.text
    record = http.get(f"/api/billing/basketsessions/{resp.json()['Value']['Id']}").json()
    assert (record["BusinessId"], record["SessionId"]) == (7, "any-case")


def test_get_and_delete_with_a_json_body(api):
    basket = new_id()
    add(api, basket, "MUG-WHITE")
    got = api.request("GET", f"/{basket}", json={"basketId": basket})
    assert ok_result(got)["id"] == basket
    users = api.request("GET", f"/user/{ZERO}/all", json={"userId": ZERO})
    assert isinstance(ok_result(users), list)
    deleted = api.request("DELETE", f"/{basket}/delete?basketId={basket}",
                          json={"basketId": basket})
    assert ok_result(deleted) is True
    assert ok_result(api.get(f"/{basket}"))["isNew"] is True


def _chunks(data: bytes):
    """A body httpx sends chunked (no Content-Length), with no Content-Type."""
    if data:
        yield data[:5]
        yield data[5:]


def test_chunked_bodies_without_content_type(api):
    basket = new_id()
    body = b'{"basketId": "%s", "productId": "%s", "qty": 1}' % (basket.encode(), MUG.encode())
    resp = api.put(f"/{basket}/items/add", content=_chunks(body))
    assert resp.request.headers.get("transfer-encoding") == "chunked"
    assert "content-type" not in resp.request.headers
    assert ok_result(resp)["lineItems"][0]["qty"] == 1
    # An empty chunked body (the storefront's bodiless PUT and POST).
    applied = api.post(f"/{basket}/promo/SAVE10/apply", content=_chunks(b""))
    assert ok_result(applied)["isValid"] is True
    source = new_id()
    add(api, source, "MUG-WHITE")
    merged = api.put(f"/{basket}/merge?sourceBasketId={source}", content=_chunks(b""))
    assert ok_result(merged)["lineItems"][0]["qty"] == 2


# -- text that cannot be stored ----------------------------------------------------------------

SURROGATE_FIELDS = {"object": ("customInfo1", '{"customInfo1": "\\ud800"}'),
                    "array": ("[0].customInfo1", '[{"customInfo1": "x\\udc00y"}]'),
                    "form": ("fieldValue", '{"fieldValue": "\\ud83d", "subscriptionJson": 1}'),
                    "optional-object": ("dayText", '{"dayText": "\\udfff"}')}
GOOD_PATH = {"id": "8836058b-46df-5607-8109-3b1973011de8", "userId": ZERO, "productId": MUG,
             "qty": "1", "promoCode": "SAVE10"}


def _fill(template: str) -> str:
    for name, value in GOOD_PATH.items():
        template = template.replace("{" + name + "}", value)
    return template.replace("/api/billing/basketsessions/{id}", "/api/billing/basketsessions/1")


@pytest.mark.parametrize("method, template, kind", [r for r in ROUTES if r[2]],
                         ids=[f"{m} {p}" for m, p, k in ROUTES if k])
def test_lone_surrogate_is_a_400_naming_the_field(http, method, template, kind):
    url = _fill(template)
    if is_nexudus(url):
        field, raw = "SessionId", '{"Id": 1, "BusinessId": 1, "SessionId": "\\ud800"}'
        if url.startswith("/api/token"):
            field, raw = "username", '{"grant_type": "password", "username": "\\ud800"}'
    elif url.startswith("/oAuth"):
        field, raw = "client_id", '{"grant_type": "client_credentials", "client_id": "\\ud800"}'
    else:
        field, raw = SURROGATE_FIELDS[kind]
    resp = http.request(method, url, content=raw.encode(),
                        headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    body = resp.json()
    message = body.get("message") or body.get("Message")
    assert field in message and "surrogate" in message, message
    assert "Traceback" not in resp.text


def test_surrogate_in_a_nested_field_is_named(api):
    resp = api.put(f"/{new_id()}/custom-info", content=b'{"lineInfo": [{"customInfo2": '
                                                         b'"ok", "customInfo3": "\\ud800"}]}')
    error_body(resp, 400, "VALIDATION", "lineInfo[0].customInfo3", "surrogate")


def test_escaped_backslash_u_is_ordinary_text(api):
    basket = new_id()
    add(api, basket, "MUG-WHITE")
    resp = api.put(f"/{basket}/custom-info", content=b'{"customInfo1": "C:\\\\ud800"}')
    assert ok_result(resp)["customInfo1"] == "C:\\ud800"

"""Explain and basket history over real HTTP (sandbox extensions): the versions of a basket,
one version as it was, restore to a version, and who made each change (the sandbox, or the
authenticated client)."""

from __future__ import annotations

import httpx
import pytest

from basketbench import jsonio
from tests.support.sandbox import start_sandbox

from .conftest import BASKET, PRODUCTS, add, error_body, new_id, ok_result


def test_versions_newest_first_with_what_moved_and_who(api):
    bid = new_id()
    add(api, bid, "POLO-NAVY-L", 2)
    add(api, bid, "MUG-WHITE", 1)
    page = ok_result(api.get(f"/{bid}/history"))
    assert page["total"] == 2 and [r["version"] for r in page["rows"]] == [2, 1]
    newest = page["rows"][0]
    assert newest["op"] == "add_item" and newest["actor"] == "sandbox"
    assert "+MUG-WHITE x1" in newest["summary"]
    paged = ok_result(api.get(f"/{bid}/history", params={"offset": 1, "limit": 1}))
    assert [r["version"] for r in paged["rows"]] == [1]


def test_a_version_as_it_was_and_restore_as_a_new_version(api):
    bid = new_id()
    add(api, bid, "POLO-NAVY-L", 2)
    ok_result(api.put(f"/{bid}/items/{PRODUCTS['POLO-NAVY-L']}/7"))
    old = ok_result(api.get(f"/{bid}/history/1"))
    assert old["lineItems"][0]["qty"] == 2
    stale = api.put(f"/{bid}/history/1/restore", headers={"If-Match": '"1"'})
    error_body(stale, 409, "CONFLICT")
    resp = api.put(f"/{bid}/history/1/restore", headers={"If-Match": '"2"'})
    restored = ok_result(resp)
    assert restored["lineItems"][0]["qty"] == 2 and restored["version"] == 3
    assert resp.headers["ETag"] == '"3"'
    error_body(api.get(f"/{bid}/history/9"), 404, "NOT_FOUND", "9")
    error_body(api.get(f"/{bid}/history/x"), 400, "VALIDATION", "version")


def test_a_deleted_basket_is_restored_from_its_history(api):
    bid = new_id()
    add(api, bid, "CANDLE-FIG", 3)
    assert ok_result(api.delete(f"/{bid}/delete")) is True
    rows = ok_result(api.get(f"/{bid}/history"))["rows"]
    assert rows[0]["deleted"] is True
    restored = ok_result(api.put(f"/{bid}/history/1/restore"))
    assert restored["lineItems"][0]["qty"] == 3 and restored["isNew"] is False


@pytest.fixture(scope="module")
def auth_sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("history-auth") / "h.db", auth=True)
    yield sb
    sb.stop()


def test_with_auth_the_client_is_the_actor(auth_sandbox):
    with httpx.Client(base_url=auth_sandbox.base_url, timeout=15) as client:
        token = client.post("/oAuth/token", data={
            "grant_type": "client_credentials", "client_id": auth_sandbox.client_id,
            "client_secret": auth_sandbox.client_secret}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        bid = new_id()
        ok_result(client.put(f"{BASKET}/{bid}/items/add", headers=headers,
                             json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1}))
        page = ok_result(client.get(f"{BASKET}/{bid}/history", headers=headers))
        assert page["rows"][0]["actor"] == f"client:{auth_sandbox.client_id}"
        assert client.get(f"{BASKET}/{bid}/history").status_code == 401


def test_explain_over_http_agrees_with_the_basket(api):
    bid = new_id()
    add(api, bid, "POLO-NAVY-L", 3)
    add(api, bid, "MUG-WHITE", 4)
    basket = ok_result(api.post(f"/{bid}/promo/SAVE10/apply"))["basket"]
    resp = api.get(f"/{bid}/explain")
    ok_result(resp)
    why = jsonio.loads(resp.text)["result"]  # money as Decimal, so the shares add up exactly
    assert why["version"] == basket["version"]
    assert float(why["totals"]["grandTotal"]["withTax"]) == \
        basket["grandTotal"]["raw"]["withTax"]
    save10 = why["promotions"][0]
    # 10% of 85.32 = 8.53; shares 7.1988 and 1.3317 round down to 8.52: one remainder unit.
    assert sum(s["amount"] for s in save10["shares"]) == save10["amount"]["withTax"]
    assert [s["remainderUnit"] for s in save10["shares"]] == [True, False]

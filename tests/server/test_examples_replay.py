"""Replay the request bodies of spec/examples (copied to tests/fixtures/examples) with real
ids filled in, in the order a storefront would send them: each one succeeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .conftest import METHODS, PRODUCTS, STORES, ZERO, new_id, ok_result

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}  # as the documented curls send
PRODUCT, CODE = PRODUCTS["POLO-NAVY-L"], "POLO-NAVY-L"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.request.json").read_text("utf-8"))


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """Swap the placeholders ("string", "", zero GUIDs) of id fields for real ids."""
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: (ids[k] if k in ids else fill(v, ids)) for k, v in value.items()}
    return value


def body(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def test_replay_documented_requests(api, http):
    bid = new_id()
    common = {"basketId": bid, "productId": PRODUCT, "stockCode": CODE,
              "parentProductId": ZERO, "giftWrapId": ZERO}

    # 11 add item: the documented body (Swagger defaults) with a real product and qty 1.
    add = fill(example("11-add-item"), {**common, "qty": 1})
    basket = ok_result(api.put(f"/{bid}/items/add", content=body(add), headers=FORM))
    assert [(ln["stockCode"], ln["qty"]) for ln in basket["lineItems"]] == [(CODE, 1)]

    # 12 add bulk: the documented element, for another product.
    bulk = fill(example("12-add-bulk"), {**common, "productId": PRODUCTS["WALLET-BRN"],
                                         "stockCode": "WALLET-BRN", "qty": 1})
    basket = ok_result(api.put(f"/{bid}/items/add-bulk", content=body(bulk), headers=FORM))
    assert {ln["stockCode"] for ln in basket["lineItems"]} == {CODE, "WALLET-BRN"}
    line_id = next(ln["id"] for ln in basket["lineItems"] if ln["stockCode"] == CODE)

    # 04 custom info: the documented body, its line found by productId.
    info = example("04-update-custom-info")
    info["basketId"] = bid
    info["lineInfo"][0]["productId"] = PRODUCT
    basket = ok_result(api.put(f"/{bid}/custom-info", content=body(info), headers=FORM))
    assert basket["customInfo1"] == "cust info 1"
    line = next(ln for ln in basket["lineItems"] if ln["stockCode"] == CODE)
    assert line["customInfo1"] == "cust info 1"

    # 05 subscription: the documented form fields, sent as a form.
    basket = ok_result(api.put(f"/{bid}/subscription/{PRODUCT}",
                               data=example("05-update-subscription")))
    assert next(ln for ln in basket["lineItems"] if ln["stockCode"] == CODE)["isSubscription"]

    # 13 display order: the documented entry with a real line id.
    order = fill(example("13-update-display-order"), {"id": line_id, "displayOrder": 9})
    assert ok_result(api.put(f"/{bid}/items/display-order", content=body(order),
                             headers=FORM)) is True
    assert ok_result(api.get(f"/{bid}"))["lineItems"][-1]["stockCode"] == CODE

    # 19 shipping method: the documented nominated-delivery body on the nominated method.
    # Its documented day (2022-03-25) is in the past: refused, naming the day (engine-rules
    # §6); the same body with a day two days ahead is taken.
    nominated = example("19-update-shipping-method")
    shipping = {"shippingMethodId": METHODS["NOM"], "countryCode": "GB"}
    refused = api.put(f"/{bid}/delivery/shipping-method", content=body(nominated),
                      params=shipping, headers=FORM)
    assert refused.status_code == 400 and "2022-03-25" in refused.json()["message"]
    ahead = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT00:00:00Z")
    nominated["deliveryDate"] = ahead
    basket = ok_result(api.put(f"/{bid}/delivery/shipping-method", content=body(nominated),
                               params=shipping, headers=FORM))
    assert basket["shippingMethodId"] == METHODS["NOM"]

    # 20 and 21 delivery plans: the documented plan with a real method, store and product.
    plan_ids = {"shippingMethodId": METHODS["STD"], "pickupStoreId": STORES["LDN1"]["id"],
                "productId": PRODUCT, "stockCode": CODE, "parentProductId": ZERO}
    plans = fill(example("20-update-delivery-plan"), plan_ids)
    assert ok_result(api.put(f"/{bid}/delivery/plan", content=body(plans),
                             headers=FORM))["isValid"] is True
    line_plan = fill(example("21-update-line-delivery-plan"), plan_ids)
    assert ok_result(api.put(f"/{bid}/delivery/line-plan", content=body(line_plan),
                             headers=FORM))["isValid"] is True

    # 22 delivery instructions: the documented form field.
    assert ok_result(api.put(f"/{bid}/delivery/instructions",
                             data=example("22-update-delivery-instructions")))["isValid"]
    assert ok_result(api.get(f"/{bid}"))["deliveryInstruction"] == "aliqua adipi"

    # 23 click & collect: the documented store body with a real store id.
    store = fill(example("23-update-click-collect-store"), {"id": STORES["LDN1"]["id"]})
    assert ok_result(api.put(f"/{bid}/delivery/click-collect-store", content=body(store),
                             headers=FORM))["isValid"] is True

    # 24 Nexudus: the documented request with a real business and session id.
    session = {**example("24-nexudus-create-basketsession"), "BusinessId": 1,
               "SessionId": "browser-session-1"}
    resp = http.post("/api/billing/basketsessions", content=body(session),
                     headers={"Content-Type": "application/json"})
    assert resp.status_code == 200 and resp.json()["WasSuccessful"] is True

"""Delivery: shipping method and nominated day, delivery plans, instructions, click & collect."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..money import currency
from . import inputs
from .catalogue import Catalogue
from .errors import NotFound, field_error
from .ids import ZERO_GUID, new_guid, optional_guid
from .render import iso
from .state import Writer

MAX_INSTRUCTION = 500


def set_shipping_method(w: Writer, cat: Catalogue, method_id: object, country_code: object,
                        nominated: object) -> None:
    if method_id is None or method_id == "":
        raise field_error("shippingMethodId", "is required")
    country = inputs.country(country_code)
    key = inputs.text(method_id, "shippingMethodId", required=True).strip()
    method = cat.shipping.get(key.lower()) or cat.shipping_by_code.get(key.upper())
    if method is None:
        raise field_error("shippingMethodId", f"unknown shipping method {key!r}")
    if country not in method.countries:
        raise field_error("shippingMethodId",
                          f"{method.code} is not offered in {country} "
                          f"(offered in {', '.join(method.countries)})")
    if w.state.currency not in method.prices:
        raise field_error("shippingMethodId",
                          f"{method.code} has no price in {w.state.currency} "
                          f"(priced in {', '.join(sorted(method.prices))})")
    stored = None
    if nominated not in (None, {}, ""):
        body = inputs.obj(nominated, "nominatedDelivery")
        stored = {
            "dayText": inputs.text(body.get("dayText"), "nominatedDelivery.dayText", max_length=100),
            "dayNo": inputs.optional_int(body, "dayNo", 0),
            "cutOffTime": inputs.optional_int(body, "cutOffTime", 0),
            "carrierCode": inputs.text(body.get("carrierCode"), "nominatedDelivery.carrierCode",
                                       max_length=100),
            "deliveryDate": _date(body.get("deliveryDate")),
            "price_minor": None,
        }
        price = body.get("price")
        if isinstance(price, dict) and isinstance(price.get("raw"), dict):
            raw = price["raw"].get("withTax")
            if raw not in (None, ""):
                minor = inputs.money(raw, "nominatedDelivery.price.raw.withTax",
                                     currency(w.state.currency))
                # A zero price is the Swagger placeholder, not a free day: no override.
                stored["price_minor"] = minor or None
    w.set_fields(shipping_method_id=method.id, country_code=country, nominated=stored)


def _date(value: object) -> str | None:
    text = inputs.text(value, "nominatedDelivery.deliveryDate", max_length=40)
    if text is None:
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise field_error("nominatedDelivery.deliveryDate",
                          f"is not an ISO 8601 date-time (got {text!r})") from None
    return text


def _plan(body: object, field: str, cat: Catalogue, now: datetime, cur) -> dict:
    body = inputs.obj(body, field)
    record_id = optional_guid(body.get("recordId"), f"{field}.recordId")
    lead = inputs.optional_int(body, "leadTime", 0, minimum=0, maximum=3650)
    charge = body.get("shippingCharge")
    items = body.get("items") or []
    inputs.array(items, f"{field}.items")
    for i, item in enumerate(items):
        inputs.obj(item, f"{field}.items[{i}]")
    method_id = optional_guid(body.get("shippingMethodId"), f"{field}.shippingMethodId")
    center = body.get("deliveryCenter") or {}
    inputs.obj(center, f"{field}.deliveryCenter")
    return {
        "recordId": record_id if record_id != ZERO_GUID else new_guid(),
        "deliveryType": inputs.optional_int(body, "deliveryType", 0),
        "fulfilmentChannel": inputs.optional_int(body, "fulfilmentChannel", 0),
        "shippingType": inputs.optional_int(body, "shippingType", 0),
        "shippingMethodId": method_id,
        "cost_minor": inputs.money(charge, f"{field}.shippingCharge", cur)
        if charge not in (None, "") else 0,
        "pickupStoreId": optional_guid(body.get("pickupStoreId"), f"{field}.pickupStoreId"),
        "refStoreId": inputs.text(body.get("refStoreId"), f"{field}.refStoreId", max_length=100),
        "pickupStoreCode": inputs.text(body.get("pickupStoreCode"), f"{field}.pickupStoreCode",
                                       max_length=100),
        "deliveryCenter": {
            "recordId": optional_guid(center.get("recordId"), f"{field}.deliveryCenter.recordId"),
            "code": inputs.text(center.get("code"), f"{field}.deliveryCenter.code", max_length=100),
            "name": inputs.text(center.get("name"), f"{field}.deliveryCenter.name", max_length=200),
        },
        "leadTime": lead,
        "leadTimeUom": inputs.optional_int(body, "leadTimeUom", 0),
        "poolCode": inputs.text(body.get("poolCode"), f"{field}.poolCode", max_length=100),
        "items": items,
        "created": iso(now),
        "deliveryDateTarget": iso(now + timedelta(days=lead)) if lead else None,
    }


def set_delivery_plans(w: Writer, cat: Catalogue, plans: object, now: datetime) -> str:
    plans = inputs.array(plans, "deliveryPlans")
    cur = currency(w.state.currency)
    new = [_plan(p, f"deliveryPlans[{i}]", cat, now, cur) for i, p in enumerate(plans)]
    w.set_fields(delivery_plans=new)
    return w.state.id


def set_line_delivery_plan(w: Writer, cat: Catalogue, plan: object, now: datetime) -> str:
    new = _plan(plan, "deliveryPlan", cat, now, currency(w.state.currency))
    plans = [p for p in w.state.delivery_plans if p["recordId"] != new["recordId"]]
    replaced = len(plans) != len(w.state.delivery_plans)
    if replaced:
        plans = [new if p["recordId"] == new["recordId"] else p for p in w.state.delivery_plans]
    else:
        plans.append(new)
    w.set_fields(delivery_plans=plans)
    return new["recordId"]


def set_instruction(w: Writer, value: object) -> None:
    text = inputs.text(value, "fieldValue", max_length=MAX_INSTRUCTION)
    w.set_fields(delivery_instruction=text)


def set_click_collect(w: Writer, cat: Catalogue, body: object) -> str:
    body = inputs.obj(body, "address")
    if "enableClickCollect" in body and not inputs.flag(body["enableClickCollect"],
                                                        "enableClickCollect"):
        w.set_fields(store_id=None)
        return ZERO_GUID
    key = body.get("id") or body.get("hdnCode") or body.get("code")
    key = inputs.text(key, "id", required=True, max_length=100)
    store = cat.store(key)
    if store is None:
        known = ", ".join(sorted(s.code for s in cat.stores.values()))
        raise NotFound(f"Store {key!r} not found (known stores: {known})",
                       [f"id: store {key!r} not found"])
    w.set_fields(store_id=store.id)
    return store.id

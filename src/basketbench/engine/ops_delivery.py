"""Delivery: shipping method and nominated day, delivery plans, instructions, click & collect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..money import currency
from . import inputs
from .catalogue import Catalogue
from .domain import iso
from .errors import NotFound, field_error
from .ids import ZERO_GUID, new_guid, optional_guid
from .state import Writer

MAX_INSTRUCTION = 500


MAX_NOMINATED_DAYS = 60


def set_shipping_method(w: Writer, cat: Catalogue, method_id: object, country_code: object,
                        nominated: object, now: datetime) -> None:
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
            "dayText": inputs.text(body.get("dayText"), "nominatedDelivery.dayText",
                                   max_length=100),
            "dayNo": inputs.optional_int(body, "dayNo", 0),
            "cutOffTime": inputs.optional_int(body, "cutOffTime", 0),
            "carrierCode": inputs.text(body.get("carrierCode"), "nominatedDelivery.carrierCode",
                                       max_length=100),
            "deliveryDate": _nominated_date(body.get("deliveryDate"), now),
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
    # Any method but click & collect clears the chosen store (engine-rules §6).
    store_id = w.state.store_id if method.is_click_collect else None
    w.set_fields(shipping_method_id=method.id, country_code=country, nominated=stored,
                 store_id=store_id)


def _nominated_date(value: object, now: datetime) -> str | None:
    """A nominated day chosen now: from tomorrow to 60 days ahead (UTC), both inclusive."""
    field = "nominatedDelivery.deliveryDate"
    text = inputs.text(value, field, max_length=40)
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise field_error(field, f"is not an ISO 8601 date-time (got {text!r})") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    today = now.astimezone(UTC).date()
    first, last = today + timedelta(days=1), today + timedelta(days=MAX_NOMINATED_DAYS)
    if not first <= when.date() <= last:
        raise field_error(field, f"{when.date().isoformat()} is not a day from {first} to "
                                 f"{last} (tomorrow to {MAX_NOMINATED_DAYS} days ahead, UTC)")
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
        method = cat.shipping.get(w.state.shipping_method_id or "")
        if method is not None and method.is_click_collect:
            w.set_fields(store_id=None, shipping_method_id=None, nominated=None)
        else:
            w.set_fields(store_id=None)
        return ZERO_GUID
    key = body.get("id") or body.get("hdnCode") or body.get("code")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    key = inputs.text(key, "id", required=True, max_length=100)
    store = cat.store(key)
    if store is None:
        known = ", ".join(sorted(s.code for s in cat.stores.values()))
        raise NotFound(f"Store {key!r} not found (known stores: {known})",
                       [f"id: store {key!r} not found"])
    # The store comes with the country's click & collect method and its charge; a nominated
    # day belongs to another method and goes (engine-rules §6).
    country = w.state.country_code or store.country_code or "GB"
    method = cat.click_collect_method(inputs.country(country), w.state.currency)
    if method is not None:
        w.set_fields(store_id=store.id, shipping_method_id=method.id, nominated=None,
                     country_code=inputs.country(country))
    else:
        w.set_fields(store_id=store.id)
    return store.id

"""Merge (§5), delivery (§6), other basket fields (§7), related products, listings."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from basketbench.engine import ZERO_GUID, BasketLocked, NotFound, QuantityLimit, ValidationError
from tests.support.wire import wire, wire_short


def new_id() -> str:
    return str(uuid.uuid4())


def quantities(basket: dict) -> dict[tuple[str, str], int]:
    return {(ln["stockCode"], ln["parentProductId"]): ln["qty"] for ln in basket["lineItems"]}


def make(engine, ref, *lines, user=None) -> str:
    bid = new_id()
    engine.add_bulk(bid, [{"productId": ref.product(c), "qty": q} for c, q in lines])
    if user:
        engine.assign_user(bid, user)
    return bid


@pytest.mark.parametrize("strategy, expected", [("sum", 5), ("max", 3), ("replace", 2)])
def test_merge_strategies(engine, ref, strategy, expected):
    target = make(engine, ref, ("MUG-WHITE", 3), ("POLO-NAVY-L", 1), user=ref.users["alice"])
    source = make(engine, ref, ("CANDLE-FIG", 1), ("MUG-WHITE", 2))
    merged = wire(engine.merge(target, source, strategy=strategy))
    assert quantities(merged)[("MUG-WHITE", ZERO_GUID)] == expected
    assert [ln["stockCode"] for ln in merged["lineItems"]] == ["MUG-WHITE", "POLO-NAVY-L",
                                                                "CANDLE-FIG"]
    assert merged["userId"] == ref.users["alice"]  # the target keeps its user
    assert wire(engine.get_basket(source))["isNew"] is True  # the source is deleted


def test_merge_preview_changes_nothing(engine, ref):
    target, source = ref.basket("carol-account"), ref.basket("carol-guest")
    before = (wire(engine.get_basket(target)), wire(engine.get_basket(source)))
    preview = wire(engine.merge(target, source, dry_run=True))
    assert quantities(preview)[("MUG-WHITE", ZERO_GUID)] == 3
    assert (wire(engine.get_basket(target)), wire(engine.get_basket(source))) == before


def test_merge_carries_over_codes_that_still_apply(engine, ref):
    merged = wire(engine.merge(ref.basket("carol-account"), ref.basket("carol-guest")))
    assert [p["promoCode"] for p in merged["promotionsApplied"]] == ["HOME3FOR2"]


def test_merge_cap_refuses_and_changes_nothing(engine, ref):
    target = make(engine, ref, ("MUG-WHITE", 600))
    source = make(engine, ref, ("MUG-WHITE", 500))
    with pytest.raises(QuantityLimit):
        engine.merge(target, source)
    assert quantities(wire(engine.get_basket(target)))[("MUG-WHITE", ZERO_GUID)] == 600
    assert wire(engine.get_basket(source))["isNew"] is False


def test_merge_errors(engine, ref):
    bid = ref.basket("alice-main")
    with pytest.raises(ValidationError):
        engine.merge(bid, bid)
    with pytest.raises(NotFound):
        engine.merge(bid, new_id())
    with pytest.raises(BasketLocked):
        engine.merge(bid, ref.basket("bob-locked"))
    with pytest.raises(BasketLocked):
        engine.merge(ref.basket("bob-locked"), bid)
    with pytest.raises(ValidationError):
        engine.merge(bid, ref.basket("guest-1"), strategy="avg")


def test_merge_conserves_child_lines(engine, ref):
    target = make(engine, ref, ("MUG-WHITE", 1))
    merged = wire(engine.merge(target, ref.basket("alice-engraved")))
    assert quantities(merged)[("ENGRAVE-TEXT", ref.product("WALLET-BRN"))] == 1


def test_shipping_methods_by_country_and_free_over(engine, ref):
    bid = make(engine, ref, ("MUG-WHITE", 1))
    basket = wire(engine.get_basket(bid))
    assert {m["shippingCode"] for m in basket["shippingMethods"]} == {"STD", "NEXT", "NOM", "CNC"}
    basket = wire(engine.set_shipping_method(bid, ref.method("STD"), "UK"))  # UK read as GB
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("3.99")
    assert basket["shippingMethodId"] == ref.method("STD")
    basket = wire(engine.set_qty(bid, ref.product("MUG-WHITE"), 20))  # 66.60 >= free-over 60
    assert basket["shippingCharge"]["raw"]["withTax"] == 0
    basket = wire(engine.set_shipping_method(bid, "INTL-EU", "FR"))
    assert [m["shippingCode"] for m in basket["shippingMethods"]][:1] == ["INTL-EU"]


def test_shipping_errors(engine, ref):
    bid = make(engine, ref, ("MUG-WHITE", 1))
    with pytest.raises(ValidationError) as err:
        engine.set_shipping_method(bid, "NEXT", "FR")
    assert "not offered in FR" in err.value.message
    with pytest.raises(ValidationError):
        engine.set_shipping_method(bid, new_id(), "GB")
    with pytest.raises(ValidationError):
        engine.set_shipping_method(bid, "", "GB")
    with pytest.raises(ValidationError):
        engine.set_shipping_method(bid, "STD", "GBR")


def test_nominated_day_price_and_date(engine, ref):
    bid = make(engine, ref, ("MUG-WHITE", 1))
    basket = wire(engine.set_shipping_method(bid, "NOM", "GB", {
        "dayText": "Saturday", "deliveryDate": "2026-11-28T00:00:00Z",
        "price": {"raw": {"withTax": 12.49}}}))
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("12.49")
    nom = next(m for m in basket["shippingMethods"] if m["shippingCode"] == "NOM")
    assert nom["expectedDeliveryDate"] == "2026-11-28T00:00:00Z"
    # The nominated price does not override a method that is not nominated.
    basket = wire(engine.set_shipping_method(bid, "NEXT", "GB", {"price": {"raw": {"withTax": 1}}}))
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("7.99")


def test_delivery_plans_replace_and_line_plan_upserts(engine, ref):
    bid = make(engine, ref, ("MUG-WHITE", 1))
    result = engine.set_delivery_plans(bid, [{"shippingCharge": 4.5, "leadTime": 2},
                                             {"shippingCharge": "1.00"}])
    assert result == {"recordId": bid, "id": 0, "isValid": True}
    plans = wire(engine.get_basket(bid))["deliveryPlans"]
    assert [p["cost"] for p in plans] == [Decimal("4.50"), Decimal("1.00")]
    before_total = wire(engine.get_basket(bid))["grandTotal"]
    new = engine.set_line_delivery_plan(bid, {"recordId": ZERO_GUID, "shippingCharge": 2})
    assert new["recordId"] != ZERO_GUID and new["isValid"] is True
    engine.set_line_delivery_plan(bid, {"recordId": new["recordId"], "shippingCharge": 3})
    basket = wire(engine.get_basket(bid))
    assert [p["cost"] for p in basket["deliveryPlans"]] == [Decimal("4.50"), Decimal("1.00"),
                                                            Decimal("3.00")]
    assert basket["grandTotal"] == before_total  # plans never change totals
    engine.set_delivery_plans(bid, [])
    assert wire(engine.get_basket(bid))["deliveryPlans"] == []
    with pytest.raises(ValidationError):
        engine.set_delivery_plans(bid, [{"shippingCharge": -1}])


def test_instructions_and_po_limits(engine, ref):
    bid = ref.basket("alice-main")
    assert engine.set_delivery_instruction(bid, "Leave with neighbour")["isValid"] is True
    assert wire(engine.get_basket(bid))["deliveryInstruction"] == "Leave with neighbour"
    with pytest.raises(ValidationError):
        engine.set_delivery_instruction(bid, "x" * 501)
    engine.set_delivery_instruction(bid, "")
    assert wire(engine.get_basket(bid))["deliveryInstruction"] is None
    assert engine.set_po(bid, "PO-1") == {"recordId": bid, "id": 0, "isValid": True}
    assert wire(engine.get_basket(bid))["poNumber"] == "PO-1"
    with pytest.raises(ValidationError):
        engine.set_po(bid, "P" * 51)
    engine.set_po(bid, None)
    assert wire(engine.get_basket(bid))["poNumber"] is None


def test_click_and_collect(engine, ref):
    bid = make(engine, ref, ("MUG-WHITE", 1))
    engine.set_delivery_plans(bid, [{"shippingCharge": 0}])
    result = engine.set_click_collect_store(bid, {"id": "MAN1", "enableClickCollect": True})
    basket = wire(engine.get_basket(bid))
    assert basket["shippingAddress"]["companyName"] == "Manchester Arndale"
    assert basket["deliveryPlans"][0]["pickupStoreCode"] == "MAN1"
    assert result["recordId"] == basket["deliveryPlans"][0]["pickupStoreId"]
    engine.set_click_collect_store(bid, {"enableClickCollect": False})
    assert wire(engine.get_basket(bid))["shippingAddress"]["companyName"] is None
    with pytest.raises(NotFound):
        engine.set_click_collect_store(bid, {"id": "NOWHERE"})


def test_assign_user_moves_basket_between_lists(engine, ref):
    bid = ref.basket("guest-2")
    engine.assign_user(bid, ref.users["bob"])
    assert bid in [b["id"] for b in wire_short(engine.list_user_baskets(ref.users["bob"]))]
    engine.assign_user(bid, ref.users["alice"])
    assert bid not in [b["id"] for b in wire_short(engine.list_user_baskets(ref.users["bob"]))]
    assert wire(engine.get_basket(bid))["userEmail"] == "alice@example.com"
    with pytest.raises(ValidationError):
        engine.assign_user(bid, "")


def test_custom_info_basket_and_lines(engine, ref):
    bid = ref.basket("alice-main")
    line = wire(engine.get_basket(bid))["lineItems"][0]
    basket = wire(engine.set_custom_info(bid, {
        "customInfo1": "gift", "customInfo3": "[b]x[/b]",
        "lineInfo": [{"lineId": line["id"], "customInfo2": "note",
                      "customInfo2Formatted": "<b>note</b>", "additionalCharge": 1.5,
                      "additionalServiceCost": 0.5}]}))
    assert (basket["customInfo1"], basket["customInfo2"], basket["customInfo3"]) == \
        ("gift", None, "[b]x[/b]")
    changed = basket["lineItems"][0]
    assert changed["customInfo2"] == "note" and changed["customInfo2Formatted"] == "<b>note</b>"
    assert changed["additionalCharge"]["raw"]["withTax"] == Decimal("2.00")
    with pytest.raises(ValidationError):
        engine.set_custom_info(bid, {"lineInfo": [{"lineId": "424242"}]})


def test_subscription_settings(engine, ref):
    bid = ref.basket("alice-main")
    pid = ref.product("POLO-NAVY-L")
    plan = "1a2e9e33-a675-4e23-8dc9-e6c24491b04d"
    basket = wire(engine.set_subscription(bid, pid, {
        "subscriptionPlanId": plan, "subscriptionTermId": "83209399-0fa2-45ed-bb55-152d4b978897",
        "userPricingType": "1", "subscriptionJson": "{}", "authorizationAmount": "0"}))
    line = next(ln for ln in basket["lineItems"] if ln["productId"] == pid)
    assert line["isSubscription"] is True and basket["hasSubscription"] is True
    assert line["subscriptionUserSettings"]["subscriptionPlanId"] == plan
    assert basket["subscriptionTotal"]["raw"]["withTax"] == line["totalPrice"]["raw"]["withTax"]
    with pytest.raises(NotFound):
        engine.set_subscription(bid, ref.product("CANDLE-FIG"), {})


def test_campaign_code(engine, ref):
    bid = ref.basket("alice-main")
    assert wire(engine.set_campaign(bid, "dolore cillum sit"))["campaignCode"] == \
        "dolore cillum sit"
    assert wire(engine.set_campaign(bid, ""))["campaignCode"] is None


def test_related_products_exclude_basket_items_and_duplicates(engine, ref):
    related = wire(engine.related_products(ref.basket("alice-main")))  # POLO, LINEN, MUG
    codes = [p["stockCode"] for p in related]
    assert "TEA-SAMPLER" in codes and "CANDLE-FIG" in codes and "BS0010-DODGER-BLUE-M" in codes
    assert not {"POLO-NAVY-L", "LINEN-WHT-M", "MUG-WHITE"} & set(codes)
    assert len(codes) == len(set(codes))


def test_lock_unknown_basket_is_404(engine):
    with pytest.raises(NotFound):
        engine.set_locked(new_id(), True)


def test_list_baskets_filters_and_pages(engine, ref):
    page = engine.list_baskets(limit=5)
    assert page["total"] == 14 and len(page["rows"]) == 5
    by_product = engine.list_baskets(query="engrave")["rows"]
    assert {r["id"] for r in by_product} >= {ref.basket("alice-engraved")}
    assert engine.list_baskets(user_id=ref.users["bob"])["total"] == 2
    row = next(r for r in engine.list_baskets(query="bob")["rows"] if r["isLocked"])
    assert row["id"] == ref.basket("bob-locked")
    assert engine.list_baskets(query=ref.basket("alice-main")[:8])["rows"][0]["id"] == \
        ref.basket("alice-main")


def test_summary_columns_follow_every_change(engine, ref):
    bid = ref.basket("alice-main")
    engine.add_item(bid, {"productId": ref.product("CANDLE-FIG"), "qty": 1})
    row = engine.list_baskets(query=bid)["rows"][0]
    basket = wire(engine.get_basket(bid))
    assert row["lineCount"] == len(basket["lineItems"])
    assert row["grandTotal"] == basket["grandTotal"]["raw"]["withTax"]

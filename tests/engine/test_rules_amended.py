"""The bugs of issue 10, each reproduced on the demo data, and the amended rules behind them
(engine-rules §2 lines, §3 money, §4 promotions, §5 merge, §6 delivery, §7 user lists)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from basketbench.engine import ValidationError
from basketbench.engine.errors import NotFound, QuantityLimit
from basketbench.engine.ids import ZERO_GUID
from tests.support.wire import wire, wire_short


def new_id() -> str:
    return str(uuid.uuid4())


def raw(price: dict) -> tuple[Decimal, Decimal, Decimal]:
    r = price["raw"]
    return r["withTax"], r["withoutTax"], r["tax"]


def basket_with(engine, ref, *lines: tuple[str, int]) -> str:
    bid = new_id()
    engine.add_bulk(bid, [{"productId": ref.product(code), "qty": qty} for code, qty in lines])
    return bid


def line_of(basket: dict, stock_code: str, parent: str = ZERO_GUID) -> dict:
    return next(ln for ln in basket["lineItems"]
                if ln["stockCode"] == stock_code and ln["parentProductId"] == parent)


# -- §4: the order codes were applied in never matters ----------------------------------------

def test_grand_total_does_not_depend_on_the_order_codes_were_applied(engine, ref):
    one = basket_with(engine, ref, ("BS0010-DODGER-BLUE-M", 1), ("POLO-NAVY-L", 1))
    two = basket_with(engine, ref, ("BS0010-DODGER-BLUE-M", 1), ("POLO-NAVY-L", 1))
    engine.apply_promo(one, "SAVE10")
    first = wire(engine.apply_promo(one, "FIVER"))["basket"]
    engine.apply_promo(two, "FIVER")
    second = wire(engine.apply_promo(two, "SAVE10"))["basket"]
    assert raw(first["grandTotal"]) == raw(second["grandTotal"])
    # Same priority: by code, FIVER then SAVE10 on what is left: 104 - 5 = 99, 10% = 9.90.
    assert first["grandTotal"]["raw"]["withTax"] == Decimal("89.10")


# -- §3: promotions foot both ways -------------------------------------------------------------

def _sum(prices: list[dict]) -> tuple[Decimal, Decimal, Decimal]:
    parts = [raw(p) for p in prices]
    return tuple(sum((p[i] for p in parts), Decimal(0)) for i in range(3))  # type: ignore


def test_promotions_foot_per_line_and_per_promotion(engine, ref):
    bid = basket_with(engine, ref, ("MUG-WHITE", 7), ("CHOC-DARK-70", 5), ("LED-BULB-4PK", 3))
    engine.apply_promo(bid, "CHOC3FOR2")
    basket = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    for line in basket["lineItems"]:
        if line["promotionsApplied"]:
            assert _sum([p["discountAmt"] for p in line["promotionsApplied"]]) == \
                raw(line["discount"]), line["stockCode"]
    for promo in basket["promotionsApplied"]:
        shares = [p["discountAmt"] for ln in basket["lineItems"]
                  for p in ln["promotionsApplied"] if p["promoCode"] == promo["promoCode"]]
        assert _sum(shares) == raw(promo["discountAmt"]), promo["promoCode"]
    assert _sum([p["discountAmt"] for p in basket["promotionsApplied"]]) == \
        raw(basket["discount"])


def test_a_fixed_discount_on_one_line_has_the_tax_of_that_amount(engine, ref):
    bid = basket_with(engine, ref, ("BS0010-DODGER-BLUE-M", 1))
    basket = wire(engine.apply_promo(bid, "FIVER"))["basket"]
    fiver = next(p for p in basket["promotionsApplied"] if p["promoCode"] == "FIVER")
    assert raw(fiver["discountAmt"]) == raw(basket["discount"])
    assert raw(fiver["discountAmt"]) == (Decimal("5.00"), Decimal("4.17"), Decimal("0.83"))


# -- §3: the spread of an order discount is the largest remainder -------------------------------

def test_order_discount_is_spread_by_largest_remainder(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3), ("LINEN-WHT-M", 1), ("MUG-WHITE", 4))
    basket = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    got = [line_of(basket, code)["discount"]["raw"]["withTax"]
           for code in ("POLO-NAVY-L", "LINEN-WHT-M", "MUG-WHITE")]
    # 10% of 144.32 = 14.43; exact shares 7.1990 / 5.8995 / 1.3318: the two largest
    # remainders take the two units left over.
    assert got == [Decimal("7.20"), Decimal("5.90"), Decimal("1.33")]


# -- §2: qty 0 removes, however the line is named ----------------------------------------------

@pytest.mark.parametrize("naming", ["productId", "stockCode", "lineId"])
def test_qty_zero_removes_the_line_by_every_way_of_naming_it(engine, ref, naming):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 2), ("MUG-WHITE", 1))
    line = line_of(wire(engine.get_basket(bid)), "POLO-NAVY-L")
    body = {"productId": ref.product("POLO-NAVY-L"), "stockCode": "POLO-NAVY-L",
            "lineId": int(line["id"])}[naming]
    key = "productId" if naming == "lineId" else naming
    basket = wire(engine.add_item(bid, {key: body, "qty": 0}))
    assert [ln["stockCode"] for ln in basket["lineItems"]] == ["MUG-WHITE"]


def test_a_numeric_line_id_stands_for_its_product_as_a_delta(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 2))
    line_id = line_of(wire(engine.get_basket(bid)), "POLO-NAVY-L")["id"]
    basket = wire(engine.add_item(bid, {"productId": line_id, "qty": 1}))
    assert line_of(basket, "POLO-NAVY-L")["qty"] == 3
    with pytest.raises(ValidationError) as err:
        engine.add_item(bid, {"productId": "999999", "qty": 1})
    assert "999999" in err.value.message


# -- §2: lowering a quantity never fails for stock ---------------------------------------------

def test_a_line_above_the_stock_now_available_can_be_reduced(engine, ref):
    bid = basket_with(engine, ref, ("CARSEAT-G1", 3))  # all 3 in stock
    product = ref.product("CARSEAT-G1")
    engine.store.transaction(lambda c: c.execute(
        "UPDATE products SET current_stock = 1 WHERE product_id = ?", (product,)))
    engine.store.transaction(lambda c: c.execute(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'catalogue_rev'"))
    assert line_of(wire(engine.add_item(bid, {"productId": product, "qty": -1})),
                   "CARSEAT-G1")["qty"] == 2
    assert line_of(wire(engine.set_qty(bid, product, 1)), "CARSEAT-G1")["qty"] == 1


# -- §2: quantity limits are 422 by every route, however large --------------------------------

@pytest.mark.parametrize("qty", [1000, 100_001, 10**12])
def test_quantity_past_the_line_limit_is_quantity_limit_on_add_and_set(engine, ref, qty):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 1))
    product = ref.product("POLO-NAVY-L")
    with pytest.raises(QuantityLimit):
        engine.add_item(bid, {"productId": product, "qty": qty})
    with pytest.raises(QuantityLimit):
        engine.set_qty(bid, product, qty)
    assert line_of(wire(engine.get_basket(bid)), "POLO-NAVY-L")["qty"] == 1


# -- §4: an exclusive code is the only discount ------------------------------------------------

def test_an_exclusive_code_does_not_stack_with_an_automatic_promotion(engine, ref):
    bid = basket_with(engine, ref, ("CARSEAT-G1", 2))  # 298.00: "Spend £200, save £20" qualifies
    before = wire(engine.get_basket(bid))
    assert any(not p["promoCode"] and p["isApplicable"] for p in before["promotionsApplied"])
    basket = wire(engine.apply_promo(bid, "EXCL25"))["basket"]
    auto = next(p for p in basket["promotionsApplied"] if not p["promoCode"])
    assert auto["isApplicable"] is False and "EXCL25" in auto["reason"]
    assert raw(auto["discountAmt"])[0] == 0
    assert basket["discount"]["raw"]["withTax"] == Decimal("74.50")  # 25% of 298.00 only


# -- §6: click & collect, nominated days -------------------------------------------------------

def test_choosing_a_store_switches_to_click_and_collect(engine, ref):
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))
    engine.set_shipping_method(bid, "NOM", "GB", {
        "dayText": "Saturday", "deliveryDate": "2026-11-28T00:00:00Z",
        "price": {"raw": {"withTax": "9.99"}}})
    store = engine.list_stores()[0]
    engine.set_click_collect_store(bid, {"id": store["id"], "name": store["name"],
                                         "deliveryOption": "orderIntoStore"})
    basket = wire(engine.get_basket(bid))
    assert basket["shippingMethodId"] == ref.method("CNC")
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("0.00")
    assert basket["nominatedDelivery"] is None
    assert basket["storeId"] == store["id"]
    # Another method later clears the store.
    basket = wire(engine.set_shipping_method(bid, "STD", "GB"))
    assert basket["storeId"] is None and basket["clickCollectStore"] is None


def test_click_and_collect_off_clears_the_store_and_the_method(engine, ref):
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))
    store = engine.list_stores()[0]
    engine.set_click_collect_store(bid, {"code": store["code"]})
    engine.set_click_collect_store(bid, {"enableClickCollect": False})
    basket = wire(engine.get_basket(bid))
    assert basket["storeId"] is None and basket["shippingMethodId"] == ZERO_GUID


@pytest.mark.parametrize("day", ["2020-01-01", "2026-11-22", "2027-01-22"])
def test_a_nominated_day_must_be_tomorrow_to_sixty_days_ahead(engine, ref, day):
    # The test clock stands at 2026-11-22 12:00 UTC.
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))
    with pytest.raises(ValidationError) as err:
        engine.set_shipping_method(bid, "NOM", "GB", {"deliveryDate": f"{day}T00:00:00Z"})
    assert day in err.value.message
    assert wire(engine.get_basket(bid))["shippingMethodId"] == ZERO_GUID


@pytest.mark.parametrize("day", ["2026-11-23", "2027-01-21"])
def test_nominated_days_at_both_ends_are_accepted(engine, ref, day):
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))
    basket = wire(engine.set_shipping_method(bid, "NOM", "GB",
                                             {"deliveryDate": f"{day}T00:00:00Z"}))
    assert basket["nominatedDelivery"]["deliveryDate"].startswith(day)


def test_the_nominated_price_is_taxed_as_the_shipping_charge(engine, ref):
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))
    basket = wire(engine.set_shipping_method(bid, "NOM", "GB", {
        "deliveryDate": "2026-11-28T00:00:00Z", "price": {"raw": {"withTax": "11.99"}}}))
    assert raw(basket["nominatedDelivery"]["price"]) == raw(basket["shippingCharge"])
    assert basket["shippingCharge"]["raw"]["tax"] == Decimal("2.00")


# -- §2: engravings are keyed by their text, and limited in length -----------------------------

def test_a_second_engraving_with_other_text_is_a_new_child_line(engine, ref):
    bid = basket_with(engine, ref, ("WALLET-BRN", 1))
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    engine.add_item(bid, {"productId": engrave, "parentProductId": wallet, "qty": 1,
                          "customInfo1": "A.S."})
    basket = wire(engine.add_item(bid, {"productId": engrave, "parentProductId": wallet, "qty": 1,
                                   "customInfo1": "B.T."}))
    children = [ln for ln in basket["lineItems"] if ln["parentProductId"] == wallet]
    assert sorted((c["customInfo1"], c["qty"]) for c in children) == [("A.S.", 1), ("B.T.", 1)]
    basket = wire(engine.add_item(bid, {"productId": engrave, "parentProductId": wallet, "qty": 1,
                                   "customInfo1": "A.S."}))
    children = [ln for ln in basket["lineItems"] if ln["parentProductId"] == wallet]
    assert sorted((c["customInfo1"], c["qty"]) for c in children) == [("A.S.", 2), ("B.T.", 1)]


def test_engraving_text_over_the_product_limit_is_refused(engine, ref):
    bid = basket_with(engine, ref, ("WALLET-BRN", 1))
    text = "x" * 21
    with pytest.raises(ValidationError) as err:
        engine.add_item(bid, {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
                              "parentProductId": ref.product("WALLET-BRN"), "customInfo1": text})
    assert "20" in err.value.message and "21" in err.value.message
    assert len(wire(engine.get_basket(bid))["lineItems"]) == 1
    listed = wire(engine.search_products("ENGRAVE-TEXT"))[0]
    assert listed["maxTextLength"] == 20


def test_an_add_on_may_come_before_its_product_in_one_bulk(engine, ref):
    bid = new_id()
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    basket = wire(engine.add_bulk(bid, [
        {"productId": engrave, "parentProductId": wallet, "qty": 1, "customInfo1": "J.D."},
        {"productId": wallet, "qty": 1}]))
    assert line_of(basket, "ENGRAVE-TEXT", wallet)["customInfo1"] == "J.D."
    with pytest.raises(ValidationError):
        engine.add_bulk(new_id(), [{"productId": engrave, "parentProductId": wallet, "qty": 1}])


# -- §5: merge into a new target in the source's currency --------------------------------------

def test_an_eur_guest_basket_merges_into_a_new_account_basket(engine, ref):
    guest = new_id()
    engine.add_item(guest, {"productId": ref.product("POLO-NAVY-L"), "qty": 1}, currency="EUR")
    target = new_id()
    merged = wire(engine.merge(target, guest))
    assert merged["currencyCode"] == "EUR"
    assert line_of(merged, "POLO-NAVY-L")["qty"] == 1
    with pytest.raises(NotFound):
        engine.merge(new_id(), guest)  # the source is gone


# -- §7: a user's baskets, oldest first --------------------------------------------------------

def test_a_users_baskets_are_listed_oldest_first(engine, ref, clock):
    user = ref.users["alice"]
    listed = wire_short(engine.list_user_baskets(user))
    created = [b["created"] for b in listed]
    assert created == sorted(created) and len(created) >= 2


def test_custom_info_may_not_give_a_child_line_its_siblings_text(engine, ref):
    bid = basket_with(engine, ref, ("WALLET-BRN", 1))
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    for text in ("A.S.", "B.T."):
        engine.add_item(bid, {"productId": engrave, "parentProductId": wallet, "qty": 1,
                              "customInfo1": text})
    first = line_of(wire(engine.get_basket(bid)), "ENGRAVE-TEXT", wallet)
    with pytest.raises(ValidationError) as err:  # two lines: the product alone is ambiguous
        engine.set_custom_info(bid, {"lineInfo": [{"productId": engrave,
                                                   "parentProductId": wallet}]})
    assert "lineId" in err.value.message
    other = "B.T." if first["customInfo1"] == "A.S." else "A.S."
    with pytest.raises(ValidationError):
        engine.set_custom_info(bid, {"lineInfo": [{"lineId": first["id"], "customInfo1": other}]})
    basket = wire(engine.set_custom_info(bid, {"lineInfo": [{"lineId": first["id"],
                                                        "customInfo1": "C.U."}]}))
    texts = sorted(ln["customInfo1"] for ln in basket["lineItems"]
                   if ln["parentProductId"] == wallet)
    assert texts == sorted(["C.U.", other])


def test_merge_keeps_engravings_apart_by_their_text(engine, ref):
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    target, source = new_id(), new_id()
    for bid, text in ((target, "A.S."), (source, "B.T.")):
        engine.add_bulk(bid, [{"productId": wallet, "qty": 1},
                              {"productId": engrave, "parentProductId": wallet, "qty": 1,
                               "customInfo1": text}])
    merged = wire(engine.merge(target, source))
    children = sorted((ln["customInfo1"], ln["qty"]) for ln in merged["lineItems"]
                      if ln["parentProductId"] == wallet)
    assert children == [("A.S.", 1), ("B.T.", 1)]
    assert line_of(merged, "WALLET-BRN")["qty"] == 2


def test_a_child_named_without_its_text_is_the_one_line_there_is(engine, ref):
    bid = basket_with(engine, ref, ("WALLET-BRN", 1))
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    by_product = {"productId": engrave, "parentProductId": wallet}
    engine.add_item(bid, {**by_product, "qty": 1, "customInfo1": "A.S."})
    basket = wire(engine.add_item(bid, {**by_product, "qty": 2}))  # +2 on the one engraving
    assert [(c["customInfo1"], c["qty"]) for c in basket["lineItems"]
            if c["parentProductId"] == wallet] == [("A.S.", 3)]
    engine.add_item(bid, {**by_product, "qty": 1, "customInfo1": "B.T."})
    with pytest.raises(ValidationError) as err:  # two engravings: which one?
        engine.add_item(bid, {**by_product, "qty": 1})
    assert "line id" in err.value.message

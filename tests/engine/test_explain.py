"""`explain`: every figure of a basket with how it was reached, from the same pricing as the
wire basket, so the two always agree."""

from __future__ import annotations

import uuid
from decimal import Decimal

from basketbench import explanation
from tests.support.wire import wire


def new_id() -> str:
    return str(uuid.uuid4())


def test_explanation_agrees_with_the_basket(engine, ref):
    bid = ref.basket("alice-main")
    basket, why = wire(engine.get_basket(bid)), engine.explain(bid)
    assert why["version"] == basket["version"]
    for line, wired in zip(why["lines"], basket["lineItems"]):
        assert line["lineId"] == int(wired["id"])
        assert line["total"]["withTax"] == wired["totalPrice"]["raw"]["withTax"]
        assert line["discount"]["tax"] == wired["discount"]["raw"]["tax"]
    assert why["totals"]["grandTotal"]["withTax"] == basket["grandTotal"]["raw"]["withTax"]
    save10 = next(p for p in why["promotions"] if p["code"] == "SAVE10")
    wired = next(p for p in basket["promotionsApplied"] if p["promoCode"] == "SAVE10")
    assert save10["amount"]["withTax"] == wired["discountAmt"]["raw"]["withTax"]


def test_a_spread_names_the_remainder_units(engine, ref):
    bid = new_id()
    engine.add_bulk(bid, [{"productId": ref.product(c), "qty": q}
                          for c, q in (("POLO-NAVY-L", 3), ("LINEN-WHT-M", 1), ("MUG-WHITE", 4))])
    engine.apply_promo(bid, "SAVE10")
    why = engine.explain(bid)
    shares = {s["stockCode"]: s for s in why["promotions"][0]["shares"]}
    assert [shares[c]["remainderUnit"] for c in ("POLO-NAVY-L", "LINEN-WHT-M", "MUG-WHITE")] \
        == [True, True, False]
    assert shares["POLO-NAVY-L"]["exact"].quantize(Decimal("0.0001")) == Decimal("7.1990")
    assert sum(s["amount"] for s in shares.values()) == Decimal("14.43")
    polo = next(ln for ln in why["lines"] if ln["stockCode"] == "POLO-NAVY-L")
    text = explanation.text(why, line_id=polo["lineId"])
    assert "3 x £24.00 = £72.00" in text and "remainder unit" in text and "7.1990" in text


def test_conditions_say_which_hold_and_why_a_code_does_not_count(engine, ref):
    bid = new_id()
    engine.add_item(bid, {"productId": ref.product("LINEN-WHT-M"), "qty": 1})
    engine.apply_promo(bid, "FIVER")  # over £50: applies
    engine.set_qty(bid, ref.product("LINEN-WHT-M"), 1)
    engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})
    engine.remove_item(bid, ref.product("LINEN-WHT-M"))  # now £3.33: FIVER stops counting
    why = engine.explain(bid)
    fiver = next(p for p in why["promotions"] if p["code"] == "FIVER")
    assert fiver["counts"] is False and "£50.00" in fiver["reason"]
    over = next(c for c in fiver["conditions"] if "at least £50.00" in c["asks"])
    assert over["holds"] is False and "£3.33" in over["asks"]
    assert {"code": "FIVER", "reason": fiver["reason"]} in why["refused"]
    assert "does not count" in explanation.text(why)


def test_an_expired_code_and_an_exclusive_one_are_explained(engine, ref):
    why = engine.explain(ref.basket("erin-xmas"))
    xmas = next(p for p in why["promotions"] if p["code"] == "XMAS2020")
    assert xmas["counts"] is False and "expired" in xmas["reason"]
    assert any(not c["holds"] and "valid to" in c["asks"] for c in xmas["conditions"])
    bid = new_id()
    engine.add_item(bid, {"productId": ref.product("CARSEAT-G1"), "qty": 2})
    engine.apply_promo(bid, "EXCL25")
    why = engine.explain(bid)
    auto = next(p for p in why["promotions"] if p["automatic"])
    assert auto["counts"] is False and "EXCL25" in auto["reason"]


def test_shipping_says_what_it_costs_and_why(engine, ref):
    why = engine.explain(ref.basket("alice-main"))  # STD, free over £60.00
    assert why["shipping"]["method"] == "STD"
    how = why["shipping"]["how"]
    assert "free over £60.00" in how and "so it is free" in how
    why = engine.explain(ref.basket("dave-nominated"))
    assert "£11.99" in why["shipping"]["how"]
    assert why["totals"]["shippingCharge"]["withTax"] == Decimal("11.99")

"""Money, tax, totals and promotions (engine-rules §3, §4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from basketbench.engine import ValidationError
from basketbench.money import Amount, currency, format_amount, tax_of
from tests.support.wire import wire

GBP = currency("GBP")


def new_id() -> str:
    return str(uuid.uuid4())


def raw(price: dict) -> tuple[Decimal, Decimal, Decimal]:
    r = price["raw"]
    return r["withTax"], r["withoutTax"], r["tax"]


def promo(basket: dict, code: str) -> dict:
    return next(p for p in basket["promotionsApplied"] if p["promoCode"] == code)


def basket_with(engine, ref, *lines: tuple[str, int]) -> str:
    bid = new_id()
    engine.add_bulk(bid, [{"productId": ref.product(code), "qty": qty} for code, qty in lines])
    return bid


def test_tax_is_inside_the_gross_and_rounded_half_up():
    assert tax_of(8000, 2000) == 1333  # 80.00 at 20%: 13.333.. -> 13.33
    assert tax_of(1, 2000) == 0 and tax_of(3, 2000) == 1  # 0.5 rounds up
    assert tax_of(14900, 500) == 710  # 149.00 at 5%: 7.0952 -> 7.10
    assert Amount.of(999, 0) == Amount(999, 0)


def test_formatting_uses_currency_decimals_and_separators():
    assert format_amount(123450, GBP) == "£1,234.50"
    assert format_amount(0, GBP) == "£0.00"
    assert format_amount(-50, GBP) == "-£0.50"
    assert format_amount(1234, currency("JPY")) == "¥1,234"


def test_example_01_grand_total_is_reproduced(engine, ref):
    """Two 80.00 lines at 20% plus 9.99 untaxed shipping: the grand total of example 01."""
    bid = basket_with(engine, ref, ("BS0010-DODGER-BLUE-M", 2))
    basket = wire(engine.set_shipping_method(bid, "INTL-IE", "IE"))  # 9.99, untaxed
    assert raw(basket["grandTotal"]) == (Decimal("169.99"), Decimal("143.32"), Decimal("26.67"))
    assert basket["grandTotal"]["formatted"] == {
        "withTax": "£169.99", "withoutTax": "£143.32", "tax": "£26.67"}


def test_totals_are_sums_of_lines_and_every_price_foots(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 2), ("CARSEAT-G1", 1), ("TEA-SAMPLER", 3))
    basket = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    lines = basket["lineItems"]
    for name in ("subTotal", "discount", "additionalCharge"):
        for i in range(3):
            assert sum(raw(ln[name])[i] for ln in lines) == raw(basket[name])[i]
    for ln in lines:
        for name in ("price", "subTotal", "discount", "totalPrice", "additionalCharge"):
            gross, net, tax = raw(ln[name])
            assert gross == net + tax
        assert raw(ln["totalPrice"])[0] == raw(ln["subTotal"])[0] - raw(ln["discount"])[0]
    sub, disc, add = (raw(basket[k])[0] for k in ("subTotal", "discount", "additionalCharge"))
    assert raw(basket["totalWithoutShipping"])[0] == sub - disc + add
    assert raw(basket["grandTotal"])[0] == raw(basket["totalWithoutShipping"])[0] + \
        raw(basket["shippingCharge"])[0]


def test_order_percent_spreads_pro_rata_and_recomputes_tax(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 1), ("KIDS-RAIN-5Y", 1))  # 24.00@20%, 19.99@0%
    basket = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    assert raw(basket["discount"])[0] == Decimal("4.40")  # 10% of 43.99, half up
    polo, kids = basket["lineItems"]
    assert raw(polo["discount"])[0] + raw(kids["discount"])[0] == Decimal("4.40")
    assert raw(polo["totalPrice"]) == (Decimal("21.60"), Decimal("18.00"), Decimal("3.60"))
    assert raw(kids["totalPrice"])[2] == 0  # zero-rated line keeps zero tax


def test_fixed_discount_never_makes_anything_negative(engine, ref):
    bid = basket_with(engine, ref, ("MUG-WHITE", 1), ("WALLET-BRN", 1))  # 48.83
    engine.add_item(bid, {"productId": ref.product("WALLET-BRN"), "qty": 1})  # 94.33
    basket = wire(engine.apply_promo(bid, "FIVER"))["basket"]
    assert raw(basket["discount"])[0] == Decimal("5.00")
    for ln in basket["lineItems"]:
        assert raw(ln["totalPrice"])[0] >= 0


def test_line_percent_only_touches_its_category(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 1), ("MUG-WHITE", 1))
    basket = wire(engine.apply_promo(bid, "SUMMER20"))["basket"]
    polo, mug = basket["lineItems"]
    assert raw(polo["discount"])[0] == Decimal("4.80") and raw(mug["discount"])[0] == 0
    assert polo["promotionsApplied"][0]["promoCode"] == "SUMMER20"


def test_buy_two_get_one_free_takes_the_cheapest(engine, ref):
    bid = basket_with(engine, ref, ("CANDLE-FIG", 2), ("MUG-WHITE", 1))  # Home: 9.99 x2, 3.33
    basket = wire(engine.apply_promo(bid, "HOME3FOR2"))["basket"]
    assert raw(basket["discount"])[0] == Decimal("3.33")


def test_free_shipping_for_named_methods_only(engine, ref):
    bid = basket_with(engine, ref, ("LINEN-WHT-M", 1))  # 59.00: under STD's own free-over 60
    engine.set_shipping_method(bid, "STD", "GB")
    basket = wire(engine.apply_promo(bid, "FREESHIP"))["basket"]
    assert raw(basket["shippingCharge"])[0] == 0
    assert raw(promo(basket, "FREESHIP")["discountAmt"])[0] == Decimal("3.99")
    basket = wire(engine.set_shipping_method(bid, "NEXT", "GB"))
    assert raw(basket["shippingCharge"])[0] == Decimal("7.99")
    entry = promo(basket, "FREESHIP")
    assert entry["isApplicable"] is False and "STD" in entry["reason"]


@pytest.mark.parametrize("code, reason", [
    ("NOPE", "Promo code NOPE not found"),
    ("XMAS2020", "Promo code XMAS2020 has expired"),
    ("VIP50", "Promo code VIP50 has reached its usage limit"),
    ("FIVER", "Promo code FIVER is only valid for baskets over £50.00"),
])
def test_refusals_give_a_specific_reason_and_change_nothing(engine, ref, code, reason):
    bid = basket_with(engine, ref, ("MUG-WHITE", 1))
    before = wire(engine.get_basket(bid))
    result = wire(engine.apply_promo(bid, f"  {code.lower()} "))
    assert result["isVaild"] is False and result["isValid"] is False
    assert result["message"] == reason
    assert wire(engine.get_basket(bid)) == before
    assert engine.check_promo(bid, code) == (False, reason)


def test_exclusive_codes_do_not_combine(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3))
    engine.apply_promo(bid, "SAVE10")
    assert wire(engine.apply_promo(bid, "EXCL25"))["message"] == \
        "Promo code EXCL25 cannot be combined with SAVE10"
    other = basket_with(engine, ref, ("POLO-NAVY-L", 3))
    engine.apply_promo(other, "EXCL25")
    assert wire(engine.apply_promo(other, "SAVE10"))["message"] == \
        "Promo code SAVE10 cannot be combined with EXCL25"


def test_apply_is_idempotent_and_validate_is_a_dry_run(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3))
    before = wire(engine.get_basket(bid))
    assert engine.validate_promo(bid, "SAVE10") is True
    assert wire(engine.get_basket(bid)) == before
    once = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    twice = wire(engine.apply_promo(bid, "save10"))
    assert twice["isVaild"] is True and twice["basket"]["version"] == once["version"]
    assert twice["basket"]["grandTotal"] == once["grandTotal"]


def test_a_code_that_stops_qualifying_stays_listed_with_reason(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3))  # 72.00
    engine.apply_promo(bid, "FIVER")
    basket = wire(engine.set_qty(bid, ref.product("POLO-NAVY-L"), 1))  # 24.00
    entry = promo(basket, "FIVER")
    assert entry["isApplicable"] is False and "over £50.00" in entry["reason"]
    assert raw(basket["discount"])[0] == 0
    basket = wire(engine.set_qty(bid, ref.product("POLO-NAVY-L"), 3))
    assert promo(basket, "FIVER")["isApplicable"] is True
    assert raw(basket["discount"])[0] == Decimal("5.00")


def test_expired_code_in_demo_basket_shows_why(engine, ref):
    entry = promo(wire(engine.get_basket(ref.basket("erin-xmas"))), "XMAS2020")
    assert entry["isApplicable"] is False and entry["reason"].endswith("has expired")


def test_excluded_products_do_not_count_or_get_discounts(engine, ref):
    bid = basket_with(engine, ref, ("GIFTCARD-25", 3))  # 75.00, excluded from promotions
    assert wire(engine.apply_promo(bid, "FIVER"))["message"].endswith("over £50.00")
    engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})
    basket = wire(engine.apply_promo(bid, "SAVE10"))["basket"]
    card = next(ln for ln in basket["lineItems"] if ln["stockCode"] == "GIFTCARD-25")
    assert raw(card["discount"])[0] == 0


def test_automatic_promotion_applies_without_a_code(engine, ref):
    bid = basket_with(engine, ref, ("CARSEAT-G1", 2))  # 298.00 >= 200
    basket = wire(engine.get_basket(bid))
    auto = [p for p in basket["promotionsApplied"] if p["autoApply"]]
    assert auto and raw(auto[0]["discountAmt"])[0] == Decimal("20.00")


def test_at_most_five_codes(engine, ref, clock):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3), ("CANDLE-FIG", 3),
                      ("BS0010-DODGER-BLUE-M", 1))
    applied = [c for c in ("SAVE10", "FIVER", "SUMMER20", "FREESHIP", "HOME3FOR2")
               if wire(engine.apply_promo(bid, c))["isVaild"]]
    assert len(applied) == 5
    result = wire(engine.apply_promo(bid, "MULTI3"))
    assert result["isVaild"] is False and "at most 5" in result["message"]


def test_remove_promo(engine, ref):
    bid = basket_with(engine, ref, ("POLO-NAVY-L", 3))
    engine.apply_promo(bid, "SAVE10")
    removed = wire(engine.remove_promo(bid, "save10"))
    assert removed["isVaild"] is True and removed["basket"]["promotionsApplied"] == []
    again = wire(engine.remove_promo(bid, "SAVE10"))
    assert again["isVaild"] is False and "not applied" in again["message"]
    with pytest.raises(ValidationError):
        engine.apply_promo(bid, "   ")

"""wirejson.render of baskets not made by the engine: display strings kept as sent, keys the
model has no field for written back (at their documented place when the wire has one), and
no sandbox extension keys on a basket that has no version."""

from __future__ import annotations

from decimal import Decimal

from basketbench.model.basket import Basket, Line, Price, PriceText
from basketbench.wirejson import render


def test_formatted_strings_are_kept_as_sent_and_made_when_missing():
    sent = Price(Decimal("1234.5"), Decimal("1028.75"), Decimal("205.75"),
                 formatted=PriceText("GBP 1.234,50", "GBP 1.028,75", "GBP 205,75"))
    basket = Basket(id="b", currency_code="GBP", currency_symbol="£", grand_total=sent,
                    sub_total=Price(Decimal("1234.50"), Decimal("1028.75"), Decimal("205.75")))
    out = render.basket(basket)
    assert out["grandTotal"]["formatted"] == {"withTax": "GBP 1.234,50",
                                              "withoutTax": "GBP 1.028,75", "tax": "GBP 205,75"}
    assert out["subTotal"]["formatted"] == {"withTax": "£1,234.50", "withoutTax": "£1,028.75",
                                            "tax": "£205.75"}
    assert out["subTotal"]["raw"]["withTax"] == Decimal("1234.50")
    assert "version" not in out and "isNew" not in out  # not a sandbox basket


def test_extra_keys_go_back_where_the_wire_has_them():
    line = Line(id="1", qty=2, gift_wrap_id="g", is_manual_price=False, current_stock=3,
                extra={"couponProvider": "X", "variantProducts": [], "somethingNew": 7})
    out = render.basket(Basket(id="b", currency_code="EUR", line_items=(line,),
                               extra={"basketNote": "hi"}))
    keys = list(out["lineItems"][0])
    assert keys.index("couponProvider") == keys.index("giftWrapId") + 1
    assert keys.index("variantProducts") == keys.index("isManualPrice") + 1
    assert keys[-2:] == ["currentStock", "somethingNew"]
    assert out["basketNote"] == "hi" and list(out)[-1] == "basketNote"


def test_an_unchanged_line_object_renders_once():
    line = Line(id="1", qty=1, price=Price(Decimal("2.00"), Decimal("2.00")))
    first = render.basket(Basket(id="a", currency_code="GBP", line_items=(line,)))
    second = render.basket(Basket(id="a", currency_code="GBP", line_items=(line,),
                                  version=2))
    assert second["lineItems"][0] is first["lineItems"][0]
    assert second["version"] == 2


def test_a_line_shared_by_two_currencies_without_a_code_renders_in_each_ones_symbol():
    """A currency the sandbox does not know (no code, or an unknown one) keeps the basket's
    symbol: the same Line object in a '£' basket and then a '$' one must not come back from
    the render cache in '£' (it was keyed by the currency code alone)."""
    line = Line(id="1", qty=1, price=Price(Decimal("2.00"), Decimal("2.00")))
    pounds = render.basket(Basket(id="a", currency_symbol="£", line_items=(line,)))
    dollars = render.basket(Basket(id="b", currency_symbol="$", line_items=(line,)))
    assert pounds["lineItems"][0]["price"]["formatted"]["withTax"] == "£2.00"
    assert dollars["lineItems"][0]["price"]["formatted"]["withTax"] == "$2.00"
    assert dollars["lineItems"][0]["price"]["currencySymbol"] == "$"

"""The audit checks a basket's own numbers, without its rules: it finds the arithmetic errors
of the seed's example baskets (quirks.md §1) and passes a clean basket. It reads the domain
basket: the examples are parsed from their wire JSON as a live API's are (HttpBackend), and
broken baskets are made with `dataclasses.replace`."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from basketbench import jsonio
from basketbench.model import audit
from basketbench.wirejson import parse

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"


def example(name: str):
    """The example's `result` as wire data (a basket, or a list of them)."""
    return jsonio.loads((EXAMPLES / f"{name}.response.json").read_text("utf-8"))["result"]


def found(findings, check: str, path: str) -> list[audit.Finding]:
    return [f for f in findings if f.check == check and f.path == path]


def test_example_01_errors_are_found():
    findings = audit.audit(parse.basket(example("01-get-user-baskets")[0]))
    # The line's subTotal split (80 / 80 / 0 for a price of 80 / 66.6667 / 13.3333) ...
    assert found(findings, "line-subtotal", "lineItems[0].subTotal")
    # ... its totalPrice (66.6667, the price without tax) ...
    assert found(findings, "line-total", "lineItems[0].totalPrice")
    # ... the basket subTotal of 160 with one 80.00 line, and the grand total's tax split.
    assert found(findings, "totals", "subTotal")
    grand = found(findings, "totals", "grandTotal")
    assert grand and "26.6666" in grand[0].message
    assert all(f.severity == "error" for f in findings)


def test_example_02_errors_are_found():
    findings = audit.audit(parse.basket(example("02-get-basket")))
    sub = found(findings, "totals", "subTotal")
    assert sub and "99.99" in sub[0].message and "96" in sub[0].message
    assert found(findings, "totals", "totalWithoutShipping")
    # A £0.00 shipping price inside a EUR basket.
    assert found(findings, "currency", "shippingMethods[0].price")
    slips = [f for f in findings if f.check == "formatted"]
    assert {f.severity for f in slips} == {"warning"}
    assert any("5 decimals" in f.message for f in slips)
    assert any("leading zero" in f.message for f in slips)


def test_a_broken_promotion_share_is_found(engine, ref):
    bid = ref.basket("alice-main")  # SAVE10 spread over three lines
    basket = engine.get_basket(bid)
    assert audit.audit(basket) == []
    line = basket.line_items[0]
    promo = line.promotions_applied[0]
    share = promo.discount_amt
    share = replace(share, tax=share.tax + Decimal("0.01"),
                    without_tax=share.without_tax - Decimal("0.01"))
    line = replace(line, promotions_applied=(replace(promo, discount_amt=share),
                                             *line.promotions_applied[1:]))
    findings = audit.audit(replace(basket, line_items=(line, *basket.line_items[1:])))
    assert found(findings, "promotions", "lineItems[0].promotionsApplied")
    assert found(findings, "promotions", "promotionsApplied[0].discountAmt")


def test_negative_and_unfooted_prices_are_found(engine, ref):
    basket = engine.get_basket(ref.basket("alice-main"))
    basket = replace(basket, shipping_charge=replace(basket.shipping_charge, tax=Decimal("-1.00")))
    findings = audit.audit(basket)
    assert found(findings, "negative", "shippingCharge.raw.tax")
    assert found(findings, "foots", "shippingCharge")


@pytest.mark.parametrize("name", ["alice-main", "alice-engraved", "bob-big", "carol-guest",
                                  "dave-collect", "dave-nominated", "erin-xmas"])
def test_demo_baskets_pass_the_audit(engine, ref, name):
    assert audit.audit(engine.get_basket(ref.basket(name))) == []

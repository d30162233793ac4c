"""wirejson.parse: wire JSON into the domain model, without pydantic. The spec examples
round-trip (parse, write back: the same keys and values), loose values are read the way the
wire sends them, a malformed value names its field and itself, and unchanged lines are
shared between versions."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from basketbench import jsonio
from basketbench.model.basket import Basket, Line, Price
from basketbench.model.results import PromoResult, RecordResult
from basketbench.wirejson import parse
from basketbench.wirejson.to_wire import short_basket, to_wire

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "examples"
BASKETS = ["02-get-basket", "04-update-custom-info", "05-update-subscription",
           "08-merge-baskets", "10-update-user", "11-add-item", "12-add-bulk",
           "14-remove-item", "15-update-item-qty"]
RECORDS = ["09-update-po", "20-update-delivery-plan", "21-update-line-delivery-plan",
           "22-update-delivery-instructions", "23-update-click-collect-store"]


def result(name: str) -> Any:
    # "UK" is read as "GB" (ISO 3166): the one change a round trip makes on purpose.
    text = (EXAMPLES / f"{name}.response.json").read_text("utf-8").replace('"UK"', '"GB"')
    return jsonio.loads(text)["result"]


def canonical(value: Any) -> str:
    """JSON text with sorted keys: same keys, same values, same digits."""
    def sort(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: sort(v[k]) for k in sorted(v)}
        if isinstance(v, list):
            return [sort(x) for x in v]
        return v
    return jsonio.dumps(sort(value))


@pytest.mark.parametrize("name", BASKETS)
def test_a_basket_example_round_trips(name):
    data = result(name)
    basket = parse.basket(data)
    assert isinstance(basket, Basket) and all(isinstance(ln, Line) for ln in basket.line_items)
    assert canonical(to_wire(basket)) == canonical(data)


def test_the_short_baskets_of_01_round_trip():
    data = result("01-get-user-baskets")
    assert canonical([short_basket(parse.basket(b)) for b in data]) == canonical(data)


@pytest.mark.parametrize("name", RECORDS)
def test_a_record_result_round_trips(name):
    data = result(name)
    record = parse.record_result(data)
    assert isinstance(record, RecordResult)
    assert canonical(to_wire(record)) == canonical(data)


def test_products_round_trip_and_keep_every_key():
    data = result("07-related-products")
    products = parse.products(data)
    assert canonical(to_wire(products)) == canonical(data)
    assert products[0].extra["isFeatured"] is False  # an untyped key, kept as sent


@pytest.mark.parametrize("name", ["17-apply-promo", "18-remove-promo"])
def test_a_placeholder_basket_in_a_promo_result_is_kept_as_sent(name):
    data = result(name)
    promo = parse.promo_result(data)
    assert isinstance(promo, PromoResult) and promo.basket is None
    assert promo.is_valid is data["isVaild"] and promo.message == data["message"]
    assert promo.extra["basket"] == data["basket"]
    out = to_wire(promo)
    assert out.pop("isValid") is data["isVaild"]  # both spellings written
    assert canonical(out) == canonical(data)


def test_19s_placeholder_is_not_a_basket():
    with pytest.raises(parse.WireError) as err:
        parse.basket(result("19-update-shipping-method"))
    assert err.value.path == "shippingAddress.id"


def test_prices_amounts_and_texts():
    basket = parse.basket(result("02-get-basket"))
    total = basket.grand_total
    assert isinstance(total, Price) and isinstance(total.with_tax, Decimal)
    assert total.with_tax == Decimal("99.99")
    assert total.formatted is not None and total.formatted.with_tax == "€99.99000"  # as sent
    assert total.extra == {"currencySymbol": "€"}
    assert basket.shipping_address.country_code == "GB"  # "UK" in the example
    assert parse.basket({"shippingAddress": {"countryCode": "uk"}}
                        ).shipping_address.country_code == "GB"


def test_loose_values_are_read_as_the_wire_sends_them():
    basket = parse.basket({
        "id": "b1", "taxPercent": "20", "exchangeRate": 1,
        "grandTotal": {"raw": {"withTax": "12.50", "withoutTax": 10, "tax": Decimal("2.5")}},
        "isLocked": "1", "lineItems": [{"id": 1507587, "productId": 42, "qty": "3",
                                        "parentProductId": None}],
        "someFutureField": {"x": 1},
    })
    assert basket.tax_percent == Decimal(20) and basket.exchange_rate == Decimal(1)
    assert basket.grand_total.with_tax == Decimal("12.50")
    assert str(basket.grand_total.with_tax) == "12.50"  # the digits as sent
    assert basket.grand_total.without_tax == 10 and basket.grand_total.tax == Decimal("2.5")
    assert basket.is_locked is True
    line = basket.line_items[0]
    assert (line.id, line.product_id, line.qty) == ("1507587", "42", 3)
    assert basket.extra == {"someFutureField": {"x": 1}}  # nothing a live API sent is lost
    assert to_wire(basket)["someFutureField"] == {"x": 1}
    assert parse.basket({"lineItems": None}).line_items == ()
    assert parse.line({"qty": None}).qty == 0


@pytest.mark.parametrize(("data", "path", "shown"), [
    ({"lineItems": [{}, {"qty": "three"}]}, "lineItems[1].qty", "'three'"),
    ({"grandTotal": {"raw": {"withTax": "12,50"}}}, "grandTotal.raw.withTax", "'12,50'"),
    ({"grandTotal": "12.50"}, "grandTotal", "'12.50'"),
    ({"isLocked": "maybe"}, "isLocked", "'maybe'"),
    ({"lineItems": {"a": 1}}, "lineItems", "{'a': 1}"),
    ({"userEmail": ["a"]}, "userEmail", "['a']"),
])
def test_a_malformed_value_names_its_field_and_the_value(data, path, shown):
    with pytest.raises(parse.WireError) as err:
        parse.basket(data)
    assert err.value.path == path
    assert str(err.value).startswith(f"{path}: {shown} is not ")


def test_the_same_line_dict_gives_the_same_line_object():
    reader = parse.Reader()
    lines = [{"productId": f"p{i}", "qty": 1, "price": {"raw": {"withTax": 1}}}
             for i in range(3)]
    first = reader.basket({"id": "B", "lineItems": lines})
    # The engine's render cache hands an unchanged line back as the same dict; a live API
    # sends an equal one: either way the Line is the same object.
    changed = {**lines[1], "qty": 2}
    second = reader.basket({"id": "b", "lineItems": [lines[0], changed, dict(lines[2])]})
    assert second.line_items[0] is first.line_items[0]
    assert second.line_items[2] is first.line_items[2]
    assert second.line_items[1] is not first.line_items[1] and second.line_items[1].qty == 2
    assert second.diff(first).changed == [second.line_items[1].key]
    # Another basket does not share this one's lines; a forgotten basket starts afresh.
    other = reader.basket({"id": "c", "lineItems": [lines[0]]})
    assert other.line_items[0] == first.line_items[0]
    reader.forget("B")
    again = reader.basket({"id": "b", "lineItems": [lines[0]]})
    assert again.line_items[0] is not first.line_items[0]


def test_equal_prices_are_one_object():
    a = parse.price({"currencySymbol": "£", "raw": {"withTax": 0, "withoutTax": 0, "tax": 0}})
    b = parse.price({"currencySymbol": "£", "raw": {"withTax": 0, "withoutTax": 0, "tax": 0}})
    c = parse.price({"currencySymbol": "£", "raw": {"withTax": "0.00", "withoutTax": 0,
                                                   "tax": 0}})
    assert a is b and c is not a and str(c.with_tax) == "0.00"


def test_parse_never_imports_pydantic():
    code = ("import sys; from basketbench.wirejson import parse; "
            "parse.basket({'lineItems': [{'qty': 1}]}); "
            "print('pydantic' in sys.modules, 'basketbench.wire' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]

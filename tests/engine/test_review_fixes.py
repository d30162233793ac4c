"""Regression tests for review findings: bounds, exact JSON, currencies, ids, order, tax."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest

from basketbench import jsonio
from basketbench.engine import ZERO_GUID, BasketEngine, ValidationError
from basketbench.engine.errors import QuantityLimit
from tests.support.wire import wire


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.mark.parametrize("qty", [jsonio.loads("1e1000000"), jsonio.loads("1" + "0" * 5000),
                                 10**20, "9" * 60])
def test_huge_numbers_are_refused_fast_and_by_name(engine, ref, qty):
    """However large, a quantity past the line limit is QUANTITY_LIMIT (engine-rules §2)."""
    started = time.perf_counter()
    with pytest.raises(QuantityLimit) as err:
        engine.add_item(new_id(), {"productId": ref.product("MUG-WHITE"), "qty": qty})
    assert time.perf_counter() - started < 0.5
    assert err.value.message.startswith("qty:")


def test_json_refuses_nan_and_keeps_huge_integers_exact():
    with pytest.raises(ValueError, match="NaN"):
        jsonio.loads('{"x": NaN}')
    assert jsonio.loads("1" + "0" * 40) == Decimal("1" + "0" * 40)


def test_delivery_plan_items_keep_exact_numbers(engine, ref):
    bid = ref.basket("alice-main")
    engine.set_delivery_plans(bid, [{"items": [{"qty": Decimal("1.5"), "note": "x"}]}])
    items = wire(engine.get_basket(bid))["deliveryPlans"][0]["items"]
    assert items == [{"qty": Decimal("1.5"), "note": "x"}]


def test_oversized_integer_fields_are_400(engine, ref):
    with pytest.raises(ValidationError):
        engine.add_item(new_id(), {"productId": ref.product("MUG-WHITE"), "qty": 1,
                                   "itemType": 10**20})
    with pytest.raises(ValidationError):
        engine.create_session(10**20, "s", None)


def test_a_product_without_a_price_in_the_basket_currency_is_refused(engine, ref):
    with pytest.raises(ValidationError) as err:
        engine.add_item(new_id(), {"productId": ref.product("POLO-NAVY-L"), "qty": 1},
                        currency="USD")
    assert "no price in USD" in err.value.message


def test_eur_basket_prices_products_and_shipping_in_eur(engine, ref):
    bid = new_id()
    basket = wire(engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 1},
                             currency="EUR"))
    assert basket["currencyCode"] == "EUR"
    assert basket["subTotal"]["formatted"]["withTax"] == "€27.60"
    basket = wire(engine.set_shipping_method(bid, "INTL-IE", "IE"))
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("11.49")  # 9.99 x 1.15
    assert all(m["price"]["currencySymbol"] == "€" for m in basket["shippingMethods"])


def test_merge_refuses_baskets_in_different_currencies(engine, ref):
    eur = new_id()
    engine.add_item(eur, {"productId": ref.product("MUG-WHITE"), "qty": 1}, currency="EUR")
    with pytest.raises(ValidationError) as err:
        engine.merge(ref.basket("alice-main"), eur)
    assert "different currencies" in err.value.message


def test_merge_keeps_the_source_order(engine, ref):
    source = new_id()
    engine.add_bulk(source, [
        {"productId": ref.product("WALLET-BRN"), "qty": 1},
        {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
         "parentProductId": ref.product("WALLET-BRN")},
        {"productId": ref.product("CANDLE-FIG"), "qty": 1}])
    target = new_id()
    engine.add_item(target, {"productId": ref.product("POLO-NAVY-L"), "qty": 1})
    merged = wire(engine.merge(target, source))
    assert [ln["stockCode"] for ln in merged["lineItems"]] == [
        "POLO-NAVY-L", "WALLET-BRN", "ENGRAVE-TEXT", "CANDLE-FIG"]


def test_session_ids_are_never_reused(engine):
    first = engine.create_session(1, "a", None)["Id"]
    second = engine.create_session(1, "b", None)["Id"]
    engine.delete_session(second)
    assert engine.create_session(1, "c", None)["Id"] > second > first


def test_bulk_field_errors_name_the_element(engine, ref):
    with pytest.raises(ValidationError) as err:
        engine.add_bulk(new_id(), [{"productId": ref.product("MUG-WHITE"), "qty": 1},
                                   {"productId": ref.product("MUG-WHITE"), "qty": "x"}])
    assert err.value.errors and all(e.startswith("items[1]") for e in err.value.errors)


def test_zero_product_creates_an_empty_basket_whatever_the_qty(engine):
    bid = new_id()
    basket = wire(engine.add_item(bid, {"productId": ZERO_GUID, "qty": 1}))
    assert basket["isNew"] is False and basket["lineItems"] == []


def test_an_undiscounted_line_with_a_charge_has_a_zero_discount(engine, ref):
    bid = ref.basket("alice-main")
    engine.remove_promo(bid, "SAVE10")
    line = wire(engine.get_basket(bid))["lineItems"][0]
    basket = wire(engine.set_custom_info(bid, {"lineInfo": [{"lineId": line["id"],
                                                        "additionalCharge": "5.00"}]}))
    for ln in basket["lineItems"]:
        assert ln["discount"]["raw"] == {"withTax": 0, "withoutTax": 0, "tax": 0}
    assert basket["discount"]["raw"]["tax"] == 0


def test_migrating_a_version_1_database_keeps_sessions_and_prices(tmp_path):
    import sqlite3

    import sqlite_utils

    from basketbench.engine import schema

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT)")
    schema._v1(db)
    db.execute("INSERT INTO schema_version VALUES (1, 'then')")
    db.execute("INSERT INTO sessions (id, business_id, session_id) VALUES (7, 1, 'kept')")
    db.execute("INSERT INTO shipping_methods (id, code, display_name, countries, price_minor, "
               "currency, position) VALUES ('m1', 'STD', 'Standard', '[\"GB\"]', 399, 'GBP', 1)")
    db.conn.close()
    with BasketEngine(path) as eng:
        assert eng.get_session(7)["SessionId"] == "kept"
        assert eng.catalogue().shipping["m1"].prices == {"GBP": (399, None)}
        assert eng.create_session(1, "new", None)["Id"] == 8

"""Lines: upsert, delta add, absolute qty, remove with children, bulk, display order, limits."""

from __future__ import annotations

import uuid

import pytest

from basketbench.engine import (
    ZERO_GUID,
    BasketLocked,
    Conflict,
    NotFound,
    OutOfStock,
    QuantityLimit,
    ValidationError,
)
from tests.support.wire import wire


def new_id() -> str:
    return str(uuid.uuid4())


def qty_of(basket: dict, product_id: str, parent: str = ZERO_GUID) -> int | None:
    for line in basket["lineItems"]:
        if line["productId"] == product_id and line["parentProductId"] == parent:
            return line["qty"]
    return None


def test_get_unknown_basket_is_empty_and_not_persisted(engine):
    bid = new_id()
    basket = wire(engine.get_basket(bid.upper()))
    assert basket["id"] == bid  # ids are stored and returned lower-case
    assert basket["lineItems"] == [] and basket["isNew"] is True
    assert engine.list_baskets(query=bid)["total"] == 0


def test_malformed_basket_id_is_400_naming_the_field(engine):
    with pytest.raises(ValidationError) as err:
        engine.get_basket("not-a-guid")
    assert err.value.status == 400
    assert "id" in err.value.message and "not-a-guid" in err.value.message


def test_zero_product_with_qty_0_creates_empty_basket(engine):
    bid = new_id()
    basket = wire(engine.add_item(bid, {"productId": ZERO_GUID, "qty": 0}))
    assert basket["isNew"] is False and basket["lineItems"] == []
    assert basket["version"] == 1
    assert engine.list_baskets(query=bid)["total"] == 1


def test_first_mutation_upserts_and_versions_increase(engine, ref):
    bid = new_id()
    b1 = wire(engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 1}))
    b2 = wire(engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 1}))
    assert (b1["version"], b2["version"]) == (1, 2)
    assert qty_of(b2, ref.product("POLO-NAVY-L")) == 2


def test_delta_add_and_negative_delta_removes_at_zero(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": pid, "qty": 3})
    assert qty_of(wire(engine.add_item(bid, {"productId": pid, "qty": -1})), pid) == 2
    assert qty_of(wire(engine.add_item(bid, {"productId": pid, "qty": -5})), pid) is None


def test_qty_zero_on_existing_line_removes_it(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": pid, "qty": 3})
    assert wire(engine.add_item(bid, {"productId": pid, "qty": 0}))["lineItems"] == []


def test_negative_delta_on_missing_line_is_noop(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": pid, "qty": 1})
    before = wire(engine.get_basket(bid))
    after = wire(engine.add_item(bid, {"productId": ref.product("CANDLE-FIG"), "qty": -1}))
    assert after["lineItems"] == before["lineItems"] and after["version"] == before["version"]


def test_stock_code_and_product_id_must_agree(engine, ref):
    bid = new_id()
    by_code = wire(engine.add_item(bid, {"stockCode": "candle-fig", "qty": 1}))
    assert qty_of(by_code, ref.product("CANDLE-FIG")) == 1
    with pytest.raises(ValidationError) as err:
        engine.add_item(bid, {"productId": ref.product("CANDLE-FIG"), "stockCode": "MUG-WHITE",
                              "qty": 1})
    assert "MUG-WHITE" in err.value.message


def test_unknown_product_is_404_and_changes_nothing(engine):
    bid = new_id()
    with pytest.raises(NotFound):
        engine.add_item(bid, {"productId": new_id(), "qty": 1})
    with pytest.raises(NotFound):
        engine.add_item(bid, {"stockCode": "NOPE-123", "qty": 1})
    assert wire(engine.get_basket(bid))["isNew"] is True


@pytest.mark.parametrize("qty", ["1.5", 1.5, "two", True, None, [1]])
def test_non_integer_qty_is_400(engine, ref, qty):
    with pytest.raises(ValidationError) as err:
        engine.add_item(new_id(), {"productId": ref.product("MUG-WHITE"), "qty": qty})
    assert "qty" in err.value.message


def test_set_qty_absolute_and_errors(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": pid, "qty": 1})
    assert qty_of(wire(engine.set_qty(bid, pid, "7")), pid) == 7
    for bad in ("-1", "2.5", "abc"):
        with pytest.raises(ValidationError):
            engine.set_qty(bid, pid, bad)
    with pytest.raises(NotFound):
        engine.set_qty(bid, ref.product("CANDLE-FIG"), 1)
    assert wire(engine.set_qty(bid, pid, 0))["lineItems"] == []


def test_line_quantity_limit_is_422_and_changes_nothing(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": pid, "qty": 998})
    with pytest.raises(QuantityLimit) as err:
        engine.add_item(bid, {"productId": pid, "qty": 2})
    assert err.value.status == 422 and "999" in err.value.message
    assert qty_of(wire(engine.get_basket(bid)), pid) == 998


def distinct_lines(engine, count: int) -> list[dict]:
    """`count` bulk elements with distinct (product, parent) keys: top-level lines first,
    then products nested under other products."""
    plenty = [p for p in engine.catalogue().products.values()
              if not p.child_only and p.current_stock >= 100]
    items = [{"productId": p.product_id, "qty": 1} for p in plenty]
    for parent in plenty:
        for child in plenty:
            if child is not parent:
                items.append({"productId": child.product_id, "qty": 1,
                              "parentProductId": parent.product_id})
    assert len(items) >= count
    return items[:count]


def test_basket_line_limit_is_500(engine, ref):
    bid = new_id()
    items = distinct_lines(engine, 501)
    engine.add_bulk(bid, items[:500])
    with pytest.raises(QuantityLimit) as err:
        engine.add_item(bid, items[500])
    assert "500" in err.value.message and err.value.code == "QUANTITY_LIMIT"
    assert len(wire(engine.get_basket(bid))["lineItems"]) == 500


def test_out_of_stock_names_quantity_available(engine, ref):
    bid, pid = new_id(), ref.product("CARSEAT-G1")  # currentStock 3
    engine.add_item(bid, {"productId": pid, "qty": 2})
    with pytest.raises(OutOfStock) as err:
        engine.add_item(bid, {"productId": pid, "qty": 2})
    assert "Only 3" in err.value.message and err.value.code == "OUT_OF_STOCK"
    assert qty_of(wire(engine.get_basket(bid)), pid) == 2


def test_manual_price_and_custom_info(engine, ref):
    bid, pid = new_id(), ref.product("MUG-WHITE")
    basket = wire(engine.add_item(bid, {"productId": pid, "qty": 2, "manualUnitPrice": "2.50",
                                   "customInfo1": "[bold]hi[/]"}))
    line = basket["lineItems"][0]
    assert line["isManualPrice"] is True and str(line["price"]["raw"]["withTax"]) == "2.50"
    assert line["customInfo1"] == "[bold]hi[/]"  # stored as given


def test_child_lines_need_parent_and_are_removed_with_it(engine, ref):
    bid = new_id()
    wallet, engrave = ref.product("WALLET-BRN"), ref.product("ENGRAVE-TEXT")
    with pytest.raises(ValidationError):
        engine.add_item(bid, {"productId": engrave, "qty": 1})  # child-only, no parent
    with pytest.raises(ValidationError):
        engine.add_item(bid, {"productId": engrave, "qty": 1, "parentProductId": wallet})
    engine.add_item(bid, {"productId": wallet, "qty": 1})
    basket = wire(engine.add_item(bid, {"productId": engrave, "qty": 1, "parentProductId": wallet}))
    assert qty_of(basket, engrave, wallet) == 1
    assert wire(engine.remove_item(bid, wallet))["lineItems"] == []


def test_same_product_under_two_parents_is_two_lines(engine, ref):
    bid = new_id()
    wallet, tea, gift = (ref.product(c) for c in ("WALLET-BRN", "TEA-SAMPLER", "GIFT-MSG"))
    engine.add_bulk(bid, [
        {"productId": wallet, "qty": 1}, {"productId": tea, "qty": 1},
        {"productId": gift, "qty": 1, "parentProductId": wallet},
        {"productId": gift, "qty": 2, "parentProductId": tea},
    ])
    basket = wire(engine.get_basket(bid))
    assert (qty_of(basket, gift, wallet), qty_of(basket, gift, tea)) == (1, 2)


def test_remove_absent_is_idempotent(engine, ref):
    bid = ref.basket("alice-main")
    before = wire(engine.get_basket(bid))
    after = wire(engine.remove_item(bid, ref.product("CANDLE-FIG")))
    assert after["version"] == before["version"]


def test_bulk_is_atomic_and_names_the_index(engine, ref):
    bid = ref.basket("alice-main")
    before = wire(engine.get_basket(bid))
    with pytest.raises(NotFound) as err:
        engine.add_bulk(bid, [{"productId": ref.product("CANDLE-FIG"), "qty": 1},
                              {"stockCode": "NOPE", "qty": 1}])
    assert "items[1]" in err.value.message
    assert wire(engine.get_basket(bid)) == before


def test_bulk_child_may_follow_parent_in_same_batch(engine, ref):
    bid = new_id()
    basket = wire(engine.add_bulk(bid, [
        {"productId": ref.product("WALLET-BRN"), "qty": 1},
        {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
         "parentProductId": ref.product("WALLET-BRN"), "customInfo1": "AB"}]))
    assert len(basket["lineItems"]) == 2


def test_display_order_by_line_id_or_product_id(engine, ref):
    bid = ref.basket("alice-main")
    lines = wire(engine.get_basket(bid))["lineItems"]
    assert engine.set_display_order(bid, [{"id": lines[0]["id"], "displayOrder": 10},
                                          {"id": lines[1]["productId"], "displayOrder": 5}])
    after = [ln["id"] for ln in wire(engine.get_basket(bid))["lineItems"]]
    assert after == [lines[2]["id"], lines[1]["id"], lines[0]["id"]]
    with pytest.raises(ValidationError):
        engine.set_display_order(bid, [{"id": "999999", "displayOrder": 1}])


def test_locked_basket_refuses_mutations_but_reads(engine, ref):
    bid = ref.basket("bob-locked")
    assert wire(engine.get_basket(bid))["isLocked"] is True
    with pytest.raises(BasketLocked) as err:
        engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})
    assert err.value.status == 423 and err.value.code == "BASKET_LOCKED"
    with pytest.raises(BasketLocked):
        engine.delete_basket(bid)
    assert wire(engine.set_locked(bid, False))["isLocked"] is False
    engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})


def test_if_match_version_conflict(engine, ref):
    bid = ref.basket("alice-main")
    version = wire(engine.get_basket(bid))["version"]
    engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1},
                    expected_version=version)
    with pytest.raises(Conflict) as err:
        engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1},
                        expected_version=version)
    assert err.value.status == 409 and err.value.extra["current_version"] == version + 1


def test_delete_reports_whether_it_existed(engine, ref):
    bid = ref.basket("guest-1")
    assert engine.delete_basket(bid) is True
    assert engine.delete_basket(bid) is False
    assert wire(engine.get_basket(bid))["isNew"] is True

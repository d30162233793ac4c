"""`itemType` / `lineItemType`: one rule for the engine and the wire request models.

The example request of endpoint 11 sends both names, each as Swagger's default 0; a client
that fills only one of them leaves the other at 0. Before the model package the engine took
`itemType` whenever the key was present (so `itemType: 0, lineItemType: 2` stored 0) while
`wire.AddItemRequest.effective_item_type` took the first non-zero (2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from basketbench.engine import demo
from basketbench.model.line_input import first_set
from basketbench.wire import AddItemRequest
from tests.support.wire import wire

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "examples" / "11-add-item.request.json"


def _example(**changes) -> dict:
    body = json.loads(EXAMPLE.read_text())
    body.update(changes)
    return body


@pytest.mark.parametrize(("item_type", "line_item_type", "expected"), [
    (0, 2, 2), (3, 0, 3), (3, 2, 3), (0, 0, 0), (None, 4, 4), (None, None, None)])
def test_the_first_non_zero_name_counts(item_type, line_item_type, expected):
    assert first_set(item_type, line_item_type) == expected
    body = {k: v for k, v in (("itemType", item_type), ("lineItemType", line_item_type))
            if v is not None}
    assert AddItemRequest.model_validate(body).effective_item_type == expected


@pytest.mark.parametrize(("item_type", "line_item_type"), [(0, 2), (None, 2), (2, 0)])
def test_the_engine_stores_what_the_wire_model_reads(engine, ref, item_type, line_item_type):
    body = _example(productId=ref.product("MUG-WHITE"), qty=1, stockCode=None,
                    parentProductId=None, subscriptionPlanId=None, giftWrapId=None,
                    customInfo1=None, customInfo2=None, customInfo3=None, customInfo4=None,
                    customInfo5=None, itemType=item_type, lineItemType=line_item_type)
    wanted = AddItemRequest.model_validate(body).effective_item_type
    bid = demo.basket_id("alice-main")
    basket = wire(engine.add_item(bid, body))
    mug = next(ln for ln in basket["lineItems"] if ln["stockCode"] == "MUG-WHITE")
    assert mug["itemType"] == wanted == 2


def test_a_bad_value_under_either_name_is_named(engine, ref):
    from basketbench.engine.errors import ValidationError
    with pytest.raises(ValidationError) as caught:
        engine.add_item(demo.basket_id("alice-main"),
                        {"productId": ref.product("MUG-WHITE"), "qty": 1, "itemType": 0,
                         "lineItemType": "two"})
    assert "lineItemType" in str(caught.value) and "'two'" in str(caught.value)


def test_add_bulk_binds_line_item_type_in_any_case(engine, ref):
    """The sandbox binds body keys case-insensitively by the wire model's fields; add-bulk's
    model now has `lineItemType` too, so `LineItemType` reaches the engine's rule."""
    from basketbench.wire import BulkLine
    from basketbench.wire.inputs import bind_keys

    items = bind_keys([{"ProductId": ref.product("MUG-WHITE"), "Qty": 1, "ItemType": 0,
                        "LineItemType": 3}], BulkLine)
    assert BulkLine.model_validate(items[0]).effective_item_type == 3
    basket = wire(engine.add_bulk(demo.basket_id("alice-main"), items))
    assert next(ln for ln in basket["lineItems"] if ln["stockCode"] == "MUG-WHITE")[
        "itemType"] == 3

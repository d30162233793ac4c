"""The local backend validates only the lines a change touched (backends/line_reuse.py): the
models it returns must equal a whole-basket validation, unchanged lines must be the very same
objects as in the previous version, and changed ones must not be."""

from __future__ import annotations

import asyncio
import uuid

from basketbench.backends.line_reuse import SMALL
from basketbench.backends.local import LocalBackend
from basketbench.engine import demo
from basketbench.model.requests import ItemInput
from basketbench.wire import Basket, dump_wire


def _fill(engine) -> str:
    """A fresh basket of SMALL + 5 lines (the reuse starts at SMALL lines) and a promotion."""
    return demo.generate_big_basket(engine, SMALL + 5, name=f"reuse-{uuid.uuid4()}")


def test_unchanged_lines_are_reused_and_the_result_equals_full_validation(tmp_path):
    backend = LocalBackend(tmp_path / "reuse.db")
    try:
        bid = _fill(backend.engine)
        first = asyncio.run(backend.get_basket(bid))
        target = first.line_items[3]
        second = asyncio.run(backend.add_item(bid, ItemInput(product_id=target.product_id, qty=2)))
        whole = Basket.model_validate(backend.engine.get_basket(bid))
        assert dump_wire(second) == dump_wire(whole)
        assert second.model_fields_set == whole.model_fields_set
        assert [ln.model_fields_set for ln in second.line_items] == \
            [ln.model_fields_set for ln in whole.line_items]
        # Equal nested values are one object (memory), and still what validation gives.
        a, b = second.line_items[0], second.line_items[1]
        assert a.company_discount is b.company_discount
        assert a.subscription_user_settings is b.subscription_user_settings
        old = {ln.product_id: ln for ln in first.line_items}
        for line in second.line_items:
            if line.product_id == target.product_id:
                assert line is not old[line.product_id]
                assert line.qty == target.qty + 2
            else:
                assert line is old[line.product_id], line.stock_code
        promo = asyncio.run(backend.apply_promo(bid, "SAVE10"))
        whole = Basket.model_validate(backend.engine.get_basket(bid))
        assert isinstance(promo.basket, Basket)
        assert dump_wire(promo.basket) == dump_wire(whole)
    finally:
        asyncio.run(backend.close())

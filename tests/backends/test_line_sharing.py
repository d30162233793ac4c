"""The local backend hands on the engine's domain basket, which builds only the lines a change
touched (engine/domain.py): the objects it returns must equal a whole-basket read, unchanged
lines must be the very same objects as in the previous version, and changed ones must not
be."""

from __future__ import annotations

import asyncio
import uuid

from basketbench.backends.local import LocalBackend
from basketbench.engine import demo
from basketbench.model.basket import Basket
from basketbench.model.requests import ItemInput
from basketbench.wirejson.to_wire import to_wire

LINES = 25


def _fill(engine) -> str:
    """A fresh basket of 25 lines and a promotion."""
    return demo.generate_big_basket(engine, LINES, name=f"reuse-{uuid.uuid4()}")


def test_unchanged_lines_are_reused_and_the_result_equals_a_full_read(tmp_path):
    backend = LocalBackend(tmp_path / "reuse.db")
    try:
        bid = _fill(backend.engine)
        first = asyncio.run(backend.get_basket(bid))
        target = first.line_items[3]
        second = asyncio.run(backend.add_item(bid, ItemInput(product_id=target.product_id, qty=2)))
        whole = backend.engine.get_basket(bid)
        assert to_wire(second) == to_wire(whole)
        assert second == whole
        assert [to_wire(ln) for ln in second.line_items] == \
            [to_wire(ln) for ln in whole.line_items]
        # Equal nested values are one object (memory), and still what a read gives.
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
        whole = backend.engine.get_basket(bid)
        assert isinstance(promo.basket, Basket)
        assert to_wire(promo.basket) == to_wire(whole)
    finally:
        asyncio.run(backend.close())


def test_the_local_backend_never_imports_pydantic_or_the_wire_models(tmp_path):
    """Issue 14: the local path reads the engine's baskets into the domain model in plain
    Python (wirejson.parse), so neither pydantic nor basketbench.wire is ever imported."""
    import subprocess
    import sys

    code = f"""
import asyncio, sys
from basketbench.backends.local import LocalBackend
from basketbench.engine import demo

async def main():
    b = LocalBackend({str(tmp_path / "plain.db")!r})
    bid = demo.basket_id("alice-main")
    basket = await b.get_basket(bid)
    await b.add_item(bid, {{"productId": basket.line_items[0].product_id, "qty": 1}})
    await b.apply_promo(bid, "SAVE10")
    await b.set_po(bid, "PO-1")
    await b.search_products("polo")
    await b.list_user_baskets(basket.user_id)
    await b.close()

asyncio.run(main())
print(",".join(m for m in sys.modules if m.split(".")[0] == "pydantic"
               or m == "basketbench.wire" or m.startswith("basketbench.wire.")))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", out.stdout

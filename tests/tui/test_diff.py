"""The status bar's account of a change: quantities, lines, promos, totals and fields."""

from __future__ import annotations

from basketbench.engine import demo
from basketbench.model.basket import Basket
from basketbench.tui.diff import changed_lines, changed_totals, describe


def basket(engine, name: str) -> Basket:
    return engine.get_basket(demo.basket_id(name))


def test_describe_names_quantities_totals_lines_and_fields(engine, ref):
    bid = demo.basket_id("alice-main")
    before = basket(engine, "alice-main")
    engine.set_qty(bid, ref.product("POLO-NAVY-L"), 3)
    engine.remove_item(bid, ref.product("MUG-WHITE"))
    engine.add_item(bid, {"productId": ref.product("WALLET-BRN"), "qty": 1})
    engine.set_po(bid, "PO-9")
    engine.set_locked(bid, True)
    after = basket(engine, "alice-main")
    text = describe(before, after)
    for part in ("POLO-NAVY-L qty 2 -> 3", "removed MUG-WHITE", "+1 WALLET-BRN",
                 "PO none -> 'PO-9'", "locked",
                 f"grand total {before.grand_total.formatted.with_tax} -> "
                 f"{after.grand_total.formatted.with_tax}"):
        assert part in text, part
    assert {"grand_total", "sub_total"} <= changed_totals(before, after)
    assert len(changed_lines(before, after)) == 2  # the polo (qty) and the wallet (new)


def test_describe_says_so_when_nothing_changed(engine):
    b = basket(engine, "carol-account")
    assert describe(b, b) == "no change to lines or totals"
    assert changed_lines(b, b) == set() and changed_totals(b, b) == set()

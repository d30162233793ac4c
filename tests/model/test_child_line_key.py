"""One line key for every copy: two engravings under one wallet that share customInfo1 and
differ in customInfo2 are two lines to the engine (engine-rules §2), so they must be two
lines to the workbench's diff, to `basketbench diff` and to the `+` key too.

Before the model package, tui/diff.py, flows/diff.py and tui/seen.py keyed child lines by
customInfo1 alone (the engine by customInfo1..5): the second engraving hid the first."""

from __future__ import annotations

from basketbench.backends import engine_inputs
from basketbench.engine import demo
from basketbench.flows.diff import diff_baskets
from basketbench.model.basket import Basket
from basketbench.model.requests import ItemInput
from basketbench.tui.diff import changed_lines, describe, lines_by_key


def _engraved_twice(engine, ref) -> str:
    """alice-engraved with a second engraving: the same first text, another second text."""
    bid = demo.basket_id("alice-engraved")
    engine.add_item(bid, {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
                          "parentProductId": ref.product("WALLET-BRN"),
                          "customInfo1": "A.S. 2026", "customInfo2": "gold"})
    return bid


def _basket(engine, bid: str) -> Basket:
    return engine.get_basket(bid)


def test_the_workbench_diff_keeps_both_engravings(engine, ref):
    bid = _engraved_twice(engine, ref)
    basket = _basket(engine, bid)
    assert len(basket.line_items) == 4  # wallet, gift message, two engravings
    assert len(lines_by_key(basket)) == 4


def test_the_workbench_names_the_engraving_that_changed(engine, ref):
    bid = _engraved_twice(engine, ref)
    before = _basket(engine, bid)
    engine.add_item(bid, {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
                          "parentProductId": ref.product("WALLET-BRN"),
                          "customInfo1": "A.S. 2026", "customInfo2": "gold"})
    after = _basket(engine, bid)
    assert len(changed_lines(before, after)) == 1
    assert "ENGRAVE-TEXT qty 1 -> 2" in describe(before, after)


def test_basketbench_diff_sees_the_second_engraving_added(engine, ref):
    bid = demo.basket_id("alice-engraved")
    before = _basket(engine, bid)
    _engraved_twice(engine, ref)
    after = _basket(engine, bid)
    d = diff_baskets(before, after)
    assert [c.kind for c in d.lines] == ["added"]
    assert d.added[0].b.custom_info2 == "gold"
    assert d.unchanged_lines == 3


def test_plus_on_a_child_line_adds_to_that_line(engine, ref):
    """The `+` key's request names the line by all its texts, so the units go to it."""
    bid = _engraved_twice(engine, ref)
    gold = next(ln for ln in _basket(engine, bid).line_items if ln.custom_info2 == "gold")
    engine.add_item(bid, engine_inputs.item(ItemInput.for_line(gold, 1)))
    lines = _basket(engine, bid).line_items
    assert len(lines) == 4  # no new, half-personalised line
    assert next(ln for ln in lines if ln.custom_info2 == "gold").qty == 2

"""Issue 14's fast paths give the same answers as the slow ones: the caches of the domain
basket (per basket version, per line, per shipping method) and of its wire rendering (per
line object), the cached line amounts of repricing, the
basket filter answered from indexes, and the msgspec JSON encoder."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from basketbench import jsonio
from basketbench.engine import domain, pricing
from basketbench.engine.part_cache import PartCache
from basketbench.engine.pricing import price
from basketbench.engine.state import load
from basketbench.wirejson import render
from tests.support.wire import wire


def fresh_render(engine, basket_id):
    """The basket built and rendered with every cache emptied: what the slow path gives."""
    cat = engine.catalogue()
    state = engine.store.read(lambda conn: load(conn, cat, basket_id))
    saved = (domain._LINES, domain._METHODS, pricing._LINE_AMOUNTS, render._LINES,
             render._METHODS)
    domain._LINES, domain._METHODS = PartCache(), PartCache()
    pricing._LINE_AMOUNTS = pricing._AmountCache()
    render._LINES, render._METHODS = render._ByObject(10), render._ByObject(10)
    try:
        return render.basket(domain.basket(price(state, cat, engine.clock()), cat,
                                           engine.clock()))
    finally:
        (domain._LINES, domain._METHODS, pricing._LINE_AMOUNTS, render._LINES,
         render._METHODS) = saved


def test_cached_renders_equal_fresh_ones_through_a_run_of_changes(engine, ref):
    bid = str(uuid.uuid4())
    mug, polo = ref.product("MUG-WHITE"), ref.product("POLO-NAVY-L")
    engine.add_bulk(bid, [{"productId": mug, "qty": 3}, {"productId": polo, "qty": 2}])
    steps = [lambda: wire(engine.apply_promo(bid, "SAVE10")),
             lambda: wire(engine.set_qty(bid, mug, 5)),
             lambda: wire(engine.set_qty(bid, mug, 3)),  # back to amounts seen before: cache hits
             lambda: wire(engine.set_shipping_method(bid, ref.method("NEXT"), "GB")),
             lambda: wire(engine.remove_promo(bid, "SAVE10"))]
    for step in steps:
        step()
        got = wire(engine.get_basket(bid))
        assert got == fresh_render(engine, bid)
    assert [ln["qty"] for ln in got["lineItems"]] == [3, 2]


def test_a_read_after_a_change_reuses_its_render_until_the_clock_moves_on(engine, ref, clock):
    bid = str(uuid.uuid4())
    written = engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})
    assert engine.get_basket(bid) is written  # the same version: built once
    clock.at += timedelta(days=2)  # expected delivery dates move with the day
    later = engine.get_basket(bid)
    assert later is not written
    assert wire(later)["shippingMethods"][0]["expectedDeliveryDate"] != \
        wire(written)["shippingMethods"][0]["expectedDeliveryDate"]


def test_a_one_line_change_builds_and_renders_one_line(engine, ref):
    bid = str(uuid.uuid4())
    mug, polo = ref.product("MUG-WHITE"), ref.product("POLO-NAVY-L")
    before = engine.add_bulk(bid, [{"productId": mug, "qty": 3}, {"productId": polo, "qty": 2}])
    after = engine.set_qty(bid, mug, 4)
    old = {ln.product_id: ln for ln in before.line_items}
    new = {ln.product_id: ln for ln in after.line_items}
    assert new[polo] is old[polo]  # unchanged: the same Line object
    assert new[mug] is not old[mug] and new[mug].qty == 4
    pairs = list(zip(before.shipping_methods, after.shipping_methods))
    assert all((a is b) == (a == b) for a, b in pairs)  # a method not changed is not rebuilt
    assert any(a is b for a, b in pairs)
    # The wire dict of an unchanged line is rendered once, by the Line object.
    first, second = render.basket(before), render.basket(after)
    by_product = {d["productId"]: d for d in first["lineItems"]}
    assert {d["productId"]: d for d in second["lineItems"]}[polo] is by_product[polo]
    assert second["lineItems"][0]["qty"] == 4 and by_product[mug]["qty"] == 3


def test_a_basket_deleted_and_made_again_is_never_served_from_the_old_render(engine, ref):
    bid = str(uuid.uuid4())
    engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 1})
    engine.delete_basket(bid)
    again = wire(engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 4}))
    assert [ln["stockCode"] for ln in again["lineItems"]] == ["POLO-NAVY-L"]
    assert wire(engine.get_basket(bid))["lineItems"][0]["qty"] == 4


def brute_force(engine, q, limit, offset):
    """The filter's rule, row by row over every basket."""
    cat = engine.catalogue()
    baskets, lines = engine.store.read(lambda conn: (
        conn.execute("SELECT id, user_id, last_updated FROM baskets").fetchall(),
        conn.execute("SELECT basket_id, product_id FROM lines").fetchall()))
    held: dict[str, set] = {}
    for basket_id, product_id in lines:
        held.setdefault(basket_id, set()).add(product_id)
    users = {u["userId"]: u for u in cat.users.values()}

    def matches(bid, uid):
        user = users.get(uid or "")
        named = user is not None and (q in (user["email"] or "").lower()
                                      or q in (user["name"] or "").lower())
        product = any(q in cat.products[p].stock_code.lower()
                      or q in cat.products[p].name.lower() for p in held.get(bid, ()))
        return bid.startswith(q) or (uid or "").startswith(q) or named or product

    found = sorted(((lu, bid) for bid, uid, lu in baskets if matches(bid, uid)),
                   key=lambda r: r[1])
    found.sort(key=lambda r: r[0], reverse=True)
    return len(found), [bid for _, bid in found[offset:offset + limit]]


@pytest.mark.parametrize("q", ["alice", "bob", "mug", "polo", "8", "ab", "nothing-here"])
def test_the_filter_from_indexes_finds_what_a_row_by_row_search_finds(engine, ref, clock, q):
    mug, polo = ref.product("MUG-WHITE"), ref.product("POLO-NAVY-L")
    users = list(engine.catalogue().users)
    for i in range(40):  # baskets of several users and guests, a minute apart
        clock.at += timedelta(minutes=1)
        bid = str(uuid.uuid4())
        engine.add_item(bid, {"productId": mug if i % 3 else polo, "qty": 1})
        if i % 4:
            engine.assign_user(bid, users[i % len(users)])
    for limit, offset in ((100, 0), (5, 3)):
        page = engine.list_baskets(query=q, limit=limit, offset=offset)
        assert (page["total"], [r["id"] for r in page["rows"]]) == \
            brute_force(engine, q, limit, offset)


def test_the_fast_encoder_writes_the_same_bytes_as_the_standard_one(engine, ref):
    basket = wire(engine.get_basket(ref.basket("alice-main")))
    odd = {"money": [Decimal("3.90"), Decimal("-0"), Decimal("1E+2"), Decimal("-0.00")],
           "text": "Zoë \u2028 \x1f \"quoted\"", "marker": "\x00dec:1.5", "big": 2 ** 70,
           "basket": basket}
    for value in (basket, odd):
        assert jsonio.dumps_bytes(value) == jsonio._std_dumps(value, None).encode()
    with pytest.raises(ValueError):
        jsonio.dumps_bytes({"a": Decimal("NaN")})

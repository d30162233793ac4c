"""Property-based tests: random operation sequences keep the engine's invariants."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basketbench.engine import BasketEngine, EngineError, demo
from conftest import FixedClock
from tests.support.wire import wire

CODES = ["SAVE10", "FIVER", "SUMMER20", "XMAS2020", "FREESHIP", "HOME3FOR2", "VIP50", "EXCL25",
         "NOPE"]
STOCK = ["POLO-NAVY-L", "MUG-WHITE", "CANDLE-FIG", "CARSEAT-G1", "GIFTCARD-25", "KIDS-RAIN-5Y",
         "WALLET-BRN", "TEA-SAMPLER"]


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory):
    eng = BasketEngine(tmp_path_factory.mktemp("props") / "p.db", clock=FixedClock())
    demo.reset(eng)
    yield eng
    eng.close()


ops = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(STOCK), st.integers(-4, 6)),
    st.tuples(st.just("qty"), st.sampled_from(STOCK), st.integers(-1, 12)),
    st.tuples(st.just("remove"), st.sampled_from(STOCK)),
    st.tuples(st.just("child"), st.sampled_from(["ENGRAVE-TEXT", "GIFT-MSG"]),
              st.sampled_from(STOCK)),
    st.tuples(st.just("apply"), st.sampled_from(CODES)),
    st.tuples(st.just("unapply"), st.sampled_from(CODES)),
    st.tuples(st.just("ship"), st.sampled_from(["STD", "NEXT", "NOM", "INTL-IE", "BAD"]),
              st.sampled_from(["GB", "IE", "FR"])),
    st.tuples(st.just("merge"), st.sampled_from(["sum", "max", "replace"]),
              st.lists(st.tuples(st.sampled_from(STOCK), st.integers(1, 3)), max_size=3)),
)


def amounts(price: dict) -> tuple[Decimal, Decimal, Decimal]:
    r = price["raw"]
    return r["withTax"], r["withoutTax"], r["tax"]


def all_prices(node):
    if isinstance(node, dict):
        if "raw" in node and "formatted" in node:
            yield node
        for value in node.values():
            yield from all_prices(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_prices(value)


def check_invariants(basket: dict) -> None:
    for price in all_prices(basket):
        gross, net, tax = amounts(price)
        assert gross == net + tax, price
    lines = basket["lineItems"]
    for name in ("subTotal", "discount", "additionalCharge"):
        for i in range(3):
            assert sum((amounts(ln[name])[i] for ln in lines), Decimal(0)) == \
                amounts(basket[name])[i]
    for ln in lines:
        assert ln["qty"] > 0
        assert amounts(ln["totalPrice"])[0] >= 0
        assert amounts(ln["totalPrice"])[0] == amounts(ln["subTotal"])[0] - \
            amounts(ln["discount"])[0] + amounts(ln["additionalCharge"])[0]
    sub, disc, add = (amounts(basket[k]) for k in ("subTotal", "discount", "additionalCharge"))
    tws = amounts(basket["totalWithoutShipping"])
    assert tws == tuple(s - d + a for s, d, a in zip(sub, disc, add))
    ship = amounts(basket["shippingCharge"])
    assert amounts(basket["grandTotal"]) == tuple(t + s for t, s in zip(tws, ship))
    assert amounts(basket["grandTotal"])[0] >= 0


def total_qty(basket: dict) -> dict:
    out: dict = {}
    for ln in basket["lineItems"]:
        key = (ln["productId"], ln["parentProductId"])
        out[key] = out.get(key, 0) + ln["qty"]
    return out


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ops, min_size=1, max_size=12))
def test_random_sequences_keep_invariants(shared_engine, steps):
    eng = shared_engine
    cat = eng.catalogue()
    pid = {p.stock_code: p.product_id for p in cat.products.values()}
    bid = str(uuid.uuid4())
    for step in steps:
        before = wire(eng.get_basket(bid))
        try:
            kind = step[0]
            if kind == "add":
                eng.add_item(bid, {"productId": pid[step[1]], "qty": step[2]})
            elif kind == "qty":
                eng.set_qty(bid, pid[step[1]], step[2])
            elif kind == "remove":
                eng.remove_item(bid, pid[step[1]])
            elif kind == "child":
                eng.add_item(bid, {"productId": pid[step[1]], "qty": 1,
                                   "parentProductId": pid[step[2]]})
            elif kind == "apply":
                valid = eng.validate_promo(bid, step[1])
                assert wire(eng.get_basket(bid)) == before  # validate never changes anything
                once = wire(eng.apply_promo(bid, step[1]))
                assert once["isVaild"] == valid  # validate predicts apply
                twice = wire(eng.apply_promo(bid, step[1]))
                if once["isVaild"]:
                    assert twice["isVaild"] and twice["basket"] == once["basket"]
            elif kind == "unapply":
                eng.remove_promo(bid, step[1])
            elif kind == "ship":
                eng.set_shipping_method(bid, step[1], step[2])
            elif kind == "merge":
                source = str(uuid.uuid4())
                eng.add_bulk(source, [{"productId": pid[c], "qty": q} for c, q in step[2]]
                             or [{"productId": pid["MUG-WHITE"], "qty": 1}])
                src_q, tgt_q = total_qty(wire(eng.get_basket(source))), total_qty(before)
                merged = wire(eng.merge(bid, source, strategy=step[1]))
                if step[1] == "sum":
                    got = total_qty(merged)
                    for key in set(src_q) | set(tgt_q):
                        assert got[key] == src_q.get(key, 0) + tgt_q.get(key, 0)
        except EngineError:
            # A refused operation changes nothing at all.
            assert wire(eng.get_basket(bid)) == before
        check_invariants(wire(eng.get_basket(bid)))

"""Property tests of the money rules (engine-rules §2-§4), on random baskets and codes: the ones
that would have caught every bug of issue 10. Examples are bounded to keep the suite fast."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basketbench.engine import BasketEngine, EngineError, demo
from basketbench.model import audit
from conftest import FixedClock
from tests.support.wire import wire

STOCK = ["POLO-NAVY-L", "MUG-WHITE", "CANDLE-FIG", "CARSEAT-G1", "GIFTCARD-25", "KIDS-RAIN-5Y",
         "WALLET-BRN", "TEA-SAMPLER", "LINEN-WHT-M", "CHOC-DARK-70", "LED-BULB-4PK",
         "BS0010-DODGER-BLUE-M"]
# Codes that may stack (not exclusive, not expired or used up), and the exclusive one.
STACKING = ["SAVE10", "FIVER", "SUMMER20", "HOME3FOR2", "CHOC3FOR2", "FREESHIP"]
ORDER_LEVEL = ["SAVE10", "FIVER"]
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

lines = st.lists(st.tuples(st.sampled_from(STOCK), st.integers(1, 3)), min_size=1, max_size=6,
                 unique_by=lambda t: t[0])


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    engine = BasketEngine(tmp_path_factory.mktemp("money") / "m.db", clock=FixedClock())
    demo.reset(engine)
    yield engine
    engine.close()


def pid(engine: BasketEngine, stock_code: str) -> str:
    return engine.catalogue().product_by_code(stock_code).product_id


def new_basket(engine: BasketEngine, content) -> str:
    bid = str(uuid.uuid4())
    engine.add_bulk(bid, [{"productId": pid(engine, c), "qty": q} for c, q in content])
    return bid


def raw(price: dict) -> tuple[Decimal, Decimal, Decimal]:
    r = price["raw"]
    return r["withTax"], r["withoutTax"], r["tax"]


def total(prices) -> tuple[Decimal, ...]:
    parts = [raw(p) for p in prices]
    return tuple(sum((p[i] for p in parts), Decimal(0)) for i in range(3))


def figures(basket: dict) -> tuple:
    """Everything money in a basket, independent of line ids and code order."""
    return (
        tuple(raw(basket[k]) for k in ("subTotal", "discount", "shippingCharge", "grandTotal")),
        sorted((ln["stockCode"], raw(ln["discount"]), raw(ln["totalPrice"]))
               for ln in basket["lineItems"]),
        sorted((p["promoCode"] or "", raw(p["discountAmt"]), p.get("isApplicable"))
               for p in basket["promotionsApplied"]),
    )


@SETTINGS
@given(content=lines, codes=st.lists(st.sampled_from(STACKING), min_size=2, max_size=4,
                                     unique=True), ship=st.booleans())
def test_totals_do_not_depend_on_the_order_codes_were_applied(eng, content, codes, ship):
    results = set()
    for order in itertools.islice(itertools.permutations(codes), 3):
        bid = new_basket(eng, content)
        if ship:
            eng.set_shipping_method(bid, "STD", "GB")
        for code in order:
            eng.apply_promo(bid, code)
        results.add(repr(figures(wire(eng.get_basket(bid)))))
    assert len(results) == 1


@SETTINGS
@given(content=lines, codes=st.lists(st.sampled_from([*STACKING, "EXCL25"]), max_size=4,
                                     unique=True))
def test_promotions_foot_both_ways_and_every_basket_passes_the_audit(eng, content, codes):
    bid = new_basket(eng, content)
    for code in codes:
        eng.apply_promo(bid, code)
    domain = eng.get_basket(bid)
    basket = wire(domain)
    for line in basket["lineItems"]:
        if line["promotionsApplied"]:
            assert total(p["discountAmt"] for p in line["promotionsApplied"]) == \
                raw(line["discount"])
    on_lines = [p for p in basket["promotionsApplied"]
                if any(q["promoCode"] == p["promoCode"] for ln in basket["lineItems"]
                       for q in ln["promotionsApplied"])]
    for promo in on_lines:
        shares = [q["discountAmt"] for ln in basket["lineItems"]
                  for q in ln["promotionsApplied"] if q["promoCode"] == promo["promoCode"]]
        assert total(shares) == raw(promo["discountAmt"])
    assert total(p["discountAmt"] for p in on_lines) == raw(basket["discount"])
    assert audit.audit(domain) == []


@SETTINGS
@given(content=lines, code=st.sampled_from(ORDER_LEVEL))
def test_each_lines_share_of_an_order_discount_is_within_one_unit(eng, content, code):
    bid = new_basket(eng, content)
    basket = wire(eng.apply_promo(bid, code))["basket"]
    promo = next((p for p in basket["promotionsApplied"] if p["promoCode"] == code), None)
    if promo is None or not promo.get("isApplicable", True):
        return  # FIVER below its minimum spend
    amount = raw(promo["discountAmt"])[0]
    cat = eng.catalogue()
    counted = [ln for ln in basket["lineItems"]
               if not cat.product_by_code(ln["stockCode"]).excluded]
    base = sum((raw(ln["subTotal"])[0] for ln in counted), Decimal(0))
    for line in counted:
        exact = amount * raw(line["subTotal"])[0] / base
        share = sum((raw(p["discountAmt"])[0] for p in line["promotionsApplied"]
                     if p["promoCode"] == code), Decimal(0))
        assert abs(share - exact) < Decimal("0.01"), (line["stockCode"], share, exact)


@SETTINGS
@given(content=lines, cuts=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 3),
                                               st.booleans()), min_size=1, max_size=4))
def test_lowering_a_quantity_never_fails_for_stock(tmp_path_factory, content, cuts):
    engine = BasketEngine(tmp_path_factory.mktemp("stock") / "s.db", clock=FixedClock())
    try:
        demo.seed_catalogue(engine)
        set_stock(engine, 999)
        bid = new_basket(engine, [(c, q + 2) for c, q in content])
        set_stock(engine, 0)  # stock falls to nothing after the basket was filled
        for index, by, absolute in cuts:
            basket = wire(engine.get_basket(bid))
            tops = [ln for ln in basket["lineItems"] if ln["qty"] > 0]
            if not tops:
                break
            line = tops[index % len(tops)]
            if absolute:
                engine.set_qty(bid, line["productId"], max(0, line["qty"] - by))
            else:
                engine.add_item(bid, {"productId": line["productId"], "qty": -by})
    finally:
        engine.close()


def set_stock(engine: BasketEngine, units: int) -> None:
    def tx(conn):
        conn.execute("UPDATE products SET current_stock = ?", (units,))
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                     "WHERE key = 'catalogue_rev'")
    engine.store.transaction(tx)


def _naming(basket: dict, line: dict, how: str) -> dict:
    if how == "productId":
        return {"productId": line["productId"], "parentProductId": line["parentProductId"]}
    if how == "stockCode":
        return {"stockCode": line["stockCode"], "parentProductId": line["parentProductId"]}
    return {"productId": line["id"]}


@SETTINGS
@given(content=lines, pick=st.integers(0, 5),
       how=st.sampled_from(["productId", "stockCode", "lineId"]), engrave=st.booleans())
def test_qty_zero_removes_by_every_way_of_naming_a_line(eng, content, pick, how, engrave):
    bid = new_basket(eng, content)
    if engrave:
        eng.add_item(bid, {"productId": pid(eng, "ENGRAVE-TEXT"), "qty": 1, "customInfo1": "A",
                           "parentProductId": pid(eng, content[0][0])})
    basket = wire(eng.get_basket(bid))
    line = basket["lineItems"][pick % len(basket["lineItems"])]
    after = wire(eng.add_item(bid, {**_naming(basket, line, how), "qty": 0}))
    assert line["id"] not in {ln["id"] for ln in after["lineItems"]}
    if line["parentProductId"] == "00000000-0000-0000-0000-000000000000":
        # Its child lines go with it.
        assert all(ln["parentProductId"] != line["productId"] for ln in after["lineItems"])


failing_ops = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(STOCK), st.integers(1000, 10**6)),
    st.tuples(st.just("qty"), st.sampled_from(STOCK), st.integers(1000, 10**9)),
    st.tuples(st.just("line"), st.integers(10**6, 10**7)),
    st.tuples(st.just("nominated"), st.sampled_from(["2020-01-01", "2026-11-22", "2027-03-01"])),
    st.tuples(st.just("engrave"), st.integers(21, 40)),
    st.tuples(st.just("apply"), st.sampled_from(["NOPE", "XMAS2020", "VIP50"])),
)


@SETTINGS
@given(content=lines, op=failing_ops)
def test_a_failed_operation_changes_nothing(eng, content, op):
    bid = new_basket(eng, content)
    eng.apply_promo(bid, "SAVE10")
    before = wire(eng.get_basket(bid))
    try:
        kind = op[0]
        if kind == "add":
            eng.add_item(bid, {"productId": pid(eng, op[1]), "qty": op[2]})
        elif kind == "qty":
            eng.set_qty(bid, pid(eng, op[1]), op[2])
        elif kind == "line":
            eng.add_item(bid, {"productId": str(op[1]), "qty": 1})
        elif kind == "nominated":
            eng.set_shipping_method(bid, "NOM", "GB", {"deliveryDate": f"{op[1]}T00:00:00Z"})
        elif kind == "engrave":
            eng.add_bulk(bid, [{"productId": pid(eng, "WALLET-BRN"), "qty": 1},
                               {"productId": pid(eng, "ENGRAVE-TEXT"), "qty": 1,
                                "parentProductId": pid(eng, "WALLET-BRN"),
                                "customInfo1": "x" * op[1]}])
        elif kind == "apply":
            result = wire(eng.apply_promo(bid, op[1]))
            assert result["isVaild"] is False
            assert wire(eng.get_basket(bid)) == before
            return
    except EngineError:
        pass
    else:
        pytest.fail(f"{op} should have been refused")
    assert wire(eng.get_basket(bid)) == before

"""wirejson.render of the engine's domain basket is, key for key, value for value and type
for type, the wire dict the engine rendered itself before issue #14 (engine/render.py, kept
as the reference while it exists): every demo basket and a few rich ones, in every currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from basketbench import jsonio
from basketbench.engine import BasketEngine
from basketbench.engine import domain as engine_domain
from basketbench.engine import render as old_render
from basketbench.engine.pricing import price
from basketbench.engine.state import load
from basketbench.wirejson import render


def same(a: Any, b: Any, path: str = "$") -> None:
    """Equal with the same types and the same key order all the way down."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
        if isinstance(a, Decimal):
            assert str(a) == str(b), f"{path}: {a} != {b} (digits)"


def check(engine: BasketEngine, bid: str) -> dict:
    """Both renders of the basket, as of the engine's clock, compared; the new one."""
    now = engine.clock()

    def fn(conn):
        cat = engine.catalogue(conn)
        state = load(conn, cat, bid)
        assert state is not None
        priced = price(state, cat, now)
        return (old_render.basket(priced, cat, now),
                render.basket(engine_domain.basket(priced, cat, now)))

    old, new = engine.store.read(fn)
    same(new, old)
    assert jsonio.dumps_bytes(new) == jsonio.dumps_bytes(old)
    same(render.short_basket(engine_domain.basket(*_priced(engine, bid))),
         old_render.short_basket(old))
    return new


def _priced(engine: BasketEngine, bid: str):
    now = engine.clock()

    def fn(conn):
        cat = engine.catalogue(conn)
        return price(load(conn, cat, bid), cat, now), cat, now

    return engine.store.read(fn)


def test_every_demo_basket(engine: BasketEngine) -> None:
    ids = [r[0] for r in engine.store.read(
        lambda c: c.execute("SELECT id FROM baskets ORDER BY id").fetchall())]
    assert len(ids) >= 12
    for bid in ids:
        check(engine, bid)


def test_rich_baskets(engine: BasketEngine, ref) -> None:
    """Subscriptions with an authorisation amount, formatted line texts and charges, basket
    custom info, a quantity change, other currencies, a promotion on lines."""
    bid = ref.basket("alice-main")
    basket = check(engine, bid)
    line = basket["lineItems"][0]
    engine.set_custom_info(bid, {
        "customInfo1": "gift", "customInfo3": "[b]x[/b]",
        "lineInfo": [{"lineId": line["id"], "customInfo2": "note",
                      "customInfo2Formatted": "<b>note</b>", "additionalCharge": 1.5}]})
    engine.set_subscription(bid, ref.product("POLO-NAVY-L"), {
        "subscriptionPlanId": "1a2e9e33-a675-4e23-8dc9-e6c24491b04d",
        "subscriptionTermId": "83209399-0fa2-45ed-bb55-152d4b978897",
        "userPricingType": "1", "subscriptionJson": "{}", "authorizationAmount": "12.5"})
    rich = check(engine, bid)
    assert rich["lineItems"][0]["customInfo2Formatted"] == "<b>note</b>"
    assert rich["hasSubscription"] is True
    engine.set_qty(bid, ref.product("MUG-WHITE"), 7)
    check(engine, bid)
    for code in ("EUR",):
        other = f"00000000-0000-4000-8000-000000{code.encode().hex()}"
        engine.add_item(other, {"productId": ref.product("MUG-WHITE"), "qty": 3}, currency=code)
        engine.add_item(other, {"productId": ref.product("CANDLE-FIG"), "qty": 2})
        engine.apply_promo(other, "HOME3FOR2")
        check(engine, other)
    for name in ("alice-engraved", "dave-collect", "dave-nominated", "bob-big", "erin-xmas"):
        check(engine, ref.basket(name))

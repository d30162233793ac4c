"""wirejson.render of the engine's domain basket is, byte for byte, the wire JSON the engine
wrote itself before issue #14 (its own renderer, engine/render.py, now gone): every demo
basket and a few rich ones, in every currency, full and short (endpoint 01) shapes.

The expected bodies are in engine_renders.jsonl.gz (two lines per basket, in the order the
tests below check them), recorded from the old renderer while both existed and compared
equal. After an intended change of the wire output, record them again with
`REGEN_GOLDEN=1 pytest tests/wirejson/test_render_engine.py -p no:xdist` and review the
diff of the decompressed file."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

from basketbench import jsonio
from basketbench.engine import BasketEngine
from basketbench.engine import domain as engine_domain
from basketbench.engine.pricing import price
from basketbench.engine.state import load
from basketbench.wirejson import render

GOLDEN = Path(__file__).with_name("engine_renders.jsonl.gz")
REGEN = bool(os.environ.get("REGEN_GOLDEN"))


class Golden:
    """The recorded bodies, handed out in order; with REGEN_GOLDEN, recorded instead."""

    def __init__(self, offset: int) -> None:
        self.lines = [] if REGEN else gzip.decompress(GOLDEN.read_bytes()).split(b"\n")
        self.at = offset

    def check(self, body: bytes) -> None:
        if REGEN:
            _RECORDED.append(body)
            return
        expected = self.lines[self.at]
        self.at += 1
        if body != expected:
            first = _first_difference(jsonio.loads(body), jsonio.loads(expected))
            raise AssertionError(f"the wire JSON differs from the recorded one at {first}")


_RECORDED: list[bytes] = []


def _first_difference(a: Any, b: Any, path: str = "$") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            if a[k] != b[k] or type(a[k]) is not type(b[k]):
                return _first_difference(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y or type(x) is not type(y):
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r} != {b!r}"


def _priced(engine: BasketEngine, bid: str):
    now = engine.clock()

    def fn(conn):
        cat = engine.catalogue(conn)
        state = load(conn, cat, bid)
        assert state is not None
        return price(state, cat, now), cat, now

    return engine.store.read(fn)


def check(engine: BasketEngine, bid: str, golden: Golden) -> dict:
    """The basket rendered (full and short) as of the engine's clock, against the recording;
    the full one."""
    basket = engine_domain.basket(*_priced(engine, bid))
    full = render.basket(basket)
    golden.check(jsonio.dumps_bytes(full))
    golden.check(jsonio.dumps_bytes(render.short_basket(basket)))
    return full


DEMO_BODIES = 2 * 14  # the recording starts with the 14 demo baskets, two bodies each


def test_every_demo_basket(engine: BasketEngine) -> None:
    ids = [r[0] for r in engine.store.read(
        lambda c: c.execute("SELECT id FROM baskets ORDER BY id").fetchall())]
    assert len(ids) == 14
    golden = Golden(0)
    for bid in ids:
        check(engine, bid, golden)


def test_rich_baskets(engine: BasketEngine, ref) -> None:
    """Subscriptions with an authorisation amount, formatted line texts and charges, basket
    custom info, a quantity change, other currencies, a promotion on lines."""
    golden = Golden(DEMO_BODIES)
    bid = ref.basket("alice-main")
    basket = check(engine, bid, golden)
    line = basket["lineItems"][0]
    engine.set_custom_info(bid, {
        "customInfo1": "gift", "customInfo3": "[b]x[/b]",
        "lineInfo": [{"lineId": line["id"], "customInfo2": "note",
                      "customInfo2Formatted": "<b>note</b>", "additionalCharge": 1.5}]})
    engine.set_subscription(bid, ref.product("POLO-NAVY-L"), {
        "subscriptionPlanId": "1a2e9e33-a675-4e23-8dc9-e6c24491b04d",
        "subscriptionTermId": "83209399-0fa2-45ed-bb55-152d4b978897",
        "userPricingType": "1", "subscriptionJson": "{}", "authorizationAmount": "12.5"})
    rich = check(engine, bid, golden)
    assert rich["lineItems"][0]["customInfo2Formatted"] == "<b>note</b>"
    assert rich["hasSubscription"] is True
    engine.set_qty(bid, ref.product("MUG-WHITE"), 7)
    check(engine, bid, golden)
    for code in ("EUR",):
        other = f"00000000-0000-4000-8000-000000{code.encode().hex()}"
        engine.add_item(other, {"productId": ref.product("MUG-WHITE"), "qty": 3}, currency=code)
        engine.add_item(other, {"productId": ref.product("CANDLE-FIG"), "qty": 2})
        engine.apply_promo(other, "HOME3FOR2")
        check(engine, other, golden)
    for name in ("alice-engraved", "dave-collect", "dave-nominated", "bob-big", "erin-xmas"):
        check(engine, ref.basket(name), golden)
    if REGEN:  # the demo baskets' test runs first in this module (pytest's order)
        GOLDEN.write_bytes(gzip.compress(b"\n".join(_RECORDED) + b"\n", mtime=0))


PRODUCTS = Path(__file__).with_name("engine_products.jsonl.gz")


def test_catalogue_products(engine: BasketEngine) -> None:
    """Every catalogue product in every currency, as the engine makes it (a domain Product)
    and the sandbox renders it, against bodies recorded from the engine's old product
    renderer (sorted by currency code, then product id), less the null `maxTextLength` of
    products that take no text (written only when there is a limit, since 0.2.0)."""
    from basketbench.money import CURRENCIES

    expected = gzip.decompress(PRODUCTS.read_bytes()).split(b"\n")
    cat = engine.catalogue()
    at = 0
    for code in sorted(CURRENCIES):
        cur = CURRENCIES[code]
        for p in sorted(cat.products.values(), key=lambda p: p.product_id):
            body = jsonio.dumps_bytes(render.product(engine_domain.product(p, cur), cur))
            if body != expected[at]:
                first = _first_difference(jsonio.loads(body), jsonio.loads(expected[at]))
                raise AssertionError(f"{code} {p.stock_code}: differs at {first}")
            at += 1
    assert at == len(expected) - 1 > 100  # every recorded body checked (and a final "")

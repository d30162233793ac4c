"""Engine benchmark: prints figures for this machine; never fails on timing.

Run: .venv/bin/python bench/engine.py [--n 2000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basketbench.engine import BasketEngine, demo
from basketbench.engine.pricing import price
from basketbench.engine.state import load
from basketbench.engine.store import connect


def rate(n: int, fn) -> float:
    started = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - started)


def baseline(path: Path, n: int) -> float:
    """Single-row transactions with the engine's journal settings (WAL, synchronous=NORMAL)."""
    conn = connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    conn.execute("INSERT INTO t VALUES (1, 0)")

    def tx(_):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE t SET v = v + 1 WHERE id = 1")
        conn.execute("COMMIT")

    return rate(n, tx)


def big_basket(engine: BasketEngine, lines: int) -> str:
    cat = engine.catalogue()
    plenty = [p for p in cat.products.values() if not p.child_only and p.current_stock >= 100]
    items = [{"productId": p.product_id, "qty": 1} for p in plenty]
    for parent in plenty:
        items += [{"productId": c.product_id, "qty": 1, "parentProductId": parent.product_id}
                  for c in plenty if c is not parent]
    bid = str(uuid.uuid4())
    engine.add_bulk(bid, items[:lines])
    for code in ("SUMMER20", "HOME3FOR2", "SAVE10"):
        engine.apply_promo(bid, code)
    return bid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="operations per measurement")
    args = parser.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = baseline(tmp / "baseline.db", n * 2)
        engine = BasketEngine(tmp / "bench.db")
        demo.reset(engine)
        cat = engine.catalogue()
        mug = cat.product_by_code("MUG-WHITE").product_id
        polo = cat.product_by_code("POLO-NAVY-L").product_id
        candle = cat.product_by_code("CANDLE-FIG").product_id

        fresh = [str(uuid.uuid4()) for _ in range(n)]
        add_new = rate(n, lambda i: engine.add_item(fresh[i], {"productId": mug, "qty": 1}))
        one = str(uuid.uuid4())
        engine.add_item(one, {"productId": mug, "qty": 1})
        add_delta = rate(n, lambda i: engine.add_item(one, {"productId": mug,
                                                            "qty": 1 if i % 2 == 0 else -1}))
        set_qty = rate(n, lambda i: engine.set_qty(one, mug, 1 + i % 5))
        promo_baskets = []
        for _ in range(n):
            bid = str(uuid.uuid4())
            engine.add_bulk(bid, [{"productId": p, "qty": 2} for p in (mug, polo, candle)])
            promo_baskets.append(bid)
        apply = rate(n, lambda i: engine.apply_promo(promo_baskets[i], "SAVE10"))
        pairs = []
        for _ in range(n // 2):
            t, s = str(uuid.uuid4()), str(uuid.uuid4())
            engine.add_bulk(t, [{"productId": mug, "qty": 1}, {"productId": polo, "qty": 1}])
            engine.add_bulk(s, [{"productId": mug, "qty": 2}, {"productId": candle, "qty": 1}])
            pairs.append((t, s))
        merge = rate(len(pairs), lambda i: engine.merge(*pairs[i]))

        # What keeping history costs: the same delta adds on an engine that keeps none,
        # alternated with the one that does, so both see the same machine load.
        bare = BasketEngine(tmp / "bare.db", keep_history=False)
        demo.seed_catalogue(bare)
        with_history, without = [], []
        for engine_, out in ((engine, with_history), (bare, without)) * 3:
            bid = str(uuid.uuid4())
            engine_.add_item(bid, {"productId": mug, "qty": 1})
            out.append(rate(n // 3 or 1, lambda i, e=engine_, b=bid: e.add_item(
                b, {"productId": mug, "qty": 1 if i % 2 == 0 else -1})))
        bare.close()
        history_cost = 1 - statistics.median(with_history) / statistics.median(without)

        bid = big_basket(engine, 500)
        conn = engine.store.conn
        state = load(conn, cat, bid)
        now = engine.clock()
        reprice = []
        for _ in range(30):
            started = time.perf_counter()
            priced = price(state, cat, now)
            reprice.append((time.perf_counter() - started) * 1000)
        assert len(priced.lines) == 500 and len(state.promo_codes) == 3
        full = []
        for i in range(10):
            started = time.perf_counter()
            engine.set_qty(bid, mug, 1 + i % 3)
            full.append((time.perf_counter() - started) * 1000)
        engine.close()

    print(f"basketbench engine benchmark ({n} operations per figure; Python "
          f"{sys.version.split()[0]}, SQLite {sqlite3.sqlite_version})")
    print(f"{'baseline: 1-row SQLite transaction (WAL, NORMAL)':52} {base:10,.0f} /s")
    for label, value in (("add item, new line (new basket)", add_new),
                         ("add item, delta on an existing line", add_delta),
                         ("set quantity", set_qty), ("apply promotion", apply),
                         ("merge two baskets", merge)):
        print(f"{label:52} {value:10,.0f} /s   {value / base:6.1%} of baseline")
    print(f"{'reprice a 500-line basket, 3 promotions (median)':52} "
          f"{statistics.median(reprice):10.2f} ms")
    print(f"{'add item delta without history (median)':52} "
          f"{statistics.median(without):10,.0f} /s")
    print(f"{'add item delta with history (median)':52} "
          f"{statistics.median(with_history):10,.0f} /s")
    print(f"AIM history-cost: {history_cost:.1%} of the add-item rate (aim < 15%)")
    print(f"{'set qty on that basket, whole transaction (median)':52} "
          f"{statistics.median(full):10.2f} ms  (load, reprice, write, render 500 lines)")


if __name__ == "__main__":
    main()

"""Engine benchmark: prints figures for this machine; never fails on timing.

Run: .venv/bin/python bench/engine.py [--n 2000] [--baskets 100000]
     .venv/bin/python bench/engine.py --history-only [--rounds 15]  (AIM history-cost only)

Ends with the issue-14 aims, one line each: `AIM <name>: <ratio-or-ms> (aim <target>)`.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basketbench.engine import BasketEngine, demo
from basketbench.engine.pricing import price
from basketbench.engine.state import load
from basketbench.engine.store import connect

# Alternated rounds of the history figure: each is a fifth of a second, and on a shared
# machine three rounds' median still moved by a few points from run to run.
ROUNDS = 9


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
    parser.add_argument("--baskets", type=int, default=100_000,
                        help="baskets for the filter figure")
    parser.add_argument("--history-only", action="store_true",
                        help="measure only what keeping history costs (AIM history-cost)")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="alternated rounds of the history figure")
    args = parser.parse_args()
    n = args.n
    if args.history_only:
        history_only(n, args.rounds)
        return
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

        (tmp / "history").mkdir()
        history = bench_history(tmp / "history", n, args.rounds)

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
        filter_ms = bench_filter(tmp / "filter.db", args.baskets)
        cli_ratio, cli_s, bare_s = bench_cli(tmp / "cli.db")

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
    print_history(*history)
    print(f"{'set qty on that basket, whole transaction (median)':52} "
          f"{statistics.median(full):10.2f} ms  (load, reprice, write, render 500 lines)")
    label = f'filter {args.baskets:,} baskets by "alice" (median)'
    print(f"{label:52} {filter_ms:10.2f} ms")
    print(f"{'basketbench basket get / python -c pass (median)':52} "
          f"{cli_s * 1000:10.0f} ms / {bare_s * 1000:.0f} ms")
    print_aims(add_delta / base, add_new / base, statistics.median(full), filter_ms, cli_ratio)


def bench_history(tmp: Path, n: int, rounds: int = ROUNDS) -> tuple[float, float, float]:
    """What keeping history costs: the same delta adds on two engines on equal demo
    databases, one keeping history and one not, measured back to back in each round (which
    goes first alternates), so both see the same machine load. Returns the median rates with
    and without, and the median of the rounds' costs."""
    engines = []
    for name, keep in (("history.db", True), ("bare.db", False)):
        engine = BasketEngine(tmp / name, keep_history=keep)
        demo.reset(engine)
        engines.append(engine)
    mug = engines[0].catalogue().product_by_code("MUG-WHITE").product_id
    rates: dict[bool, list[float]] = {True: [], False: []}
    costs = []
    for n_round in range(rounds):
        pair = {}
        for engine in engines if n_round % 2 == 0 else engines[::-1]:
            bid = str(uuid.uuid4())
            engine.add_item(bid, {"productId": mug, "qty": 1})
            pair[engine.keep_history] = rate(n // 3 or 1, lambda i, e=engine, b=bid: e.add_item(
                b, {"productId": mug, "qty": 1 if i % 2 == 0 else -1}))
        for keep, value in pair.items():
            rates[keep].append(value)
        costs.append(1 - pair[True] / pair[False])
    for engine in engines:
        engine.close()
    return statistics.median(rates[True]), statistics.median(rates[False]), \
        statistics.median(costs)


def print_history(with_history: float, without: float, cost: float) -> None:
    print(f"{'add item delta without history (median)':52} {without:10,.0f} /s")
    print(f"{'add item delta with history (median)':52} {with_history:10,.0f} /s")
    print(f"AIM history-cost: {cost:.1%} of the add-item rate (aim < 15%)")


def history_only(n: int, rounds: int) -> None:
    """Only the history figure (`--history-only`): on a shared, noisy machine it can be run
    several times in a row without the rest of the benchmark."""
    with tempfile.TemporaryDirectory() as tmp:
        print_history(*bench_history(Path(tmp), n, rounds))


def print_aims(add_delta: float, add_new: float, setqty_ms: float, filter_ms: float,
               cli_ratio: float) -> None:
    """The issue-14 aims of the engine, the filter and the CLI."""
    print(f"AIM engine-add-delta: {add_delta:.3f} (aim >= 0.2)")
    print(f"AIM engine-add-new: {add_new:.3f} (aim >= 0.1)")
    print(f"AIM engine-setqty-500: {setqty_ms:.1f} ms (aim <= 5 ms)")
    print(f"AIM filter-100k: {filter_ms:.2f} ms (aim <= 10 ms)")
    print(f"AIM cli-get: {cli_ratio:.1f}x (aim <= 5x)")


def bench_filter(path: Path, count: int) -> float:
    """Median ms of the workbench's basket filter ("alice": a user's email and name) over
    `count` baskets of two lines each, written straight into the tables (the engine would
    take minutes to make them one by one)."""
    engine = BasketEngine(path, keep_history=False)
    demo.seed_catalogue(engine)
    cat = engine.catalogue()
    users = list(cat.users.values())
    products = [p.product_id for p in cat.products.values() if not p.child_only]
    rng = random.Random(14)
    conn = engine.store.conn
    with engine.store.lock:
        conn.execute("BEGIN")
        for start in range(0, count, 10_000):
            baskets, lines = [], []
            for _ in range(start, min(count, start + 10_000)):
                bid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                user = rng.choice(users) if rng.random() < 0.85 else None  # some guests
                stamp = datetime.fromtimestamp(1.75e9 + rng.random() * 3e7, UTC)
                stamp = stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                baskets.append((bid, user["userId"] if user else None,
                                user["email"] if user else None, stamp, stamp))
                lines += [(bid, product, k + 1)
                          for k, product in enumerate(rng.sample(products, 2))]
            conn.executemany(
                "INSERT INTO baskets (id, user_id, user_email, currency, version, created, "
                "last_updated, line_count, grand_total_minor) "
                "VALUES (?, ?, ?, 'GBP', 1, ?, ?, 2, 1000)", baskets)
            conn.executemany(
                "INSERT INTO lines (basket_id, product_id, parent_product_id, text_key, qty, "
                "display_order) VALUES (?, ?, '00000000-0000-0000-0000-000000000000', '', 1, ?)",
                lines)
        conn.execute("COMMIT")
    engine.list_baskets(query="alice")  # warm: the catalogue and the reader connection
    times = []
    for _ in range(15):
        started = time.perf_counter()
        page = engine.list_baskets(query="alice", limit=100)
        times.append((time.perf_counter() - started) * 1000)
    assert page["total"] > 0 and len(page["rows"]) == 100
    engine.close()
    return statistics.median(times)


def bench_cli(path: Path, runs: int = 7) -> tuple[float, float, float]:
    """`basketbench basket get` on the local engine, the whole process, against
    `python -c pass`, alternated: (ratio of medians, cli seconds, bare seconds)."""
    exe = [sys.executable, "-m", "basketbench"]
    # Bytecode is cached as on a user's machine (the first, seeding run writes it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    basket = demo.basket_id("alice-main")
    command = [*exe, "--db", str(path), "basket", "get", basket]
    subprocess.run(command, env=env, check=True, capture_output=True)  # seeds the demo
    cli, bare = [], []
    for _ in range(runs):
        for argv, out in ((command, cli), ([sys.executable, "-c", "pass"], bare)):
            started = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            out.append(time.perf_counter() - started)
    return statistics.median(cli) / statistics.median(bare), statistics.median(cli), \
        statistics.median(bare)


if __name__ == "__main__":
    main()

"""Workbench benchmark: prints figures for this machine; never fails on timing.

Run: .venv/bin/python bench/tui.py [--runs 5] [--presses 60] [--baskets 100000]

Figures, in one run:
- start-up: time from process start to the first full paint with all four panes filled, on the
  demo database and on a 100,000-basket database, and the same for a bare Textual app with one
  DataTable (the baseline), with the ratio. Each start is a fresh interpreter in a real
  pseudo-terminal (120x40, Textual's own Linux driver), so imports, the backend, the first
  list query and the terminal output are all counted. The workbench opens no basket by itself,
  so the bench opens the first listed one as soon as the list arrives (what a person does with
  enter); "filled" = baskets listed, lines, totals and delivery of that basket rendered, and
  the time is taken after the next screen refresh.
- keypress-to-totals: `+` on the first line of a 500-line basket (three promotions applied),
  from the key to the refresh that shows the new totals; p50 and p99. The same on the
  2,000-line basket 'scale-big' that `basketbench demo generate --big-basket-lines 2000`
  writes (past the API's 500-line limit, for scale only).
- peak memory: the maximum RSS of each measured process.

Aims (issue 6): start-up on 100,000 baskets within 1.5x the bare app; keypress-to-totals p50
under 50 ms; peak memory under 200 MB.

The 100,000-basket database is generated once (about 25 s) and kept in bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "bench" / "results"
COLUMNS, ROWS = 120, 40
# Seconds between start-up readiness checks inside the measured process (so a figure may be
# up to this much late). Not shorter: a waking poller takes the GIL from the threads whose
# work is being measured and slows them down.
POLL = 0.01


# -- the measured processes (run as `bench/tui.py --child ...`) ------------------------------

def _report(result: dict) -> None:
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(os.environ["BENCH_RESULT"]).write_text(json.dumps(result), "utf-8")


async def _after_refresh(app) -> float:
    """The wall-clock time right after the next screen refresh (the paint). The change being
    measured has asked for that refresh; forcing one here (`app.refresh()`) would repaint the
    whole screen and add its cost to every figure, so that is done only if none comes."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(time.time()))
    try:
        return await asyncio.wait_for(asyncio.shield(done), 0.5)
    except TimeoutError:
        app.refresh()
        return await done


def workbench_filled(app) -> bool:
    """All four panes show data: the list, and the lines, totals and delivery of a basket."""
    basket = app.basket
    return bool(app.baskets_pane.rows and basket is not None
                and app.lines_pane.table.row_count and app.totals_pane.values
                and app.delivery_pane.basket is basket)


def child_startup(db: str | None) -> None:
    started = float(os.environ["BENCH_T0"])
    if db is None:  # the baseline: a bare Textual app with one DataTable
        from textual.app import App, ComposeResult
        from textual.widgets import DataTable

        class Bare(App):
            def compose(self) -> ComposeResult:
                yield DataTable()

            def on_mount(self) -> None:
                table = self.query_one(DataTable)
                table.add_columns("id", "user", "lines", "total", "updated")
                for n in range(100):
                    table.add_row(f"{n:08x}", "someone@example.com", str(n % 7), f"£{n}.00",
                                  "2026-11-22 12:00")

        app = Bare()

        def ready() -> bool:
            return app.query_one(DataTable).row_count > 0
    else:
        from basketbench.tui.app import prepare
        from basketbench.tui.gc_tuning import tune

        # What `basketbench --db` runs: the backend opens in a worker after the first paint.
        app = prepare(db=db)
        tune()

        def ready() -> bool:
            if app.baskets_pane.rows and app.basket_id is None:
                app.open_basket(app.baskets_pane.rows[0].id)
            return workbench_filled(app)

    async def pilot(_pilot) -> None:
        while not ready():
            await asyncio.sleep(POLL)
        painted = await _after_refresh(app)
        _report({"seconds": painted - started})
        app.exit()

    app.run(auto_pilot=pilot)


def child_latency(db: str, basket_id: str, presses: int) -> None:
    from basketbench.tui.app import prepare
    from basketbench.tui.gc_tuning import tune

    app = prepare(db=db)  # what `basketbench --db` runs
    tune()

    async def pilot(p) -> None:
        while not app.baskets_pane.rows:
            await asyncio.sleep(POLL)
        app.open_basket(basket_id)
        while not workbench_filled(app):
            await asyncio.sleep(POLL)
        lines = app.lines_pane.table
        lines.focus()
        lines.move_cursor(row=0)
        await p.pause()
        # Told, not polled, when a change is done (see POLL): a subclass's handler runs before
        # the app's own for the same message.
        finished = asyncio.Event()

        class Timed(type(app)):
            def on_mutation_finished(self, message) -> None:
                finished.set()

        app.__class__ = Timed
        times = []
        for _ in range(presses):
            finished.clear()
            before = time.time()
            app.simulate_key("plus")  # as the terminal sends it, without Pilot's waiting
            await asyncio.wait_for(finished.wait(), 60)
            painted = await _after_refresh(app)
            times.append((painted - before) * 1000)
        _report({"ms": times, "lines": len(app.basket.line_items)})
        app.exit()

    app.run(auto_pilot=pilot)


# -- the driver -------------------------------------------------------------------------------

def run_child(args: list[str], env_extra: dict[str, str] | None = None,
              timeout: float = 180) -> dict:
    """Run `bench/tui.py --child ...` in a fresh pseudo-terminal; its JSON result."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    result_file = Path(tempfile.mkstemp(prefix="bench-tui-", suffix=".json")[1])
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS),
           "LINES": str(ROWS), "BENCH_RESULT": str(result_file), **(env_extra or {})}
    env.pop("NO_COLOR", None)
    env.pop("TEXTUAL", None)

    def drain() -> None:  # the terminal must be read, or the app blocks on a full pty
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env["BENCH_T0"] = repr(time.time())
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args], stdin=slave,
                            stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"child {args} did not finish within {timeout}s") from None
    finally:
        os.close(master)
    text = result_file.read_text("utf-8") if result_file.exists() else ""
    result_file.unlink(missing_ok=True)
    if proc.returncode != 0 or not text:
        raise RuntimeError(f"child {args} failed (exit {proc.returncode})")
    return json.loads(text)


def big_basket(db: Path, lines: int) -> str:
    """A basket of `lines` lines (top-level and child lines) with three promotions."""
    from basketbench.engine import BasketEngine

    engine = BasketEngine(db)
    try:
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
    finally:
        engine.close()


def big_basket_2000(db: Path, lines: int) -> str:
    """The 'scale-big' basket of `demo generate --big-basket-lines`."""
    from basketbench.engine import BasketEngine, demo

    with BasketEngine(db) as engine:
        return demo.generate_big_basket(engine, lines)


def demo_db(path: Path) -> Path:
    from basketbench.engine import BasketEngine, demo

    with BasketEngine(path) as engine:
        demo.reset(engine)
    return path


def scale_db(count: int) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scale-{count}.db"
    if not path.exists():
        from basketbench.engine import BasketEngine, demo

        print(f"(generating {count:,} baskets into {path}; kept for next time)", flush=True)
        partial = path.with_suffix(".partial")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        with BasketEngine(partial) as engine:
            demo.reset(engine)
            demo.generate(engine, count)
        partial.rename(path)
    return path


def median_startup(db: str | None, runs: int) -> tuple[float, float]:
    results = [run_child(["startup", "--db", db] if db else ["startup"]) for _ in range(runs)]
    return (statistics.median(r["seconds"] for r in results),
            max(r["max_rss_mb"] for r in results))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start-ups per figure (median)")
    parser.add_argument("--presses", type=int, default=60, help="`+` presses for latency")
    parser.add_argument("--baskets", type=int, default=100_000, help="baskets in the big db")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--basket", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child[0] == "startup":
            child_startup(args.db)
        elif args.child[0] == "latency":
            child_latency(args.db, args.basket, args.presses)
        return

    try:
        import basketbench.tui.app  # noqa: F401
    except ImportError as exc:
        print(f"the workbench is not importable ({exc}): only the baseline is measured")
        workbench = False
    else:
        workbench = True

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        config_dir = tmp / "config"  # no user config: profiles, themes and keys at defaults
        config_dir.mkdir()
        os.environ["BASKETBENCH_CONFIG_DIR"] = str(config_dir)
        bare, bare_rss = median_startup(None, args.runs)
        print(f"basketbench workbench benchmark (Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, {COLUMNS}x{ROWS} pty, median of {args.runs} start-ups)")
        print(f"{'start-up, bare Textual app + one DataTable':52} {bare:7.2f} s   "
              f"peak {bare_rss:5.0f} MB")
        if not workbench:
            return
        small = demo_db(tmp / "demo.db")
        big = scale_db(args.baskets)
        work_big = tmp / "big.db"  # a copy: the run must not grow the kept database
        shutil.copy(big, work_big)
        for label, db in (("demo database", small), (f"{args.baskets:,} baskets", work_big)):
            seconds, rss = median_startup(str(db), args.runs)
            print(f"{'start-up to full paint, ' + label:52} {seconds:7.2f} s   "
                  f"peak {rss:5.0f} MB   {seconds / bare:4.2f}x bare")
        latency_db = demo_db(tmp / "latency.db")
        bid = big_basket(latency_db, 500)
        result = run_child(["latency", "--db", str(latency_db), "--basket", bid,
                            "--presses", str(args.presses)])
        ms = result["ms"]
        print(f"{'keypress-to-totals, + on a ' + str(result['lines']) + '-line basket':52} "
              f"p50 {percentile(ms, 50):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
              f"peak {result['max_rss_mb']:5.0f} MB   ({len(ms)} presses)")
        big_lines_db = demo_db(tmp / "big-basket.db")
        big_bid = big_basket_2000(big_lines_db, 2000)
        result = run_child(["latency", "--db", str(big_lines_db), "--basket", big_bid,
                            "--presses", str(max(5, args.presses // 3))])
        ms = result["ms"]
        label = f"keypress-to-totals, + on 'scale-big' ({result['lines']} lines)"
        print(f"{label:52} "
              f"p50 {percentile(ms, 50):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms   "
              f"peak {result['max_rss_mb']:5.0f} MB   ({len(ms)} presses)")
        print("aims: start-up on the big database <= 1.5x bare; keypress p50 < 50 ms; "
              "peak memory < 200 MB")


if __name__ == "__main__":
    main()

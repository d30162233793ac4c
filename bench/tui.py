"""Workbench benchmark: prints figures for this machine; never fails on timing.

Run: .venv/bin/python bench/tui.py [--runs 3] [--presses 30] [--baskets 0]

Every figure is measured next to its baseline in the same run (this machine is shared and
noisy, so only ratios compare between runs). Each measured process is a fresh interpreter in a
real pseudo-terminal (120x40, Textual's own Linux driver).

- keypress-N: `+` on the first line of an N-line basket (10 and 500 lines with three
  promotions; 2,000 lines: the 'scale-big' basket of `demo generate --big-basket-lines`), from
  the key to the screen refresh that shows the new totals; p50 and p99. Baseline: a bare
  Textual app with a DataTable of N rows and an integer totals pane, whose `+` updates the
  quantity and line-total cells of the selected row and the totals, timed the same way.
- startup: time from process start to the first frame written to the terminal (the aim's
  "first paint": the four panes drawn, before the backend has opened), and beside it the
  time to the full paint with all four panes filled (the demo database; the bench opens the
  first listed basket as soon as the list arrives, what a person does with enter; the time
  is taken after the next screen refresh). Baseline: a bare Textual app with two DataTables
  (a 100-row list and a 10-row table) filled on mount, whose first paint is its full paint.
  `--baskets N` also times it on an N-basket database (generated once, kept in bench/results/).
- rss-2000: the resident memory of the workbench with the 2,000-line basket open after 20
  edits (`+` presses), in MB; the bare 2,000-row app's is printed beside it.

The last lines are the issue-14 aims, one line each: `AIM <name>: <ratio or MB> (aim <target>)`.
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

def _rss_mb() -> float:
    """The resident set size now (not the peak), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _report(result: dict) -> None:
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.setdefault("rss_mb", _rss_mb())
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
    if db is None:  # the baseline: a bare Textual app with two DataTables
        from textual.app import App, ComposeResult
        from textual.widgets import DataTable

        class Bare(App):
            def compose(self) -> ComposeResult:
                yield DataTable(id="list")
                yield DataTable(id="lines")

            def on_mount(self) -> None:
                listing = self.query_one("#list", DataTable)
                listing.add_columns("id", "user", "lines", "total", "updated")
                for n in range(100):
                    listing.add_row(f"{n:08x}", "someone@example.com", str(n % 7), f"£{n}.00",
                                    "2026-11-22 12:00")
                lines = self.query_one("#lines", DataTable)
                lines.add_columns(*BARE_COLUMNS)
                for n in range(10):
                    lines.add_row(*bare_row(n, 1))

        app = Bare()

        def ready() -> bool:
            return all(t.row_count > 0 for t in app.query(DataTable))
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

    # The first frame written to the terminal: wrap the app's own output step.
    first: list[float] = []
    display = app._display

    def first_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not first:
            first.append(time.time())

    app._display = first_display

    async def pilot(_pilot) -> None:
        while not ready() or not first:
            await asyncio.sleep(POLL)
        painted = await _after_refresh(app)
        _report({"first": first[0] - started, "seconds": painted - started})
        app.exit()

    app.run(auto_pilot=pilot)


BARE_COLUMNS = ("product", "stock code", "qty", "unit price", "discount", "line total",
                "custom info")


def _money(minor: int) -> str:
    return f"£{minor // 100:,}.{minor % 100:02d}"


def _unit(n: int) -> int:
    return 100 + (n * 37) % 5000


def bare_row(n: int, qty: int) -> tuple[str, ...]:
    return (f"Scale test item {n:04d}", f"SCALE-{n:04d}", str(qty), _money(_unit(n)), "",
            _money(_unit(n) * qty), "")


def child_bare_latency(lines: int, presses: int) -> None:
    """The keypress baseline: a bare Textual app whose `+` updates the selected row's quantity
    and line total and an integer totals pane, in the handler (no backend, no worker)."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    finished = asyncio.Event()

    class Bare(App):
        BINDINGS = [("plus", "inc")]  # noqa: RUF012 - Textual's own convention

        def compose(self) -> ComposeResult:
            yield DataTable(id="lines", cursor_type="row")
            yield Static(id="totals")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for label, key in zip(BARE_COLUMNS, ("name", "code", "qty", "unit", "discount",
                                                  "total", "info")):
                table.add_column(label, key=key)
            self.qty = [1] * lines
            for n in range(lines):
                table.add_row(*bare_row(n, 1), key=str(n))
            self.show_totals()

        def show_totals(self) -> None:
            sub = sum(q * _unit(n) for n, q in enumerate(self.qty))
            tax = sub // 6
            self.query_one(Static).update(
                f"Sub total {_money(sub)}\nTax {_money(tax)}\nGrand total {_money(sub)}")

        def action_inc(self) -> None:
            table = self.query_one(DataTable)
            row = table.cursor_row
            self.qty[row] += 1
            table.update_cell(str(row), "qty", str(self.qty[row]))
            table.update_cell(str(row), "total", _money(_unit(row) * self.qty[row]))
            self.show_totals()
            finished.set()

    app = Bare()

    async def pilot(p) -> None:
        await p.pause()
        app.query_one(DataTable).focus()
        await p.pause()
        times = []
        for _ in range(presses):
            finished.clear()
            before = time.time()
            app.simulate_key("plus")
            await asyncio.wait_for(finished.wait(), 60)
            painted = await _after_refresh(app)
            times.append((painted - before) * 1000)
        _report({"ms": times, "lines": lines})
        app.exit()

    app.run(auto_pilot=pilot)


def _profiler():
    """With BENCH_PROFILE=<file>: a started pyinstrument profiler (not a dependency:
    `pip install pyinstrument`), saved as text to that file after the presses."""
    if not os.environ.get("BENCH_PROFILE"):
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    return profiler


def _save_profile(profiler) -> None:
    if profiler is not None:
        profiler.stop()
        Path(os.environ["BENCH_PROFILE"]).write_text(
            profiler.output_text(unicode=False, color=False, show_all=True), "utf-8")


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
        profiler = _profiler()
        for _ in range(presses):
            finished.clear()
            before = time.time()
            app.simulate_key("plus")  # as the terminal sends it, without Pilot's waiting
            await asyncio.wait_for(finished.wait(), 60)
            painted = await _after_refresh(app)
            times.append((painted - before) * 1000)
        _save_profile(profiler)
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


def median_startups(db: str, runs: int) -> tuple[tuple[float, float, float], ...]:
    """For the bare app and the workbench on `db`, each started `runs` times in turn (so a
    burst of load on the shared machine hits both alike): the median seconds to the first
    paint and to the full paint, and the peak RSS."""
    results: tuple[list[dict], list[dict]] = ([], [])
    for _ in range(runs):
        results[0].append(run_child(["startup"]))
        results[1].append(run_child(["startup", "--db", db]))
    return tuple((statistics.median(r["first"] for r in rs),
                  statistics.median(r["seconds"] for r in rs),
                  max(r["max_rss_mb"] for r in rs)) for rs in results)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


EDITS_FOR_RSS = 20  # rss-2000 is read after this many `+` presses on the 2,000-line basket


def keypress(label: str, db: Path, basket_id: str, lines: int, presses: int,
             rounds: int = 2) -> tuple[float, dict]:
    """Time `presses` presses on the workbench and on the bare app of as many rows, in
    `rounds` alternating runs (a burst of load hits both alike); print both; the ratio of
    the p50s and the workbench's last result (its RSS is read after all its presses)."""
    bare_ms: list[float] = []
    work_ms: list[float] = []
    per_round = max(1, presses // rounds)
    for n in range(rounds):
        last = n == rounds - 1
        count = presses - per_round * (rounds - 1) if last else per_round
        bare = run_child(["bare-latency", "--lines", str(lines), "--presses", str(count)])
        bare_ms += bare["ms"]
        # The RSS figure is read after `presses` edits in one process: the last round makes
        # them all (its first presses are not timed twice).
        work = run_child(["latency", "--db", str(db), "--basket", basket_id,
                          "--presses", str(presses if last else count)])
        work_ms += work["ms"][-count:]
    for who, ms, rss in ((f"workbench, {label} ({work['lines']} lines)", work_ms,
                          work["rss_mb"]), (f"bare app, {lines} rows", bare_ms, bare["rss_mb"])):
        print(f"{'keypress-to-totals, ' + who:60} p50 {percentile(ms, 50):6.1f} ms   "
              f"p99 {percentile(ms, 99):6.1f} ms   RSS {rss:4.0f} MB   "
              f"({len(ms)} presses)", flush=True)
    return percentile(work_ms, 50) / percentile(bare_ms, 50), work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="start-ups per figure (median)")
    parser.add_argument("--presses", type=int, default=30, help="`+` presses per keypress figure")
    parser.add_argument("--baskets", type=int, default=0,
                        help="also time start-up on a database of this many baskets")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--basket", help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only", help="measure only these aims, e.g. startup,keypress-10")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else {
        "startup", "keypress-10", "keypress-500", "keypress-2000", "rss-2000"}

    if args.child:
        if args.child[0] == "startup":
            child_startup(args.db)
        elif args.child[0] == "latency":
            child_latency(args.db, args.basket, args.presses)
        elif args.child[0] == "bare-latency":
            child_bare_latency(args.lines, args.presses)
        return

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        config_dir = tmp / "config"  # no user config: profiles, themes and keys at defaults
        config_dir.mkdir()
        os.environ["BASKETBENCH_CONFIG_DIR"] = str(config_dir)
        print(f"basketbench workbench benchmark (Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, {COLUMNS}x{ROWS} pty, median of {args.runs} start-ups, "
              f"{args.presses} presses a keypress figure)", flush=True)
        aims: list[str] = []
        if "startup" in wanted:
            small = demo_db(tmp / "demo.db")
            (_, bare, bare_rss), (startup, full, rss) = median_startups(str(small), args.runs)
            print(f"{'start-up, bare Textual app + two DataTables':60} {bare:7.2f} s   "
                  f"peak {bare_rss:5.0f} MB", flush=True)  # its first paint is its full paint
            print(f"{'start-up to first paint, demo database':60} {startup:7.2f} s   "
                  f"{'':13} {startup / bare:4.2f}x bare", flush=True)
            print(f"{'start-up to full paint (a basket open), demo database':60} "
                  f"{full:7.2f} s   peak {rss:5.0f} MB   {full / bare:4.2f}x bare", flush=True)
            aims.append(f"AIM startup: {startup / bare:.2f}x (aim <= 1.5x)")
            if args.baskets:
                work_big = tmp / "big.db"  # a copy: the run must not grow the kept database
                shutil.copy(scale_db(args.baskets), work_big)
                _, (_, seconds, rss) = median_startups(str(work_big), args.runs)
                print(f"{f'start-up to full paint, {args.baskets:,} baskets':60} "
                      f"{seconds:7.2f} s   peak {rss:5.0f} MB   {seconds / bare:4.2f}x bare",
                      flush=True)
        for lines in (10, 500):
            if f"keypress-{lines}" in wanted:
                db = demo_db(tmp / f"latency-{lines}.db")
                ratio, _ = keypress("3 promotions", db, big_basket(db, lines), lines,
                                    args.presses)
                aims.append(f"AIM keypress-{lines}: {ratio:.2f}x (aim <= 1.5x)")
        if wanted & {"keypress-2000", "rss-2000"}:
            db = demo_db(tmp / "big-basket.db")
            ratio, big = keypress("'scale-big'", db, big_basket_2000(db, 2000), 2000,
                                  EDITS_FOR_RSS)
            if "keypress-2000" in wanted:
                aims.append(f"AIM keypress-2000: {ratio:.2f}x (aim <= 1.5x)")
            if "rss-2000" in wanted:
                aims.append(f"AIM rss-2000: {big['rss_mb']:.0f} MB (aim <= 100 MB)")
        order = ["keypress-10", "keypress-500", "keypress-2000", "startup", "rss-2000"]
        for line in sorted(aims, key=lambda a: order.index(a.split()[1].rstrip(":"))):
            print(line)

if __name__ == "__main__":
    main()

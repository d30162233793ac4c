"""Where basket history keeps a version (history.TAIL_BYTES): waiting in the basket's own row,
moved several at a time to a chunk, or a row of basket_history (a large basket, a deletion,
versions written before schema 7); kept whole or as what the change did. Every version
reads, restores and follows the same wherever it is and however it is kept."""

from __future__ import annotations

import json
import sqlite3
import uuid
import zlib

import pytest

from basketbench.engine import BasketEngine, demo, history, history_snapshots, schema
from basketbench.engine.changes import read_since
from basketbench.engine.history import PRUNE_EVERY, TAIL_BYTES, Retention
from basketbench.engine.ids import ZERO_GUID
from conftest import FixedClock
from tests.support.wire import wire


def new_id() -> str:
    return str(uuid.uuid4())


def figures(basket) -> tuple:
    basket = wire(basket)
    return (basket["grandTotal"]["raw"], sorted((ln["stockCode"], ln["qty"], ln["customInfo1"])
                                              for ln in basket["lineItems"]),
            sorted(p["promoCode"] or "" for p in basket["promotionsApplied"]),
            basket["shippingMethodId"], basket["storeId"], basket["userId"], basket["poNumber"])


def where_kept(engine: BasketEngine, bid: str) -> tuple[int, int, int]:
    """(bytes waiting in the basket's row, versions in chunks, rows of basket_history)."""
    tail = engine.store.read_one("SELECT length(history_tail) FROM baskets WHERE id = ?",
                                 (bid,))
    chunks = engine.store.read_one("SELECT coalesce(sum(versions), 0) FROM "
                                   "basket_history_chunks WHERE basket_id = ?", (bid,))[0]
    rows = engine.store.read_one("SELECT count(*) FROM basket_history WHERE basket_id = ?",
                                 (bid,))[0]
    return (tail[0] or 0) if tail else 0, chunks, rows


def assert_every_version_reads_as_it_was(engine: BasketEngine, bid: str, shown: dict) -> None:
    page = engine.history(bid, limit=1000)
    assert page["total"] == len(shown)
    assert [r["version"] for r in page["rows"]] == sorted(shown, reverse=True)
    for version, was in shown.items():
        assert figures(engine.basket_version(bid, version)) == was, version
    events = engine.store.read(lambda conn: read_since(conn, bid, 0, limit=1000))
    assert [e.version for e in events] == sorted(shown)
    assert [e.summary for e in events] == [r["summary"] for r in reversed(page["rows"])]
    assert engine.store.read(lambda conn: history.newest_version(conn, bid)) == max(shown)


def test_every_version_reads_the_same_wherever_it_is_kept(engine, ref):
    """Small changes wait in the row and move to chunks; a large basket's versions are rows
    of basket_history; the history, each version, the change feed and restore see one
    history, and the row never holds more than TAIL_BYTES of it."""
    bid = new_id()
    mug, polo = ref.product("MUG-WHITE"), ref.product("POLO-NAVY-L")
    shown: dict[int, tuple] = {}

    def keep(_result: object) -> None:  # the basket as the change left it
        basket = engine.get_basket(bid)
        shown[basket.version] = figures(basket)
        assert where_kept(engine, bid)[0] <= TAIL_BYTES

    for n in range(40):  # quantities, a line in and out, codes, the PO: several tails
        keep(engine.add_item(bid, {"productId": mug, "qty": 1 if n % 3 else 2}))
        if n % 7 == 0:
            keep(engine.add_item(bid, {"productId": polo, "qty": 1}))
            keep(engine.remove_item(bid, polo))
        if n % 11 == 0:
            keep(engine.apply_promo(bid, "SAVE10"))
            keep(engine.set_po(bid, f"PO-{n}"))
            keep(engine.remove_promo(bid, "SAVE10"))
    waiting, in_chunks, rows = where_kept(engine, bid)
    assert waiting and in_chunks and not rows
    plenty = [p for p in engine.catalogue().products.values()
              if not p.child_only and p.current_stock >= 100
              and p.product_id not in (mug, polo)][:25]
    keep(engine.add_bulk(bid, [{"productId": p.product_id, "qty": 1} for p in plenty]))
    keep(engine.set_qty(bid, plenty[0].product_id, 3))  # a large basket: whole rows
    for product in plenty:
        keep(engine.remove_item(bid, product.product_id))
    keep(engine.set_qty(bid, mug, 4))
    assert where_kept(engine, bid)[2] >= 2
    assert_every_version_reads_as_it_was(engine, bid, shown)
    for version in (1, min(shown) + 20, max(shown) - 3, max(v for v in shown if v > 60)):
        assert figures(engine.restore(bid, version)) == shown[version]


def test_a_small_change_is_kept_as_what_it_did(engine, ref):
    """The version after one this engine wrote is kept as a delta: a quantity change is a
    few bytes of snapshot, not the whole basket."""
    bid = ref.basket("alice-main")
    engine.set_qty(bid, ref.product("POLO-NAVY-L"), 4)
    engine.set_qty(bid, ref.product("POLO-NAVY-L"), 5)
    tail = engine.store.read(lambda conn: history.read_tail(conn, bid))
    newest = json.loads(tail.splitlines()[-1])
    assert newest[6] == {"d": {"u": [[newest[6]["d"]["u"][0][0], 3, 5]]}}
    assert len(tail.splitlines()[-1]) < 300


def test_changes_by_two_engines_on_one_store_read_the_same(engine, ref, db_path):
    """Two engines on one store (the sandbox's processes) take turns: each keeps its change
    as a delta on the version the other wrote, and every version reads the same from
    either."""
    other = BasketEngine(db_path, clock=engine.clock)
    try:
        bid = new_id()
        mug = ref.product("MUG-WHITE")
        shown = {}
        for n in range(30):
            basket = (engine if n % 3 else other).add_item(bid, {"productId": mug, "qty": 1})
            shown[basket.version] = figures(basket)
        assert_every_version_reads_as_it_was(engine, bid, shown)
        assert_every_version_reads_as_it_was(other, bid, shown)
    finally:
        other.close()


def test_a_change_made_without_history_in_between_is_not_lost(engine, ref, db_path):
    """An engine that keeps no history changed the basket since the last version kept: the
    next version is kept whole (a delta on the last kept one would lose that change)."""
    bare = BasketEngine(db_path, clock=engine.clock, keep_history=False)
    try:
        bid = ref.basket("alice-main")
        engine.set_qty(bid, ref.product("POLO-NAVY-L"), 4)
        bare.set_po(bid, "PO-UNKEPT")
        after = engine.set_qty(bid, ref.product("POLO-NAVY-L"), 5)
        assert figures(after)[-1] == "PO-UNKEPT"
        assert figures(engine.basket_version(bid, after.version)) == figures(after)
    finally:
        bare.close()


def test_a_row_written_outside_the_engine_is_kept_whole_next(engine, ref):
    """The demo writes some fields straight into the row: told so (written_outside), the
    engine keeps the next version whole, so it holds them."""
    bid = ref.basket("alice-main")
    engine.set_qty(bid, ref.product("POLO-NAVY-L"), 4)
    engine.store.transaction(lambda conn: conn.execute(
        "UPDATE baskets SET po_number = 'PO-OUTSIDE' WHERE id = ?", (bid,)))
    engine.written_outside(bid)
    after = engine.set_qty(bid, ref.product("POLO-NAVY-L"), 5)
    assert figures(engine.basket_version(bid, after.version)) == figures(after)
    assert figures(after)[-1] == "PO-OUTSIDE"


def test_retention_cutting_through_deltas_keeps_the_rest_readable(db_path, ref):
    """Retention by count drops the oldest versions from the middle of a chunk or tail of
    deltas; the versions kept are rewritten whole and read as they were, and the oldest
    kept says the ones before it are gone."""
    clock = FixedClock()
    engine = BasketEngine(db_path, clock=clock, retention=Retention(keep_versions=13))
    try:
        demo.seed_catalogue(engine)
        mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
        bid = new_id()
        shown = {}
        for n in range(2 * PRUNE_EVERY + 3):
            basket = engine.add_item(bid, {"productId": mug, "qty": 1 if n % 2 else 2})
            shown[basket.version] = figures(basket)
        kept = {v: f for v, f in shown.items() if v > 2 * PRUNE_EVERY - 13}
        assert_every_version_reads_as_it_was(engine, bid, kept)
        oldest = engine.history(bid, limit=1000)["rows"][-1]
        assert oldest["summary"].startswith("earliest kept (GBP)")
    finally:
        engine.close()


def test_a_basket_brought_back_says_it_was_created_again(engine, ref):
    bid = ref.basket("carol-guest")
    before = engine.get_basket(bid).version
    engine.delete_basket(bid)
    engine.restore(bid, before)
    assert engine.history(bid)["rows"][0]["summary"].startswith("created (GBP)")


def _write_old_history(path, rows: list[tuple], *, schema_version: int) -> None:
    """Turn a current file's history into an older schema's: every version a row of
    basket_history in the old snapshot form (zlib, zero GUIDs written out), or (schema 6)
    the newest of them in basket_history_new."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM basket_history")
    conn.execute("DROP TABLE basket_history_chunks")
    conn.execute("ALTER TABLE baskets DROP COLUMN history_tail")
    conn.execute("ALTER TABLE baskets DROP COLUMN history_tail_version")
    columns = ("basket_id, version, at, actor, op, args, summary, snapshot, "
               "grand_total_minor, currency, deleted")
    if schema_version == 6:
        conn.execute(f"CREATE TABLE basket_history_new ({columns})")
    for n, (bid, version, at, actor, op, args, summary, snap, grand, code, deleted) in \
            enumerate(rows):
        snap["basket"].setdefault("user_id", ZERO_GUID)
        for line in snap["lines"]:
            line.setdefault("parent", ZERO_GUID)
        old = zlib.compress(history_snapshots.encode_bytes(snap), 1)  # always compressed
        table = "basket_history_new" if schema_version == 6 and n % 2 else "basket_history"
        conn.execute(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (bid, version, at, actor, op, json.dumps(args), summary, old, grand,
                      code, int(deleted)))
    conn.execute("DELETE FROM schema_version WHERE version > ?", (schema_version,))
    conn.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("old_schema", [5, 6])
def test_an_older_file_migrates_and_its_history_still_reads(store_kind, tmp_path, ref,
                                                           old_schema):
    """A file written before schema 7 (schema 5: every version a row; schema 6: the newest
    waiting in basket_history_new): it migrates, and every version shows, restores and goes
    on as before."""
    path = tmp_path / "old.db"
    with BasketEngine(path) as eng:
        demo.reset(eng)
        bid = ref.basket("alice-main")
        eng.apply_promo(bid, "SAVE10")
        for qty in (3, 4, 5):
            eng.set_qty(bid, ref.product("MUG-WHITE"), qty)
        page = eng.history(bid, limit=1000)["rows"]
        then = {r["version"]: figures(eng.basket_version(bid, r["version"])) for r in page}
        rows = [(bid, r["version"], r["at"], r["actor"], r["op"], r["args"], r["summary"],
                 eng.store.read(lambda conn, v=r["version"]: history.version_row(
                     conn, bid, v))[0], r["grandTotalMinor"], r["currency"], r["deleted"])
                for r in page]
        newest = eng.get_basket(bid).version
    _write_old_history(path, rows, schema_version=old_schema)
    with BasketEngine(path) as eng:
        assert eng.store.schema_version() == schema.SCHEMA_VERSION
        after = eng.history(bid, limit=1000)["rows"]
        assert {r["version"] for r in after} == set(then)
        assert [r["summary"] for r in after] == [r[6] for r in rows]
        for version, shown in then.items():
            assert figures(eng.basket_version(bid, version)) == shown
        restored = eng.restore(bid, min(then))
        assert figures(restored)[1] == then[min(then)][1]
        assert restored.version == newest + 1
        assert eng.history(bid)["rows"][0]["version"] == newest + 1

"""The PostgreSQL store itself: the same schema as SQLite, version checks, the basket row
lock (also for a basket that does not exist yet), and a bounded wait that ends in 503 BUSY."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import UTC

import psycopg
import pytest

from basketbench.engine import BasketEngine, schema
from basketbench.engine.storage_errors import SchemaTooNew, StoreBusy
from basketbench.engine.store_api import TABLES
from tests.support.wire import wire


def _sqlite_columns(path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as conn:
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in TABLES}


def _pg_columns(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'public'").fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return {t: out.get(t, set()) for t in TABLES}


def test_both_stores_have_the_same_tables_and_columns_at_one_version(empty_pg, tmp_path):
    BasketEngine(tmp_path / "a.db").close()
    BasketEngine(empty_pg).close()
    assert _pg_columns(empty_pg) == _sqlite_columns(tmp_path / "a.db")
    with psycopg.connect(empty_pg) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == \
            schema.SCHEMA_VERSION


def test_a_newer_schema_is_refused_and_nothing_is_changed(empty_pg):
    BasketEngine(empty_pg).close()
    with psycopg.connect(empty_pg) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    with pytest.raises(SchemaTooNew, match="schema version 99, newer than this basketbench"):
        BasketEngine(empty_pg)


def test_concurrent_creators_of_one_new_basket_lose_nothing(empty_pg):
    """Two engines (two pools, as two processes would have) add to baskets that do not exist
    yet at the same moment: the advisory lock queues the creators, none fails."""
    engines = [BasketEngine(empty_pg), BasketEngine(empty_pg)]
    try:
        from basketbench.engine import demo

        demo.seed_catalogue(engines[0])
        mug = engines[0].catalogue().product_by_code("MUG-WHITE").product_id
        baskets = [str(uuid.uuid4()) for _ in range(10)]
        gate = threading.Barrier(4)
        errors: list[BaseException] = []

        def adder(engine: BasketEngine) -> None:
            gate.wait()
            for bid in baskets:
                try:
                    engine.add_item(bid, {"productId": mug, "qty": 1})
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

        threads = [threading.Thread(target=adder, args=(e,)) for e in engines * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        for bid in baskets:
            basket = wire(engines[1].get_basket(bid))
            assert basket["lineItems"][0]["qty"] == 4 and basket["version"] == 4
            assert engines[1].history(bid)["total"] == 4
    finally:
        for e in engines:
            e.close()


def test_a_basket_locked_too_long_answers_busy_and_changes_nothing(empty_pg):
    with BasketEngine(empty_pg, write_wait=0.3) as engine:
        from basketbench.engine import demo

        demo.seed_catalogue(engine)
        mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
        bid = str(uuid.uuid4())
        engine.add_item(bid, {"productId": mug, "qty": 1})
        with psycopg.connect(empty_pg) as holder:  # another host, mid-transaction
            holder.execute("SELECT 1 FROM baskets WHERE id = %s FOR UPDATE", (bid,))
            with pytest.raises(StoreBusy) as caught:
                engine.add_item(bid, {"productId": mug, "qty": 1})
            holder.rollback()
        assert caught.value.status == 503 and caught.value.headers == {"Retry-After": "1"}
        assert "gave up after waiting 0.3 s" in caught.value.message
        assert wire(engine.get_basket(bid))["lineItems"][0]["qty"] == 1
        assert wire(engine.add_item(bid, {"productId": mug, "qty": 1}))["lineItems"][0]["qty"] == 2


def test_a_refresh_token_used_by_two_processes_at_once_is_honoured_once(empty_pg):
    """Host A uses the refresh token (deletes its row, not yet committed) while host B reads
    the row and tries the same: B's delete waits for A, finds nothing once A commits, and B
    must refuse, not hand out a second pair."""
    from basketbench.server.auth import Principal
    from basketbench.server.token_store import TokenStore, token_hash

    with BasketEngine(empty_pg) as engine:
        tokens = TokenStore(engine.store)
        _access, refresh = tokens.issue("bettercommerce", Principal("ci", frozenset()), 60)
        with psycopg.connect(empty_pg) as host_a:
            host_a.execute("DELETE FROM auth_tokens WHERE token_hash = %s",
                           (token_hash(refresh),))
            outcome: list[object] = []
            host_b = threading.Thread(
                target=lambda: outcome.append(tokens.refresh("bettercommerce", refresh, 60)))
            host_b.start()
            with psycopg.connect(empty_pg, autocommit=True) as watch:  # B waits on A's lock
                for _ in range(200):
                    if watch.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                                     "wait_event_type = 'Lock'").fetchone()[0]:
                        break
                    threading.Event().wait(0.02)
                else:
                    pytest.fail("host B never waited for host A's delete")
            host_a.commit()
            host_b.join(10)
        assert outcome == [None]
        with psycopg.connect(empty_pg) as conn:  # and no second grant was issued
            assert conn.execute("SELECT count(*) FROM auth_tokens").fetchone()[0] == 1


def test_connections_the_server_dropped_are_replaced_without_an_error(empty_pg):
    """A database restart (or a proxy closing idle connections) kills every pooled
    connection: the next write and read find theirs dead before sending anything, and run
    on a fresh one instead of answering 503."""
    with BasketEngine(empty_pg) as engine:
        from basketbench.engine import demo

        demo.seed_catalogue(engine)
        mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
        bid = str(uuid.uuid4())
        engine.add_item(bid, {"productId": mug, "qty": 1})
        engine.get_basket(bid)
        with psycopg.connect(empty_pg, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                "datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
        assert killed >= 2  # the write pool's and the read pool's
        assert wire(engine.add_item(bid, {"productId": mug, "qty": 1}))["lineItems"][0]["qty"] == 2
        assert wire(engine.get_basket(bid))["version"] == 2


def test_hosts_starting_together_on_an_empty_database_seed_it_once(empty_pg):
    from basketbench.engine import demo

    engines = [BasketEngine(empty_pg), BasketEngine(empty_pg)]
    try:
        gate = threading.Barrier(2)
        seeded: list[bool] = []

        def start(engine: BasketEngine) -> None:
            gate.wait()
            seeded.append(demo.ensure_seeded(engine))

        threads = [threading.Thread(target=start, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sorted(seeded) == [False, True]
        alice = wire(engines[0].get_basket(demo.basket_id("alice-main")))
        assert alice["version"] > 0 and engines[1].history(alice["id"])["total"] == \
            alice["version"]
    finally:
        for e in engines:
            e.close()


def test_two_merges_locking_each_others_baskets_are_retried_not_refused(empty_pg):
    """Host A merges X into Y while host B merges Y into X: each holds its target and waits
    for its source, a deadlock PostgreSQL breaks by aborting one. That one is retried and
    runs after the other, as if the two had come one after the other: never a 503."""
    from datetime import datetime

    from basketbench.engine import demo

    both_hold_targets = threading.Barrier(2, timeout=20)

    def clock_meeting_the_other_once():
        met = []

        def clock():
            # The engine reads the clock right after locking the target basket.
            if not met:
                met.append(True)
                both_hold_targets.wait()
            return datetime(2026, 11, 22, 12, tzinfo=UTC)
        return clock

    seed = BasketEngine(empty_pg)
    demo.seed_catalogue(seed)
    mug = seed.catalogue().product_by_code("MUG-WHITE").product_id
    x, y = str(uuid.uuid4()), str(uuid.uuid4())
    seed.add_item(x, {"productId": mug, "qty": 1})
    seed.add_item(y, {"productId": mug, "qty": 2})
    with psycopg.connect(empty_pg) as conn:
        deadlocks = conn.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = "
                                 "current_database()").fetchone()[0]
    hosts = [BasketEngine(empty_pg, clock=clock_meeting_the_other_once()) for _ in range(2)]
    outcomes: list[object] = []

    def merge(engine: BasketEngine, target: str, source: str) -> None:
        try:
            outcomes.append(wire(engine.merge(target, source))["lineItems"][0]["qty"])
        except BaseException as exc:  # noqa: BLE001 - the assertion shows it
            outcomes.append(exc)

    try:
        threads = [threading.Thread(target=merge, args=(hosts[0], y, x)),
                   threading.Thread(target=merge, args=(hosts[1], x, y))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # Serially: X into Y gives Y 3 mugs and deletes X; then Y into the new X gives X 3
        # mugs and deletes Y (a merge target that does not exist is created).
        assert outcomes == [3, 3]
        remaining = [wire(seed.get_basket(b)) for b in (x, y)]
        assert sorted(b["isNew"] for b in remaining) == [False, True]
        assert [b["lineItems"][0]["qty"] for b in remaining if not b["isNew"]] == [3]
        with psycopg.connect(empty_pg) as conn:
            assert conn.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = "
                                "current_database()").fetchone()[0] == deadlocks + 1
    finally:
        for e in [seed, *hosts]:
            e.close()


def test_the_sandbox_on_postgresql_answers_a_held_basket_with_the_busy_envelope(empty_pg,
                                                                               tmp_path):
    """Another host holds the basket past --lock-wait: 503 BUSY with Retry-After, the same
    envelope as a locked SQLite file; reads of that basket never wait; nothing changed."""
    import time

    import httpx

    from tests.support.sandbox import start_sandbox

    basket = "/api/v2/commerce/basket"
    with start_sandbox(tmp_path / "busy.db", store=empty_pg,
                       extra_args=["--lock-wait", "0.5"]) as sb, \
            httpx.Client(base_url=sb.base_url + basket, timeout=30) as api:
        mug = api.get("/catalogue/products", params={"q": "MUG-WHITE"}).json()["result"][0][
            "productId"]
        bid = str(uuid.uuid4())
        assert api.put(f"/{bid}/items/add", json={"productId": mug, "qty": 1}).status_code == 200
        with psycopg.connect(empty_pg) as other_host:
            other_host.execute("SELECT 1 FROM baskets WHERE id = %s FOR UPDATE", (bid,))
            started = time.monotonic()
            resp = api.put(f"/{bid}/items/add", json={"productId": mug, "qty": 1})
            waited = time.monotonic() - started
            read = api.get(f"/{bid}")
            other_host.rollback()
        assert resp.status_code == 503, resp.text
        body = resp.json()
        assert body["messageCode"] == "BUSY" and body["success"] is False
        assert "is locked" in body["message"] and "Nothing was changed" in body["message"]
        assert resp.headers["retry-after"] == "1"
        assert 0.4 <= waited < 5
        assert read.status_code == 200 and read.json()["result"]["lineItems"][0]["qty"] == 1


def _wait_until_someone_waits_for_a_lock(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as watch:
        for _ in range(250):
            if watch.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                             "wait_event_type = 'Lock'").fetchone()[0]:
                return
            threading.Event().wait(0.02)
    pytest.fail("the second host never waited for the first one's lock")


@pytest.mark.parametrize("first", [True, False], ids=["first-failure", "later-failure"])
def test_failed_token_requests_counted_by_two_hosts_at_once_are_all_counted(empty_pg, first):
    """Host A is counting a failure for a key (its row written, not committed) when host B
    counts one too: B waits and counts from A's value, so the lock-out sees both, also when
    it is the key's very first failure (no row to lock yet)."""
    import time

    from basketbench.server.rate_limit import Limits, RateLimiter

    with BasketEngine(empty_pg) as engine:
        limiter = RateLimiter(engine.store, Limits(per_name=10))
        keys = limiter.keys("client", "mallory", None)
        if not first:
            limiter.failed(keys)
        with psycopg.connect(empty_pg) as host_a:
            host_a.execute("INSERT INTO auth_failures VALUES (%s, 1, %s, 0) ON CONFLICT (key) "
                           "DO UPDATE SET failures = auth_failures.failures + 1",
                           (keys[0].name, time.time()))
            host_b = threading.Thread(target=limiter.failed, args=(keys,))
            host_b.start()
            _wait_until_someone_waits_for_a_lock(empty_pg)
            host_a.commit()
            host_b.join(10)
        with psycopg.connect(empty_pg) as conn:
            assert conn.execute("SELECT failures FROM auth_failures WHERE key = %s",
                                (keys[0].name,)).fetchone()[0] == (2 if first else 3)

"""`basketbench store migrate` and `store copy`: a SQLite sandbox moved into PostgreSQL and
back, every row (baskets, lines, codes, history, sessions, tokens, rate-limit state) and the
id counters, through the real CLI."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import psycopg
from click.testing import CliRunner

from basketbench.cli import cli
from basketbench.engine import BasketEngine, demo, schema
from basketbench.engine.store_api import TABLES
from basketbench.server.auth import Principal
from basketbench.server.rate_limit import RateLimiter
from basketbench.server.token_store import TokenStore
from tests.support.wire import wire


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows_of(location: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, read with each database's own driver."""
    conn: Any = (psycopg.connect(location) if isinstance(location, str)
                 else sqlite3.connect(location))
    try:
        out = {}
        for table in TABLES:
            cur = conn.execute(f"SELECT * FROM {table} LIMIT 0")
            columns = sorted(d[0] for d in cur.description)
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted((tuple(bytes(v) if isinstance(v, memoryview) else v
                                       for v in r) for r in rows), key=repr)
        return out
    finally:
        conn.close()


def a_busy_sandbox(path: Path) -> str:
    """A SQLite sandbox with the demo data, a deleted basket's history, a session, a token
    and a counted failure; returns a basket id whose lines were removed (ids used up)."""
    with BasketEngine(path) as engine:
        made = demo.reset(engine)
        bid = str(uuid.uuid4())
        mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
        engine.add_item(bid, {"productId": mug, "qty": 2})
        engine.remove_item(bid, mug)  # the top line id is now unused, but spent
        engine.delete_basket(made["guest-1"])
        engine.create_session(7, "checkout-1", '{"a": 1}')
        TokenStore(engine.store).issue("bettercommerce", Principal("ci", frozenset({"r"})), 60)
        limiter = RateLimiter(engine.store)
        limiter.failed(limiter.keys("client", "mallory", "10.0.0.9"))
        return bid


def test_migrate_creates_the_schema_then_says_it_is_current(empty_pg):
    first = run("store", "migrate", empty_pg)
    assert first.exit_code == 0, first.output
    assert f"schema version {schema.SCHEMA_VERSION} (was empty)" in first.output
    again = run("store", "migrate", empty_pg)
    assert f"schema version {schema.SCHEMA_VERSION} (already current)" in again.output
    with psycopg.connect(empty_pg) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == \
            schema.SCHEMA_VERSION


def test_sqlite_to_postgresql_and_back_keeps_every_row(empty_pg, tmp_path):
    source = tmp_path / "team.db"
    spent_basket = a_busy_sandbox(source)
    there = run("store", "copy", str(source), empty_pg)
    assert there.exit_code == 0, there.output
    assert rows_of(empty_pg) == rows_of(source)
    assert "basket_history" in there.output

    back = tmp_path / "back.db"
    home = run("store", "copy", empty_pg, str(back))
    assert home.exit_code == 0, home.output
    assert rows_of(back) == rows_of(source)

    # The id counters came along: a new line on either copy gets an id never used before.
    with sqlite3.connect(source) as conn:
        spent = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'lines'").fetchone()[0]
    for location in (empty_pg, back):
        with BasketEngine(location) as engine:
            mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
            line = wire(engine.add_item(spent_basket, {"productId": mug, "qty": 1}))["lineItems"][0]
            assert int(line["id"]) == spent + 1, location


def test_a_non_empty_destination_is_refused_unless_replaced(empty_pg, tmp_path):
    source = tmp_path / "a.db"
    a_busy_sandbox(source)
    assert run("store", "copy", str(source), empty_pg).exit_code == 0
    with BasketEngine(empty_pg) as engine:
        extra = str(uuid.uuid4())
        mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
        engine.add_item(extra, {"productId": mug, "qty": 1})
    refused = run("store", "copy", str(source), empty_pg)
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--replace" in refused.output
    with BasketEngine(empty_pg) as engine:  # nothing was changed by the refusal
        assert wire(engine.get_basket(extra))["isNew"] is False
    replaced = run("store", "copy", "--replace", str(source), empty_pg)
    assert replaced.exit_code == 0, replaced.output
    assert rows_of(empty_pg) == rows_of(source)


def test_a_failed_copy_leaves_the_destination_as_it_was(empty_pg, tmp_path):
    """One transaction on the destination: a row PostgreSQL refuses midway (a NUL byte in
    text, which SQLite stores) rolls back every table copied before it."""
    source = tmp_path / "bad.db"
    a_busy_sandbox(source)
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE auth_failures SET key = ? WHERE key LIKE 'address:%'",
                     ("nul\x00byte",))
    failed = run("store", "copy", str(source), empty_pg)
    assert failed.exit_code == 1
    assert "Copying table auth_failures" in failed.output
    assert "nothing was copied" in failed.output
    with psycopg.connect(empty_pg) as conn:
        assert conn.execute("SELECT count(*) FROM baskets").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 0


def test_copy_refuses_a_missing_source_and_the_same_store(empty_pg, tmp_path):
    missing = run("store", "copy", str(tmp_path / "nope.db"), empty_pg)
    assert missing.exit_code == 2 and "nope.db is neither a database file" in missing.output
    same = run("store", "copy", empty_pg, empty_pg)
    assert same.exit_code == 1 and "the same store" in same.output


def test_an_unreachable_server_is_a_clear_error_without_the_password(tmp_path):
    url = "postgresql://someone:hunter2@127.0.0.1:1/nowhere"
    result = run("store", "migrate", url)
    assert result.exit_code == 1
    assert "cannot be reached" in result.output and "127.0.0.1:1" in result.output
    assert "hunter2" not in result.output


def test_serve_takes_one_of_db_and_store(tmp_path):
    both = run("serve", "--db", str(tmp_path / "a.db"), "--store", str(tmp_path / "b.db"))
    assert both.exit_code == 2 and "give only one of --db and --store" in both.output


def test_the_cli_uses_postgresql_from_the_env_var_or_a_profile(empty_pg, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BASKETBENCH_DB", raising=False)
    alice = demo.basket_id("alice-main")
    monkeypatch.setenv("BASKETBENCH_STORE", empty_pg)
    via_env = run("basket", "get", alice, "--json")
    assert via_env.exit_code == 0, via_env.output
    assert alice in via_env.output
    with psycopg.connect(empty_pg) as conn:  # seeded there, not in a file
        assert conn.execute("SELECT count(*) FROM baskets").fetchone()[0] > 0
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.db"))

    monkeypatch.delenv("BASKETBENCH_STORE")
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text(
        f'[profiles.team]\nkind = "local"\ndb = "{empty_pg}"\n', "utf-8")
    with BasketEngine(empty_pg) as engine:
        engine.set_po(alice, "PO-FROM-PROFILE-TEST")
    via_profile = run("basket", "--profile", "team", "get", alice, "--json")
    assert via_profile.exit_code == 0, via_profile.output
    assert "PO-FROM-PROFILE-TEST" in via_profile.output

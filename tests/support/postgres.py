"""A real PostgreSQL for the tests that run on both stores.

The server is started outside the tests (`.ci/postgres.sh start DIR`, which `.ci/run` does)
and named by $BASKETBENCH_TEST_PG. Without it the PostgreSQL tests skip, saying why; with
$BASKETBENCH_REQUIRE_PG=1 (set by `.ci/run`) its absence fails them instead, so CI can
never pass by skipping them.

Every test module gets its own database (`module_database`), created once and dropped at the
end; tests inside a module either mint their own baskets or restore the module's demo
snapshot (`DemoSnapshot`): a TRUNCATE and a copy from a `seed` schema, a few milliseconds,
instead of seeding the demo data again.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "BASKETBENCH_TEST_PG"
REQUIRE_ENV = "BASKETBENCH_REQUIRE_PG"
STORES = ["sqlite", "postgresql"]


def server_url() -> str:
    """$BASKETBENCH_TEST_PG, else skip (or fail, when CI requires PostgreSQL)."""
    url = os.environ.get(ENV)
    if url:
        return url
    why = (f"PostgreSQL tests need a server: set {ENV} to its URL (start one with "
           "`.ci/postgres.sh start /tmp/bb-pg`)")
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{why}; {REQUIRE_ENV}=1 says this run must test PostgreSQL")
    pytest.skip(why)


def _admin():
    import psycopg

    return psycopg.connect(server_url(), autocommit=True)


def with_database(url: str, name: str) -> str:
    """The URL with its database name replaced (keeping any ?query)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def module_database(label: str) -> Iterator[str]:
    """A new, empty database for one test module; dropped afterwards."""
    name = "bbt_" + re.sub(r"\W", "_", label.lower())[-40:] + "_" + uuid.uuid4().hex[:8]
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url(), name)
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class DemoSnapshot:
    """The module database's demo data, kept in a `seed` schema and restored per test."""

    def __init__(self, url: str, clock) -> None:
        from basketbench.engine import BasketEngine, demo
        from basketbench.engine.store_api import COUNTERS, TABLES

        self.url, self.tables, self.counters = url, TABLES, COUNTERS
        with BasketEngine(url, clock=clock) as engine:
            demo.reset(engine)
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
            conn.execute("DROP SCHEMA IF EXISTS seed CASCADE")
            conn.execute("CREATE SCHEMA seed")
            for table in TABLES:
                conn.execute(f"CREATE TABLE seed.{table} AS TABLE public.{table}")
            self.marks = {t: conn.execute(f"SELECT max({c}) FROM public.{t}").fetchone()[0] or 0
                          for t, c in COUNTERS.items()}

    def restore(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn, conn.transaction():
            conn.execute(f"TRUNCATE {', '.join(self.tables)}")
            for table in self.tables:
                conn.execute(f"INSERT INTO public.{table} SELECT * FROM seed.{table}")
            for table, column in self.counters.items():
                conn.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                             (table, column, self.marks[table] + 1))

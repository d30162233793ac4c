"""Store tests: each module gets its own PostgreSQL database (tests/support/postgres.py)."""

from __future__ import annotations

import pytest

from tests.support.postgres import module_database, server_url


@pytest.fixture(scope="module")
def pg_url(request: pytest.FixtureRequest):
    server_url()
    with module_database(request.module.__name__) as url:
        yield url


@pytest.fixture
def empty_pg(pg_url: str) -> str:
    """The module's database with no tables at all (a fresh public schema)."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return pg_url

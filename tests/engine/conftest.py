"""The engine suite runs on both stores: every test that uses the `engine` (or `db_path`)
fixture runs once on a SQLite file and once on PostgreSQL (tests/support/postgres.py), with
the same demo data. Tests about the SQLite file itself are marked `sqlite_only`."""

from __future__ import annotations

from pathlib import Path

import pytest

from basketbench.engine import BasketEngine, demo
from conftest import FixedClock
from tests.support.postgres import STORES, DemoSnapshot, module_database, server_url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("store_kind", ["sqlite"] if only_sqlite else STORES)


@pytest.fixture(scope="module")
def pg_demo(request: pytest.FixtureRequest):
    """This module's PostgreSQL database with the demo data, seeded once."""
    server_url()
    with module_database(request.module.__name__) as url:
        yield DemoSnapshot(url, FixedClock())


@pytest.fixture
def db_path(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A new SQLite file, or the module's PostgreSQL database restored to the demo data."""
    if store_kind == "sqlite":
        return tmp_path / "basketbench.db"
    snapshot = request.getfixturevalue("pg_demo")
    snapshot.restore()
    return snapshot.url


@pytest.fixture
def engine(store_kind: str, db_path, clock):
    eng = BasketEngine(db_path, clock=clock)
    if store_kind == "sqlite":
        demo.reset(eng)
    yield eng
    eng.close()

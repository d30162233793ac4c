"""Fixtures of the workbench tests: a LocalBackend over the per-test demo database (fixed
clock), and an app factory."""

from __future__ import annotations

import pytest

from basketbench.backends.local import LocalBackend
from basketbench.tui.app import BasketBench


@pytest.fixture
def backend(engine, db_path) -> LocalBackend:
    return LocalBackend(db_path, engine=engine)


@pytest.fixture
def make_app(backend):
    def make(**kwargs) -> BasketBench:
        return BasketBench(backend, **kwargs)

    return make

"""Shared fixtures: a real SQLite engine file per test, seeded with the demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from basketbench.engine import BasketEngine, demo

# Tests run "now" at a fixed moment so validity windows and timestamps are stable.
TEST_NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, at: datetime = TEST_NOW) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "basketbench.db"


@pytest.fixture
def engine(db_path: Path, clock: FixedClock) -> BasketEngine:
    """An engine on a fresh demo database (reference data, demo catalogue, demo baskets)."""
    eng = BasketEngine(db_path, clock=clock)
    demo.reset(eng)
    yield eng
    eng.close()


@pytest.fixture
def ref(engine: BasketEngine):
    """Reference-data lookups: ref.product('POLO-NAVY-L') -> productId, ref.basket('alice-main')."""

    class Ref:
        users = demo.USERS

        @staticmethod
        def product(stock_code: str) -> str:
            return engine.catalogue().product_by_code(stock_code).product_id

        @staticmethod
        def basket(name: str) -> str:
            return demo.basket_id(name)

        @staticmethod
        def method(code: str) -> str:
            return engine.catalogue().shipping_by_code[code.upper()].id

    return Ref()

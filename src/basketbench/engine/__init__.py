"""The local basket engine: BetterCommerce basket rules over SQLite (no HTTP, no Textual)."""

from .engine import BasketEngine
from .errors import (
    BasketLocked,
    Conflict,
    EngineError,
    NotFound,
    OutOfStock,
    QuantityLimit,
    ValidationError,
)
from .ids import ZERO_GUID

__all__ = [
    "ZERO_GUID",
    "BasketEngine",
    "BasketLocked",
    "Conflict",
    "EngineError",
    "NotFound",
    "OutOfStock",
    "QuantityLimit",
    "ValidationError",
]

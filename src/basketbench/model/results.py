"""What the backend seam answers besides a basket: plain, frozen, like model/basket.py.

A short basket (endpoint 01, api.md §2.2) is a `Basket` with fewer fields set: it has no
type of its own (`BasketShort` names it where that helps the reader).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .basket import NO_EXTRA, Basket

BasketShort = Basket


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The answer of the PO and delivery endpoints (09, 20-23; api.md §2.11)."""

    record_id: str | None = None
    id: int | None = None
    is_valid: bool | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class PromoResult:
    """Promo apply/remove (17, 18; api.md §2.12). The wire's documented `isVaild` (sic) and
    its `isValid` are one field here."""

    is_valid: bool | None = None
    message: str | None = None
    basket: Basket | None = None  # a refusal may come without one
    extra: Mapping[str, Any] = NO_EXTRA

    @property
    def is_vaild(self) -> bool | None:
        """The documented spelling (sic), for readers who know the API by it."""
        return self.is_valid


__all__ = ["BasketShort", "PromoResult", "RecordResult"]

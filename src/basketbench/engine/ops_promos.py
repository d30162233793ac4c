"""Promo codes: apply, remove, and the checks behind validate (a dry run of apply)."""

from __future__ import annotations

from datetime import datetime

from . import promotions as promos
from .catalogue import Catalogue, Promotion
from .errors import field_error
from .pricing import context
from .state import BasketState, Writer

MAX_CODES = 5


def clean_code(code: object) -> str:
    if not isinstance(code, str) or not code.strip():
        raise field_error("promoCode", f"is required (got {code!r})")
    if len(code.strip()) > 50:
        raise field_error("promoCode", f"must be at most 50 characters (got {len(code.strip())})")
    return code.strip().upper()


def refusal(state: BasketState, cat: Catalogue, promo: Promotion | None, code: str,
            now: datetime) -> str | None:
    """Why this code cannot be added to the basket now, or None when it can."""
    if promo is None or not promo.code:
        return f"Promo code {code} not found"
    reason = promos.usage_reason(promo) or promos.qualify(promo, context(state, now))
    if reason:
        return reason
    applied = [c for c in state.promo_codes if c.upper() != promo.code.upper()]
    if promo.exclusive and applied:
        return f"Promo code {promo.code} cannot be combined with {applied[0]}"
    for other in applied:
        found = cat.promotion(other)
        if found is not None and found.exclusive:
            return f"Promo code {promo.code} cannot be combined with {found.code}"
    if len(applied) >= MAX_CODES:
        return (f"Promo code {promo.code} cannot be added: a basket holds at most "
                f"{MAX_CODES} promo codes")
    return None


def apply(w: Writer, cat: Catalogue, code: object, now: datetime) -> tuple[bool, str]:
    clean = clean_code(code)
    promo = cat.promotion(clean)
    if promo is not None and any(c.upper() == clean for c in w.state.promo_codes):
        return True, f"Promo code {promo.code} is already applied"
    reason = refusal(w.state, cat, promo, clean, now)
    if reason:
        return False, reason
    assert promo is not None and promo.code  # refusal() refuses a code that is not found
    w.set_promo_codes([*w.state.promo_codes, promo.code])
    return True, f"Promo code {promo.code} applied"


def remove(w: Writer, code: object) -> tuple[bool, str]:
    clean = clean_code(code)
    kept = [c for c in w.state.promo_codes if c.upper() != clean]
    if len(kept) == len(w.state.promo_codes):
        return False, f"Promo code {clean} is not applied to this basket"
    w.set_promo_codes(kept)
    return True, f"Promo code {clean} removed"


def carry_over(w: Writer, cat: Catalogue, codes: list[str], now: datetime) -> None:
    """Codes of a merged-in basket that the target lacks, kept when they still apply."""
    for code in codes:
        if any(c.upper() == code.upper() for c in w.state.promo_codes):
            continue
        promo = cat.promotion(code)
        if refusal(w.state, cat, promo, code.upper(), now) is None:
            assert promo is not None and promo.code  # as in apply()
            w.set_promo_codes([*w.state.promo_codes, promo.code])

"""A basket's row in a list: id, user, line count, grand total, flags, version.

Made from a whole basket or endpoint 01's short basket (any object with the wire models'
attribute names) by `summary_of`, and from the listing extension's camelCase row (the
engine's `list_baskets`, the sandbox's `GET /basket/all`) by `summary_from_row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import CURRENCIES, format_amount, parse_decimal, to_minor


@dataclass
class BasketSummary:
    id: str
    user_id: str | None
    user_email: str | None
    currency_code: str
    line_count: int
    grand_total: Decimal | None
    grand_total_formatted: str
    last_updated: str
    is_locked: bool = False
    is_quote: bool = False
    version: int | None = None


def amount_text(raw: Decimal | None, code: str | None, symbol: str | None = None) -> str:
    """An amount in its currency's own format ('£1,234.50'); an unknown currency gets its
    symbol (or code) and the number as it came; no amount: ''."""
    if raw is None:
        return ""
    cur = CURRENCIES.get((code or "").upper())
    if cur is not None:
        try:
            return format_amount(to_minor(raw, cur), cur)
        except ValueError:  # more decimals than the currency has: show it as sent
            return str(raw)
    prefix = symbol if symbol is not None else (f"{code} " if code else "")
    return f"{prefix}{raw}"


def _total(price: Any, code: str | None) -> tuple[Decimal | None, str]:
    """(raw with tax, text) of a wire Price: the backend's own text when it sent one."""
    if price is None:
        return None, ""
    raw = getattr(getattr(price, "raw", None), "with_tax", None)
    raw = raw if isinstance(raw, Decimal) else None
    text = getattr(getattr(price, "formatted", None), "with_tax", None)
    return raw, text or amount_text(raw, code, getattr(price, "currency_symbol", None))


def _version(basket: Any) -> int | None:
    """The basket's version; endpoint 01's short basket has none in the documented model,
    but the sandbox sends one (kept among the model's extra fields)."""
    version = getattr(basket, "version", None)
    if version is None:
        version = (getattr(basket, "model_extra", None) or {}).get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def summary_of(basket: Any) -> BasketSummary:
    """The list row of a wire basket, whole or short."""
    code = basket.currency_code or ""
    raw, text = _total(basket.grand_total, code)
    return BasketSummary(
        id=str(basket.id or ""), user_id=basket.user_id, user_email=basket.user_email,
        currency_code=code, line_count=len(basket.line_items or []), grand_total=raw,
        grand_total_formatted=text, last_updated=str(basket.last_updated or ""),
        is_locked=bool(basket.is_locked), is_quote=bool(basket.is_quote),
        version=_version(basket))


def summary_from_row(row: Mapping[str, Any]) -> BasketSummary:
    """A row of the listing extension; KeyError, TypeError or ValueError when it is not one
    (a remote backend turns that into a BAD_RESPONSE naming the server)."""
    total = row.get("grandTotal")
    raw = None if total is None else parse_decimal(total)
    code = row.get("currencyCode") or ""
    version = row.get("version")
    return BasketSummary(
        id=str(row["id"]), user_id=row.get("userId"), user_email=row.get("userEmail"),
        currency_code=code, line_count=int(row.get("lineCount") or 0), grand_total=raw,
        grand_total_formatted=row.get("grandTotalFormatted") or amount_text(raw, code),
        last_updated=str(row.get("lastUpdated") or ""), is_locked=bool(row.get("isLocked")),
        is_quote=bool(row.get("isQuote")), version=int(version) if version is not None else None)

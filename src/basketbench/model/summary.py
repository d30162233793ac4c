"""A basket's row in a list: id, user, line count, grand total, flags, version.

Made from a domain basket, whole or short (endpoint 01), by `summary_of`, and from the
listing extension's camelCase row (the engine's `list_baskets`, the sandbox's
`GET /basket/all`) by `summary_from_row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import CURRENCIES, format_amount, parse_decimal, to_minor
from .basket import Basket, Price


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


def _total(price: Price | None, code: str | None, symbol: str | None
           ) -> tuple[Decimal | None, str]:
    """(amount with tax, text) of a Price: the backend's own text when it sent one."""
    if price is None:
        return None, ""
    text = price.formatted.with_tax if price.formatted is not None else None
    symbol = price.extra.get("currencySymbol") or symbol
    return price.with_tax, text or amount_text(price.with_tax, code, symbol)


def _version(basket: Basket) -> int | None:
    version = basket.version
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def summary_of(basket: Basket) -> BasketSummary:
    """The list row of a basket, whole or short."""
    code = basket.currency_code or ""
    raw, text = _total(basket.grand_total, code, basket.currency_symbol)
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

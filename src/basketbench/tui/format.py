"""Display helpers: money, ids, dates, flags, and text that is always shown literally.

Everything a user typed or a backend stored (names, custom info, PO numbers, messages) goes
through `literal`, which builds a rich `Text` without parsing markup, so "[bold]" shows as the
eight characters it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.style import Style
from rich.text import Text

from ..model.basket import Price
from ..model.ids import is_none_id
from ..money import CURRENCIES, Currency, format_amount, to_minor

DASH = "-"


def literal(value: object, style: str | Style = "") -> Text:
    """Text shown exactly as given (never markup); None shows as nothing."""
    return Text("" if value is None else str(value), style=style)


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 line', '3 lines' ('1 basket', '0 baskets'); `words` for irregular plurals."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def short_id(value: str | None) -> str:
    return (value or "")[:8]


def user_label(email: str | None, user_id: str | None) -> str:
    if email:
        return email
    if is_none_id(user_id):
        return "guest"
    return short_id(user_id)


def when(value: str | None) -> str:
    """'2026-11-02T08:55:00.000Z' -> '2026-11-02 08:55'; the 0001-01-01 default -> '-'."""
    if not value or value.startswith("0001-01-01"):
        return DASH
    return value.replace("T", " ")[:16]


def day(value: str | None) -> str:
    if not value or value.startswith("0001-01-01"):
        return DASH
    return value[:10]


def flags(*, locked: bool = False, quote: bool = False, new: bool = False) -> str:
    """L locked, Q quote, * new and not saved (ASCII so every terminal aligns it)."""
    return " ".join(mark for mark, on in (("L", locked), ("Q", quote), ("*", new)) if on)


def lookup_currency(code: str | None) -> Currency | None:
    return CURRENCIES.get((code or "").upper())


def amount(value: Any, code: str | None, symbol: str | None = None) -> str:
    """A Decimal amount in the currency's own format ('£1,234.50'); unknown currencies get
    the symbol (or code) and the number as it came."""
    if value is None or value == "":
        return DASH
    cur = lookup_currency(code)
    if cur is not None:
        try:
            return format_amount(to_minor(value, cur), cur)
        except ValueError:
            return str(value)
    prefix = symbol if symbol is not None else (f"{code} " if code else "")
    return f"{prefix}{value}"


def price(p: Price | None, which: str = "with_tax", code: str | None = None) -> str:
    """One side of a Price: the backend's formatted string when it sent one, else the
    amount formatted here."""
    if p is None:
        return DASH
    formatted = getattr(p.formatted, which, None) if p.formatted is not None else None
    if formatted:
        return formatted
    return amount(getattr(p, which), code, p.extra.get("currencySymbol"))


def raw(p: Price | None, which: str = "with_tax") -> Decimal | None:
    """One side of a Price as an amount (None: no price)."""
    return getattr(p, which) if p is not None else None


def negated(text: str) -> str:
    """A discount shown as money off: '£11.70' -> '-£11.70' (zero stays as it is)."""
    if text in (DASH, "") or text.startswith("-"):
        return text
    digits = [c for c in text if c.isdigit()]
    if digits and all(c == "0" for c in digits):
        return text
    return f"-{text}"


def extra(obj: Any, key: str, default: Any = None) -> Any:
    """An extension field by its wire name ('clickCollectStore'): the object's own field of
    that name when the model has one, else what the backend sent in its `extra`."""
    name = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
    if hasattr(obj, name):
        value = getattr(obj, name)
        return default if value is None else value
    return (getattr(obj, "extra", None) or {}).get(key, default)


def custom_info(obj: Any) -> str:
    """customInfo1..5 of a basket or line joined for one line of display (plain text)."""
    parts = []
    for n in range(1, 6):
        value = getattr(obj, f"custom_info{n}", None)
        if value:
            parts.append(value if n == 1 else f"{n}: {value}")
    return " | ".join(parts)

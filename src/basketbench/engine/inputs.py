"""Reading request values: each helper names the field and the value it refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, overload

from ..money import Currency, parse_decimal, to_minor
from .errors import QuantityLimit, field_error

# Whole numbers beyond this are refused before any conversion: they fit no column, and
# turning a 10**100000 into an int (or a message) would cost seconds of CPU.
INT_LIMIT = 2**31 - 1


def whole_number(value: object, field: str, *, minimum: int | None = None,
                 maximum: int | None = None) -> int:
    """An integer from an int, an integral Decimal, or a string of digits ("3", "-1")."""
    if isinstance(value, bool) or value is None:
        raise field_error(field, f"must be a whole number (got {value!r})")
    if isinstance(value, str) and len(value) > 40:
        raise field_error(field, f"is not a usable number (got {len(value)} characters)")
    try:
        d = Decimal(value) if isinstance(value, int) else parse_decimal(value)
    except ValueError:
        raise field_error(field, f"must be a whole number (got {value!r})") from None
    if d.is_finite() and d.adjusted() > 15:
        raise field_error(field, f"is too large (at most {INT_LIMIT})")
    if d != d.to_integral_value():
        raise field_error(field, f"must be a whole number (got {d})")
    number = int(d)
    if abs(number) > INT_LIMIT:
        raise field_error(field, f"is too large (at most {INT_LIMIT})")
    if minimum is not None and number < minimum:
        raise field_error(field, f"must be at least {minimum} (got {number})")
    if maximum is not None and number > maximum:
        raise field_error(field, f"must be at most {maximum} (got {number})")
    return number


def quantity(value: object, field: str, *, limit: int) -> int:
    """A quantity of any size: past `limit` (however large) is QUANTITY_LIMIT, not a
    validation error (engine-rules §2); a huge negative delta stands for "remove"."""
    try:
        d = parse_decimal(value) if not isinstance(value, (bool, type(None))) else None
    except ValueError:
        d = None
    if d is None or not d.is_finite() or d != d.to_integral_value():
        raise field_error(field, f"must be a whole number (got {value!r})")
    if d > limit:
        shown = f"{int(d)}" if d.adjusted() < 40 else f"{d:.3E}"
        raise QuantityLimit(f"{field}: a line may hold at most {limit} units (asked for {shown})",
                            [f"{field}: at most {limit} units per line"])
    return -INT_LIMIT if d < -INT_LIMIT else int(d)


def optional_int(body: dict, field: str, default: int = 0, **limits: int) -> int:
    value = body.get(field)
    if value is None or value == "":
        return default
    return whole_number(value, field, **limits)


@overload
def text(value: object, field: str, *, max_length: int | None = None,
         required: Literal[True]) -> str: ...
@overload
def text(value: object, field: str, *, max_length: int | None = None,
         required: bool = False) -> str | None: ...
def text(value: object, field: str, *, max_length: int | None = None,
         required: bool = False) -> str | None:
    """A string (None and "" are 'missing'); numbers are refused rather than coerced."""
    if value is None or value == "":
        if required:
            raise field_error(field, "is required")
        return None
    if not isinstance(value, str):
        raise field_error(field, f"must be a string (got {value!r})")
    if "\x00" in value:
        raise field_error(field, "must not contain NUL characters")
    if max_length is not None and len(value) > max_length:
        raise field_error(field, f"must be at most {max_length} characters (got {len(value)})")
    return value


def flag(value: object, field: str) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise field_error(field, f"must be true or false (got {value!r})")


def money(value: object, field: str, cur: Currency, *, allow_negative: bool = False) -> int:
    """Minor units from a JSON number or numeric string, refusing more decimals than the
    currency has and negative amounts unless allowed."""
    if isinstance(value, bool) or value is None:
        raise field_error(field, f"must be a number (got {value!r})")
    try:
        d: Decimal = parse_decimal(value)
    except ValueError:
        raise field_error(field, f"must be a number (got {value!r})") from None
    if abs(d) >= Decimal(10) ** 12:
        raise field_error(field, "is too large (at most 999,999,999,999.99)")
    if not allow_negative and d < 0:
        raise field_error(field, f"must not be negative (got {d})")
    minor = to_minor(d, cur)
    if d.scaleb(cur.decimals) != minor:
        raise field_error(field, f"has more than {cur.decimals} decimals (got {d})")
    return minor


def obj(value: object, field: str) -> dict:
    if not isinstance(value, dict):
        raise field_error(field, f"must be a JSON object (got {type(value).__name__})")
    return value


def array(value: object, field: str) -> list:
    if not isinstance(value, list):
        raise field_error(field, f"must be a JSON array (got {type(value).__name__})")
    return value


def country(value: object, field: str = "countryCode") -> str:
    """ISO 3166 alpha-2, upper case; `UK` is accepted as `GB` (the docs use both)."""
    code = text(value, field, required=True)
    code = code.strip().upper()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise field_error(field, f"must be a two-letter country code (got {value!r})")
    return "GB" if code == "UK" else code

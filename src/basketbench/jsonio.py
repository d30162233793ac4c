"""JSON in and out with Decimal kept exact.

Reading: numbers with a fraction become `Decimal` (never float).
Writing: a `Decimal` is written as a JSON number with exactly its digits ("3.90", not "3.9").
The standard encoder cannot write a bare Decimal, so each one is first written as a unique
marker string, then the markers are swapped for the digits. If a user string happens to
look like a marker, the counts disagree and a slower exact encoder does the job instead.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\x00dec:"
_MARKER_RE = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?(?:E[+-]?[0-9]+)?)"')


# Integers longer than this are read as Decimal, so a bounds check can refuse them by value
# instead of Python's int parser failing on them (or spending seconds on them).
_MAX_INT_DIGITS = 30


def _parse_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _MAX_INT_DIGITS else Decimal(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def loads(data: str | bytes) -> Any:
    """Parse JSON: fractions as Decimal, huge integers as Decimal, NaN/Infinity refused."""
    return json.loads(data, parse_float=Decimal, parse_int=_parse_int,
                      parse_constant=_refuse_constant)


def _decimal_text(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"cannot write {d} as JSON")
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialise to a JSON string, Decimals as exact numbers, non-ASCII kept as is."""
    count = 0

    def default(o: Any) -> Any:
        nonlocal count
        if isinstance(o, Decimal):
            count += 1
            return _MARK + _decimal_text(o)
        if hasattr(o, "model_dump"):
            return o.model_dump(mode="python", by_alias=True)
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(obj, default=default, ensure_ascii=False, indent=indent,
                      separators=separators)
    if count == 0:
        return text
    text, replaced = _MARKER_RE.subn(r"\1", text)
    if replaced != count:
        return _exact_dumps(obj, indent)
    return text


def dumps_bytes(obj: Any) -> bytes:
    return dumps(obj).encode("utf-8")


def _exact_dumps(obj: Any, indent: int | None) -> str:
    """Slow path: a small recursive encoder; used only when a string mimics a marker."""
    pad = "" if indent is None else "\n"

    def enc(o: Any, level: int) -> str:
        if isinstance(o, Decimal):
            return _decimal_text(o)
        if o is None or isinstance(o, (bool, int, str)):
            return json.dumps(o, ensure_ascii=False)
        if hasattr(o, "model_dump"):
            return enc(o.model_dump(mode="python", by_alias=True), level)
        inner = "" if indent is None else " " * (indent * (level + 1))
        outer = "" if indent is None else " " * (indent * level)
        colon = ":" if indent is None else ": "
        if isinstance(o, dict):
            if not o:
                return "{}"
            items = [f"{pad}{inner}{json.dumps(str(k), ensure_ascii=False)}{colon}"
                     f"{enc(v, level + 1)}" for k, v in o.items()]
            return "{" + ",".join(items) + f"{pad}{outer}}}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            items = [f"{pad}{inner}{enc(v, level + 1)}" for v in o]
            return "[" + ",".join(items) + f"{pad}{outer}]"
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    return enc(obj, 0)

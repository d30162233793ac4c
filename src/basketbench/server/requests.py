"""Reading requests the way real BetterCommerce clients send them.

Bodies are JSON whatever the Content-Type says (the docs send JSON as form-urlencoded);
endpoints 05 and 22 also take real form fields. Empty query values count as missing.
Every refusal names the field and the value.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .. import jsonio
from ..engine.errors import ValidationError, field_error


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    return "a number"


def parse_json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise field_error("body", f"is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise field_error("body", "is empty; a JSON body is required")
    try:
        return jsonio.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"body: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            [f"body: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"],
        ) from None
    except (ValueError, RecursionError) as exc:
        raise field_error("body", f"is not valid JSON: {exc}") from None


async def json_body(request: Request) -> Any:
    return parse_json(await request.body())


async def json_object(request: Request, name: str = "body") -> dict:
    value = await json_body(request)
    if not isinstance(value, dict):
        raise field_error(name, f"must be a JSON object (got {_kind(value)})")
    return value


async def json_array(request: Request, name: str = "body") -> list:
    value = await json_body(request)
    if not isinstance(value, list):
        raise field_error(name, f"must be a JSON array (got {_kind(value)})")
    return value


async def optional_json_object(request: Request, name: str = "body") -> dict | None:
    """An object, or None when the body is empty (19: nominated delivery is optional)."""
    raw = await request.body()
    if not raw.strip():
        return None
    value = parse_json(raw)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise field_error(name, f"must be a JSON object (got {_kind(value)})")
    return value


async def form_or_json(request: Request, name: str = "body") -> dict:
    """05 and 22: form fields (urlencoded or multipart) or a JSON object."""
    ctype = request.headers.get("content-type", "").lower()
    raw = await request.body()
    if ctype.startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception as exc:  # python-multipart's own errors name no common base
            raise field_error(name, f"is not valid multipart form data ({exc})") from None
        return {k: v for k, v in form.items() if isinstance(v, str)}
    stripped = raw.strip()
    if stripped[:1] in (b"{", b"[", b'"') or not stripped:
        value = parse_json(raw)
        if not isinstance(value, dict):
            raise field_error(name, f"must be a JSON object or form fields (got {_kind(value)})")
        return value
    try:
        text = raw.decode("utf-8")
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except (UnicodeDecodeError, ValueError):
        raise field_error(name, "is neither JSON nor form-urlencoded fields") from None


def blank(value: str | None) -> str | None:
    """A query value with an empty one counting as missing (None), as engine-rules §8 says."""
    return value if value not in (None, "") else None


def header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    return value.strip() if value and value.strip() else None


def if_match(request: Request) -> int | None:
    """`If-Match: "3"` or `3` (or W/"3") -> 3; `*` or absent -> None."""
    value = header(request, "if-match")
    if value is None or value == "*":
        return None
    text = value[2:] if value.startswith("W/") else value
    text = text.strip().strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise field_error("If-Match", f"{value!r} is not a basket version (expected e.g. \"3\")")
    return int(text)


def currency(request: Request) -> str | None:
    return header(request, "currency")


def flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise field_error(name, f"must be true or false (got {value!r})")


def whole(value: str | None, name: str, *, default: int, minimum: int = 0,
          maximum: int = 1_000_000) -> int:
    if value is None:
        return default
    text = value.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
        raise field_error(name, f"must be a whole number (got {value!r})")
    number = int(text)
    if number < minimum or number > maximum:
        raise field_error(name, f"must be between {minimum} and {maximum} (got {number})")
    return number

"""Reading requests the way real BetterCommerce clients send them.

Bodies are JSON whatever the Content-Type says (the docs send JSON as form-urlencoded, the
storefront sends chunked bodies with none); endpoints 05 and 22 also take real form fields.
JSON keys bind case-insensitively. Empty query values count as missing. Text that cannot be
stored is refused. Every refusal names the field and the value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel
from starlette.requests import Request

from .. import jsonio
from ..engine.errors import ValidationError, field_error
from ..wire.inputs import bind_keys
from .openapi_docs import body_doc


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


def parse_json(raw: bytes, name: str = "body") -> Any:
    value = _parse_json_text(raw)
    # A lone UTF-16 surrogate can only come from a `\\uD800`-style escape: look for the
    # escape before walking the document.
    if b"\\u" in raw or b"\\U" in raw:
        check_storable(value, name)
    return value


def check_storable(value: Any, where: str) -> None:
    """Refuse text that cannot be stored or sent back as UTF-8 (a lone surrogate such as
    "\\ud800"), naming the field: SQLite and every JSON encoder would fail on it later."""
    if isinstance(value, str):
        if not _utf8_ok(value):
            raise field_error(where, f"{_show(value)} holds a lone UTF-16 surrogate, which "
                                     "is not text that can be stored")
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where and where != "body" else str(key)
            if not _utf8_ok(str(key)):
                raise field_error(where or "body", f"key {_show(str(key))} holds a lone "
                                                   "UTF-16 surrogate")
            check_storable(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_storable(item, f"{where}[{index}]")


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _show(text: str) -> str:
    """The value as a JSON-style literal (surrogates escaped), cut to 60 characters."""
    shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return '"' + (shown if len(shown) <= 60 else shown[:57] + "...") + '"'


def _parse_json_text(raw: bytes) -> Any:
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


async def json_body(request: Request, name: str = "body") -> Any:
    return parse_json(await request.body(), name)


async def json_object(request: Request, name: str = "body") -> dict:
    value = await json_body(request, name)
    if not isinstance(value, dict):
        raise field_error(name, f"must be a JSON object (got {_kind(value)})")
    return value


async def json_array(request: Request, name: str = "body") -> list:
    value = await json_body(request, name)
    if not isinstance(value, list):
        raise field_error(name, f"must be a JSON array (got {_kind(value)})")
    return value


async def optional_json_object(request: Request, name: str = "body") -> dict | None:
    """An object, or None when the body is empty (19: nominated delivery is optional)."""
    raw = await request.body()
    if not raw.strip():
        return None
    value = parse_json(raw, name)
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
        except Exception as exc:  # noqa: BLE001 - python-multipart's errors share no base
            raise field_error(name, f"is not valid multipart form data ({exc})") from None
        return {k: v for k, v in form.items() if isinstance(v, str)}
    stripped = raw.strip()
    if stripped[:1] in (b"{", b"[", b'"') or not stripped:
        value = parse_json(raw, name)
        if not isinstance(value, dict):
            raise field_error(name, f"must be a JSON object or form fields (got {_kind(value)})")
        return value
    try:
        text = raw.decode("utf-8")
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except (UnicodeDecodeError, ValueError):
        raise field_error(name, "is neither JSON nor form-urlencoded fields") from None


_READERS = {"object": json_object, "array": json_array, "optional": optional_json_object,
            "form": form_or_json}


@dataclass(frozen=True)
class Body:
    """One route's request body, from one model: how the route reads it and how
    /openapi.json documents it. `kind`: "object", "array" (of the model), "optional" (an
    object or nothing) or "form" (form fields or a JSON object). Keys are bound to the
    model's spelling case-insensitively (`wire.inputs.bind_keys`)."""

    model: type[BaseModel]
    kind: str = "object"
    name: str = "body"

    @property
    def doc(self) -> dict:
        return body_doc(self.model, array=self.kind == "array", form=self.kind == "form",
                        required=self.kind != "optional")

    async def read(self, request: Request) -> Any:
        value = await _READERS[self.kind](request, self.name)
        return None if value is None else bind_keys(value, self.model)


async def bulk_or_custom_info(request: Request, bulk: Body, info: Body) -> tuple[str, Any]:
    """Endpoint 12's body: an array of lines, or the object the storefront sends to set the
    basket's custom info through add-bulk (`{customInfo1: {message, imageUrl}, lineInfo:
    "<JSON text>"}`), read as endpoint 04's body. Returns ("bulk" | "info", value)."""
    value = await json_body(request, bulk.name)
    if isinstance(value, list):
        return "bulk", bind_keys(value, bulk.model)
    body = bind_keys(value, info.model) if isinstance(value, dict) else None
    if body is None or not _is_custom_info(body):
        raise field_error(bulk.name, f"must be a JSON array (got {_kind(value)})")
    for key, item in body.items():
        if key.startswith("customInfo") and isinstance(item, (dict, list)):
            body[key] = jsonio.dumps(item)  # stored as the JSON text it was
    if isinstance(body.get("lineInfo"), str):
        text = body["lineInfo"].strip()
        body["lineInfo"] = parse_json(text.encode(), "lineInfo") if text else []
    return "info", bind_keys(body, info.model)


def _is_custom_info(body: dict | None) -> bool:
    """Custom info keys and no line keys: a lone line object is still a mistake (400)."""
    if not body or {"productId", "stockCode"} & set(body):
        return False
    return any(key == "lineInfo" or key.startswith("customInfo") for key in body)


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

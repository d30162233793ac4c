"""Reading a BetterCommerce reply: the envelope's `success` is the truth; anything that is not
an envelope (HTML, truncated JSON, an empty body) is a typed error naming the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import jsonio
from ..wirejson.parse import WireError
from .errors import BackendError
from .transport import Reply, code_for_status, snippet, undecodable


def read_envelope(reply: Reply, scrub: Callable[[str], str]) -> tuple[Any, dict]:
    """(result, envelope) of a successful call; BackendError for everything else."""
    try:
        data = jsonio.loads(reply.text) if reply.text.strip() else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        data = envelope_keys(data)
    if not isinstance(data, dict) or ("success" not in data and "result" not in data):
        if data is not None and reply.status >= 400:
            raise BackendError(reply.status, code_for_status(reply.status), scrub(
                f"HTTP {reply.status} from {reply.where}: {snippet(reply.text)}"),
                where=reply.where)
        raise undecodable(reply, scrub)
    if data.get("success") is False or reply.status >= 400:
        raise envelope_error(reply, data, scrub)
    return data.get("result"), data


ENVELOPE_KEYS = ("statusCode", "status", "errors", "success", "message", "messageCode",
                 "result", "currentVersion")


def envelope_keys(data: dict) -> dict:
    """The envelope's own keys in camelCase whatever their case (`Success`, `Result`...):
    ASP.NET matches keys case-insensitively, and so does this reader."""
    known = {k.lower(): k for k in ENVELOPE_KEYS}
    out = dict(data)
    for key in data:
        canonical = known.get(key.lower()) if isinstance(key, str) else None
        if canonical and canonical != key and canonical not in data:
            out[canonical] = out.pop(key)
    return out


def envelope_error(reply: Reply, env: dict, scrub: Callable[[str], str]) -> BackendError:
    status = env.get("statusCode")
    if not isinstance(status, int) or status < 400:
        status = reply.status if reply.status >= 400 else 400
    if reply.status >= 500:
        status = reply.status
    raw_errors = env.get("errors") or []
    if not isinstance(raw_errors, list):  # a live API may send one string, or a number
        raw_errors = [raw_errors]
    errors = [scrub(str(e)) for e in raw_errors if e not in (None, "")]
    message = env.get("message") or (errors[0] if errors else "") or env.get("status") or (
        f"HTTP {reply.status}")
    code = env.get("messageCode") or code_for_status(status)
    if reply.status >= 500:
        code = "SERVER_ERROR"
        spent = f", {reply.spent}" if reply.spent else ""
        message = f"server error (HTTP {reply.status}{spent}): {message}"
    current = env.get("currentVersion")
    if current is None:
        current = _etag_version(reply)
    return BackendError(status, str(code), scrub(f"{message}"), errors, where=reply.where,
                        current_version=current if isinstance(current, int) else None)


def _etag_version(reply: Reply) -> int | None:
    tag = reply.headers.get("etag", "").strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else None


def read_result(read: Callable[[Any], Any], what: str, result: Any, reply: Reply,
                scrub: Callable[[str], str]) -> Any:
    """`result` read into domain objects by `read` (wirejson.parse); a shape it cannot read
    is BAD_RESPONSE naming the field and the value, not a traceback."""
    try:
        return read(result)
    except WireError as exc:
        raise BackendError(reply.status, "BAD_RESPONSE", scrub(
            f"{reply.where} returned a result that is not a {what} (first problem at "
            f"{exc})"), where=reply.where) from None


def parse_result(tp: Any, result: Any, reply: Reply, scrub: Callable[[str], str]) -> Any:
    """Validate `result` as the pydantic model `tp` (the Nexudus client's sessions); a shape
    we cannot read is BAD_RESPONSE, not a traceback."""
    from pydantic import ValidationError

    from ..wire import parse_wire

    try:
        return parse_wire(tp, result)
    except ValidationError as exc:
        errors = exc.errors()
        loc = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
        msg = errors[0]["msg"] if errors else ""
        raise BackendError(reply.status, "BAD_RESPONSE", scrub(
            f"{reply.where} returned a result that is not a {getattr(tp, '__name__', tp)} "
            f"({exc.error_count()} problem(s); first at {loc or 'top level'}: "
            f"{msg})"), where=reply.where) from None

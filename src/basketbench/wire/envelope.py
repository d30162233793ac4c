"""The BetterCommerce response envelope (api.md §0, engine-rules §8) and builders for it."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, Generic, TypeVar

from basketbench.wire.base import WireModel, dump_wire

T = TypeVar("T")


class Envelope(WireModel, Generic[T]):
    """Every field may be null or lorem in the seeds. Siblings of `result` such as `snippets`
    and `slugType` (02) are kept as extra fields, after `result`."""

    status_code: int | None = None
    status: str | None = None
    errors: list[Any] | None = None
    success: bool | None = None
    message: str | None = None
    message_code: str | None = None
    result: T | None = None


# Fixed phrases (RFC 9110 names) so the text does not change with the Python version
# (3.13 renamed 413 and 422).
_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    423: "Locked",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def reason_phrase(status: int) -> str:
    if status in _PHRASES:
        return _PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def ok_envelope(result: Any, message: str = "", message_code: str = "") -> dict[str, Any]:
    """A success body; `result` may be a model, a list of models or plain data."""
    return {
        "statusCode": 200,
        "status": "OK",
        "errors": [],
        "success": True,
        "message": message,
        "messageCode": message_code,
        "result": dump_wire(result),
    }


def error_envelope(
    status: int, message_code: str, message: str, errors: Iterable[str]
) -> dict[str, Any]:
    """A failure body; `errors` are "propertyName: message" strings, one per problem."""
    return {
        "statusCode": status,
        "status": reason_phrase(status),
        "errors": list(errors),
        "success": False,
        "message": message,
        "messageCode": message_code,
        "result": None,
    }

"""Every failure becomes an envelope: engine errors, unknown routes and methods, bad input.

The envelope is the one of the API the path belongs to: BetterCommerce under
`/api/v2/commerce/basket`, Nexudus under `/api/billing` and `/api/token`.
"""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..engine.errors import EngineError
from .responses import error_for_path, is_nexudus_path, nexudus_error
from .routing import allowed_methods

_HTTP_CODES = {400: "VALIDATION", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
               415: "UNSUPPORTED_MEDIA_TYPE"}


class ApiError(EngineError):
    """A server-side refusal (auth, limits, bad headers) with an explicit status and code."""

    def __init__(self, status: int, code: str, message: str, errors: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message, errors)
        self.status = status
        self.code = code
        self.headers = headers


def engine_error_response(path: str, exc: EngineError) -> Response:
    headers = dict(getattr(exc, "headers", None) or {})
    current = exc.extra.get("current_version")
    if current is not None:
        headers["ETag"] = f'"{current}"'
    if is_nexudus_path(path) and "nexudus_errors" in exc.extra:
        # Set by the Nexudus routes: a list of {AttemptedValue, Message, PropertyName}.
        nexudus_errors = cast("list[dict]", exc.extra["nexudus_errors"])
        return nexudus_error(exc.status, exc.message, list(nexudus_errors), headers or None)
    return error_for_path(path, exc.status, exc.code, exc.message, list(exc.errors),
                          headers or None)


def _http_exception(request: Request, exc: StarletteHTTPException) -> Response:
    path = request.url.path
    status = exc.status_code
    code = _HTTP_CODES.get(status, "ERROR")
    headers = dict(exc.headers or {})
    if status == 404:
        message = f"No route {request.method} {path}"
        errors = [f"path: no route matches {path}"]
    elif status == 405:
        allowed = ", ".join(allowed_methods(request.app.router.routes, request.scope))
        headers["Allow"] = allowed
        message = f"Method {request.method} is not allowed on {path} (allowed: {allowed})"
        errors = [f"method: {request.method} is not allowed on {path}"]
    else:
        message = str(exc.detail)
        errors = [message]
    return error_for_path(path, status, code, message, errors, headers or None)


def _validation(request: Request, exc: RequestValidationError) -> Response:
    # Parameters are declared as plain strings, so this is rare; still answer an envelope.
    errors = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        errors.append(f"{loc or 'request'}: {err.get('msg', 'is invalid')}")
    return error_for_path(request.url.path, 400, "VALIDATION", "; ".join(errors), errors)


def install(app: FastAPI) -> None:
    app.add_exception_handler(EngineError, lambda r, e: engine_error_response(r.url.path, e))
    # Starlette types a handler as taking any Exception; it calls each only with its own class.
    app.add_exception_handler(StarletteHTTPException, _http_exception)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]

"""The engine's one error type: an HTTP-like status, a stable code, a message, field errors."""

from __future__ import annotations


class EngineError(Exception):
    status = 400
    code = "VALIDATION"

    def __init__(self, message: str, errors: list[str] | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        # One "propertyName: message" string per problem, as the envelope's `errors` wants.
        self.errors = errors if errors is not None else [message]
        self.extra = extra

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.code}, {self.message!r})"


class ValidationError(EngineError):
    status, code = 400, "VALIDATION"


class NotFound(EngineError):
    status, code = 404, "NOT_FOUND"


class Conflict(EngineError):
    """A stale `If-Match` version; `extra['current_version']` carries the version now stored."""

    status, code = 409, "CONFLICT"


class QuantityLimit(EngineError):
    status, code = 422, "QUANTITY_LIMIT"


class OutOfStock(EngineError):
    status, code = 422, "OUT_OF_STOCK"


class BasketLocked(EngineError):
    status, code = 423, "BASKET_LOCKED"


def field_error(field: str, message: str) -> ValidationError:
    """A 400 for one field, with the envelope's `"field: message"` entry."""
    return ValidationError(f"{field}: {message}", [f"{field}: {message}"])

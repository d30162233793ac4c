"""The one error every backend raises: callers never see httpx or sqlite exceptions."""

from __future__ import annotations


class BackendError(Exception):
    """A failed backend call.

    status: the HTTP status (or the engine's equivalent); 0 for a network failure.
    code: the stable `messageCode` (VALIDATION, NOT_FOUND, BASKET_LOCKED, QUANTITY_LIMIT,
      OUT_OF_STOCK, CONFLICT, UNAUTHORIZED, FORBIDDEN, READ_ONLY, NETWORK, TIMEOUT,
      BAD_RESPONSE, SERVER_ERROR, UNSUPPORTED).
    message: for a person; says what happened and where. Never holds a secret.
    field_errors: one "propertyName: message" string per problem.
    """

    def __init__(self, status: int, code: str, message: str,
                 field_errors: list[str] | None = None, *, where: str | None = None,
                 current_version: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_errors = list(field_errors or [])
        self.where = where
        self.current_version = current_version

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"BackendError({self.status}, {self.code!r}, {self.message!r})"


def read_only_error(operation: str, profile: str) -> BackendError:
    return BackendError(403, "READ_ONLY",
                        f"{operation} refused: profile {profile!r} is read-only")


def unsupported(operation: str, backend: str) -> BackendError:
    return BackendError(501, "UNSUPPORTED", f"{operation} is not offered by the {backend} backend")

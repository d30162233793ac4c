"""Storage faults as engine errors that say what happened to which file.

SQLite reports a locked, full, read-only or damaged file as an `sqlite3.Error` with a result
code; `storage_error` turns those (and only those) into a `StorageError` with an HTTP status,
a stable code and a message a person can act on. Everything else is left alone.
"""

from __future__ import annotations

import sqlite3

from .errors import EngineError

RETRY_AFTER_SECONDS = 1


class StorageError(EngineError):
    """The database file cannot be used as asked; the message says why."""

    status, code = 503, "STORAGE_ERROR"

    def __init__(self, message: str, **extra: object) -> None:
        # The message says it all; the field entry names the fault in two words.
        super().__init__(message, [f"database: {self.code.lower().replace('_', ' ')}"], **extra)
        self.headers: dict[str, str] | None = None


class StoreBusy(StorageError):
    """Locked by another connection or process for longer than the bounded wait."""

    status, code = 503, "BUSY"

    def __init__(self, message: str, **extra: object) -> None:
        super().__init__(message, **extra)
        self.headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @classmethod
    def waited(cls, path: str, seconds: float, why: str) -> StoreBusy:
        return cls(f"The database {path} is locked ({why}); gave up after waiting "
                   f"{seconds:g} s. Nothing was changed; try again shortly.")


class StoreFull(StorageError):
    status, code = 507, "INSUFFICIENT_STORAGE"


class StoreReadOnly(StorageError):
    status, code = 503, "READ_ONLY"


class StoreDamaged(StorageError):
    status, code = 503, "DATABASE_DAMAGED"


class SchemaTooNew(StorageError):
    status, code = 503, "SCHEMA_TOO_NEW"


def storage_error(exc: sqlite3.Error, path: str, waited: float) -> StorageError | None:
    """The StorageError an sqlite3 error stands for, or None when it is not a storage fault."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
            primary is None and ("locked" in text or "busy" in text)):
        return StoreBusy.waited(path, waited, f"by another process or connection: {text}")
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text:
        return StoreFull(f"The disk holding the database {path} is full ({text}): the change "
                         "was not saved. Free some space and try again.")
    if primary == sqlite3.SQLITE_READONLY or "readonly database" in text:
        return StoreReadOnly(f"The database {path} is read-only ({text}): basketbench needs "
                             "to write it. Make the file and its folder writable, or use a "
                             "copy (--db).")
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged(f"The database {path} is damaged or is not a basketbench database "
                            f"({text}). Restore it from a copy, or start on a new file with "
                            "--db.")
    if primary == sqlite3.SQLITE_CANTOPEN:
        return StorageError(f"The database {path} cannot be opened ({text}): check that its "
                            "folder exists and is writable.")
    if primary == sqlite3.SQLITE_IOERR:
        return StorageError(f"Reading or writing the database {path} failed ({text}); "
                            "nothing was changed.")
    return None

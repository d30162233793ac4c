"""One SQLite connection, configured for safe concurrent use, and the transaction helper.

WAL + synchronous=NORMAL: a commit survives a process crash (the WAL is fsynced at
checkpoints; a power cut may lose the last commits, never corrupt). Writers take the lock up
front with BEGIN IMMEDIATE, so a read-then-write can never be overtaken by another process.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .errors import EngineError

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
# After the busy timeout, try again a few times with jittered backoff before giving up.
LOCK_RETRIES = 8


class StoreBusy(EngineError):
    """The database stayed locked by other writers through every retry."""

    status, code = 503, "BUSY"


def connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """Serialises use of one connection across threads and runs transactions with retry."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.conn = connect(path)
        self.lock = threading.RLock()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def _begin(self, write: bool) -> Iterator[sqlite3.Connection]:
        for attempt in range(LOCK_RETRIES + 1):
            try:
                self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                break
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or attempt == LOCK_RETRIES:
                    raise StoreBusy(f"database {self.path} is busy: {exc}") from exc
                time.sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + random.random()))
        yield self.conn

    def transaction(self, fn: Callable[[sqlite3.Connection], T], *, write: bool = True,
                    commit: bool = True) -> T:
        """Run fn inside one transaction; commit on success, roll back on any error.

        `commit=False` always rolls back: a dry run that sees its own writes.
        """
        with self.lock:
            for attempt in range(LOCK_RETRIES + 1):
                with self._begin(write) as conn:
                    try:
                        result = fn(conn)
                        if commit:
                            conn.execute("COMMIT")
                        else:
                            conn.execute("ROLLBACK")
                        return result
                    except sqlite3.OperationalError as exc:
                        conn.execute("ROLLBACK") if conn.in_transaction else None
                        if _is_locked(exc) and attempt < LOCK_RETRIES:
                            time.sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + random.random()))
                            continue
                        raise
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
            raise StoreBusy(f"database {self.path} is busy")  # pragma: no cover - loop returns

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A consistent read: one deferred transaction, always rolled back."""
        return self.transaction(fn, write=False, commit=False)

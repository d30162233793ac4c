"""SQLite connections, configured for safe concurrent use, and the transaction helpers.

WAL + synchronous=NORMAL: a commit survives a process crash (the WAL is fsynced at
checkpoints; a power cut may lose the last commits, never corrupt). Writers take the lock up
front with BEGIN IMMEDIATE, so a read-then-write can never be overtaken by another process.

One writer connection, serialised by `lock`, and a pool of reader connections: in WAL mode a
reader never waits for a writer, so reads go to their own connection and never queue behind a
write that is waiting for another process's lock. A writer waits at most `write_wait` seconds
in all (for this process's lock and the file's), then gives up with `StoreBusy` (503).
Every SQLite failure that says something about the file (locked, full, read-only, damaged)
leaves here as a `StorageError` whose message says what happened to which file.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TypeVar

from .storage_errors import StorageError, StoreBusy, storage_error
from .store_api import COUNTERS, NUMBERED_TABLES

__all__ = ["WRITE_WAIT", "SqliteStore", "StorageError", "Store", "StoreBusy", "connect"]

T = TypeVar("T")

# How long a writer waits, in all, for the database lock before answering 503 BUSY.
WRITE_WAIT = 5.0
# Readers only ever wait for the rare WAL-index recovery, never for writers.
READ_BUSY_TIMEOUT_MS = 1000
MAX_IDLE_READERS = 8


def connect(path: str | Path, *, busy_timeout_ms: int = int(WRITE_WAIT * 1000)
            ) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class SqliteStore:
    """The writer connection behind a lock, reader connections from a pool (the SQLite
    implementation of store_api.Store)."""

    kind = "sqlite"
    row_lock = ""  # BEGIN IMMEDIATE already holds the whole file

    def __init__(self, path: str | Path, *, write_wait: float = WRITE_WAIT) -> None:
        self.path = str(path)
        self.location = self.path
        self.write_wait = write_wait
        try:
            self.conn = connect(path)
        except sqlite3.Error as exc:
            raise self.classify(exc) from None
        self.lock = threading.RLock()
        self._idle_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        with self.lock, self._readers_lock:
            self._closed = True
            for conn in self._idle_readers:
                conn.close()
            self._idle_readers.clear()
            self.conn.close()

    def classify(self, exc: sqlite3.Error) -> BaseException:
        """The StorageError this SQLite error stands for, else the error itself."""
        return storage_error(exc, self.path, self.write_wait) or exc

    # -- writes -----------------------------------------------------------------------------

    def transaction(self, fn: Callable[[sqlite3.Connection], T], *, write: bool = True,
                    commit: bool = True) -> T:
        """Run fn inside one transaction; commit on success, roll back on any error.

        `commit=False` always rolls back: a dry run that sees its own writes. `write=False`
        is a read (see `read`).
        """
        if not write:
            return self.read(fn)
        deadline = time.monotonic() + self.write_wait
        if not self.lock.acquire(timeout=self.write_wait):
            raise StoreBusy.waited(self.path, self.write_wait,
                                   "other writers in this process held it")
        try:
            attempt = 0
            while True:
                try:
                    return self._write_once(fn, commit, deadline)
                except sqlite3.OperationalError as exc:
                    left = deadline - time.monotonic()
                    if not _is_busy(exc) or left <= 0:
                        raise
                    attempt += 1
                    time.sleep(min(left, 0.01 * 2 ** min(attempt, 5)) * (0.5 + random.random()))
        except sqlite3.Error as exc:
            raise self.classify(exc) from None
        finally:
            self.lock.release()

    def _write_once(self, fn: Callable[[sqlite3.Connection], T], commit: bool,
                    deadline: float) -> T:
        conn = self.conn
        # SQLite's own wait for the file lock ends with this transaction's deadline.
        conn.execute(f"PRAGMA busy_timeout = {max(1, int((deadline - time.monotonic()) * 1000))}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT" if commit else "ROLLBACK")
            return result
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def check_writable(self) -> None:
        """Fail now, with a StorageError, when the file cannot be written (read-only,
        locked for longer than `write_wait`): a start-up check, changes nothing."""
        self.transaction(lambda c: c.execute("CREATE TABLE _write_probe (x)"), commit=False)

    def lock_basket(self, conn: sqlite3.Connection, basket_id: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already holds the whole file for this write."""

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Nothing to hold: one file is served by one `serve` (its workers fork after the
        parent has seeded it)."""
        return nullcontext()

    # -- schema and id counters ---------------------------------------------------------------

    def migrate(self) -> int:
        from . import schema

        with self.lock:
            try:
                current = _file_schema_version(self.conn)
                if current == schema.SCHEMA_VERSION:
                    # sqlite-utils only to migrate: opening a current file skips its import
                    # (the CLI's local read starts faster).
                    return current
                import sqlite_utils

                return schema.migrate(sqlite_utils.Database(self.conn), self.path)
            except sqlite3.Error as exc:
                raise self.classify(exc) from None

    def schema_version(self) -> int:
        def version(conn: sqlite3.Connection) -> int:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'"
                            ).fetchone() is None:
                return 0
            return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0

        return self.read(version)

    def reset_ids(self, conn: sqlite3.Connection, tables: Sequence[str]) -> None:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            conn.execute(f"DELETE FROM sqlite_sequence WHERE name IN "
                         f"({', '.join('?' * len(tables))})", tuple(tables))

    def id_high_water(self, conn: sqlite3.Connection, table: str) -> int:
        """The largest id the table ever handed out (AUTOINCREMENT keeps it; a plain rowid
        table, like promotions, numbers from its largest key)."""
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        top = conn.execute(f"SELECT max({COUNTERS[table]}) FROM {table}").fetchone()[0]
        return max(row[0] if row else 0, top or 0)

    def set_id_high_water(self, conn: sqlite3.Connection, table: str, value: int) -> None:
        if table not in NUMBERED_TABLES:
            return  # a rowid table has no counter to set: it follows its largest key
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        if value:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value))

    # -- reads ------------------------------------------------------------------------------

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A consistent read on a reader connection: one deferred transaction, rolled back.
        Never waits for a writer (WAL)."""
        conn = self._take_reader()
        try:
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise self.classify(exc) from None
        finally:
            self._give_back(conn)

    def read_one(self, sql: str, params: tuple = ()) -> tuple | None:
        """One row of one statement (atomic on its own, so no transaction is needed)."""
        conn = self._take_reader()
        try:
            return conn.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise self.classify(exc) from None
        finally:
            self._give_back(conn)

    def _take_reader(self) -> sqlite3.Connection:
        with self._readers_lock:
            if self._idle_readers:
                return self._idle_readers.pop()
        try:
            conn = connect(self.path, busy_timeout_ms=READ_BUSY_TIMEOUT_MS)
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise self.classify(exc) from None
        return conn

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._readers_lock:
            if not self._closed and len(self._idle_readers) < MAX_IDLE_READERS:
                self._idle_readers.append(conn)
                return
        conn.close()



# The name every caller used before there was a second store.
Store = SqliteStore


def _file_schema_version(conn: sqlite3.Connection) -> int:
    """The file's schema version (0: none yet), read without sqlite-utils."""
    try:
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.OperationalError:  # no such table: a new file
        return 0
    return row[0] or 0

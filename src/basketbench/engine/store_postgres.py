"""The PostgreSQL store: one database shared by many server processes on many hosts.

Writes run in READ COMMITTED transactions from a pool of connections; a mutation first locks
its basket's row (`SELECT ... FOR UPDATE`), so two processes never change one basket at once,
and the engine's optimistic versions (If-Match) work as on SQLite. A basket that does not
exist yet has no row to lock: its creators queue on a transaction-scoped advisory lock on
its id instead, then lock the row the first of them made. Reads run in REPEATABLE READ, READ
ONLY transactions from a second pool, so a read sees one snapshot and never waits for a
writer, and reads can never take every connection from the writers.

Every wait is bounded by `write_wait`: the pool's wait for a connection and PostgreSQL's
`lock_timeout`; past it the change fails with StoreBusy (503 + Retry-After). A deadlock or
serialisation failure (two merges locking two baskets in opposite orders) is retried until
that deadline. Faults of the server (unreachable, read-only, disk full) leave as the same
StorageError kinds the SQLite store raises.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg_pool import ConnectionPool, PoolTimeout

from ..redact import redact_url
from . import schema_postgres
from .schema import SCHEMA_VERSION
from .storage_errors import SchemaTooNew, StorageError, StoreBusy, StoreFull, StoreReadOnly
from .store import WRITE_WAIT
from .store_api import COUNTERS, NUMBERED_TABLES

T = TypeVar("T")

WRITE_POOL = 8
READ_POOL = 8
_RETRY = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
# The SQL states that mean "waited too long for a lock" (lock_timeout, statement_timeout).
_BUSY = (pg_errors.LockNotAvailable, pg_errors.QueryCanceled, pg_errors.TooManyConnections)


class _BoolAsInt(Dumper):
    """Python booleans go in as 0/1 integers, as SQLite stores them (the flag columns are
    integers on both stores, so one SQL text serves both)."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _BoolAsIntBinary(_BoolAsInt):
    format = Format.BINARY

    def dump(self, obj: bool) -> bytes:
        return (1 if obj else 0).to_bytes(8, "big")


class _Cursor(psycopg.Cursor):
    """A psycopg cursor that also carries `lastrowid` (see PgConn.execute)."""

    lastrowid: int | None = None


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, bool]:
    """(the statement in psycopg's parameter style, whether it must return the new id).

    `?` outside quotes becomes `%s` and a literal `%` becomes `%%`. A single-row INSERT into
    a numbered table gets `RETURNING id`, which stands in for SQLite's lastrowid."""
    out, quoted = [], False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    text = "".join(out)
    head = text.lstrip()[:40].upper()
    returning = any(head.startswith(f"INSERT INTO {t.upper()} ") for t in NUMBERED_TABLES) \
        and "RETURNING" not in text.upper()
    return (text + " RETURNING id" if returning else text), returning


class PgConn:
    """A psycopg connection behind the store interface's Conn: SQLite's `?` style."""

    __slots__ = ("raw", "statements")

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw
        self.statements = 0  # run so far: none means a lost connection changed nothing

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        text, returning = translate(sql)
        cur = self.raw.cursor()
        cur.execute(text, tuple(params))
        self.statements += 1
        if returning:
            row = cur.fetchone()
            cur.lastrowid = row[0] if row else None  # type: ignore[attr-defined]
        return cur  # type: ignore[return-value]

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row of an aggregate (always one row)."""
        row = self.execute(sql, params).fetchone()
        assert row is not None, sql
        return row[0]

    def executemany(self, sql: str, seq: Any) -> _Cursor:
        text, _ = translate(sql)
        if text.endswith(" RETURNING id"):
            text = text[: -len(" RETURNING id")]
        cur = self.raw.cursor()
        cur.executemany(text, [tuple(p) for p in seq])
        return cur  # type: ignore[return-value]


class PostgresStore:
    kind = "postgresql"
    row_lock = " FOR UPDATE"

    def __init__(self, url: str, *, write_wait: float = WRITE_WAIT,
                 write_pool: int = WRITE_POOL, read_pool: int = READ_POOL) -> None:
        self.url = url
        self.location = redact_url(url)
        self.write_wait = write_wait
        lock_ms = max(1, int(write_wait * 1000))

        def configure_writer(conn: psycopg.Connection) -> None:
            _adapt(conn)
            conn.execute(f"SET lock_timeout = {lock_ms}")
            conn.commit()

        def configure_reader(conn: psycopg.Connection) -> None:
            _adapt(conn)
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True

        kwargs = {"cursor_factory": _Cursor}
        try:
            self._writes = ConnectionPool(url, min_size=1, max_size=write_pool,
                                          kwargs=kwargs, configure=configure_writer,
                                          timeout=write_wait, open=False, name="writes")
            self._reads = ConnectionPool(url, min_size=1, max_size=read_pool, kwargs=kwargs,
                                         configure=configure_reader, timeout=write_wait,
                                         open=False, name="reads")
            self._writes.open(wait=True, timeout=write_wait)
            self._reads.open(wait=True, timeout=write_wait)
        except (psycopg.Error, PoolTimeout) as exc:
            self.close()
            raise self._unreachable(exc) from None

    def close(self) -> None:
        for pool in (getattr(self, "_writes", None), getattr(self, "_reads", None)):
            if pool is not None:
                pool.close()

    # -- errors -----------------------------------------------------------------------------

    def _unreachable(self, exc: BaseException) -> StorageError:
        return StorageError(f"The PostgreSQL database {self.location} cannot be reached "
                            f"({_first_line(exc)}): check that the server is running and the "
                            "URL (host, port, database, user) is right.")

    def classify(self, exc: BaseException) -> BaseException:
        """The StorageError a psycopg error stands for, else the error itself."""
        text = _first_line(exc)
        if isinstance(exc, PoolTimeout):
            return StoreBusy.waited(self.location, self.write_wait,
                                    "no connection of this process became free or could be "
                                    "made")
        if isinstance(exc, (*_BUSY, *_RETRY)):
            return StoreBusy.waited(self.location, self.write_wait,
                                    f"by another process or connection: {text}")
        if isinstance(exc, pg_errors.DiskFull):
            return StoreFull(f"The disk of the PostgreSQL database {self.location} is full "
                             f"({text}): the change was not saved.")
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            return StoreReadOnly(f"The PostgreSQL database {self.location} is read-only "
                                 f"({text}): point --store at the primary server.")
        if isinstance(exc, pg_errors.UndefinedTable):
            return StorageError(f"The PostgreSQL database {self.location} has no basketbench "
                                f"schema ({text}): run `basketbench store migrate URL`.")
        if isinstance(exc, psycopg.OperationalError):
            return self._unreachable(exc)
        return exc

    # -- writes -----------------------------------------------------------------------------

    def transaction(self, fn: Callable[[Any], T], *, write: bool = True,
                    commit: bool = True) -> T:
        if not write:
            return self.read(fn)
        deadline = time.monotonic() + self.write_wait
        attempt = 0
        while True:
            conn: PgConn | None = None
            try:
                with self._writes.connection() as raw:
                    conn = PgConn(raw)
                    return self._write_once(conn, fn, commit)
            except _RETRY as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self.classify(exc) from None
                attempt += 1
                time.sleep(min(left, 0.005 * 2 ** min(attempt, 5)) * (0.5 + random.random()))
            except psycopg.OperationalError as exc:
                if not _lost_before_use(conn) or attempt >= WRITE_POOL:
                    raise self.classify(exc) from None
                attempt += 1  # a pooled connection the server had closed: take another
            except (psycopg.Error, PoolTimeout) as exc:
                raise self.classify(exc) from None

    @staticmethod
    def _write_once(conn: PgConn, fn: Callable[[Any], T], commit: bool) -> T:
        raw = conn.raw
        try:
            result = fn(conn)
        except BaseException:
            if not raw.broken:
                raw.rollback()
            raise
        if commit:
            raw.commit()
        else:
            raw.rollback()
        return result

    def check_writable(self) -> None:
        row = self.read_one("SELECT pg_is_in_recovery()")
        if row and row[0]:
            raise StoreReadOnly(f"The PostgreSQL database {self.location} is a read-only "
                                "standby: point --store at the primary server.")

    def lock_basket(self, conn: PgConn, basket_id: str) -> None:
        if conn.execute("SELECT 1 FROM baskets WHERE id = ? FOR UPDATE",
                        (basket_id,)).fetchone():
            return
        # No row yet: queue the basket's creators on its id, then lock the row the first
        # of them may have committed meanwhile (READ COMMITTED: each statement sees it).
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (basket_id,))
        conn.execute("SELECT 1 FROM baskets WHERE id = ? FOR UPDATE", (basket_id,))

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """A session advisory lock on the name, on a connection kept for the duration."""
        try:
            with self._writes.connection() as raw:
                raw.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (name,))
                raw.commit()
                try:
                    yield
                finally:
                    if not raw.broken:
                        raw.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))",
                                    (name,))
                        raw.commit()
        except (psycopg.Error, PoolTimeout) as exc:
            raise self.classify(exc) from None

    # -- reads ------------------------------------------------------------------------------

    def read(self, fn: Callable[[Any], T]) -> T:
        for attempt in range(READ_POOL + 1):
            conn: PgConn | None = None
            try:
                with self._reads.connection() as raw:
                    conn = PgConn(raw)
                    try:
                        return fn(conn)
                    finally:
                        if not raw.broken:
                            raw.rollback()
            except psycopg.OperationalError as exc:
                if not _lost_before_use(conn) or attempt == READ_POOL:
                    raise self.classify(exc) from None
            except (psycopg.Error, PoolTimeout) as exc:
                raise self.classify(exc) from None
        raise AssertionError("unreachable")

    def read_one(self, sql: str, params: tuple = ()) -> tuple | None:
        """One statement needs no transaction: run it in autocommit, one round trip instead
        of three (BEGIN, the statement, ROLLBACK); the GET cache's check and token lookups
        make one on every request."""
        def one(conn: PgConn) -> tuple | None:
            conn.raw.autocommit = True
            try:
                return conn.execute(sql, params).fetchone()
            finally:
                if not conn.raw.broken:
                    conn.raw.autocommit = False

        return self.read(one)

    # -- schema and id counters -------------------------------------------------------------

    def migrate(self) -> int:
        """Create or upgrade the schema in one transaction; concurrent starters (several
        workers or hosts at once) queue on an advisory lock, and the later ones find it
        done."""
        def tx(conn: PgConn) -> int:
            conn.execute("SELECT pg_advisory_xact_lock(5157)")  # any fixed number: "migrate"
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                         "(version BIGINT NOT NULL, applied TEXT)")
            version = conn.value("SELECT max(version) FROM schema_version") or 0
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"The PostgreSQL database {self.location} has schema version {version}, "
                    f"newer than this basketbench understands ({SCHEMA_VERSION}): it was "
                    "written by a later release. Upgrade basketbench on every host.")
            if version == 0:
                schema_postgres._baseline(conn)
                version = schema_postgres.BASELINE
                self._mark(conn, version)
            while version < SCHEMA_VERSION:
                schema_postgres.STEPS[version](conn)
                version += 1
                self._mark(conn, version)
            return version

        return self.transaction(tx)

    @staticmethod
    def _mark(conn: PgConn, version: int) -> None:
        conn.execute("INSERT INTO schema_version VALUES (?, to_char(now() AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD HH24:MI:SS'))", (version,))

    def schema_version(self) -> int:
        def version(conn: PgConn) -> int:
            if conn.value("SELECT to_regclass('schema_version')") is None:
                return 0
            return conn.value("SELECT max(version) FROM schema_version") or 0

        return self.read(version)

    def reset_ids(self, conn: PgConn, tables: Sequence[str]) -> None:
        for table in tables:
            self.set_id_high_water(conn, table, 0)

    def id_high_water(self, conn: PgConn, table: str) -> int:
        column = COUNTERS[table]
        last, called = conn.execute(
            f"SELECT last_value, is_called FROM {table}_{column}_seq").fetchone() or (1, False)
        top = conn.value(f"SELECT max({column}) FROM {table}")
        # Not yet called, the sequence hands out last_value next: one less was the last.
        return max(last if called else last - 1, top or 0)

    def set_id_high_water(self, conn: PgConn, table: str, value: int) -> None:
        # setval(.., false) makes the next id `value + 1` exactly, 1 after a reset.
        conn.execute("SELECT setval(pg_get_serial_sequence(?, ?), ?, false)",
                     (table, COUNTERS[table], value + 1))


def _lost_before_use(conn: PgConn | None) -> bool:
    """A pooled connection found dead at its first statement (the server restarted, a proxy
    closed it while idle): nothing was sent, so another connection may safely run it all."""
    return conn is not None and conn.statements == 0 and conn.raw.broken


def _adapt(conn: psycopg.Connection) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_dumper(bool, _BoolAsIntBinary)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

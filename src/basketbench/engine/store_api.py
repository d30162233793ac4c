"""The store interface: what the engine asks of a database, whichever one it is.

Two stores implement it: `store.SqliteStore` (a file, the embedded default) and
`store_postgres.PostgresStore` (a server shared by several processes and hosts). The engine's
rules see only this interface and write one SQL dialect, the subset both databases speak:

- `?` parameters (the PostgreSQL store turns them into its own);
- upserts as `INSERT ... ON CONFLICT (...) DO UPDATE/NOTHING` (never `INSERT OR REPLACE`);
- `cursor.lastrowid` only after a single-row INSERT into a table with an `id` key that the
  store numbers itself (`lines`, `sessions`);
- blobs are `bytes`, booleans are 0/1 integers, times ISO text or Unix-second floats.

Everything else that differs (connections, transactions, locks, id counters, schema
versions, which errors mean "busy" or "full") stays inside the stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

# Tables whose `id` the store numbers and whose INSERT may read `lastrowid`.
NUMBERED_TABLES = ("lines", "sessions")
# Every column the store numbers (SQLite AUTOINCREMENT or rowid, PostgreSQL identity), by
# table: a copy carries each counter's high-water mark along with the rows, so line and
# session ids are never reused.
COUNTERS = {"lines": "id", "sessions": "id", "promotions": "promo_id"}

# Every table of the schema, parents before children: the order a copy writes them in.
TABLES = ("meta", "products", "product_prices", "promotions", "shipping_methods",
          "shipping_prices", "stores", "users", "baskets", "lines", "basket_promos",
          "sessions", "basket_history", "basket_history_chunks", "auth_tokens", "auth_failures")


class Cursor(Protocol):
    rowcount: int
    lastrowid: Any
    description: Any

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ...) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """One connection inside one transaction (a write) or one snapshot (a read)."""

    # Positional-only, as sqlite3.Connection declares them.
    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, seq: Any, /) -> Any: ...


class Store(Protocol):
    kind: str        # "sqlite" or "postgresql"
    location: str    # the file, or the URL without its password: safe to show and log
    write_wait: float
    # Appended to a SELECT of a row the transaction will then write: " FOR UPDATE" where rows
    # are locked one by one, "" where a write transaction holds everything already (SQLite).
    row_lock: str

    def transaction(self, fn: Callable[[Any], T], *, write: bool = True,
                    commit: bool = True) -> T:
        """fn(conn) in one write transaction: committed when fn returns (rolled back instead
        with commit=False: a dry run), rolled back when it raises. May run fn again after a
        deadlock, so fn must start from what it reads. Waits at most `write_wait` seconds
        for locks, then raises StoreBusy."""
        ...

    def read(self, fn: Callable[[Any], T]) -> T:
        """fn(conn) on one consistent snapshot; never waits for writers."""
        ...

    def read_one(self, sql: str, params: tuple = ()) -> tuple | None:
        """The first row of one statement, outside any transaction."""
        ...

    def lock_basket(self, conn: Any, basket_id: str) -> None:
        """Inside a write: hold the basket (existing or about to be created) until commit,
        so two processes never change it at once."""
        ...

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Held across several transactions, by one process of all those on the store at a
        time (seeding an empty database while other hosts start)."""
        ...

    def migrate(self) -> int:
        """Create or upgrade the schema; returns its version (StorageError if newer)."""
        ...

    def schema_version(self) -> int: ...
    def check_writable(self) -> None: ...

    def reset_ids(self, conn: Any, tables: Sequence[str]) -> None:
        """Start these tables' id counters again (an emptied demo database)."""
        ...

    def id_high_water(self, conn: Any, table: str) -> int: ...
    def set_id_high_water(self, conn: Any, table: str, value: int) -> None: ...
    def close(self) -> None: ...


def is_url(location: str | Path) -> bool:
    """Whether a --db/--store value names a PostgreSQL server rather than a file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))

"""Opening the store a --db/--store value names (store_api.py is the interface; this module
knows both implementations, so the interface itself imports neither)."""

from __future__ import annotations

from pathlib import Path

from .store_api import Store, is_url


def open_store(location: str | Path, *, write_wait: float | None = None) -> Store:
    """The store a --db/--store value names: a postgresql:// URL, else a SQLite file."""
    from .store import WRITE_WAIT

    wait = WRITE_WAIT if write_wait is None else write_wait
    if is_url(location):
        from .store_postgres import PostgresStore

        return PostgresStore(str(location), write_wait=wait)
    from .store import SqliteStore

    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore(path, write_wait=wait)

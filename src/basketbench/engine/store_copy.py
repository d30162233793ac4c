"""`basketbench store copy`: every row of one store into another, either way between a
SQLite file and a PostgreSQL database.

The source is read in one snapshot; the destination is written in one transaction, so a
failed copy leaves it as it was (its schema is created first, in its own transaction, when
it has none). A destination that already holds data is refused unless `replace` is given,
which empties it in the same transaction. Id counters (lines, sessions, promotions) carry
their high-water marks over, so ids are never reused after a copy either.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationError
from .schema import SCHEMA_VERSION
from .storage_errors import StorageError
from .store_api import COUNTERS, TABLES, Store

BATCH = 1000


def copy(source: Store, destination: Store, *, replace: bool = False) -> dict[str, int]:
    """Copy every table; returns the number of rows copied per table."""
    if source.location == destination.location:
        raise ValidationError(f"the source and the destination are the same store "
                              f"({source.location})", ["DST: must differ from SRC"])
    version = source.schema_version()
    if version != SCHEMA_VERSION:
        raise StorageError(f"The source {source.location} has schema version {version}, "
                           f"this basketbench writes {SCHEMA_VERSION}: run `basketbench "
                           f"store migrate {source.location}` first.")
    destination.migrate()

    def write(dst: Any, src: Any) -> dict[str, int]:
        held = {t: dst.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        if any(held.values()) and not replace:
            busy = ", ".join(f"{t} {n}" for t, n in held.items() if n)
            raise ValidationError(
                f"The destination {destination.location} is not empty ({busy} rows): "
                "nothing was copied. Use --replace to empty it first.",
                [f"DST: not empty ({busy} rows)"])
        for table in reversed(TABLES):  # children first: foreign keys
            dst.execute(f"DELETE FROM {table}")
        counts = {}
        for table in TABLES:
            try:
                counts[table] = _copy_table(src, dst, table)
            # A row the destination refuses, as either driver's own error: say which table.
            except Exception as exc:  # noqa: BLE001 - reported with the table, nothing copied
                text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise StorageError(f"Copying table {table} into {destination.location} "
                                   f"failed ({text}); nothing was copied.") from None
        for table in COUNTERS:
            destination.set_id_high_water(dst, table, source.id_high_water(src, table))
        return counts

    return source.read(lambda src: destination.transaction(lambda dst: write(dst, src)))


def _copy_table(src: Any, dst: Any, table: str) -> int:
    """The destination's columns, read by name from the source (column order may differ)."""
    columns = [d[0] for d in dst.execute(f"SELECT * FROM {table} LIMIT 0").description]
    names = ", ".join(columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    cursor = src.execute(f"SELECT {names} FROM {table}")
    total = 0
    while rows := cursor.fetchmany(BATCH):
        dst.executemany(insert, [tuple(r) for r in rows])
        total += len(rows)
    return total

"""Failed token requests, counted per client id / user and per address, with lock-out.

Kept in the database (table `auth_failures`) so the count is one across every server
process on the store (the SQLite file, or the PostgreSQL database of every host).
`max_failures` failures of one key within `window` seconds lock that key out for `lockout`
seconds: a locked-out request is answered 429 with `Retry-After` before any secret is
checked (so it costs no hashing either). A success clears the name's count, never
the address's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ..engine.store_api import Store


@dataclass(frozen=True)
class Limits:
    per_name: int = 5        # failures for one client id or user name
    per_address: int = 20    # failures from one client address, whatever the name
    window: float = 300.0    # seconds over which failures are counted
    lockout: float = 60.0    # seconds a key stays locked once over its limit


@dataclass(frozen=True)
class Key:
    name: str
    limit: int


class RateLimiter:
    def __init__(self, store: Store, limits: Limits = Limits(), clock=time.time) -> None:
        self.store = store
        self.limits = limits
        self.clock = clock

    def keys(self, kind: str, name: str | None, address: str | None) -> list[Key]:
        """The keys one token request counts against: its name (when given) and address."""
        keys = [Key(f"{kind}:{name.lower()}", self.limits.per_name)] if name else []
        if address:
            keys.append(Key(f"address:{address}", self.limits.per_address))
        return keys

    def locked_for(self, keys: list[Key]) -> tuple[int, str | None]:
        """(whole seconds until every key is free, the key locked longest), or (0, None).
        One read per key, never waiting for a writer."""
        now = self.clock()
        worst, which = 0.0, None
        for key in keys:
            row = self.store.read_one("SELECT locked_until FROM auth_failures WHERE key = ?",
                                      (key.name,))
            if row and row[0] - now > worst:
                worst, which = row[0] - now, key.name
        return math.ceil(worst), which

    def failed(self, keys: list[Key]) -> None:
        now = self.clock()
        for_update = self.store.row_lock

        def tx(conn):
            for key in keys:
                # The row first (an empty count), then locked (on PostgreSQL): two processes
                # counting one key's first failures at once must not both count from nothing.
                conn.execute("INSERT INTO auth_failures VALUES (?, 0, ?, 0) "
                             "ON CONFLICT (key) DO NOTHING", (key.name, now))
                row = conn.execute("SELECT failures, window_start FROM auth_failures "
                                   f"WHERE key = ?{for_update}", (key.name,)).fetchone()
                if row is None or now - row[1] > self.limits.window:
                    failures, start = 1, now
                else:
                    failures, start = row[0] + 1, row[1]
                locked = now + self.limits.lockout if failures >= key.limit else 0
                conn.execute("INSERT INTO auth_failures VALUES (?, ?, ?, ?) ON CONFLICT (key) "
                             "DO UPDATE SET failures = excluded.failures, window_start = "
                             "excluded.window_start, locked_until = excluded.locked_until",
                             (key.name, 0 if locked else failures, now if locked else start,
                              locked))

        self.store.transaction(tx)

    def succeeded(self, keys: list[Key]) -> None:
        """Clear the name keys (the first of `keys` when a name was given)."""
        names = [k.name for k in keys if not k.name.startswith("address:")]
        # A read first: most successes have nothing to clear and need no write.
        names = [n for n in names if self.store.read_one(
            "SELECT 1 FROM auth_failures WHERE key = ?", (n,))]
        if names:
            self.store.transaction(lambda conn: conn.executemany(
                "DELETE FROM auth_failures WHERE key = ?", [(n,) for n in names]))

"""Issued tokens, kept in the database (table `auth_tokens`), so every server process on the
store (a SQLite file or a shared PostgreSQL database) accepts every token and a revocation
is seen by all of them at once.

Only a token's SHA-256 is stored, never the token (tokens are 256 random bits, so a fast hash
is enough). An access token and the refresh token issued with it share a grant id: using the
refresh token rotates it within the grant, revoking it revokes the grant. Times are Unix
seconds (a monotonic clock is not shared between processes).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from ..engine.store_api import Store
from .principal import Principal

REFRESH_TTL = 30 * 24 * 3600
# Expired rows are deleted a few at a time whenever tokens are issued.
_PRUNE_SQL = ("DELETE FROM auth_tokens WHERE token_hash IN (SELECT token_hash FROM auth_tokens "
              "WHERE expires < ? LIMIT 100)")


@dataclass(frozen=True)
class Grant:
    kind: str  # "bettercommerce" or "nexudus"
    principal: Principal
    expires: float


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _refresh_kind(kind: str) -> str:
    return f"{kind}-refresh"


class TokenStore:
    def __init__(self, store: Store, clock=time.time) -> None:
        self.store = store
        self.clock = clock

    def _insert(self, conn, kind: str, grant_id: str, principal: Principal, ttl: float) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        conn.execute("INSERT INTO auth_tokens VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (token_hash(token), kind, grant_id, principal.name,
                      json.dumps(sorted(principal.roles)), now, now + ttl))
        return token

    def issue(self, kind: str, principal: Principal, ttl: float, *,
              grant_id: str | None = None) -> tuple[str, str]:
        """(access token, refresh token) of one grant, in one transaction."""
        grant_id = grant_id or secrets.token_hex(16)

        def tx(conn):
            conn.execute(_PRUNE_SQL, (self.clock(),))
            return (self._insert(conn, kind, grant_id, principal, ttl),
                    self._insert(conn, _refresh_kind(kind), grant_id, principal, REFRESH_TTL))

        return self.store.transaction(tx)

    def refresh(self, kind: str, token: str, ttl: float, *, name: str | None = None
                ) -> tuple[Principal, str, str] | None:
        """Use a refresh token once: it is replaced by a new pair in the same grant.
        None when it is unknown, used, revoked, expired, of the other API, or (when `name`
        is given) issued to someone else; a token refused for its name stays usable."""
        def tx(conn):
            row = conn.execute("SELECT grant_id, principal, roles, expires FROM auth_tokens "
                               "WHERE token_hash = ? AND kind = ?",
                               (token_hash(token), _refresh_kind(kind))).fetchone()
            if row is None or (name is not None and row[1] != name):
                return None
            # Whoever deletes the row uses the token: a second process that read it at the
            # same moment (PostgreSQL, READ COMMITTED) deletes nothing and gets nothing.
            if conn.execute("DELETE FROM auth_tokens WHERE token_hash = ?",
                            (token_hash(token),)).rowcount == 0:
                return None
            if row[3] <= self.clock():
                return None
            principal = Principal(row[1], frozenset(json.loads(row[2])))
            return (principal, self._insert(conn, kind, row[0], principal, ttl),
                    self._insert(conn, _refresh_kind(kind), row[0], principal, REFRESH_TTL))

        return self.store.transaction(tx)

    def lookup(self, token: str) -> tuple[Grant | None, str]:
        """(grant, "") or (None, why): "unknown" or "expired". One indexed read that never
        waits for a writer, so it is safe on the event loop."""
        row = self.store.read_one("SELECT kind, principal, roles, expires FROM auth_tokens "
                                  "WHERE token_hash = ?", (token_hash(token),))
        if row is None or row[0].endswith("-refresh"):
            return None, "unknown"
        if row[3] <= self.clock():
            return None, "expired"
        return Grant(row[0], Principal(row[1], frozenset(json.loads(row[2]))), row[3]), ""

    def revoke(self, token: str) -> bool:
        """Revoke an access token, or a refresh token with its whole grant (RFC 7009 §2.1).
        False when the token is unknown (the caller answers 200 all the same)."""
        def tx(conn):
            row = conn.execute("SELECT kind, grant_id FROM auth_tokens WHERE token_hash = ?",
                               (token_hash(token),)).fetchone()
            if row is None:
                return False
            if row[0].endswith("-refresh"):
                conn.execute("DELETE FROM auth_tokens WHERE grant_id = ?", (row[1],))
            else:
                conn.execute("DELETE FROM auth_tokens WHERE token_hash = ?", (token_hash(token),))
            return True

        return self.store.transaction(tx)

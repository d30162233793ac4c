"""Bearer-token auth for the sandbox (`serve --auth token`).

Two token flows, as the real services have them:
- BetterCommerce: `POST /oAuth/Token`, form `grant_type=client_credentials`, `client_id`,
  `client_secret` -> `{access_token, token_type, expires_in}`. Any valid client may call every
  BetterCommerce route.
- Nexudus: `POST /api/token`, form `grant_type=password`, `username`, `password` (or
  `grant_type=refresh_token`, `refresh_token`) -> `{access_token, token_type, refresh_token,
  expires_in}`. BasketSession routes need the role for the verb (`BasketSession-Create`,
  `-Read`, `-Update`, `-Delete`) or a full administrator role (`admin`).

Secrets are kept only as salted PBKDF2-SHA256 hashes and compared in constant time, on their
own thread (secret_check.py). Tokens are random, kept in the database under their SHA-256
(token_store.py), expire and can be revoked; failed token requests are rate-limited with
lock-out (rate_limit.py). The config file (TOML) is documented in docs/server.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .principal import Principal
from .rate_limit import Limits

ALGO = "pbkdf2_sha256"
ITERATIONS = 100_000
NEXUDUS_VERB_ROLES = {"POST": "BasketSession-Create", "GET": "BasketSession-Read",
                      "HEAD": "BasketSession-Read", "PUT": "BasketSession-Update",
                      "PATCH": "BasketSession-Update", "DELETE": "BasketSession-Delete"}
DEFAULT_TTL = 3600


class AuthConfigError(ValueError):
    """The auth config file is unreadable or wrong; the message names the entry."""


def hash_secret(secret: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, iterations)
    b64 = lambda b: base64.urlsafe_b64encode(b).decode("ascii").rstrip("=")  # noqa: E731
    return f"{ALGO}${iterations}${b64(salt)}${b64(digest)}"


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_hash(stored: str) -> None:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != ALGO or not (parts[1].isascii() and parts[1].isdigit()):
        raise AuthConfigError(f"not a {ALGO}$iterations$salt$hash value")
    try:
        _unb64(parts[2]), _unb64(parts[3])
    except ValueError:
        raise AuthConfigError("salt or hash is not base64") from None


def verify_secret(secret: str, stored: str) -> bool:
    _, iterations, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), _unb64(salt),
                                    int(iterations))
    return hmac.compare_digest(candidate, _unb64(digest))


# A hash nobody knows the secret of: unknown names still cost one PBKDF2 run, so a caller
# cannot tell a wrong name from a wrong secret by the time taken.
_DUMMY_HASH = hash_secret(secrets.token_urlsafe(16))


def _limits(table: object, where: str) -> Limits:
    """The optional [limits] table: per_name, per_address, window, lockout (positive)."""
    if not isinstance(table, dict):
        raise AuthConfigError(f"{where}: [limits] must be a table")
    known = Limits.__dataclass_fields__
    values: dict[str, float] = {}
    for key, value in table.items():
        if key not in known:
            raise AuthConfigError(f"{where}: limits.{key} is not a known limit "
                                  f"({', '.join(known)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise AuthConfigError(f"{where}: limits.{key} must be a positive number")
        values[key] = value
    default = Limits()
    return Limits(per_name=int(values.get("per_name", default.per_name)),
                  per_address=int(values.get("per_address", default.per_address)),
                  window=float(values.get("window", default.window)),
                  lockout=float(values.get("lockout", default.lockout)))


@dataclass
class AuthConfig:
    clients: dict[str, tuple[str, Principal]] = field(default_factory=dict)
    users: dict[str, tuple[str, Principal]] = field(default_factory=dict)
    token_ttl: int = DEFAULT_TTL
    limits: Limits = field(default_factory=Limits)

    def add_client(self, client_id: str, secret_hash: str, roles=()) -> None:
        self.clients[client_id] = (secret_hash, Principal(client_id, frozenset(roles)))

    def add_user(self, username: str, password_hash: str, roles=()) -> None:
        self.users[username.lower()] = (password_hash, Principal(username, frozenset(roles)))


def load_config(path: str | Path) -> AuthConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise AuthConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AuthConfigError(f"{path}: not valid TOML ({exc})") from None
    return config_from_dict(data, str(path))


def config_from_dict(data: dict, where: str = "auth config") -> AuthConfig:
    config = AuthConfig()
    ttl = data.get("token_ttl", DEFAULT_TTL)
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
        raise AuthConfigError(f"{where}: token_ttl must be a positive number of seconds")
    config.token_ttl = ttl
    config.limits = _limits(data.get("limits", {}), where)
    for kind, name_key, hash_key in (("clients", "id", "secret_hash"),
                                     ("users", "username", "password_hash")):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise AuthConfigError(f"{where}: [[{kind}]] must be an array of tables")
        for i, entry in enumerate(entries):
            label = f"{where}: {kind}[{i}]"
            if not isinstance(entry, dict):
                raise AuthConfigError(f"{label} must be a table")
            if "secret" in entry or "password" in entry:
                raise AuthConfigError(
                    f"{label}: plain secrets are not accepted; store {hash_key} "
                    "(make one with `basketbench serve --hash-secret`)")
            name, stored = entry.get(name_key), entry.get(hash_key)
            if not isinstance(name, str) or not name:
                raise AuthConfigError(f"{label}: {name_key} is required")
            if not isinstance(stored, str):
                raise AuthConfigError(f"{label}: {hash_key} is required")
            try:
                check_hash(stored)
            except AuthConfigError as exc:
                raise AuthConfigError(f"{label}: {hash_key} is {exc}") from None
            roles = entry.get("roles", [])
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise AuthConfigError(f"{label}: roles must be a list of strings")
            if kind == "clients":
                config.add_client(name, stored, roles)
            else:
                config.add_user(name, stored, roles)
    return config


class Auth:
    """The auth policy of one server: its config, and (once bound to the engine's database)
    its tokens and failure counts, shared with every other process on that file."""

    def __init__(self, config: AuthConfig, *, token_ttl: int | None = None) -> None:
        self.config = config
        self.ttl = token_ttl or config.token_ttl

    def bind(self, store) -> Auth:
        """Attach to the database; called in each server process (after any fork)."""
        from .rate_limit import RateLimiter
        from .secret_check import SecretChecker
        from .token_store import TokenStore

        self.tokens = TokenStore(store)
        self.limiter = RateLimiter(store, self.config.limits)
        self.checker = SecretChecker()
        return self

    def client(self, client_id: str, secret: str) -> Principal | None:
        stored, principal = self.config.clients.get(client_id, (_DUMMY_HASH, None))
        ok = verify_secret(secret, stored)
        return principal if ok and principal is not None else None

    def user(self, username: str, password: str) -> Principal | None:
        stored, principal = self.config.users.get(username.lower(), (_DUMMY_HASH, None))
        ok = verify_secret(password, stored)
        return principal if ok and principal is not None else None


def demo_credentials() -> dict[str, str]:
    """A fresh client id/secret and Nexudus user/password for `serve --demo`."""
    return {"client_id": "basketbench-demo", "client_secret": secrets.token_urlsafe(18),
            "username": "admin@example.com", "password": secrets.token_urlsafe(12)}


def add_demo(config: AuthConfig, creds: dict[str, str]) -> None:
    config.add_client(creds["client_id"], hash_secret(creds["client_secret"]))
    config.add_user(creds["username"], hash_secret(creds["password"]), ["admin"])


def config_toml(clients: list[tuple[str, str]], users: list[tuple[str, str, list[str]]],
                token_ttl: int | None = None) -> str:
    """A config file's text from plain secrets (hashed here): for tests and set-up scripts."""
    import tomli_w

    data: dict = {}
    if token_ttl:
        data["token_ttl"] = token_ttl
    data["clients"] = [{"id": cid, "secret_hash": hash_secret(secret)}
                       for cid, secret in clients]
    data["users"] = [{"username": name, "password_hash": hash_secret(pw), "roles": roles}
                     for name, pw, roles in users]
    return tomli_w.dumps(data)

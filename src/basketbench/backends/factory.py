"""Build a backend from what the user gave: `--api URL`, `--profile NAME`, `--db PATH`, the
environment (`BASKETBENCH_API`, `BASKETBENCH_PROFILE`, `BASKETBENCH_DB`) or the config file's
default profile; with nothing at all, the local demo engine in the user data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, Profile, auth_url_problem, load_config
from ..redact import redact_url
from .deadline import DEFAULT_RETRIES, DEFAULT_TIMEOUT_S
from .errors import BackendError

# The sandbox's extension routes are listed in its OpenAPI document, which needs no token.
# A real BetterCommerce environment answers 404 (or HTML) here and is then never sent them.
EXTENSION_MARKER = "/api/v2/commerce/basket/catalogue/products"
PROBE_TIMEOUT_S = 5.0


def probe_extensions(base_url: str, *, timeout: float = PROBE_TIMEOUT_S,
                     verify: bool = True) -> bool:
    """True when the server at `base_url` is a basketbench sandbox with extension routes."""
    import httpx

    try:
        with httpx.Client(timeout=timeout, verify=verify, follow_redirects=False) as client:
            reply = client.get(base_url.rstrip("/") + "/openapi.json",
                               headers={"Accept": "application/json"})
        if reply.status_code != 200:
            return False
        return EXTENSION_MARKER in reply.json().get("paths", {})
    except (httpx.HTTPError, ValueError, AttributeError):
        return False


def _extensions(setting: Any, base_url: str, verify: bool,
                timeout: float = DEFAULT_TIMEOUT_S) -> bool:
    if isinstance(setting, bool):
        return setting
    # The probe is not part of any operation's budget: keep it short, never above timeout.
    return probe_extensions(base_url, verify=verify, timeout=min(PROBE_TIMEOUT_S, timeout))


def open_backend(profile: str | None = None, db: str | Path | None = None,
                 api: str | None = None, config: Config | None = None, *,
                 read_only: bool | None = None, seed_demo: bool = True,
                 sandbox: bool | None = None) -> Any:
    """A Backend. Precedence: `api`, `profile`, `db`, then BASKETBENCH_API, the default profile
    (BASKETBENCH_PROFILE or `default_profile`), then the local engine on the default database.

    `read_only` overrides the profile's setting; `sandbox` skips the extension probe.
    Raises ConfigError for a bad choice (unknown profile, a Nexudus profile, both --api and
    --profile) and BackendError for a bad URL.
    """
    from .local import LocalBackend

    if api and profile:
        raise ConfigError("give --api or --profile, not both")
    if api:
        from .http import HttpBackend  # httpx only for live backends: local starts faster

        return HttpBackend(api, read_only=bool(read_only), profile=redact_url(api),
                           extensions=sandbox if sandbox is not None
                           else _extensions("auto", api, True))
    if profile is None and db is None:
        config = config or load_config()
        if config.api is not None:
            return open_backend(api=config.api.value, config=config, read_only=read_only,
                                sandbox=sandbox)
        if config.default_profile is not None:
            profile = config.default_profile.value
    if profile is not None:
        config = config or load_config()
        return backend_for_profile(config.profile(profile), db=db, read_only=read_only,
                                   seed_demo=seed_demo, sandbox=sandbox)
    from ..paths import database_location, default_db

    return LocalBackend(database_location(db) if db else default_db(), seed_demo=seed_demo,
                        read_only=bool(read_only))


def backend_for_profile(p: Profile, *, db: str | Path | None = None,
                        read_only: bool | None = None, seed_demo: bool = True,
                        sandbox: bool | None = None) -> Any:
    ro = p.read_only if read_only is None else read_only
    if p.kind == "local":
        from ..paths import database_location, default_db
        from .local import LocalBackend

        # `db` is a file or a postgresql:// URL (a team's shared PostgreSQL store).
        path = database_location(db or p.get("db") or default_db())
        return LocalBackend(path, seed_demo=bool(p.get("seed_demo", seed_demo)), read_only=ro,
                            profile=p.name)
    if p.kind == "nexudus":
        raise ConfigError(f"profile {p.name!r} is a Nexudus profile: use "
                          f"`basketbench nexudus --profile {p.name} ...`")
    from .http import HttpBackend

    base_url = p.get("base_url")
    verify = bool(p.get("verify_tls", True))
    client_id, client_secret = p.get("client_id"), p.get("client_secret")
    if (problem := auth_url_problem(p)) is not None:
        raise ConfigError(problem)
    timeout = float(p.get("timeout", DEFAULT_TIMEOUT_S))
    return HttpBackend(
        base_url, auth_url=p.get("auth_url"), client_id=client_id,
        client_secret=client_secret, token=p.get("token"), headers=p.header_values(),
        read_only=ro, profile=p.name, timeout=timeout,
        retries=int(p.get("retries", DEFAULT_RETRIES)), verify=verify,
        follow_interval=float(p.get("follow_interval", 0)),
        extensions=sandbox if sandbox is not None
        else _extensions(p.get("sandbox", "auto"), base_url, verify, timeout))


def open_nexudus(profile: str | None = None, config: Config | None = None, *,
                 api: str | None = None, read_only: bool | None = None) -> Any:
    """A NexudusClient for a `kind = "nexudus"` profile (the named one, the default one if it
    is a Nexudus profile, else the only one), or for `api` without auth (a loopback sandbox)."""
    from .nexudus import NexudusClient

    if api and profile:
        raise ConfigError("give --api or --profile, not both")
    if api:
        return NexudusClient(api, read_only=bool(read_only), profile=redact_url(api))
    config = config or load_config()
    if profile is None:
        nexudus = sorted(n for n, p in config.profiles.items() if p.kind == "nexudus")
        default = config.default_profile.value if config.default_profile else None
        if default in nexudus:
            profile = default
        elif len(nexudus) == 1:
            profile = nexudus[0]
        else:
            raise ConfigError(
                "no Nexudus profile chosen: give --profile NAME or --api URL "
                f"(Nexudus profiles in {config.path}: {', '.join(nexudus) or 'none'})")
    p = config.profile(profile)
    if p.kind != "nexudus":
        raise ConfigError(f"profile {p.name!r} is {p.kind}, not a Nexudus profile")
    ro = p.read_only if read_only is None else read_only
    try:
        return NexudusClient(p.get("base_url"), username=p.get("username"),
                             password=p.get("password"), token=p.get("token"),
                             business_id=p.get("business_id"), read_only=ro, profile=p.name,
                             timeout=float(p.get("timeout", DEFAULT_TIMEOUT_S)),
                             retries=int(p.get("retries", DEFAULT_RETRIES)))
    except BackendError as exc:
        raise ConfigError(f"profile {p.name!r}: {exc.message}") from None

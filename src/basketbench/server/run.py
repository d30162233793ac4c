"""Running the sandbox under uvicorn: `serve(...)`, shared by `basketbench serve` and
`python -m basketbench.server.run` (same options)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Callable

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class ServeError(Exception):
    """A refusal to start; the message says what to change."""


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth_mode: str) -> None:
    if auth_mode != "token" and not is_loopback(host):
        raise ServeError(
            f"Refusing to serve on {host} without authentication: anyone who can reach it "
            "could read and change every basket. Add --auth token (with --auth-config FILE or "
            "--demo), or bind a loopback address such as 127.0.0.1.")


def build_auth(auth_mode: str, auth_config: str | None, demo: bool, token_ttl: int | None):
    """(Auth or None, demo credentials or None)."""
    if auth_mode != "token":
        return None, None
    from .auth import Auth, AuthConfig, AuthConfigError, add_demo, demo_credentials, load_config

    if auth_config is None and not demo:
        raise ServeError("--auth token needs --auth-config FILE (see docs/server.md) or --demo "
                         "for ready-made demo credentials.")
    try:
        config = load_config(auth_config) if auth_config else AuthConfig()
    except AuthConfigError as exc:
        raise ServeError(str(exc)) from None
    creds = None
    if demo:
        creds = demo_credentials()
        add_demo(config, creds)
    return Auth(config, token_ttl=token_ttl), creds


def serve(*, db: str | Path, host: str = "127.0.0.1", port: int = 8765, demo: bool = False,
          auth_mode: str = "none", auth_config: str | None = None,
          token_ttl: int | None = None, access_log: bool = True,
          echo: Callable[[str], None] = print) -> None:
    check_bind(host, auth_mode)
    auth, creds = build_auth(auth_mode, auth_config, demo, token_ttl)

    import uvicorn

    from ..engine import BasketEngine
    from ..engine import demo as demo_data
    from . import access_log as access_log_mod
    from .app import create_app

    engine = BasketEngine(db)
    try:
        if demo:
            demo_data.reset(engine)
        else:
            demo_data.ensure_seeded(engine)
        if access_log:
            access_log_mod.configure()
        app = create_app(engine, auth=auth, access_log=access_log)
        shown = f"[{host}]" if ":" in host else host
        echo(f"basketbench sandbox on http://{shown}:{port} (database {engine.path}, "
             f"auth {auth_mode}{', demo data reset' if demo else ''})")
        echo(f"OpenAPI document: http://{shown}:{port}/openapi.json")
        if creds:
            echo("Demo credentials (this run only):")
            echo(f"  BetterCommerce client: client_id={creds['client_id']} "
                 f"client_secret={creds['client_secret']}")
            echo(f"  Nexudus user: username={creds['username']} password={creds['password']}")
        sys.stdout.flush()
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off",
                                timeout_graceful_shutdown=3)
        uvicorn.Server(config).run()
    finally:
        engine.close()


def main(argv: list[str] | None = None) -> int:
    """`python -m basketbench.server.run --port N --db PATH [--demo] [--auth token ...]`."""
    from ..cli.serve_cmd import serve as serve_command

    serve_command.main(args=argv, prog_name="python -m basketbench.server.run")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Running the sandbox under uvicorn: `serve(...)`, called by `basketbench serve` (and
`python -m basketbench serve`). The command line lives in the CLI, the top layer, only."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .loopback import is_loopback


class ServeError(Exception):
    """A refusal to start; the message says what to change."""


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


def check_origins(origins: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    from .browser_guard import normalise_origin

    try:
        return tuple(normalise_origin(o) for o in origins)
    except ValueError as exc:
        raise ServeError(f"--cors-origin {exc}") from None


def serve(*, db: str | Path, host: str = "127.0.0.1", port: int = 8765, demo: bool = False,
          auth_mode: str = "none", auth_config: str | None = None,
          token_ttl: int | None = None, access_log: bool = True,
          echo: Callable[[str], None] = print, workers: int = 1,
          cors_origins: tuple[str, ...] = (), lock_wait: float | None = None) -> int:
    """Run the server until stopped; returns the exit code. Storage faults at start-up
    (locked, read-only, damaged, newer schema) raise EngineError before anything is served."""
    check_bind(host, auth_mode)
    origins = check_origins(cors_origins)
    auth, creds = build_auth(auth_mode, auth_config, demo, token_ttl)

    import uvicorn

    from ..engine import BasketEngine
    from ..engine import demo as demo_data
    from ..engine.store import WRITE_WAIT
    from . import access_log as access_log_mod
    from . import workers as workers_mod
    from .app import create_app
    from .stream_shutdown import StreamingServer

    wait = WRITE_WAIT if lock_wait is None else lock_wait
    engine = BasketEngine(db, write_wait=wait)
    try:
        if demo:
            demo_data.reset(engine)
        else:
            demo_data.ensure_seeded(engine)
        # One worker listens on this socket; several each listen on their own socket of
        # the port (SO_REUSEPORT), which this one, bound and never listening, reserves.
        sock = (workers_mod.reserve(host, port) if workers > 1
                else workers_mod.listen(host, port))
    except OSError as exc:
        engine.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except BaseException:
        engine.close()
        raise
    if workers > 1:
        engine.close()  # each worker opens its own after the fork
    port = sock.getsockname()[1]
    if access_log:
        access_log_mod.configure()
    shown = f"[{host}]" if ":" in host else host
    echo(f"basketbench sandbox on http://{shown}:{port} (database {engine.path}, "
         f"auth {auth_mode}{', demo data reset' if demo else ''}"
         f"{f', {workers} workers' if workers > 1 else ''})")
    echo(f"OpenAPI document: http://{shown}:{port}/openapi.json")
    if creds:
        echo("Demo credentials (this run only):")
        echo(f"  BetterCommerce client: client_id={creds['client_id']} "
             f"client_secret={creds['client_secret']}")
        echo(f"  Nexudus user: username={creds['username']} password={creds['password']}")
    sys.stdout.flush()

    def run_worker(number: int | None, worker_engine, listening) -> None:
        app = create_app(worker_engine, auth=auth, access_log=access_log,
                         cors_origins=origins, worker=number)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=3)
        try:
            StreamingServer(config).run(sockets=[listening])
        finally:
            worker_engine.close()

    if workers <= 1:
        run_worker(None, engine, sock)
        return 0

    def forked_worker(number: int) -> None:
        run_worker(number, BasketEngine(db, write_wait=wait),
                   workers_mod.listen(host, port, reuse_port=True))

    try:
        return workers_mod.supervise(workers, forked_worker, echo)
    finally:
        sock.close()


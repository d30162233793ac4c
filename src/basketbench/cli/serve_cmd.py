"""`basketbench serve`: the sandbox server (BetterCommerce + Nexudus wire formats)."""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs --auth token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", type=click.Path(dir_okay=False),
              help="Engine database file (default: the user's, as for the workbench).")
@click.option("--store", metavar="FILE|URL",
              help="Engine store: a SQLite file, or postgresql://user@host/db for a database "
                   "shared by several hosts (see docs/deployment.md); default "
                   "$BASKETBENCH_STORE. Replaces --db.")
@click.option("--demo", is_flag=True,
              help="Reset the demo data first; with --auth token, also print ready-made "
                   "demo credentials.")
@click.option("--auth", "auth_mode", type=click.Choice(["none", "token"]), default="none",
              show_default=True, help="token: bearer tokens from /oAuth/Token and /api/token.")
@click.option("--auth-config", type=click.Path(exists=True, dir_okay=False),
              help="TOML file of clients and users (hashed secrets); see docs/server.md.")
@click.option("--token-ttl", type=click.IntRange(1, 10**7),
              help="Token lifetime in seconds (default: the config's token_ttl, else 3600).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes on the one port and database file.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let a storefront in a browser at ORIGIN (e.g. http://localhost:3000) call "
                   "the sandbox: CORS preflights and headers. Repeatable.")
@click.option("--lock-wait", type=click.FloatRange(0.1, 600), default=None,
              help="Seconds a change waits for a database locked by another process before "
                   "answering 503 with Retry-After (default 5).")
@click.option("--no-access-log", is_flag=True, help="Do not log one line per request.")
@click.option("--hash-secret", is_flag=True,
              help="Prompt for a secret, print its hash for the config file, and exit.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, db: str | None, store: str | None,
          demo: bool,
          auth_mode: str, auth_config: str | None, token_ttl: int | None, workers: int,
          cors_origins: tuple[str, ...], lock_wait: float | None, no_access_log: bool,
          hash_secret: bool) -> None:
    """Serve the local engine as a BetterCommerce-compatible basket API (and Nexudus
    BasketSessions) for storefronts, curl and the workbench's live mode."""
    if hash_secret:
        from ..server.auth import hash_secret as make_hash

        secret = click.prompt("Secret", hide_input=True, confirmation_prompt=True)
        click.echo(make_hash(secret))
        return
    from ..engine.errors import EngineError
    from ..paths import default_db
    from ..server.run import ServeError
    from ..server.run import serve as run_server

    if db and store:
        raise click.UsageError("give only one of --db and --store (--store takes a file or "
                               "a postgresql:// URL)")
    db = (store or db or os.environ.get("BASKETBENCH_STORE") or (ctx.obj or {}).get("db")
          or str(default_db()))
    try:
        code = run_server(db=db, host=host, port=port, demo=demo, auth_mode=auth_mode,
                          auth_config=auth_config, token_ttl=token_ttl,
                          access_log=not no_access_log, echo=click.echo, workers=workers,
                          cors_origins=cors_origins, lock_wait=lock_wait)
    except ServeError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)
    except EngineError as exc:  # the database cannot be used: locked, read-only, damaged...
        click.echo(f"Error: {exc.message}", err=True)
        ctx.exit(1)
    if code:
        ctx.exit(code)

"""`basketbench store`: create or upgrade a store's schema, and copy a store into another
(a SQLite file <-> a PostgreSQL database), e.g. to move a sandbox onto a team's server."""

from __future__ import annotations

from pathlib import Path

import click

LOCATION = "FILE|URL"


@click.group()
def store() -> None:
    """The engine's store: a SQLite file or a postgresql:// URL (docs/deployment.md)."""


def _open(location: str):
    from ..engine.store_open import open_store

    return open_store(location)


@store.command()
@click.argument("location", metavar=LOCATION)
@click.pass_context
def migrate(ctx: click.Context, location: str) -> None:
    """Create the schema at LOCATION, or upgrade it to this release's version."""
    from ..engine.errors import EngineError

    try:
        opened = _open(location)
        try:
            before = opened.schema_version()
            after = opened.migrate()
        finally:
            opened.close()
    except EngineError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        ctx.exit(1)
        return
    change = "already current" if before == after else f"was {before or 'empty'}"
    click.echo(f"{opened.location}: schema version {after} ({change})")


@store.command()
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option("--replace", is_flag=True,
              help="Empty DST first when it holds data (otherwise a non-empty DST is refused).")
@click.pass_context
def copy(ctx: click.Context, source: str, destination: str, replace: bool) -> None:
    """Copy every basket, its history, sessions, tokens and the catalogue from SRC to DST
    (each a SQLite file or a postgresql:// URL), in one transaction on DST."""
    from ..engine import store_copy
    from ..engine.errors import EngineError
    from ..engine.store_api import is_url

    if not is_url(source) and not Path(source).is_file():
        click.echo(f"Error: SRC {source} is neither a database file nor a postgresql:// URL",
                   err=True)
        ctx.exit(2)
        return
    opened = []
    try:
        src = _open(source)
        opened.append(src)
        dst = _open(destination)
        opened.append(dst)
        counts = store_copy.copy(src, dst, replace=replace)
    except EngineError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        ctx.exit(1)
        return
    finally:
        for one in opened:
            one.close()
    click.echo(f"Copied {src.location} -> {dst.location}:")
    for table, n in counts.items():
        click.echo(f"  {table:<16} {n:>8}")

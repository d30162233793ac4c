"""`basketbench basket history ID` and `basketbench basket restore ID --version N`: how a
basket got like this, and going back to any earlier version (as a new version: history is
never rewritten). On the local engine and a basketbench sandbox; see docs/history.md."""

from __future__ import annotations

from typing import Any

import click

from .basket_cmd import basket_command, fail, print_json, render_basket, run_with


def _need_history(backend: Any) -> None:
    if not getattr(backend.capabilities, "history", False):
        fail(f"the {backend.kind} backend at {backend.label} keeps no basket history "
             "(the local engine and a basketbench sandbox do)")


@basket_command("history")
@click.argument("basket_id")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many of the newest versions.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--version", "version", type=click.IntRange(1), default=None,
              help="Show the basket as it was at this version instead.")
def history_cmd(make, as_json, basket_id, offset, limit, version) -> None:
    """The basket's versions, newest first: operation, who made it, when, what moved.

    \b
    Example:
      basketbench basket history 8836058b
      basketbench basket history 8836058b --version 3 --json
    """
    from .. import jsonio

    async def action(backend: Any) -> Any:
        _need_history(backend)
        if version is not None:
            return await backend.basket_version(basket_id, version)
        return await backend.history(basket_id, offset=offset, limit=limit)

    result = run_with(make, action)
    if version is not None:
        if as_json:
            print_json(result)
        else:
            click.echo(f"(version {version}, read-only)")
            click.echo(render_basket(result))
        return
    if as_json:
        click.echo(jsonio.dumps(result, indent=2))
        return
    rows = result["rows"]
    shown = f"{offset + 1}-{offset + len(rows)}" if rows else "none"
    click.echo(f"Basket {result['basketId']}: {result['total']} version(s); showing {shown}")
    for row in rows:
        mark = "  [deleted]" if row["deleted"] else ""
        click.echo(f"  v{row['version']:<4} {row['at']}  {row['actor']:<10} {row['op']:<24}"
                   f" {row['summary']}{mark}")


@basket_command("restore")
@click.argument("basket_id")
@click.option("--version", "version", type=click.IntRange(1), required=True,
              help="The version to go back to (see `basket history`).")
def restore_cmd(make, as_json, basket_id, version) -> None:
    """Make the basket what it was at VERSION, as a new version (a deleted basket comes back).

    \b
    Example:
      basketbench basket restore 8836058b --version 5
    """
    async def action(backend: Any) -> Any:
        _need_history(backend)
        return await backend.restore(basket_id, version)

    basket = run_with(make, action)
    if as_json:
        print_json(basket)
    else:
        click.echo(f"Restored to version {version} (now version {basket.version}).")
        click.echo(render_basket(basket))

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
@click.option("--diff", "diff", type=click.IntRange(1), nargs=2, default=None,
              metavar="A B", help="Compare the basket at version A with version B.")
@click.option("--as-flow", "as_flow", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Write the versions as a flow file (see docs/history.md).")
@click.option("--from", "first", type=click.IntRange(1), default=None,
              help="--as-flow: the first version to export (default: the oldest kept).")
@click.option("--to", "last", type=click.IntRange(1), default=None,
              help="--as-flow: the last version to export (default: the newest).")
def history_cmd(make, as_json, basket_id, offset, limit, version, diff, as_flow, first,
                last) -> None:
    """The basket's versions, newest first: operation, who made it, when, what moved.

    \b
    Example:
      basketbench basket history 8836058b
      basketbench basket history 8836058b --version 3 --json
      basketbench basket history 8836058b --diff 3 5
      basketbench basket history 8836058b --as-flow flows/what-happened.toml --from 2
    """
    from .. import jsonio

    chosen = [name for name, given in (("--version", version is not None),
                                       ("--diff", diff is not None),
                                       ("--as-flow", as_flow is not None)) if given]
    if len(chosen) > 1:
        fail(f"{' and '.join(chosen)} cannot be used together: choose one")
    if (first is not None or last is not None) and as_flow is None:
        fail("--from and --to choose the versions of --as-flow; add --as-flow FILE")
    if diff is not None:
        _diff_versions(make, as_json, basket_id, diff[0], diff[1])
        return
    if as_flow is not None:
        _export_flow(make, basket_id, as_flow, first, last)
        return

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


def _diff_versions(make: Any, as_json: bool, basket_id: str, a: int, b: int) -> None:
    """Two versions side by side, with the basket diff of `basket diff` (flows/diff.py)."""
    from .. import jsonio
    from ..flows.diff import diff_baskets, diff_json, render_diff

    async def action(backend: Any) -> Any:
        _need_history(backend)
        return (await backend.basket_version(basket_id, a),
                await backend.basket_version(basket_id, b))

    first, second = run_with(make, action)
    d = diff_baskets(first, second)
    if as_json:
        click.echo(jsonio.dumps({"basketId": basket_id, "a": a, "b": b, **diff_json(d)},
                                indent=2))
    else:
        click.echo(render_diff(d, a_label=f"version {a}", b_label=f"version {b}"), nl=False)


def _export_flow(make: Any, basket_id: str, path: str, first: int | None,
                 last: int | None) -> None:
    from ..flows.history_export import ExportError, export_history

    async def action(backend: Any) -> Any:
        _need_history(backend)
        try:
            recorder = await export_history(backend, basket_id, first=first, last=last)
        except ExportError as exc:
            fail(f"cannot export the history as a flow: {exc}")
        return recorder

    recorder = run_with(make, action)
    try:
        target = recorder.save(path)
    except (OSError, ValueError) as exc:
        fail(f"cannot write {path}: {exc}")
    click.echo(f"Wrote {recorder.step_count} step(s) to {target}; replay it with "
               f"`basketbench flow run {target}`.")


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

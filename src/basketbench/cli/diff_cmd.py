"""`basketbench basket diff A B`: two baskets side by side (lines added, removed, changed, and
every total that differs). Exit status: 0 the same, 1 they differ, 2 a basket could not be
read or the backend could not be opened."""

from __future__ import annotations

from typing import Any

import click

from .flow_cmd import EXIT_UNUSABLE, backend_options, chosen_target, fail, open_backend


@click.command("diff")
@click.argument("basket_a")
@click.argument("basket_b")
@backend_options
@click.pass_context
def diff(ctx: click.Context, basket_a: str, basket_b: str, profile: str | None,
         api: str | None, db: str | None) -> None:
    """Show baskets BASKET_A and BASKET_B (ids, or the short ids the workbench shows) side by
    side: + added in B, - only in A, ~ changed."""
    import asyncio  # on use: `basket get` imports this module and needs no event loop

    from ..flows.diff import diff_baskets, render_diff

    a, b = asyncio.run(_read_both(chosen_target(ctx, profile, api, db), basket_a, basket_b))
    d = diff_baskets(a, b)
    click.echo(render_diff(d, a_label=_label(a), b_label=_label(b)), nl=False)
    ctx.exit(0 if d.same else 1)


async def _read_both(target: dict, first: str, second: str) -> tuple[Any, Any]:
    from ..backends.errors import BackendError
    from .basket_ids import resolve_basket_id

    backend = open_backend(target)
    try:
        first = await resolve_basket_id(backend, first)  # the workbench's short ids work too
        second = await resolve_basket_id(backend, second)
        return await backend.get_basket(first), await backend.get_basket(second)
    except BackendError as exc:
        fail(f"cannot read the basket: {exc.message}", EXIT_UNUSABLE)
    finally:
        await backend.close()


def _label(basket: Any) -> str:
    return f"{basket.id}" + (" (new, not saved)" if basket.is_new else "")

"""`basketbench demo reset|generate`: the demo database."""

from __future__ import annotations

import time

import click

from ..paths import default_db


@click.group()
def demo() -> None:
    """Create or grow the demo database."""


def _engine(db: str | None):
    from ..engine import BasketEngine

    return BasketEngine(db or default_db())


@demo.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Database file (default: the user's).")
@click.pass_context
def reset(ctx: click.Context, db: str | None) -> None:
    """Recreate the demo data: reference catalogue, demo catalogue and demo baskets."""
    from ..engine import demo as demo_data

    db = db or (ctx.obj or {}).get("db")
    with _engine(db) as engine:
        made = demo_data.reset(engine)
        click.echo(f"Demo data reset in {engine.path}: {len(made)} baskets.")
        for name, bid in made.items():
            click.echo(f"  {name:16} {bid}")


@demo.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Database file (default: the user's).")
@click.option("--baskets", "count", type=click.IntRange(0, 5_000_000), default=100_000,
              show_default=True, help="How many baskets to add.")
@click.option("--big-basket-lines", type=click.IntRange(0, 2500), default=0,
              help="Also write one basket with this many lines (basket 'scale-big'; beyond the "
                   "API's 500-line limit, for scale tests).")
@click.pass_context
def generate(ctx: click.Context, db: str | None, count: int, big_basket_lines: int) -> None:
    """Add many simple baskets, for trying the workbench at scale."""
    from ..engine import demo as demo_data

    db = db or (ctx.obj or {}).get("db")
    with _engine(db) as engine:
        demo_data.ensure_seeded(engine)
        started = time.perf_counter()
        made = demo_data.generate(engine, count) if count else 0
        click.echo(f"Added {made} baskets to {engine.path} in "
                   f"{time.perf_counter() - started:.1f}s.")
        if big_basket_lines:
            bid = demo_data.generate_big_basket(engine, big_basket_lines)
            click.echo(f"Basket {bid} holds {big_basket_lines} lines.")

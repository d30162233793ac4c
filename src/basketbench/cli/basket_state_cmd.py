"""`basket campaign | related | lock | unlock`: the basket's campaign code, the products
related to its lines (endpoints 03, 07) and the sandbox's lock."""

from __future__ import annotations

import click

from .basket_cmd import _basket_out, _money, _table, basket_command, print_json, run_with


@basket_command("campaign")
@click.argument("basket_id")
@click.argument("code")
def campaign_cmd(make, as_json, basket_id, code) -> None:
    """Set the campaign code (endpoint 03); an empty CODE clears it.

    \b
    Example:
      basketbench basket campaign $B SPRING24
    """
    _basket_out(as_json, run_with(make, lambda b: b.set_campaign(basket_id, code or None)))


@basket_command("related")
@click.argument("basket_id")
def related_cmd(make, as_json, basket_id) -> None:
    """List the products related to the basket's lines (endpoint 07).

    \b
    Example:
      basketbench basket related $B --json
    """
    products = run_with(make, lambda b: b.related_products(basket_id))
    if as_json:
        print_json(products)
        return
    click.echo(f"{len(products)} related product(s)")
    if products:
        rows = [["Stock code", "Product", "Price"]] + [
            [p.stock_code or "", (p.name or "")[:40], _money(p.price)] for p in products]
        click.echo("\n".join(_table(rows, right={2})))


def _lock_command(name: str, locked: bool) -> None:
    help_text = (f"{'Lock' if locked else 'Unlock'} the basket (local engine and sandbox: a "
                 f"locked basket refuses every change).\n\n\b\nExample:\n"
                 f"  basketbench basket {name} $B")

    @basket_command(name, help=help_text)
    @click.argument("basket_id")
    def command(make, as_json, basket_id) -> None:
        _basket_out(as_json, run_with(make, lambda b: b.set_locked(basket_id, locked)))


_lock_command("lock", True)
_lock_command("unlock", False)

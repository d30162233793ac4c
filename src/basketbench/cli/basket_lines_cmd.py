"""`basket add-bulk | display-order | custom-info | subscription`: the line operations beyond
add, qty and remove (endpoints 04, 05, 12, 13)."""

from __future__ import annotations

from typing import Any

import click

from .basket_cmd import (
    _basket_out,
    _line_product,
    basket_command,
    line_product_in,
    print_json,
    run_with,
)
from .json_arg import RequestArg


@basket_command("add-bulk")
@click.argument("basket_id")
@click.argument("items", type=RequestArg("items", list))
def add_bulk_cmd(make, as_json, basket_id, items) -> None:
    """Add many lines at once, all or none (endpoint 12). ITEMS is a JSON array (inline,
    @FILE or - for stdin); a personalisation line names its parent with parentProductId.

    \b
    Example:
      basketbench basket add-bulk $B '[{"stockCode": "MUG-WHITE", "qty": 2},
        {"stockCode": "ENGRAVING", "parentProductId": "<mug id>", "qty": 1,
         "customInfo1": "For Sam"}]'
    """
    _basket_out(as_json, run_with(make, lambda b: b.add_bulk(basket_id, items)))


@basket_command("display-order")
@click.argument("basket_id")
@click.argument("products", nargs=-1, required=True)
def display_order_cmd(make, as_json, basket_id, products) -> None:
    """Put the lines in the order given (endpoint 13): PRODUCTS are product ids or stock codes
    of lines in the basket, first to last; the lines not named follow, in their order.

    \b
    Example:
      basketbench basket display-order $B MUG-WHITE POLO-NAVY-L
    """
    async def go(b: Any) -> bool:
        basket = await b.get_basket(basket_id)
        named = [line_product_in(basket, p) for p in products]
        rest = [str(ln.product_id) for ln in sorted(
            (ln for ln in basket.line_items or [] if not ln.is_child),
            key=lambda ln: ln.display_order or 0) if str(ln.product_id) not in named]
        return await b.set_display_order(
            basket_id, [_order(pid, n) for n, pid in enumerate(named + rest, 1)])

    done = run_with(make, go)
    if as_json:
        print_json(done)
    else:
        click.echo(f"Display order of {basket_id}: {', '.join(products)} first"
                   + ("" if done else " (the backend answered false)"))


@basket_command("custom-info")
@click.argument("basket_id")
@click.argument("info", type=RequestArg("info", dict))
def custom_info_cmd(make, as_json, basket_id, info) -> None:
    """Set the basket's custom info and its lines' (endpoint 04). INFO is a JSON object
    (inline, @FILE or -): customInfo1..5 and lineInfo, a list of {productId, customInfo1..5}.

    \b
    Example:
      basketbench basket custom-info $B '{"customInfo1": "gift", "lineInfo":
        [{"productId": "<line product id>", "customInfo2": "wrap it"}]}'
    """
    _basket_out(as_json, run_with(make, lambda b: b.set_custom_info(basket_id, info)))


@basket_command("subscription")
@click.argument("basket_id")
@click.argument("product")
@click.argument("settings", type=RequestArg("settings", dict))
def subscription_cmd(make, as_json, basket_id, product, settings) -> None:
    """Set the subscription of PRODUCT's line (endpoint 05; product id or stock code in the
    basket). SETTINGS is a JSON object of the line's subscriptionUserSettings fields.

    \b
    Example:
      basketbench basket subscription $B COFFEE-1KG '{"subscriptionPlanId": "<plan id>",
        "subscriptionTermId": "<term id>", "userPricingType": 1}'
    """
    async def go(b: Any) -> Any:
        return await b.set_subscription(basket_id, await _line_product(b, basket_id, product),
                                        settings)

    _basket_out(as_json, run_with(make, go))


def _order(line: str, position: int):
    from ..model.requests import DisplayOrder  # loaded only by the command that sends one

    return DisplayOrder(line, position)

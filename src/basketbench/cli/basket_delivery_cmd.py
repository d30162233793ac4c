"""`basket delivery-plans | line-plan | instructions | collect`: delivery beyond the shipping
method (endpoints 20-23)."""

from __future__ import annotations

import click

from .basket_cmd import _record_out, basket_command, run_with
from .json_arg import RequestArg


@basket_command("delivery-plans")
@click.argument("basket_id")
@click.argument("plans", type=RequestArg("plans", list))
def delivery_plans_cmd(make, as_json, basket_id, plans) -> None:
    """Replace the basket's delivery plans (endpoint 20). PLANS is a JSON array (inline, @FILE
    or -) of plans: deliveryCenter, shippingMethodId, shippingCharge, items, ...

    \b
    Example:
      basketbench basket delivery-plans $B @plans.json
    """
    record = run_with(make, lambda b: b.set_delivery_plans(basket_id, plans))
    _record_out(as_json, f"{len(plans)} delivery plan(s) set on {basket_id}", record)


@basket_command("line-plan")
@click.argument("basket_id")
@click.argument("plan", type=RequestArg("plan", dict))
def line_plan_cmd(make, as_json, basket_id, plan) -> None:
    """Add or replace one delivery plan (endpoint 21). PLAN is a JSON object (inline, @FILE
    or -); its recordId picks the plan to replace.

    \b
    Example:
      basketbench basket line-plan $B '{"deliveryCenter": {"id": "DC1"},
        "shippingCharge": 4.95, "items": [{"productId": "<id>", "qty": 1}]}'
    """
    record = run_with(make, lambda b: b.set_line_delivery_plan(basket_id, plan))
    _record_out(as_json, f"delivery plan set on {basket_id}", record)


@basket_command("instructions")
@click.argument("basket_id")
@click.argument("text")
def instructions_cmd(make, as_json, basket_id, text) -> None:
    """Set the delivery instruction (endpoint 22); an empty TEXT clears it.

    \b
    Example:
      basketbench basket instructions $B "Leave with the neighbour at no. 12"
    """
    record = run_with(make, lambda b: b.set_delivery_instruction(basket_id, text or None))
    _record_out(as_json, f"delivery instruction {'set' if text else 'cleared'} on {basket_id}",
                record)


@basket_command("collect")
@click.argument("basket_id")
@click.argument("store", required=False)
@click.option("--off", is_flag=True, help="Turn click & collect off.")
def collect_cmd(make, as_json, basket_id, store, off) -> None:
    """Collect the order from STORE (endpoint 23): a store id or code, or the whole store
    object as JSON ({"id": ..., "name": ..., ...}); --off turns click & collect off.

    \b
    Examples:
      basketbench basket collect $B LDN1
      basketbench basket collect $B --off
    """
    if off == (store is not None):
        raise click.UsageError("give a STORE or --off (one of them)")
    from ..model.requests import COLLECT_OFF, StoreChoice

    body: StoreChoice
    if off:
        body = COLLECT_OFF
    elif store.lstrip().startswith("{"):
        body = RequestArg("store", dict).convert(store, None, click.get_current_context())
    else:
        body = StoreChoice(id=store)
    record = run_with(make, lambda b: b.set_click_collect_store(basket_id, body))
    _record_out(as_json, f"click & collect {'off' if off else store} on {basket_id}", record)

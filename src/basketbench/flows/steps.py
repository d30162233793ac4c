"""From a backend call to a flow step: the one translation shared by the workbench's recorder
(`tui/recording.py`, calls as they happen) and the history exporter (`history_export.py`,
versions kept by the engine or the sandbox).

A call is named as the Backend method (`add_item`, `set_qty`, ...) with its arguments by the
method's parameter names (`item`, `product_id`, `qty`, ...), requests typed as the Backend
takes them (model/requests.py). A basket version records the same names with the engine's
JSON bodies: `typed_args` reads those into typed requests first. `flow_step` answers the step in the
flow vocabulary (`format.py`: add, qty, remove, bulk_add, promo_apply, ship, ...), or raises
NotRecordable with what the flow format cannot express.

What the translation needs from its surroundings (a shipping method's or store's code, the
order of the lines after a reorder) comes from a `StepContext`: the recorder asks the live
backend, the exporter the version's snapshot.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from ..backends.base import Backend
from ..model.basket import Basket
from ..model.lines import is_child
from ..model.requests import CustomInfo, CustomTexts, DisplayOrder, ItemInput, NominatedDay


class NotRecordable(Exception):
    """A call the flow vocabulary cannot express (its message says which and why)."""


class StepContext(Protocol):
    before: Basket | None  # the basket as it was before the call, when known

    async def code(self, kind: str, ident: str, country: str = "") -> str:
        """A shipping method's ("method") or store's ("store") code, or `ident` itself."""
        ...

    async def order_after(self, basket_id: str) -> list[str]:
        """Product ids of the top-level lines after the call, in display order."""
        ...


def named_args(name: str, args: tuple, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Positional and keyword arguments of a Backend call, by the method's parameter names."""
    params = [p for p in inspect.signature(getattr(Backend, name)).parameters if p != "self"]
    out = dict(zip(params, args))
    out.update(kwargs)
    return out


def typed_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """A call's arguments as kept in basket history (JSON bodies) with every body read into
    the typed request its parameter takes (wire/inputs.py); NotRecordable for one that does
    not read."""
    # pydantic's wire models only here: the undo watcher imports this module on the
    # workbench's keypress path, which stays free of them.
    from ..wire.inputs import BODY_OF_PARAMETER, request_of

    out = dict(args)
    for key, value in args.items():
        if key in BODY_OF_PARAMETER:
            try:
                out[key] = request_of(key, value)
            except ValueError as exc:
                raise NotRecordable(f"its {key} does not read as a request ({exc})") from None
    return out


def info_table(texts: CustomTexts) -> dict[str, str]:
    """customInfo1..5 as a flow custom_info table (empty values dropped: the endpoints
    replace custom info, so an absent field is a cleared one)."""
    return {str(n): str(text) for n, text in enumerate(texts.texts, start=1)
            if text not in (None, "")}


def item_args(item: ItemInput) -> dict[str, Any]:
    """An add-item request as flow arguments (product, qty, parent, custom_info)."""
    product = item.product_id or item.stock_code
    if not product:
        raise NotRecordable("an item with neither productId nor stockCode")
    args: dict[str, Any] = {"product": str(product), "qty": int(item.qty)}
    if is_child(item.parent_product_id):
        args["parent"] = str(item.parent_product_id)
    info = info_table(item.texts)
    if info:
        args["custom_info"] = info
    return args


def _currency_refused(args: Mapping[str, Any]) -> None:
    cur = args.get("currency")
    if cur and str(cur).upper() != "GBP":
        raise NotRecordable(f"it creates the basket in {str(cur).upper()}; a flow's baskets "
                            "are created in the default currency")


async def flow_step(name: str, args: Mapping[str, Any], ctx: StepContext
                    ) -> tuple[str, dict[str, Any], str]:
    """(op, args, checked basket id) in the flow vocabulary for one backend call."""
    bid = str(args.get("basket_id") or args.get("target_id") or "").lower()
    if name == "add_item":
        _currency_refused(args)
        return "add", {"basket": bid, **item_args(args["item"])}, bid
    if name == "add_bulk":
        _currency_refused(args)
        return "bulk_add", {"basket": bid, "items": [item_args(i) for i in args["items"]]}, bid
    if name == "set_qty":
        return "qty", {"basket": bid, "product": str(args["product_id"]),
                       "qty": int(args["qty"])}, bid
    if name == "remove_item":
        return "remove", {"basket": bid, "product": str(args["product_id"])}, bid
    if name == "merge":
        return "merge", {"target": bid, "source": str(args["source_id"]).lower(),
                         "strategy": args.get("strategy") or "sum"}, bid
    if name in ("apply_promo", "remove_promo"):
        op = "promo_apply" if name == "apply_promo" else "promo_remove"
        return op, {"basket": bid, "code": str(args["code"])}, bid
    if name == "set_shipping_method":
        country = str(args.get("country_code") or "GB").upper()
        step: dict[str, Any] = {"basket": bid, "method": await ctx.code(
            "method", str(args["shipping_method_id"]), country), "country": country}
        if args.get("nominated"):
            step["nominated"] = nominated_args(args["nominated"])
        return "ship", step, bid
    if name == "set_delivery_instruction":
        return "instructions", {"basket": bid, "text": args.get("text") or ""}, bid
    if name == "set_po":
        return "po", {"basket": bid, "reference": args.get("po_reference") or ""}, bid
    if name == "set_campaign":
        return "campaign", {"basket": bid, "code": args.get("campaign_code") or ""}, bid
    if name == "assign_user":
        return "user", {"basket": bid, "user": str(args["user_id"])}, bid
    if name == "set_click_collect_store":
        store = args.get("store")
        if store is None or not store.id:
            raise NotRecordable("turning click & collect off has no flow step")
        return "click_collect", {"basket": bid, "store": await ctx.code(
            "store", str(store.id))}, bid
    if name == "set_custom_info":
        return "custom_info", custom_info_args(bid, args["info"]), bid
    if name == "set_locked":
        return ("lock" if args["locked"] else "unlock"), {"basket": bid}, bid
    if name == "delete_basket":
        return "delete", {"basket": bid}, bid
    if name == "set_display_order":
        return "display_order", await _display_order(bid, args["entries"], ctx), bid
    raise NotRecordable("the flow format has no step for it")


def custom_info_args(bid: str, info: CustomInfo) -> dict[str, Any]:
    if info.note is not None:
        raise NotRecordable("a gift note object has no flow step")
    args: dict[str, Any] = {"basket": bid, "info": info_table(info.texts)}
    lines = []
    for entry in info.lines:
        if not entry.product_id:
            raise NotRecordable("a line named only by its line id has no flow step")
        line: dict[str, Any] = {"product": str(entry.product_id),
                                "info": info_table(entry.texts)}
        if is_child(entry.parent_product_id):
            line["parent"] = str(entry.parent_product_id)
        if entry.additional_charge is not None:
            line["additional_charge"] = Decimal(entry.additional_charge)
        lines.append(line)
    if lines:
        args["lines"] = lines
    return args


async def _display_order(bid: str, entries: list[DisplayOrder], ctx: StepContext
                         ) -> dict[str, Any]:
    """The flow writes the resulting order of the top-level lines (1, 2, 3...)."""
    before = ctx.before.line_items or () if ctx.before is not None else ()
    moved = {e.line.lower() for e in entries}
    if any((ln.id or "").lower() in moved and is_child(ln.parent_product_id)
           for ln in before):
        raise NotRecordable("moving a child line has no flow step (only top-level lines "
                            "can be ordered)")
    order = await ctx.order_after(bid)
    if not order:
        raise NotRecordable("the basket could not be read back")
    return {"basket": bid, "order": order}


def top_order(basket: Basket | None) -> list[str]:
    """Product ids of a basket's top-level lines in display order."""
    tops = [ln for ln in (basket.line_items or [] if basket else [])
            if not is_child(ln.parent_product_id) and ln.product_id]
    tops.sort(key=lambda ln: ln.display_order or 0)
    return [str(ln.product_id) for ln in tops]


def nominated_args(day: NominatedDay) -> dict[str, Any]:
    out: dict[str, Any] = {"date": str(day.delivery_date or "")}
    if day.day_text is not None:
        out["day_text"] = str(day.day_text)
    if day.day_no is not None:
        out["day_no"] = int(day.day_no)
    if day.carrier_code is not None:
        out["carrier"] = str(day.carrier_code)
    if day.price is not None:
        out["price"] = Decimal(day.price)
    return out


__all__ = ["NotRecordable", "StepContext", "custom_info_args", "flow_step", "info_table",
           "item_args", "named_args", "nominated_args", "top_order", "typed_args"]

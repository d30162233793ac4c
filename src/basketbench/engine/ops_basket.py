"""Basket-level fields and whole-basket operations: PO, user, custom info, subscription,
campaign, lock, merge."""

from __future__ import annotations

from ..money import currency
from . import inputs
from .catalogue import Catalogue
from .errors import NotFound, QuantityLimit, ValidationError, field_error
from .ids import ZERO_GUID, normalise_guid, optional_guid
from .ops_lines import MAX_LINE_QTY, MAX_LINES, check_qty, check_text_length, find_line
from .state import BasketState, Writer, text_key

MAX_PO = 50
MAX_CAMPAIGN = 100
STRATEGIES = ("sum", "max", "replace")


def set_po(w: Writer, value: object) -> None:
    w.set_fields(po_number=inputs.text(value, "poReference", max_length=MAX_PO))


def set_campaign(w: Writer, value: object) -> None:
    w.set_fields(campaign_code=inputs.text(value, "campaignCode", max_length=MAX_CAMPAIGN))


def assign_user(w: Writer, cat: Catalogue, user_id: object) -> None:
    if user_id is None or (isinstance(user_id, str) and not user_id.strip()):
        raise field_error("userId", "is required")
    uid = normalise_guid(user_id, "userId")
    user = cat.users.get(uid)
    w.set_fields(user_id=uid, user_email=user["email"] if user else None)


def set_custom_info(w: Writer, body: object) -> None:
    body = inputs.obj(body, "info")
    cur = currency(w.state.currency)
    basket_info = {}
    for n in range(1, 6):
        value = inputs.text(body.get(f"customInfo{n}"), f"customInfo{n}", max_length=2000)
        if value is not None:
            basket_info[f"customInfo{n}"] = value
    line_infos = body.get("lineInfo") or []
    inputs.array(line_infos, "lineInfo")
    updates = []
    for i, entry in enumerate(line_infos):
        entry = inputs.obj(entry, f"lineInfo[{i}]")
        line = None
        if entry.get("lineId") not in (None, "", 0, "0"):
            line = find_line(w, entry.get("lineId"))
        else:
            pid = optional_guid(entry.get("productId"), f"lineInfo[{i}].productId")
            parent = optional_guid(entry.get("parentProductId"), f"lineInfo[{i}].parentProductId")
            found = w.state.lines_of(pid, parent) if pid != ZERO_GUID else []
            if len(found) > 1:
                raise field_error(f"lineInfo[{i}].productId",
                                  f"{len(found)} lines of {pid} under {parent} (personalised "
                                  f"with different texts): name the line by lineId")
            line = found[0] if found else None
        if line is None:
            ident = entry.get("lineId") or entry.get("productId")
            raise ValidationError(
                f"lineInfo[{i}]: no line {ident!r} in the basket",
                [f"lineInfo[{i}]: no line {ident!r} in the basket"])
        info = {}
        for n in range(1, 6):
            for key in (f"customInfo{n}", f"customInfo{n}Formatted"):
                value = inputs.text(entry.get(key), f"lineInfo[{i}].{key}", max_length=2000)
                if value is not None:
                    info[key] = value
        charge = 0
        for key in ("additionalCharge", "additionalServiceCost"):
            if entry.get(key) not in (None, ""):
                charge += inputs.money(entry[key], f"lineInfo[{i}].{key}", cur)
        check_text_length(line.product, info, f"lineInfo[{i}].")
        clash = w.state.line(line.product_id, line.parent_product_id,
                             text_key(line.parent_product_id, info))
        if clash is not None and clash is not line:
            raise field_error(f"lineInfo[{i}]", f"line {clash.id} under the same parent already "
                                                f"has that text")
        updates.append((line, info, charge))
    w.set_fields(custom_info=basket_info)
    for line, info, charge in updates:
        w.update_line(line, custom_info=info, additional_charge_minor=charge)


def set_subscription(w: Writer, product_id: object, body: object) -> None:
    pid = normalise_guid(product_id, "productId")
    body = inputs.obj(body, "userSetting")
    line = w.state.line(pid, ZERO_GUID)
    if line is None:
        raise NotFound(f"Product {pid} is not in basket {w.state.id}",
                       [f"productId: product {pid} is not in the basket"])
    amount = body.get("authorizationAmount")
    settings = {
        "subscriptionPlanId": optional_guid(body.get("subscriptionPlanId"), "subscriptionPlanId"),
        "subscriptionTermId": optional_guid(body.get("subscriptionTermId"), "subscriptionTermId"),
        "userPricingType": inputs.optional_int(body, "userPricingType", 0, minimum=0),
        "subscriptionJson": inputs.text(body.get("subscriptionJson"), "subscriptionJson",
                                        max_length=10000),
        "authorizationAmount_minor": inputs.money(amount, "authorizationAmount",
                                                  currency(w.state.currency))
        if amount not in (None, "") else 0,
    }
    w.update_line(line, subscription=settings)


def merge_lines(w: Writer, cat: Catalogue, source: BasketState, strategy: str) -> None:
    """Combine the source's lines into the target's (engine-rules §5)."""
    if strategy not in STRATEGIES:
        raise field_error("strategy", f"must be one of {', '.join(STRATEGIES)} (got {strategy!r})")
    if source.currency != w.state.currency:
        raise field_error("sourceBasketId",
                          f"basket {source.id} is in {source.currency}, the target in "
                          f"{w.state.currency}: baskets in different currencies cannot merge")
    # In the source's display order, so appended lines keep their relative order.
    for src in source.lines:
        mine = w.state.line(*src.key)
        if mine is None:
            if len(w.state.lines) >= MAX_LINES:
                raise QuantityLimit(f"Merged basket would exceed {MAX_LINES} lines",
                                    [f"lineItems: at most {MAX_LINES} lines per basket"])
            check_qty(w, src.product, src.qty, None)
            w.add_line(src.product, src.parent_product_id, src.qty,
                       w.state.next_display_order(),
                       manual_price_minor=src.manual_price_minor,
                       additional_charge_minor=src.additional_charge_minor,
                       custom_info=dict(src.custom_info), item_type=src.item_type,
                       subscription=src.subscription, gift_wrap_id=src.gift_wrap_id,
                       is_gift_wrap=src.is_gift_wrap)
            continue
        if strategy == "sum":
            qty = mine.qty + src.qty
        elif strategy == "max":
            qty = max(mine.qty, src.qty)
        else:
            qty = src.qty
        if qty > MAX_LINE_QTY:
            raise QuantityLimit(
                f"{src.product.stock_code}: merged quantity {qty} exceeds the line limit of "
                f"{MAX_LINE_QTY}", [f"qty: at most {MAX_LINE_QTY} units per line"])
        check_qty(w, src.product, qty, mine)
        if qty != mine.qty:
            w.update_line(mine, qty=qty)

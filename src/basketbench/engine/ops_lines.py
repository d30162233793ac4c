"""Line operations: delta add, bulk add, absolute quantity, remove, display order."""

from __future__ import annotations

from ..model.line_input import ITEM_TYPE_NAMES, USER_PRICING_NAMES, first_set
from ..model.lines import is_child
from ..money import currency
from . import inputs
from .catalogue import Catalogue, Product
from .errors import EngineError, NotFound, OutOfStock, QuantityLimit, ValidationError, field_error
from .ids import ZERO_GUID, normalise_guid, optional_guid
from .state import LineState, Writer, text_key

MAX_LINE_QTY = 999
MAX_LINES = 500
_SUBSCRIPTION_FIELDS = ("subscriptionPlanId", "subscriptionTermId")


def resolve_product(cat: Catalogue, body: dict, prefix: str = "") -> Product | None:
    """The product named by productId and/or stockCode; None for the all-zero productId with
    no stock code (nothing to add). Unknown: 404. Both given and disagreeing: 400."""
    pid = optional_guid(body.get("productId"), prefix + "productId")
    code = inputs.text(body.get("stockCode"), prefix + "stockCode", max_length=100)
    by_id = cat.product(pid) if pid != ZERO_GUID else None
    if pid != ZERO_GUID and by_id is None:
        raise NotFound(f"Product {pid} not found", [f"{prefix}productId: product {pid} not found"])
    if code is not None and (by_id is None or by_id.stock_code.upper() != code.strip().upper()):
        by_code = cat.product_by_code(code)
        if by_id is not None:
            raise field_error(prefix + "stockCode",
                              f"{code!r} does not match productId {pid} ({by_id.stock_code})")
        if by_code is None:
            raise NotFound(f"Product with stock code {code!r} not found",
                           [f"{prefix}stockCode: product {code!r} not found"])
        return by_code
    return by_id


def check_qty(w: Writer, product: Product, new_qty: int, line: LineState | None) -> None:
    """Refuse a line quantity past the per-line limit, or a raise past the product's stock
    (all its lines together). Lowering a quantity is always allowed, even while the line is
    above the stock now available (engine-rules §2)."""
    if new_qty > MAX_LINE_QTY:
        raise QuantityLimit(
            f"{product.stock_code}: a line may hold at most {MAX_LINE_QTY} units "
            f"(asked for {new_qty})", [f"qty: at most {MAX_LINE_QTY} units per line"])
    if line is not None and new_qty <= line.qty:
        return
    others = sum(ln.qty for ln in w.state.lines
                 if ln.product is product and ln is not line)
    if others + new_qty > product.current_stock:
        available = max(0, product.current_stock - others)
        raise OutOfStock(
            f"Only {available} of {product.stock_code} available (asked for {new_qty})",
            [f"qty: only {available} of {product.stock_code} available"],
            available=available,
        )


def check_text_length(product: Product, info: dict, prefix: str) -> None:
    """A personalisation product's text limit ("up to 20 characters"), on every text field."""
    limit = product.max_text_length
    if limit is None:
        return
    for n in range(1, 6):
        text = info.get(f"customInfo{n}") or ""
        if len(text) > limit:
            raise field_error(f"{prefix}customInfo{n}",
                              f"{product.stock_code} takes at most {limit} characters "
                              f"(got {len(text)})")


def _line_extras(body: dict, cur, prefix: str) -> dict:
    """Optional line fields from an add/bulk body, only those present."""
    extra: dict = {}
    info = {}
    for n in range(1, 6):
        for key in (f"customInfo{n}", f"customInfo{n}Formatted"):
            if key in body and body[key] is not None:
                info[key] = inputs.text(body[key], prefix + key, max_length=2000) or ""
    if info:
        extra["custom_info"] = info
    manual = body.get("manualUnitPrice")
    if manual not in (None, "", 0):
        minor = inputs.money(manual, prefix + "manualUnitPrice", cur)
        if minor > 0:
            extra["manual_price_minor"] = minor
    charge = body.get("additionalCharge")
    if charge not in (None, ""):
        extra["additional_charge_minor"] = inputs.money(charge, prefix + "additionalCharge", cur)
    item_type = first_set(*_named_ints(body, ITEM_TYPE_NAMES, prefix))
    if item_type is not None:
        extra["item_type"] = item_type
    if body.get("giftWrapId") not in (None, ""):
        extra["gift_wrap_id"] = optional_guid(body.get("giftWrapId"), prefix + "giftWrapId")
        extra["is_gift_wrap"] = inputs.flag(body.get("isGiftWrapApplied", True),
                                            prefix + "isGiftWrapApplied")
    plan = optional_guid(body.get("subscriptionPlanId"), prefix + "subscriptionPlanId")
    if plan != ZERO_GUID:
        pricing = first_set(*_named_ints(body, USER_PRICING_NAMES, prefix, minimum=None))
        extra["subscription"] = {
            "subscriptionPlanId": plan,
            "subscriptionTermId": optional_guid(body.get("subscriptionTermId"),
                                                prefix + "subscriptionTermId"),
            "userPricingType": pricing or 0,
            "subscriptionJson": inputs.text(body.get("subscriptionJson"),
                                            prefix + "subscriptionJson", max_length=10000),
        }
    return extra


def _named_ints(body: dict, names: tuple[str, ...], prefix: str,
                minimum: int | None = 0) -> list[int | None]:
    """The whole numbers a body gives under each name of a field it may spell two ways
    (None where absent or empty); model/line_input.py says which one counts."""
    return [None if body.get(name) in (None, "")
            else inputs.whole_number(body[name], prefix + name, minimum=minimum)
            for name in names]


def _named_line(w: Writer, value: object, field: str) -> LineState | None:
    """The line a non-GUID productId names: the storefront's cart page sends the numeric
    line id (`lineItems[].id`) as productId (engine-rules §2). None when it is a GUID."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    if not text.isdigit():
        return None
    line = next((ln for ln in w.state.lines if ln.id == int(text)), None)
    if line is None:
        raise field_error(field, f"{text!r} is neither a GUID nor the id of a line in the basket")
    return line


def add_item(w: Writer, cat: Catalogue, body: dict, prefix: str = "",
             later_parents: frozenset[str] = frozenset()) -> None:
    """Add a quantity delta to the line the body names; see engine-rules §2. A child whose
    parent is in `later_parents` (coming later in the same bulk call) is not refused here."""
    inputs.obj(body, prefix.rstrip(".") or "body")
    cur = currency(w.state.currency)
    qty = inputs.quantity(body.get("qty", 1), prefix + "qty", limit=MAX_LINE_QTY)
    named = _named_line(w, body.get("productId"), prefix + "productId")
    if named is not None:
        _change_line(w, named, qty, _line_extras(body, cur, prefix), prefix)
        return
    pid = optional_guid(body.get("productId"), prefix + "productId")
    if pid == ZERO_GUID and body.get("stockCode") in (None, ""):
        # The all-zero product is how storefronts create an empty basket (engine-rules §1).
        w.ensure_row()
        return
    product = resolve_product(cat, body, prefix)
    if product is None:
        raise field_error(prefix + "productId", "is required (or give a stockCode)")
    parent = optional_guid(body.get("parentProductId"), prefix + "parentProductId")
    extras = _line_extras(body, cur, prefix)
    text = text_key(parent, extras.get("custom_info", {}))
    line = w.state.line(product.product_id, parent, text)
    if line is None and not text:
        line = _the_one_line(w, product, parent, prefix)
    if line is not None:
        _change_line(w, line, qty, extras, prefix)
        return
    if qty <= 0:
        return  # a negative or zero delta on a missing line changes nothing
    if is_child(parent):
        if w.state.line(parent, ZERO_GUID) is None and parent not in later_parents:
            raise field_error(prefix + "parentProductId",
                              f"parent product {parent} is not a line in the basket")
    elif product.child_only:
        raise field_error(prefix + "parentProductId",
                          f"{product.stock_code} can only be added under a parent line")
    if cur.code not in product.prices:
        raise field_error(prefix + "productId",
                          f"{product.stock_code} has no price in {cur.code} "
                          f"(priced in {', '.join(sorted(product.prices)) or 'no currency'})")
    if len(w.state.lines) >= MAX_LINES:
        raise QuantityLimit(f"A basket may hold at most {MAX_LINES} lines",
                            [f"lineItems: at most {MAX_LINES} lines per basket"])
    check_text_length(product, extras.get("custom_info", {}), prefix)
    check_qty(w, product, qty, None)
    order = inputs.whole_number(body.get("displayOrder") or 0, prefix + "displayOrder",
                                minimum=0, maximum=1_000_000)
    if order <= 0:
        order = w.state.next_display_order()
    w.add_line(product, parent, qty, order, **extras)


def _the_one_line(w: Writer, product: Product, parent: str, prefix: str) -> LineState | None:
    """A child line named without its text: the one line of that product under that parent
    (the workbench's +1 on an engraving). With several, the name is ambiguous."""
    candidates = w.state.lines_of(product.product_id, parent)
    if len(candidates) > 1:
        raise field_error(prefix + "productId",
                          f"{len(candidates)} lines of {product.stock_code} under that parent, "
                          f"personalised with different texts: name one by its line id (or "
                          f"give its text)")
    return candidates[0] if candidates else None


def _change_line(w: Writer, line: LineState, delta: int, extras: dict, prefix: str) -> None:
    """A delta on an existing line: 0, or a result of 0 or less, removes it (and its
    children); otherwise the new quantity, within the limits."""
    new_qty = line.qty + delta
    if delta == 0 or new_qty <= 0:
        w.remove_line(line)
        return
    if "custom_info" in extras:
        check_text_length(line.product, extras["custom_info"], prefix)
    check_qty(w, line.product, new_qty, line)
    w.update_line(line, qty=new_qty, **extras)


def add_bulk(w: Writer, cat: Catalogue, items: object) -> None:
    """Every element in order, in the caller's one transaction: all or nothing. A child
    element may come before its parent (the storefront sends add-ons first): it waits until
    the parent's element has been applied, so the parent's line comes first."""
    items = inputs.array(items, "items")
    parents_ahead = [_top_level_product(cat, body) for body in items]
    last_at = {product: i for i, product in enumerate(parents_ahead) if product}
    waiting: dict[str, list[tuple[int, dict]]] = {}
    for index, body in enumerate(items):
        parent = _parent_of(body)
        if parent and last_at.get(parent, -1) > index and \
                w.state.line(parent, ZERO_GUID) is None:
            waiting.setdefault(parent, []).append((index, body))
            continue
        _bulk_element(w, cat, index, body)
        for waiting_index, waiting_body in waiting.pop(parents_ahead[index] or "", []):
            _bulk_element(w, cat, waiting_index, waiting_body)
    for entries in waiting.values():  # a parent later in the batch that was never added
        _bulk_element(w, cat, *entries[0])


def _parent_of(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    try:
        parent = optional_guid(body.get("parentProductId"), "parentProductId")
    except EngineError:
        return None
    return parent if is_child(parent) else None


def _top_level_product(cat: Catalogue, body: object) -> str | None:
    """The product a bulk element adds at the top level, if it names one plainly."""
    if not isinstance(body, dict) or _parent_of(body) is not None:
        return None
    try:
        product = resolve_product(cat, body)
    except EngineError:
        return None
    return product.product_id if product else None


def _bulk_element(w: Writer, cat: Catalogue, index: int, body: object) -> None:
    prefix = f"items[{index}]."
    try:
        if not isinstance(body, dict):
            raise field_error(f"items[{index}]", "must be a JSON object")
        add_item(w, cat, body, prefix)
    except EngineError as exc:
        # Name the element in the message and in every field error.
        if not exc.message.startswith(f"items[{index}]"):
            exc.message = f"items[{index}]: {exc.message}"
            exc.args = (exc.message,)
        exc.errors = [e if e.startswith(f"items[{index}]") else f"items[{index}].{e}"
                      for e in exc.errors]
        raise


def set_qty(w: Writer, cat: Catalogue, product_id: object, qty: object) -> None:
    pid = normalise_guid(product_id, "productId")
    number = inputs.quantity(qty, "qty", limit=MAX_LINE_QTY)
    if number < 0:
        raise field_error("qty", f"must be at least 0 (got {number})")
    line = w.state.line(pid, ZERO_GUID)
    if line is None:
        raise NotFound(f"Product {pid} is not in basket {w.state.id}",
                       [f"productId: product {pid} is not in the basket"])
    if number == 0:
        w.remove_line(line)
        return
    check_qty(w, line.product, number, line)
    if number != line.qty:
        w.update_line(line, qty=number)


def remove_item(w: Writer, product_id: object) -> None:
    pid = normalise_guid(product_id, "productId")
    line = w.state.line(pid, ZERO_GUID)
    if line is not None:
        w.remove_line(line)


def set_display_order(w: Writer, entries: object) -> None:
    entries = inputs.array(entries, "body")
    changes: list[tuple[LineState, int]] = []
    for index, entry in enumerate(entries):
        entry = inputs.obj(entry, f"[{index}]")
        key = entry.get("id", entry.get("Id"))
        order = inputs.whole_number(entry.get("displayOrder"), f"[{index}].displayOrder",
                                    minimum=0, maximum=1_000_000)
        line = find_line(w, key)
        if line is None:
            raise ValidationError(
                f"[{index}].id: no line with id or productId {key!r} in the basket",
                [f"[{index}].id: no line with id or productId {key!r} in the basket"])
        changes.append((line, order))
    for line, order in changes:
        if line.display_order != order:
            w.update_line(line, display_order=order)


def find_line(w: Writer, key: object) -> LineState | None:
    """A line by its numeric line id, else the top-level (or any) line of a product id."""
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if not isinstance(key, str) or not key.strip():
        return None
    key = key.strip()
    if key.isdigit():
        return next((ln for ln in w.state.lines if ln.id == int(key)), None)
    lowered = key.lower()
    return next((ln for ln in w.state.lines
                 if ln.product.product_id == lowered and not ln.is_child), None) or \
        next((ln for ln in w.state.lines if ln.product.product_id == lowered), None)


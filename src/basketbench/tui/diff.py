"""What a change did to a basket: the lines and totals that moved, and one sentence for the
status bar ("POLO-NAVY-L qty 2 -> 3, grand total £41.50 -> £55.00")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..model import lines as model_lines
from ..model.diff import diff_lines, keyed
from .format import custom_info, extra, price, user_label

TOTAL_FIELDS = (
    ("sub_total", "sub total"), ("discount", "discount"),
    ("additional_charge", "additional charges"), ("shipping_charge", "shipping"),
    ("grand_total", "grand total"),
)

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ..model.basket import Basket
    from ..model.basket import Line as LineItem


def line_key(line: LineItem) -> str:
    """A wire line's key, as the engine keys it (model/lines.py), as text: the lines pane
    names its table rows by it."""
    return model_lines.key_text_of(line)


# The last few baskets keyed: one change keys the same two versions several times (the
# highlight, the status sentence), and a 2,000-line basket takes a while to key.
_KEYED: list[tuple[Basket, dict[str, LineItem]]] = []
_KEYED_MAX = 3


def lines_by_key(basket: Basket | None) -> dict[str, LineItem]:
    """The basket's lines by line key (do not modify the dict: it is shared)."""
    if basket is None:
        return {}
    for seen, known in _KEYED:
        if seen is basket:
            return known
    by_key = keyed(basket.line_items or [], line_key)
    _KEYED.insert(0, (basket, by_key))
    del _KEYED[_KEYED_MAX:]
    return by_key


def _line_fingerprint(line: LineItem) -> tuple:
    return (line.qty, price(line.total_price), price(line.discount), price(line.price),
            line.display_order, custom_info(line))


def _same_line(a: LineItem, b: LineItem) -> bool:
    return _line_fingerprint(a) == _line_fingerprint(b)


def changed_lines(before: Basket | None, after: Basket) -> set[str]:
    """Keys of lines that are new or differ in quantity, money, order or custom info (a line
    that is the same object in both is unchanged: wirejson/parse.py)."""
    d = diff_lines(lines_by_key(before), lines_by_key(after), _same_line)
    return {*d.added, *d.changed}


def total_values(basket: Basket) -> dict[str, str]:
    values = {name: price(getattr(basket, name)) for name, _ in TOTAL_FIELDS}
    for promo in basket.promotions_applied or []:
        code = promo.voucher_code or promo.promo_code or promo.name or "auto"
        values[f"promo:{code}"] = (f"{price(promo.discount_amt)}|{promo.is_applicable}|"
                                   f"{promo.reason}")
    return values


def changed_totals(before: Basket | None, after: Basket) -> set[str]:
    old = total_values(before) if before else {}
    return {k for k, v in total_values(after).items() if old.get(k) != v}


def _shown(value: object) -> str:
    return repr(value) if value not in (None, "") else "none"


def field_changes(before: Basket, after: Basket) -> list[str]:
    """Basket fields a person would want named: user, PO, instruction, campaign, lock,
    shipping method, country, store, basket custom info."""
    parts = []
    if (before.user_id, before.user_email) != (after.user_id, after.user_email):
        parts.append(f"user {user_label(before.user_email, before.user_id)} -> "
                     f"{user_label(after.user_email, after.user_id)}")
    for attr, label in (("po_number", "PO"), ("delivery_instruction", "instruction"),
                        ("campaign_code", "campaign")):
        a, b = getattr(before, attr, None), getattr(after, attr, None)
        if a != b:
            parts.append(f"{label} {_shown(a)} -> {_shown(b)}")
    if bool(before.is_locked) != bool(after.is_locked):
        parts.append("locked" if after.is_locked else "unlocked")
    if (before.shipping_method_id or "") != (after.shipping_method_id or ""):
        parts.append(f"shipping method {_method_name(after)}")
    for key, label in (("countryCode", "country"), ("clickCollectStore", "store"),
                       ("nominatedDelivery", "nominated day")):
        a, b = extra(before, key), extra(after, key)
        if a != b:
            if isinstance(b, Mapping):
                b = b.get("name") or b.get("deliveryDate") or b.get("code")
            parts.append(f"{label} {_shown(b)}" if b else f"{label} cleared")
    if custom_info(before) != custom_info(after):
        parts.append("basket custom info changed")
    return parts


def _method_name(basket: Basket) -> str:
    chosen = (basket.shipping_method_id or "").lower()
    for m in basket.shipping_methods or []:
        if chosen in ((m.id or "").lower(), (m.shipping_code or "").lower()):
            return m.display_name or m.shipping_code or chosen
    return chosen or "none"


def describe(before: Basket | None, after: Basket) -> str:
    """The change in words, most telling first: quantities, lines added or removed, promo
    codes, then the totals that moved."""
    parts: list[str] = []
    old, new = lines_by_key(before), lines_by_key(after)
    d = diff_lines(old, new, lambda a, b: a.qty == b.qty)
    added, changed = set(d.added), set(d.changed)
    for key in (k for k in new if k in added or k in changed):
        line = new[key]
        name = line.stock_code or line.name or key
        if key in added:
            parts.append(f"+{line.qty} {name}")
        else:
            parts.append(f"{name} qty {old[key].qty} -> {line.qty}")
    for key in d.removed:
        parts.append(f"removed {old[key].stock_code or old[key].name or key}")
    if before is not None:
        common = [k for k in sorted(old, key=lambda k: old[k].display_order or 0) if k in new]
        if common != [k for k in sorted(new, key=lambda k: new[k].display_order or 0)
                      if k in old]:
            parts.append("line order changed")
        for key in common:
            if old[key] is not new[key] and custom_info(old[key]) != custom_info(new[key]):
                parts.append(f"{new[key].stock_code or key} custom info changed")
        parts += field_changes(before, after)
    old_codes = {p.voucher_code for p in (before.promotions_applied or [])} if before else set()
    new_codes = {p.voucher_code for p in (after.promotions_applied or [])}
    parts += [f"promo {c} added" for c in sorted(filter(None, new_codes - old_codes))]
    parts += [f"promo {c} removed" for c in sorted(filter(None, old_codes - new_codes))]
    if before is not None:
        for name, label in (("shipping_charge", "shipping"), ("discount", "discount"),
                            ("grand_total", "grand total")):
            a, b = price(getattr(before, name)), price(getattr(after, name))
            if a != b:
                parts.append(f"{label} {a} -> {b}")
    return ", ".join(parts) if parts else "no change to lines or totals"

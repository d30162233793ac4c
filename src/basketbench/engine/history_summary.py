"""A history version's one-line summary of what moved ("POLO-NAVY-L qty 2 -> 3; +code SAVE10;
grand total £105.29 -> £126.89"), worked out when the history is read, from the version and
the one kept before it (history.summarised)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ..money import currency, format_amount
from .catalogue import Catalogue
from .history_snapshots import SNAPSHOT_FIELDS, line_values, snapshot_fields
from .ids import ZERO_GUID
from .state import text_key


class Image(NamedTuple):
    """A version as plain values, to summarise what moved from the one before: the
    basket's fields (SNAPSHOT_FIELDS order), its lines by id (_LINE_KEYS order), its codes,
    its grand total."""

    fields: tuple
    lines: dict[int, tuple]
    codes: tuple[str, ...]
    grand: int
    currency: str


def image_of(snap: dict, grand_total_minor: int, currency_code: str) -> Image:
    """The image of a kept version (for its summary, worked out when read)."""
    fields = snapshot_fields(snap)
    return Image(tuple(fields[name] for name in SNAPSHOT_FIELDS),
                 {ln["id"]: tuple(line_values(ln)) for ln in snap["lines"]},
                 tuple(snap["codes"]), grand_total_minor, currency_code)


_FIELD = {name: n for n, name in enumerate(SNAPSHOT_FIELDS)}
# The fields of "no basket yet", for the summary of a basket's first version.
_NO_FIELDS = tuple(False if name == "is_locked" else None for name in SNAPSHOT_FIELDS)


def _summary_fields(fields: tuple) -> tuple:
    """What the summary says of a basket's fields: shipping method, store, user (email,
    else id), PO number, locked."""
    user = fields[_FIELD["user_email"]] or (
        fields[_FIELD["user_id"]] if fields[_FIELD["user_id"]] != ZERO_GUID else None)
    return (fields[_FIELD["shipping_method_id"]], fields[_FIELD["store_id"]], user,
            fields[_FIELD["po_number"]], fields[_FIELD["is_locked"]])


def _line_name(values: tuple, cat: Catalogue) -> str:
    """A line as the summary names it: its stock code, "(child)" and the engraving's text."""
    product = cat.products.get(values[1])
    code = product.stock_code if product is not None else values[1]
    parent, info = values[2], values[7]
    if parent == ZERO_GUID:  # the common case, without working out a text key
        return code
    text = f" '{info.get('customInfo1')}'" if text_key(parent, info) else ""
    return f"{code} (child){text}"


def summary(before: Image | None, after: Image, cat: Catalogue, *,
            first: str = "created") -> str:
    """One line of what moved, e.g. "POLO-NAVY-L qty 2 -> 3; grand total £105.29 -> £126.89".
    Each part is looked at only when its values differ: most changes move one line. With no
    version before, it starts with `first` and the currency, and says what the basket holds."""
    parts: list[str] = []
    if before is None:
        parts.append(f"{first} ({after.currency})")
        before = Image(_NO_FIELDS, {}, (), 0, after.currency)
    if before.lines != after.lines:
        was: dict[str, int] = {}
        now: dict[str, int] = {}
        for line_id, values in after.lines.items():
            old = before.lines.get(line_id)
            if old != values:
                now[_line_name(values, cat)] = values[3]
                if old is not None:
                    was[_line_name(old, cat)] = old[3]
        for line_id, old in before.lines.items():
            if line_id not in after.lines:
                was[_line_name(old, cat)] = old[3]
        for key in sorted(was.keys() | now.keys()):
            a, b = was.get(key), now.get(key)
            if a is None:
                parts.append(f"+{key} x{b}")
            elif b is None:
                parts.append(f"-{key}")
            elif a != b:
                parts.append(f"{key} qty {a} -> {b}")
    if before.codes != after.codes:
        codes_a = [c.upper() for c in before.codes]
        codes_b = [c.upper() for c in after.codes]
        parts += [f"+code {code}" for code in codes_b if code not in codes_a]
        parts += [f"-code {code}" for code in codes_a if code not in codes_b]
    if before.fields != after.fields:
        fields_a, fields_b = _summary_fields(before.fields), _summary_fields(after.fields)
        if fields_a != fields_b:
            parts += _field_changes(fields_a, fields_b, cat)
    if before.grand != after.grand:
        parts.append(f"grand total {_amount(before.grand, after.currency)} -> "
                     f"{_amount(after.grand, after.currency)}")
    return "; ".join(parts) or "no visible change"


def _field_changes(before: tuple, after: tuple, cat: Catalogue) -> list[str]:
    parts = []
    (shipping_a, store_a, *rest_a), (shipping_b, store_b, *rest_b) = before, after
    if shipping_a != shipping_b:
        method = cat.shipping.get(shipping_b or "")
        parts.append(f"shipping {method.code if method else 'none'}")
    if store_a != store_b:
        store = cat.stores.get(store_b or "")
        parts.append(f"store {store.code if store else 'none'}")
    for label, a, b in zip(("user", "PO", "locked"), rest_a, rest_b, strict=True):
        if a != b:
            parts.append(f"{label} {b if b not in (None, '') else 'none'}")
    return parts


@lru_cache(maxsize=4096)
def _amount(minor: int, code: str) -> str:
    """A grand total as the summary writes it; each is written twice (the total after one
    change is the total before the next), and formatting a Decimal costs more than the rest
    of the summary."""
    return format_amount(minor, currency(code))

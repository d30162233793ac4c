"""Basket history: every change of a basket kept as a version, in the same transaction as the
change, so history and basket never disagree.

A version holds the operation and its arguments, who made it (the actor: the workbench, the
CLI, a flow, a sandbox client), when, a one-line summary of what moved, and a snapshot of the
basket after it (its fields, lines and codes: enough to show it again or restore it). Deleting
a basket records a last version marked deleted; the history stays until retention removes it.
Retention keeps the newest `keep_versions` versions of a basket and drops versions older than
`keep_days` (the newest version of a basket is always kept); it is applied to a basket every
PRUNE_EVERY versions, so a basket may briefly hold that many more.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec

from ..actor import ACTOR, acting_as  # noqa: F401 - acting_as is part of this module's API
from ..money import currency, format_amount
from .catalogue import Catalogue, Product
from .errors import NotFound, field_error
from .ids import ZERO_GUID
from .state import BASKET_COLUMNS, BasketState, LineState, Writer
from .store_api import Conn

DEFAULT_KEEP_VERSIONS = 500
DEFAULT_KEEP_DAYS = 90
# Retention is applied to a basket every this many versions (and when it is deleted), not on
# every change: a delete statement per change would cost a fifth of the add-item rate.
PRUNE_EVERY = 20

_SNAPSHOT_FIELDS = tuple(c for c in BASKET_COLUMNS if c not in ("id", "version", "created",
                                                                  "last_updated"))


@dataclass(frozen=True)
class Retention:
    keep_versions: int = DEFAULT_KEEP_VERSIONS
    keep_days: int = DEFAULT_KEEP_DAYS

    def __post_init__(self) -> None:
        if self.keep_versions < 1:
            raise ValueError(f"history keep_versions must be at least 1 "
                             f"(got {self.keep_versions})")
        if self.keep_days < 1:
            raise ValueError(f"history keep_days must be at least 1 (got {self.keep_days})")


# -- what a version holds -----------------------------------------------------------------------

def _tag(value: object) -> object:
    """Decimals (in client-sent delivery plan items, say) kept exact through JSON."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _raw_tag(value: Decimal) -> msgspec.Raw:
    """msgspec's spelling of _tag: the same bytes the standard encoder writes."""
    return msgspec.Raw(b'{"$decimal":"' + str(value).encode("ascii") + b'"}')


def _untag(obj: dict) -> object:
    return Decimal(obj["$decimal"]) if len(obj) == 1 and "$decimal" in obj else obj


# msgspec writes what json.dumps(separators=(",", ":"), ensure_ascii=False, default=_tag)
# writes, byte for byte, 5-10 times faster; the standard encoder is kept for what msgspec
# refuses (an integer beyond 64 bits, an unknown type, which then fails as before).
_FAST = msgspec.json.Encoder(decimal_format=_raw_tag)
_STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_tag)


def _encode_bytes(value: object) -> bytes:
    try:
        return _FAST.encode(value)
    except (TypeError, ValueError, OverflowError):
        return _STANDARD.encode(value).encode("utf-8")


def encode(value: object) -> str:
    """Compact JSON for history rows (one write per version is on the hot path)."""
    return _encode_bytes(value).decode("utf-8")


def decode(text: str) -> object:
    return json.loads(text, object_hook=_untag)


def snapshot(state: BasketState) -> dict:
    """The basket after a change, as compact as it can be: empty values are left out."""
    return {
        "basket": {name: value for name in _SNAPSHOT_FIELDS
                   if (value := getattr(state, name)) not in (None, False, "", {}, [])},
        "created": state.created,
        "lines": [{key: value for key, value in (
            ("id", ln.id), ("productId", ln.product.product_id),
            ("parent", ln.parent_product_id), ("qty", ln.qty),
            ("displayOrder", ln.display_order), ("manualPriceMinor", ln.manual_price_minor),
            ("additionalChargeMinor", ln.additional_charge_minor),
            ("customInfo", ln.custom_info), ("itemType", ln.item_type),
            ("subscription", ln.subscription), ("giftWrapId", ln.gift_wrap_id),
            ("isGiftWrap", ln.is_gift_wrap)) if value not in (None, False, {}, 0)
            or key == "qty"} for ln in state.lines],
        "codes": list(state.promo_codes),
    }


# A snapshot shorter than this is stored as its JSON: compressing it saves no page of
# write-ahead log, and zlib costs more than all the rest of writing the version.
COMPRESS_OVER = 1024


def pack(snap: dict) -> bytes:
    """A snapshot as stored: compact JSON, compressed when long (a 210-line basket: 57 KB ->
    4 KB), so that keeping a version per change costs little write-ahead log."""
    text = _encode_bytes(snap)
    return zlib.compress(text, 1) if len(text) > COMPRESS_OVER else text


def unpack(blob: bytes) -> dict:
    """pack()'s snapshot back: a JSON object starts with "{", a zlib stream never does (its
    first byte is 0x78), so both forms (and every row written before the short form) read."""
    text = bytes(blob)  # PostgreSQL hands bytea over as a memoryview
    if not text.startswith(b"{"):
        text = zlib.decompress(text)
    snap = decode(text.decode("utf-8"))
    assert isinstance(snap, dict)  # pack() wrote a snapshot
    return snap


def facts(state: BasketState, grand_total_minor: int) -> dict:
    """What a summary compares: line quantities, codes, delivery, owner, grand total."""
    return {
        "lines": {_fact_key(ln): ln.qty for ln in state.lines},
        "codes": [c.upper() for c in state.promo_codes],
        "shipping": state.shipping_method_id, "store": state.store_id,
        "user": state.user_email or (state.user_id if state.user_id != ZERO_GUID else None),
        "po": state.po_number,
        "locked": state.is_locked, "grand": grand_total_minor, "currency": state.currency,
    }


def _fact_key(ln: LineState) -> str:
    """A line as the summary names it: its stock code, "(child)" and the engraving's text."""
    if not ln.is_child:  # the common case, without working out a text key
        return ln.product.stock_code
    text = f" '{ln.custom_info.get('customInfo1')}'" if ln.text_key else ""
    return f"{ln.product.stock_code} (child){text}"


def summary(before: dict | None, after: dict, cat: Catalogue) -> str:
    """One line of what moved, e.g. "POLO-NAVY-L qty 2 -> 3; grand total £105.29 -> £126.89"."""
    parts: list[str] = []
    if before is None:
        parts.append(f"created ({after['currency']})")
        before = {"lines": {}, "codes": [], "shipping": None, "store": None, "user": None,
                  "po": None, "locked": False, "grand": 0, "currency": after["currency"]}
    for key in sorted(set(before["lines"]) | set(after["lines"])):
        a, b = before["lines"].get(key), after["lines"].get(key)
        if a is None:
            parts.append(f"+{key} x{b}")
        elif b is None:
            parts.append(f"-{key}")
        elif a != b:
            parts.append(f"{key} qty {a} -> {b}")
    for code in after["codes"]:
        if code not in before["codes"]:
            parts.append(f"+code {code}")
    for code in before["codes"]:
        if code not in after["codes"]:
            parts.append(f"-code {code}")
    if before["shipping"] != after["shipping"]:
        method = cat.shipping.get(after["shipping"] or "")
        parts.append(f"shipping {method.code if method else 'none'}")
    if before["store"] != after["store"]:
        store = cat.stores.get(after["store"] or "")
        parts.append(f"store {store.code if store else 'none'}")
    for key, label in (("user", "user"), ("po", "PO"), ("locked", "locked")):
        if before[key] != after[key]:
            parts.append(f"{label} {after[key] if after[key] not in (None, '') else 'none'}")
    if before["grand"] != after["grand"]:
        cur = currency(after["currency"])
        parts.append(f"grand total {format_amount(before['grand'], cur)} -> "
                     f"{format_amount(after['grand'], cur)}")
    return "; ".join(parts) or "no visible change"


# -- writing and reading versions -----------------------------------------------------------------

# An upsert: a basket deleted and made again under its id numbers its versions from 1 again.
_RECORD = (
    "INSERT INTO basket_history (basket_id, version, at, actor, op, args, "
    "summary, snapshot, grand_total_minor, currency, deleted) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (basket_id, version) DO UPDATE "
    "SET at = excluded.at, actor = excluded.actor, op = excluded.op, args = excluded.args, "
    "summary = excluded.summary, snapshot = excluded.snapshot, "
    "grand_total_minor = excluded.grand_total_minor, currency = excluded.currency, "
    "deleted = excluded.deleted")


def record(conn: Conn, state: BasketState, *, op: str, args: dict, at: str,
           text: str, grand_total_minor: int, deleted: bool = False) -> None:
    conn.execute(_RECORD, (state.id, state.version, at, ACTOR.get(), op, encode(args), text,
                           pack(snapshot(state)), grand_total_minor, state.currency,
                           int(deleted)))


def prune(conn: Conn, basket_id: str, version: int, retention: Retention,
          now: datetime) -> None:
    """Retention for one basket, in the writing transaction: the newest `keep_versions`, and
    nothing older than `keep_days` but the newest version.

    Both deletes are key ranges: the versions past `keep_versions`, then, only when the
    oldest version left is older than `keep_days`, the old ones (versions are written in
    time order, so nothing is too old while the oldest is not). One statement with an OR
    read every version of the basket each time."""
    conn.execute("DELETE FROM basket_history WHERE basket_id = ? AND version <= ?",
                 (basket_id, version - retention.keep_versions))
    cutoff = (now - timedelta(days=retention.keep_days)).strftime("%Y-%m-%dT%H:%M:%S")
    oldest = conn.execute("SELECT at FROM basket_history WHERE basket_id = ? "
                          "ORDER BY version LIMIT 1", (basket_id,)).fetchone()
    if oldest is not None and oldest[0] < cutoff:
        conn.execute("DELETE FROM basket_history WHERE basket_id = ? AND version < ? "
                     "AND at < ?", (basket_id, version, cutoff))


def page(conn: Conn, basket_id: str, offset: int, limit: int) -> dict:
    total = conn.execute("SELECT count(*) FROM basket_history WHERE basket_id = ?",
                         (basket_id,)).fetchone()[0]
    rows = [{
        "version": r[0], "at": r[1], "actor": r[2], "op": r[3], "args": decode(r[4]),
        "summary": r[5], "grandTotalMinor": r[6], "currency": r[7], "deleted": bool(r[8]),
    } for r in conn.execute(
        "SELECT version, at, actor, op, args, summary, grand_total_minor, currency, deleted "
        "FROM basket_history WHERE basket_id = ? ORDER BY version DESC LIMIT ? OFFSET ?",
        (basket_id, limit, offset))]
    return {"basketId": basket_id, "total": total, "offset": offset, "rows": rows}


def version_row(conn: Conn, basket_id: str, version: int) -> tuple[dict, str, bool]:
    """(snapshot, at, deleted) of one version; 404 naming the versions kept."""
    row = conn.execute("SELECT snapshot, at, deleted FROM basket_history WHERE basket_id = ? "
                       "AND version = ?", (basket_id, version)).fetchone()
    if row is None:
        kept = conn.execute("SELECT min(version), max(version) FROM basket_history "
                            "WHERE basket_id = ?", (basket_id,)).fetchone()
        where = (f"versions {kept[0]}-{kept[1]} are kept" if kept[0] is not None
                 else "it has no history")
        raise NotFound(f"Basket {basket_id} has no version {version} ({where})",
                       [f"version: no version {version} of basket {basket_id}"])
    return unpack(row[0]), row[1], bool(row[2])


def state_of(snap: dict, basket_id: str, version: int, cat: Catalogue) -> BasketState:
    """A read-only BasketState of a version, to price and show."""
    state = BasketState(id=basket_id, version=version, created=snap.get("created") or "",
                        persisted=True, **_fields(snap))
    for ln in snap["lines"]:
        product = cat.product(ln["productId"])
        if product is None:
            raise NotFound(f"Product {ln['productId']} of version {version} is no longer in "
                           f"the catalogue", [f"lineItems: product {ln['productId']} not found"])
        state.lines.append(_line(ln, product))
    state.promo_codes = list(snap["codes"])
    state.sort_lines()
    return state


def _fields(snap: dict) -> dict:
    """Every basket field of a snapshot, the empty ones it left out included."""
    defaults: dict[str, object] = {name: None for name in _SNAPSHOT_FIELDS}
    defaults.update(is_locked=False, created_by_admin=False, is_quote=False, quote_status=0,
                    custom_info={}, delivery_plans=[], currency="GBP")
    return {**defaults, **snap["basket"]}


def _line_fields(ln: dict) -> dict:
    return {"manual_price_minor": ln.get("manualPriceMinor"),
            "additional_charge_minor": ln.get("additionalChargeMinor", 0),
            "custom_info": ln.get("customInfo") or {}, "item_type": ln.get("itemType", 0),
            "subscription": ln.get("subscription"), "gift_wrap_id": ln.get("giftWrapId"),
            "is_gift_wrap": ln.get("isGiftWrap", False)}


def _line(ln: dict, product: Product) -> LineState:
    return LineState(id=ln["id"], product=product, parent_product_id=ln["parent"],
                     qty=ln["qty"], display_order=ln["displayOrder"], **_line_fields(ln))


def restore(w: Writer, cat: Catalogue, snap: dict, version: int) -> None:
    """Make the basket what it was at `version`: its fields, lines and codes (a new version;
    history is never rewritten). The lock is left as it is now."""
    fields = _fields(snap)
    if fields["currency"] != w.state.currency and w.state.persisted:
        raise field_error("version", f"version {version} is in {fields['currency']}, "
                                     f"the basket in {w.state.currency}")
    fields = {k: v for k, v in fields.items() if k not in ("is_locked", "currency")}
    w.set_fields(**fields)
    for line in list(w.state.lines):
        if line in w.state.lines:  # a parent's removal takes its children with it
            w.remove_line(line)
    for ln in snap["lines"]:
        product = cat.product(ln["productId"])
        if product is None:
            raise NotFound(f"Product {ln['productId']} of version {version} is no longer in "
                           f"the catalogue", [f"lineItems: product {ln['productId']} not found"])
        w.add_line(product, ln["parent"], ln["qty"], ln["displayOrder"], **_line_fields(ln))
    w.set_promo_codes(list(snap["codes"]))

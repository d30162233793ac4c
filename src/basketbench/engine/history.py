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
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

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


_EMPTY_FIELD: tuple[object, ...] = (None, False, "", {}, [])
# What a snapshot leaves out of a line (a quantity is never 0: the lines table says so).
_EMPTY_LINE_VALUE: tuple[object, ...] = (None, False, {}, 0)
_BASKET_VALUES = attrgetter(*_SNAPSHOT_FIELDS)
_LINE_KEYS = ("id", "productId", "parent", "qty", "displayOrder", "manualPriceMinor",
              "additionalChargeMinor", "customInfo", "itemType", "subscription", "giftWrapId",
              "isGiftWrap")
_LINE_VALUES = attrgetter("id", "product.product_id", "parent_product_id", "qty",
                          "display_order", "manual_price_minor", "additional_charge_minor",
                          "custom_info", "item_type", "subscription", "gift_wrap_id",
                          "is_gift_wrap")


def snapshot(state: BasketState) -> dict:
    """The basket after a change, as compact as it can be: empty values are left out, and
    so is the zero GUID of a guest basket's user and of a top-level line's parent (50 bytes
    each; reading puts them back)."""
    basket = {name: value for name, value in zip(_SNAPSHOT_FIELDS, _BASKET_VALUES(state))
              if value not in _EMPTY_FIELD}
    if basket.get("user_id") == ZERO_GUID:
        del basket["user_id"]
    lines = []
    for ln in state.lines:
        line = {key: value for key, value in zip(_LINE_KEYS, _LINE_VALUES(ln))
                if value not in _EMPTY_LINE_VALUE}
        if line.get("parent") == ZERO_GUID:
            del line["parent"]
        lines.append(line)
    return {"basket": basket, "created": state.created, "lines": lines,
            "codes": list(state.promo_codes)}


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


class Facts(NamedTuple):
    """What a summary compares: line quantities, codes, delivery and owner, grand total."""

    lines: dict[str, int]
    codes: list[str]
    # shipping method id, store id, user (email, else id), PO number, locked: compared at once
    fields: tuple
    grand: int
    currency: str


_NO_FIELDS = (None, None, None, None, False)


def facts(state: BasketState, grand_total_minor: int) -> Facts:
    return Facts(
        {_fact_key(ln): ln.qty for ln in state.lines},
        [c.upper() for c in state.promo_codes],
        (state.shipping_method_id, state.store_id,
         state.user_email or (state.user_id if state.user_id != ZERO_GUID else None),
         state.po_number, state.is_locked),
        grand_total_minor, state.currency)


def _fact_key(ln: LineState) -> str:
    """A line as the summary names it: its stock code, "(child)" and the engraving's text."""
    if not ln.is_child:  # the common case, without working out a text key
        return ln.product.stock_code
    text = f" '{ln.custom_info.get('customInfo1')}'" if ln.text_key else ""
    return f"{ln.product.stock_code} (child){text}"


def summary(before: Facts | None, after: Facts, cat: Catalogue) -> str:
    """One line of what moved, e.g. "POLO-NAVY-L qty 2 -> 3; grand total £105.29 -> £126.89".
    Each part is looked at only when its facts differ: most changes move one line."""
    parts: list[str] = []
    if before is None:
        parts.append(f"created ({after.currency})")
        before = Facts({}, [], _NO_FIELDS, 0, after.currency)
    if before.lines != after.lines:
        for key in sorted(before.lines.keys() | after.lines.keys()):
            a, b = before.lines.get(key), after.lines.get(key)
            if a is None:
                parts.append(f"+{key} x{b}")
            elif b is None:
                parts.append(f"-{key}")
            elif a != b:
                parts.append(f"{key} qty {a} -> {b}")
    if before.codes != after.codes:
        parts += [f"+code {code}" for code in after.codes if code not in before.codes]
        parts += [f"-code {code}" for code in before.codes if code not in after.codes]
    if before.fields != after.fields:
        parts += _field_changes(before.fields, after.fields, cat)
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


# -- writing and reading versions -----------------------------------------------------------------

# The columns of a version, in both tables (basket_history and basket_history_new).
_COLUMNS = ("basket_id, version, at, actor, op, args, summary, snapshot, grand_total_minor, "
            "currency, deleted")
# On SQLite a version is appended to basket_history_new, a table with no index: one page of
# write-ahead log, where a row of basket_history costs two (the row, and its primary-key
# entry in the middle of the index). When it holds FLUSH_AT versions, the transaction that
# wrote the last of them moves them all to basket_history; readers read both tables, so the
# history is the same whichever table a version is in, and a scan of the new one reads at
# most FLUSH_AT rows. PostgreSQL writes to basket_history at once (no page-sized log records
# to save, and several hosts would race to move the rows).
FLUSH_AT = 64
_TABLES = ("basket_history", "basket_history_new")
_APPEND = (f"INSERT INTO basket_history_new ({_COLUMNS}) "
           f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_UPSERT_TAIL = (
    " ON CONFLICT (basket_id, version) DO UPDATE "
    "SET at = excluded.at, actor = excluded.actor, op = excluded.op, args = excluded.args, "
    "summary = excluded.summary, snapshot = excluded.snapshot, "
    "grand_total_minor = excluded.grand_total_minor, currency = excluded.currency, "
    "deleted = excluded.deleted")
_RECORD = (f"INSERT INTO basket_history ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
           + _UPSERT_TAIL)
# "WHERE true": SQLite reads an ON right after the SELECT as a join's.
_FLUSH = (f"INSERT INTO basket_history ({_COLUMNS}) SELECT {_COLUMNS} FROM basket_history_new "
          f"WHERE true ORDER BY rowid" + _UPSERT_TAIL)


def both(columns: str, where: str = "") -> str:
    """The basket's versions from both tables (two `?` for the basket id, and two sets of
    whatever `where` asks)."""
    return (f"(SELECT {columns} FROM basket_history WHERE basket_id = ?{where} UNION ALL "
            f"SELECT {columns} FROM basket_history_new WHERE basket_id = ?{where}) AS v")


# The newest version a basket has in its history (one row, None when it has none); the
# basket id is given twice.
NEWEST_VERSION = f"SELECT max(version) FROM {both('version')}"


def newest_version(conn: Conn, basket_id: str) -> int | None:
    return conn.execute(NEWEST_VERSION, (basket_id, basket_id)).fetchone()[0]


def record(conn: Conn, state: BasketState, *, op: str, args: dict, at: str,
           text: str, grand_total_minor: int, deleted: bool = False,
           fresh: bool = False, append: bool = False) -> None:
    """Write one version. `fresh`: the basket was just made (or brought back); a new basket
    under the id of a deleted one starts its history again, so the versions the deleted one
    left from this number on go (they would be overwritten one by one otherwise, mixing
    the two). `append`: the SQLite way (see FLUSH_AT)."""
    row = (state.id, state.version, at, ACTOR.get(), op, encode(args), text,
           pack(snapshot(state)), grand_total_minor, state.currency, int(deleted))
    if fresh:
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table} WHERE basket_id = ? AND version >= ?",
                         (state.id, state.version))
    if not append:
        conn.execute(_RECORD, row)
        return
    if conn.execute(_APPEND, row).lastrowid >= FLUSH_AT:
        flush(conn)


def flush(conn: Conn) -> None:
    """Move the versions of basket_history_new to basket_history (SQLite, in the writing
    transaction). A rowid is one past the largest left, so it reaches FLUSH_AT by then."""
    conn.execute(_FLUSH)
    conn.execute("DELETE FROM basket_history_new")


def apply_retention(conn: Conn, basket_id: str, version: int, retention: Retention,
                    now: datetime, *, deleted: bool = False) -> None:
    """Retention for a basket that just wrote `version`, when it is due: every PRUNE_EVERY
    versions, and when the basket is deleted (then thoroughly, see prune)."""
    if deleted or version % PRUNE_EVERY == 0:
        prune(conn, basket_id, version, retention, now, thorough=deleted)


def prune(conn: Conn, basket_id: str, version: int, retention: Retention,
          now: datetime, *, thorough: bool = True) -> None:
    """Retention for one basket, in the writing transaction: the newest `keep_versions`, and
    nothing older than `keep_days` but the newest version.

    The versions past `keep_versions` are a key range. Finding the old ones means reading
    every version's time (one row lookup each: a 500-version basket's read cost a tenth of
    the add-item rate when done every PRUNE_EVERY versions), so it is done only when the
    oldest version is older than `keep_days` (which finds every version that aged in the
    order it was written), and `thorough`ly at a deletion. A version whose time is older
    than the versions before it (a clock set back, the demo's backdated changes) goes when
    the oldest ages, or by the count, or at the deletion, whichever comes first."""
    cutoff = (now - timedelta(days=retention.keep_days)).strftime("%Y-%m-%dT%H:%M:%S")
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE basket_id = ? AND version <= ?",
                     (basket_id, version - retention.keep_versions))
    if not thorough:
        # Each table's oldest on its own: over both at once, SQLite reads every version.
        oldest = [row for table in _TABLES
                  if (row := conn.execute(f"SELECT version, at FROM {table} WHERE "
                                          f"basket_id = ? ORDER BY version LIMIT 1",
                                          (basket_id,)).fetchone())]
        if not oldest or min(oldest)[1] >= cutoff:
            return
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE basket_id = ? AND version < ? AND at < ?",
                     (basket_id, version, cutoff))


_PAGE_COLUMNS = "version, at, actor, op, args, summary, grand_total_minor, currency, deleted"


def page(conn: Conn, basket_id: str, offset: int, limit: int) -> dict:
    total = conn.execute("SELECT (SELECT count(*) FROM basket_history WHERE basket_id = ?) + "
                         "(SELECT count(*) FROM basket_history_new WHERE basket_id = ?)",
                         (basket_id, basket_id)).fetchone()[0]
    rows = [{
        "version": r[0], "at": r[1], "actor": r[2], "op": r[3], "args": decode(r[4]),
        "summary": r[5], "grandTotalMinor": r[6], "currency": r[7], "deleted": bool(r[8]),
    } for r in conn.execute(
        f"SELECT {_PAGE_COLUMNS} FROM {both(_PAGE_COLUMNS)} "
        f"ORDER BY version DESC LIMIT ? OFFSET ?", (basket_id, basket_id, limit, offset))]
    return {"basketId": basket_id, "total": total, "offset": offset, "rows": rows}


def version_row(conn: Conn, basket_id: str, version: int) -> tuple[dict, str, bool]:
    """(snapshot, at, deleted) of one version; 404 naming the versions kept."""
    row = conn.execute(f"SELECT snapshot, at, deleted FROM "
                       f"{both('snapshot, at, deleted', ' AND version = ?')}",
                       (basket_id, version, basket_id, version)).fetchone()
    if row is None:
        kept = conn.execute(f"SELECT min(version), max(version) FROM {both('version')}",
                            (basket_id, basket_id)).fetchone()
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
    defaults.update(user_id=ZERO_GUID, is_locked=False, created_by_admin=False,
                    is_quote=False, quote_status=0, custom_info={}, delivery_plans=[],
                    currency="GBP")
    return {**defaults, **snap["basket"]}


def _line_fields(ln: dict) -> dict:
    return {"manual_price_minor": ln.get("manualPriceMinor"),
            "additional_charge_minor": ln.get("additionalChargeMinor", 0),
            "custom_info": ln.get("customInfo") or {}, "item_type": ln.get("itemType", 0),
            "subscription": ln.get("subscription"), "gift_wrap_id": ln.get("giftWrapId"),
            "is_gift_wrap": ln.get("isGiftWrap", False)}


def _line(ln: dict, product: Product) -> LineState:
    return LineState(id=ln["id"], product=product,
                     parent_product_id=ln.get("parent", ZERO_GUID), qty=ln["qty"],
                     display_order=ln["displayOrder"], **_line_fields(ln))


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
        w.add_line(product, ln.get("parent", ZERO_GUID), ln["qty"], ln["displayOrder"],
                   **_line_fields(ln))
    w.set_promo_codes(list(snap["codes"]))

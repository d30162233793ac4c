"""What a history version holds of its basket: the snapshot (whole, or what a change did
to the version before: history.keep decides), its JSON and its stored form.

A whole snapshot leaves out empty values and zero GUIDs; a change ({"d": ...}) is the
Writer's own record of what it did; reading applies changes to the whole snapshot before
them (apply_change). Decimals stay exact through JSON (`{"$decimal": "..."}`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter

import msgspec

from .ids import ZERO_GUID
from .state import BASKET_COLUMNS, BasketState, Writer

# The basket's own fields a snapshot keeps (its id, version and times are the version's).
SNAPSHOT_FIELDS = tuple(c for c in BASKET_COLUMNS if c not in ("id", "version", "created",
                                                                  "last_updated"))


# -- JSON that keeps Decimals exact -----------------------------------------------------------

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
FAST = msgspec.json.Encoder(decimal_format=_raw_tag)
_STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_tag)


def encode_bytes(value: object) -> bytes:
    try:
        return FAST.encode(value)
    except (TypeError, ValueError, OverflowError):
        return _STANDARD.encode(value).encode("utf-8")


def encode(value: object) -> str:
    """Compact JSON for history rows (one write per version is on the hot path)."""
    return encode_bytes(value).decode("utf-8")


def decode(text: str) -> object:
    return json.loads(text, object_hook=_untag)


_EMPTY_FIELD: tuple[object, ...] = (None, False, "", {}, [])
# What a snapshot leaves out of a line (a quantity is never 0: the lines table says so).
_EMPTY_LINE_VALUE: tuple[object, ...] = (None, False, {}, 0)
_BASKET_VALUES = attrgetter(*SNAPSHOT_FIELDS)
_LINE_KEYS = ("id", "productId", "parent", "qty", "displayOrder", "manualPriceMinor",
              "additionalChargeMinor", "customInfo", "itemType", "subscription", "giftWrapId",
              "isGiftWrap")
_LINE_VALUES = attrgetter("id", "product.product_id", "parent_product_id", "qty",
                          "display_order", "manual_price_minor", "additional_charge_minor",
                          "custom_info", "item_type", "subscription", "gift_wrap_id",
                          "is_gift_wrap")


def _basket_part(pairs: Iterable[tuple[str, object]]) -> dict:
    """A snapshot's basket fields: empty values are left out, and so is the zero GUID of a
    guest basket's user (reading puts them back, see snapshot_fields)."""
    basket = {name: value for name, value in pairs if value not in _EMPTY_FIELD}
    if basket.get("user_id") == ZERO_GUID:
        del basket["user_id"]
    return basket


def _line_part(values: tuple) -> dict:
    """A snapshot's line from its values (_LINE_KEYS order): empty values and the zero GUID
    of a top-level line's parent are left out (50 bytes each; reading puts them back)."""
    line = {key: value for key, value in zip(_LINE_KEYS, values)
            if value not in _EMPTY_LINE_VALUE}
    if line.get("parent") == ZERO_GUID:
        del line["parent"]
    return line


def snapshot(state: BasketState) -> dict:
    """The basket after a change, whole and as compact as it can be."""
    return {"basket": _basket_part(zip(SNAPSHOT_FIELDS, _BASKET_VALUES(state))),
            "created": state.created,
            "lines": [_line_part(_LINE_VALUES(ln)) for ln in state.lines],
            "codes": list(state.promo_codes)}


# Where each line attribute a Writer may update sits in a line's values (_LINE_VALUES).
_LINE_POSITION = {"qty": 3, "display_order": 4, "manual_price_minor": 5,
                  "additional_charge_minor": 6, "custom_info": 7, "item_type": 8,
                  "subscription": 9, "gift_wrap_id": 10, "is_gift_wrap": 11}
_SNAPSHOT_FIELD_SET = frozenset(SNAPSHOT_FIELDS)


def changes(w: Writer) -> dict:
    """What the writer's transaction changed, as a delta on the basket before it: fields
    set ("f", by name), lines added ("l", their values), lines updated ("u", [id, position,
    value, ...]: a quantity change is a few bytes), lines removed ("r", ids), codes ("c").
    Only what the Writer was asked to change is looked at."""
    state = w.state
    change: dict[str, object] = {}
    if w.fields_set:
        fields = {name: getattr(state, name) for name in w.fields_set
                  if name in _SNAPSHOT_FIELD_SET}
        if fields:
            change["f"] = fields
    if w.lines_added or w.lines_updated:
        added, updated = [], []
        for line in state.lines:
            if line.id in w.lines_added:
                added.append(_LINE_VALUES(line))
            elif (names := w.lines_updated.get(line.id)) is not None:
                if not names <= _LINE_POSITION.keys():  # the line's key moved: whole
                    added.append(_LINE_VALUES(line))
                    continue
                moved: list = [line.id]
                for name in names:
                    moved += (_LINE_POSITION[name], getattr(line, name))
                updated.append(moved)
        if added:
            change["l"] = added
        if updated:
            change["u"] = updated
    if w.lines_removed:
        change["r"] = sorted(w.lines_removed)
    if w.codes_set:
        change["c"] = list(state.promo_codes)
    return change


def line_values(line: dict) -> list:
    """A snapshot's line back to its values (_LINE_KEYS order), what it left out put back."""
    return [line["id"], line["productId"], line.get("parent", ZERO_GUID), line["qty"],
            line["displayOrder"], line.get("manualPriceMinor"),
            line.get("additionalChargeMinor", 0), line.get("customInfo") or {},
            line.get("itemType", 0), line.get("subscription"), line.get("giftWrapId"),
            line.get("isGiftWrap", False)]


def apply_change(snap: dict | None, change: dict) -> dict:
    """The snapshot of a version kept as a delta ({"d": change}) on the one before it."""
    if snap is None:
        raise ValueError("a history delta without the version before it")
    basket = {**snap["basket"], **change.get("f", {})}
    lines = {ln["id"]: ln for ln in snap["lines"]}
    for values in change.get("l", ()):
        lines[values[0]] = _line_part(values)
    for moved in change.get("u", ()):
        values = line_values(lines[moved[0]])
        for n in range(1, len(moved), 2):
            values[moved[n]] = moved[n + 1]
        lines[moved[0]] = _line_part(tuple(values))
    for line_id in change.get("r", ()):
        lines.pop(line_id, None)
    return {"basket": _basket_part(basket.items()), "created": snap.get("created"),
            "lines": sorted(lines.values(), key=lambda ln: (ln["displayOrder"], ln["id"])),
            "codes": change.get("c", snap["codes"])}


# A snapshot shorter than this is stored as its JSON: compressing it saves no page of
# write-ahead log, and zlib costs more than all the rest of writing the version.
COMPRESS_OVER = 1024


def pack(snap: dict) -> bytes:
    """A snapshot as stored: compact JSON, compressed when long (a 210-line basket: 57 KB ->
    4 KB), so that keeping a version per change costs little write-ahead log."""
    text = encode_bytes(snap)
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


def snapshot_fields(snap: dict) -> dict:
    """Every basket field of a snapshot, the empty ones it left out included."""
    defaults: dict[str, object] = {name: None for name in SNAPSHOT_FIELDS}
    defaults.update(user_id=ZERO_GUID, is_locked=False, created_by_admin=False,
                    is_quote=False, quote_status=0, custom_info={}, delivery_plans=[],
                    currency="GBP")
    return {**defaults, **snap["basket"]}

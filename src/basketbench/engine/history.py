"""Basket history: every change of a basket kept as a version, in the same transaction as the
change, so history and basket never disagree.

A version holds the operation and its arguments, who made it (the actor: the workbench, the
CLI, a flow, a sandbox client), when, and a snapshot of the basket after it (its fields, lines
and codes: enough to show it again or restore it), whole or as what the change did; its
one-line summary of what moved is worked out when it is read (summarised). Deleting
a basket records a last version marked deleted; the history stays until retention removes it.
Retention keeps the newest `keep_versions` versions of a basket and drops versions older than
`keep_days` (the newest version of a basket is always kept); it is applied to a basket every
PRUNE_EVERY versions, so a basket may briefly hold that many more.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

import msgspec

from ..actor import ACTOR, acting_as  # noqa: F401 - acting_as is part of this module's API
from .catalogue import Catalogue, Product
from .catalogue import load as load_catalogue
from .errors import NotFound, field_error
from .history_snapshots import (
    COMPRESS_OVER,
    FAST,
    apply_change,
    changes,
    decode,
    encode,
    encode_bytes,
    pack,
    snapshot,
    snapshot_fields,
    unpack,
)
from .history_summary import image_of, summary
from .ids import ZERO_GUID
from .state import BasketState, LineState, TailWrite, Writer
from .store_api import Conn

DEFAULT_KEEP_VERSIONS = 500
DEFAULT_KEEP_DAYS = 90
# Retention is applied to a basket every this many versions (and when it is deleted), not on
# every change: a delete statement per change would cost a fifth of the add-item rate.
PRUNE_EVERY = 100


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


# -- where a version is kept -----------------------------------------------------------------

# A version as the readers here hand it round: (version, at, actor, op, args, summary,
# snapshot, grand_total_minor, currency, deleted), args as JSON text, snapshot as pack() wrote
# it (the columns of basket_history after basket_id, in its order).
_V_COLUMNS = ("version, at, actor, op, args, summary, snapshot, grand_total_minor, currency, "
              "deleted")
_RECORD = (
    f"INSERT INTO basket_history (basket_id, {_V_COLUMNS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (basket_id, version) DO UPDATE "
    "SET at = excluded.at, actor = excluded.actor, op = excluded.op, args = excluded.args, "
    "summary = excluded.summary, snapshot = excluded.snapshot, "
    "grand_total_minor = excluded.grand_total_minor, currency = excluded.currency, "
    "deleted = excluded.deleted")

# Where a version is kept, and why (schema 7). Most of what keeping history cost was SQLite's:
# a row per version in an indexed table is a b-tree insert (about 8 us whether one at a time
# or in batches) and a page of write-ahead log. So:
# - A basket's newest versions wait in its own row, `baskets.history_tail` (one line of JSON
#   each, about TAIL_BYTES at most; `history_tail_version` is the newest one's number),
#   appended by SQLite in the UPDATE that bumps the version anyway: the page holding the row
#   is written by every change, so a waiting version costs no page of its own.
# - When the next version would take the tail past TAIL_BYTES, the tail moves, as it is, to
#   one row of basket_history_chunks (one insert for several versions), in the same
#   transaction, and a new tail starts with the version, whole.
# - A version is whole, or a delta on the one before it in the same tail (keep).
# - A version whose whole snapshot is too long for the tail (over COMPRESS_OVER: a large
#   basket) is one row of basket_history, after the tail moves; so is a deletion (the
#   basket's row goes, so its tail moves first), and every version written before schema 7.
# The readers below put the three together (page, since, version_row, newest_version); the
# history is the same wherever a version is.
TAIL_BYTES = 2048
_TAIL_ENCODER = msgspec.json.Encoder()
_TAIL_ENTRY = msgspec.json.Decoder(tuple[int, str, str, str, msgspec.Raw, str, msgspec.Raw,
                                         int, str, int])
_CHUNK = ("INSERT INTO basket_history_chunks (basket_id, first_version, last_version, "
          "first_at, versions, entries) VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (basket_id, first_version) DO UPDATE SET "
          "last_version = excluded.last_version, first_at = excluded.first_at, "
          "versions = excluded.versions, entries = excluded.entries")


def _tail_line(version: int, at: str, op: str, args: dict, snap: object,
               grand_total_minor: int, currency_code: str) -> bytes:
    """One waiting version, a JSON array in _V_COLUMNS order (its summary left to reading),
    in one encoding: the arguments are the same bytes encode() writes."""
    entry = (version, at, ACTOR.get(), op, args, "", snap, grand_total_minor, currency_code, 0)
    try:
        return FAST.encode(entry) + b"\n"
    except (TypeError, ValueError, OverflowError):  # what msgspec refuses: see encode_bytes
        return FAST.encode((*entry[:4], msgspec.Raw(encode_bytes(args)), entry[5],
                             msgspec.Raw(encode_bytes(snap)), *entry[7:])) + b"\n"


def _row(line: bytes) -> tuple:
    version, at, actor, op, args, text, snap, grand, code, deleted = _TAIL_ENTRY.decode(line)
    return (version, at, actor, op, bytes(args).decode("utf-8"), text, bytes(snap), grand,
            code, deleted)


def _rows(entries: bytes) -> list[tuple]:
    """The versions of a tail or chunk, oldest first."""
    return [_row(line) for line in entries.split(b"\n")[:-1]] if entries else []


def _head(line: bytes) -> tuple[int, str]:
    """(version, at) of a waiting version without reading the rest: a line starts
    `[version,"at",` (an ISO time has nothing to escape)."""
    comma = line.index(b",")
    return int(line[1:comma]), line[comma + 2:line.index(b'"', comma + 2)].decode("ascii")


def seal(conn: Conn, basket_id: str) -> None:
    """Move the basket's waiting versions to a chunk: its row was written outside the
    engine's operations, so the next version is kept whole, not as a change of the last."""
    tail = read_tail(conn, basket_id)
    if tail:
        _move(conn, basket_id, tail)
        conn.execute("UPDATE baskets SET history_tail = NULL, history_tail_version = NULL "
                     "WHERE id = ?", (basket_id,))


def _move(conn: Conn, basket_id: str, tail: bytes) -> None:
    """A basket's waiting versions into one row of basket_history_chunks, as they are."""
    if tail:
        lines = tail.split(b"\n")[:-1]
        (first, at), (last, _at) = _head(lines[0]), _head(lines[-1])
        conn.execute(_CHUNK, (basket_id, first, last, at, len(lines), tail))


def _kept(entries: bytes, keeps: Callable[[tuple[int, str]], bool]) -> bytes:
    """The versions of a tail or chunk that `keeps` keeps (it is given (version, at)). When
    any goes, the ones kept are written whole: a delta's version before may be gone."""
    lines = entries.split(b"\n")[:-1] if entries else []
    keep_flags = [keeps(_head(line)) for line in lines]
    if all(keep_flags):
        return entries
    out, snap = [], None
    for line, kept in zip(lines, keep_flags, strict=True):
        entry: list = list(_TAIL_ENTRY.decode(line))
        data = unpack(bytes(entry[6]))
        snap = apply_change(snap, data["d"]) if "d" in data else data
        if kept:
            entry[6] = msgspec.Raw(encode_bytes(snap))
            out.append(_TAIL_ENCODER.encode(tuple(entry)) + b"\n")
    return b"".join(out)


def _trim_chunks(conn: Conn, basket_id: str, where: str, params: tuple,
                 keeps: Callable[[tuple[int, str]], bool]) -> None:
    """Drop the versions `keeps` refuses from the basket's chunks that `where` picks."""
    for first, entries in conn.execute(
            f"SELECT first_version, entries FROM basket_history_chunks WHERE basket_id = ?"
            f"{where}", (basket_id, *params)).fetchall():
        old = bytes(entries)
        new = _kept(old, keeps)
        if new is old:
            continue
        conn.execute("DELETE FROM basket_history_chunks WHERE basket_id = ? AND "
                     "first_version = ?", (basket_id, first))
        _move(conn, basket_id, new)


def read_tail(conn: Conn, basket_id: str) -> bytes:
    """The versions waiting in the basket's row (a column of JSON lines)."""
    row = conn.execute("SELECT history_tail FROM baskets WHERE id = ?",
                       (basket_id,)).fetchone()
    return row[0].encode("utf-8") if row is not None and row[0] else b""


def keep(conn: Conn, w: Writer, version: int, at: str, op: str, args: dict,
         grand_total_minor: int, retention: Retention, now: datetime) -> TailWrite:
    """Keep the version the writer's transaction makes of its basket (`version`: its number
    once written). Returns what to write to the basket's history tail, which the caller
    writes with the basket's row (Writer.finish).

    When the newest version waiting in the tail is the basket as loaded (nothing wrote the
    row since without keeping history), the version is kept as what the writer changed
    ({"d": changes}: tens of bytes); otherwise whole. The first version of a tail is whole,
    so each tail and chunk reads on its own. Its summary is left to reading (summarised),
    which has the version before at hand. A basket made by this change (or brought back)
    starts its history again: a new basket under the id of a deleted one, so the versions
    the deleted one left from this number on go."""
    state = w.state
    if w.made:
        _forget_from(conn, state.id, version)
    line = b""
    if state.tail_size and state.tail_version == state.version:
        line = _tail_line(version, at, op, args, {"d": changes(w)}, grand_total_minor,
                          state.currency)
    if line and state.tail_size + len(line) <= TAIL_BYTES:
        tail = TailWrite(True, line.decode("utf-8"), version)
    else:  # a new tail starts with this version, whole, after the old one moves
        if state.tail_size:
            _move(conn, state.id, read_tail(conn, state.id))
        snap = encode_bytes(snapshot(state))
        if len(snap) > COMPRESS_OVER:
            conn.execute(_RECORD, (state.id, version, at, ACTOR.get(), op, encode(args), "",
                                   zlib.compress(snap, 1), grand_total_minor, state.currency,
                                   0))
            tail = TailWrite(False, None, None)
        else:
            line = _tail_line(version, at, op, args, msgspec.Raw(snap), grand_total_minor,
                              state.currency)
            tail = TailWrite(False, line.decode("utf-8"), version)
    if version % PRUNE_EVERY == 0:
        whole = (read_tail(conn, state.id) if tail.append else b"") + \
            (tail.text or "").encode("utf-8")
        kept = prune(conn, state.id, version, retention, now, tail=whole, thorough=False)
        tail = TailWrite(False, kept.decode("utf-8") or None, version if kept else None)
    return tail


def _forget_from(conn: Conn, basket_id: str, version: int) -> None:
    """The versions a deleted basket left from `version` on. A basket is made at version 1
    (all of them go) or brought back at its newest version + 1 (none go), so no chunk holds
    versions on both sides."""
    conn.execute("DELETE FROM basket_history WHERE basket_id = ? AND version >= ?",
                 (basket_id, version))
    conn.execute("DELETE FROM basket_history_chunks WHERE basket_id = ? AND "
                 "last_version >= ?", (basket_id, version))


def keep_deletion(conn: Conn, state: BasketState, *, version: int, op: str, args: dict,
                  at: str, grand_total_minor: int, retention: Retention,
                  now: datetime) -> None:
    """The last version of a basket about to be deleted (its row goes, so its tail moves
    first), and retention over all its versions."""
    _move(conn, state.id, read_tail(conn, state.id))
    conn.execute(_RECORD, (state.id, version, at, ACTOR.get(), op, encode(args), "deleted",
                           pack(snapshot(state)), grand_total_minor, state.currency, 1))
    prune(conn, state.id, version, retention, now)


def prune(conn: Conn, basket_id: str, version: int, retention: Retention, now: datetime, *,
          tail: bytes = b"", thorough: bool = True) -> bytes:
    """Retention for one basket, in the writing transaction: the newest `keep_versions`, and
    nothing older than `keep_days` but the newest version (`version`). Returns what is left
    of `tail`, the versions waiting in the basket's row.

    The versions past `keep_versions` are a key range. Finding the old ones means reading
    every version's time, so it is done only when the oldest version is older than
    `keep_days` (which finds every version that aged in the order it was written), and
    `thorough`ly at a deletion. A version whose time is older than the versions before it
    (a clock set back, the demo's backdated changes) goes when the oldest ages, or by the
    count, or at the deletion, whichever comes first."""
    cutoff = (now - timedelta(days=retention.keep_days)).strftime("%Y-%m-%dT%H:%M:%S")
    past = version - retention.keep_versions
    conn.execute("DELETE FROM basket_history WHERE basket_id = ? AND version <= ?",
                 (basket_id, past))
    conn.execute("DELETE FROM basket_history_chunks WHERE basket_id = ? AND "
                 "last_version <= ?", (basket_id, past))
    _trim_chunks(conn, basket_id, " AND first_version <= ?", (past,),
                 lambda head: head[0] > past)
    tail = _kept(tail, lambda head: head[0] > past)
    if not thorough:
        firsts = [row for row in (
            conn.execute("SELECT version, at FROM basket_history WHERE basket_id = ? "
                         "ORDER BY version LIMIT 1", (basket_id,)).fetchone(),
            conn.execute("SELECT first_version, first_at FROM basket_history_chunks WHERE "
                         "basket_id = ? ORDER BY first_version LIMIT 1",
                         (basket_id,)).fetchone(),
            _head(tail) if tail else None) if row is not None]
        if not firsts or min(firsts)[1] >= cutoff:
            return tail

    def young(head: tuple[int, str]) -> bool:
        return head[0] == version or head[1] >= cutoff

    conn.execute("DELETE FROM basket_history WHERE basket_id = ? AND version < ? AND at < ?",
                 (basket_id, version, cutoff))
    _trim_chunks(conn, basket_id, "" if thorough else " AND first_at < ?",
                 () if thorough else (cutoff,), young)
    return _kept(tail, young)


# -- reading versions ---------------------------------------------------------------------------

def newest_version(conn: Conn, basket_id: str) -> int | None:
    """The newest version a basket has in its history (None when it has none)."""
    waiting = conn.execute("SELECT history_tail_version FROM baskets WHERE id = ?",
                           (basket_id,)).fetchone()
    if waiting is not None and waiting[0] is not None:
        return int(waiting[0])
    row = conn.execute("SELECT (SELECT max(version) FROM basket_history WHERE basket_id = ?), "
                       "(SELECT max(last_version) FROM basket_history_chunks "
                       "WHERE basket_id = ?)", (basket_id, basket_id)).fetchone()
    return max((v for v in row if v is not None), default=None)


def _table_rows(conn: Conn, basket_id: str, rest: str, params: tuple) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        f"SELECT {_V_COLUMNS} FROM basket_history WHERE basket_id = ?{rest}",
        (basket_id, *params))]


def _page_row(r: tuple) -> dict:
    return {"version": r[0], "at": r[1], "actor": r[2], "op": r[3], "args": decode(r[4]),
            "summary": r[5], "grandTotalMinor": r[7], "currency": r[8], "deleted": bool(r[9])}


def page(conn: Conn, basket_id: str, offset: int, limit: int, cat: Catalogue) -> dict:
    """Versions newest first, from wherever each is kept (see TAIL_BYTES): the newest
    offset + limit of each place, merged."""
    want = offset + limit
    tail = read_tail(conn, basket_id)
    rows = _rows(tail)
    rows += _table_rows(conn, basket_id, " ORDER BY version DESC LIMIT ?", (want,))
    from_chunks = 0
    for versions, entries in conn.execute(
            "SELECT versions, entries FROM basket_history_chunks WHERE basket_id = ? "
            "ORDER BY first_version DESC", (basket_id,)):
        if from_chunks >= want:
            break
        rows += _rows(bytes(entries))
        from_chunks += versions
    rows.sort(key=itemgetter(0), reverse=True)
    total = tail.count(b"\n") + conn.execute(
        "SELECT (SELECT count(*) FROM basket_history WHERE basket_id = ?) + "
        "(SELECT coalesce(sum(versions), 0) FROM basket_history_chunks WHERE basket_id = ?)",
        (basket_id, basket_id)).fetchone()[0]
    return {"basketId": basket_id, "total": total, "offset": offset,
            "rows": [_page_row(r) for r in summarised(conn, basket_id, rows[offset:want], cat)]}


def since(conn: Conn, basket_id: str, after: int, limit: int,
          cat: Catalogue | None = None) -> list[tuple]:
    """(version, at, actor, op, summary, deleted) of the versions after `after`, oldest
    first, at most `limit` (the change feed's read). `cat`: the catalogue, when the caller
    has it at hand (else it is read, if a summary needs it)."""
    rows = _table_rows(conn, basket_id, " AND version > ? ORDER BY version LIMIT ?",
                       (after, limit))
    for (entries,) in conn.execute("SELECT entries FROM basket_history_chunks WHERE "
                                   "basket_id = ? AND last_version > ?", (basket_id, after)):
        rows += [row for row in _rows(bytes(entries)) if row[0] > after]
    rows += [row for row in _rows(read_tail(conn, basket_id)) if row[0] > after]
    rows.sort(key=itemgetter(0))
    rows = summarised(conn, basket_id, rows[:limit], cat)
    return [(r[0], r[1], r[2], r[3], r[5], r[9]) for r in rows]


# -- summaries, worked out when read ------------------------------------------------------

def summarised(conn: Conn, basket_id: str, rows: list[tuple],
               cat: Catalogue | None) -> list[tuple]:
    """`rows` (versions of the basket) with their summaries: a version kept without one
    (history.keep leaves it to reading) is summarised against the version kept before it,
    both made whole. The first version says "created"; so does one made after a deletion
    (a deleted basket brought back); the oldest one kept, when retention removed the ones
    before it, says "earliest kept"."""
    lacking = [row[0] for row in rows if not row[5]]
    if not lacking:
        return rows
    cat = cat if cat is not None else load_catalogue(conn)
    low, high = min(lacking), max(lacking)
    waiting = _whole(_rows(read_tail(conn, basket_id)))  # read and made whole once
    before = _kept_before(conn, basket_id, low, waiting)
    texts = {}
    for row in _kept_between(conn, basket_id, low, high, waiting):
        if not row[5]:
            texts[row[0]] = _summary_of(before, row, cat)
        before = row
    return [row if row[5] else (*row[:5], texts.get(row[0], ""), *row[6:]) for row in rows]


def _summary_of(before: tuple | None, row: tuple, cat: Catalogue) -> str:
    after = image_of(row[6], row[7], row[8])
    if before is None or before[9]:
        first = "created" if before is not None or row[0] == 1 else "earliest kept"
        return summary(None, after, cat, first=first)
    return summary(image_of(before[6], before[7], before[8]), after, cat)


def _whole(rows: list[tuple]) -> list[tuple]:
    """A tail's or chunk's rows, each with its whole snapshot (a dict) in place."""
    out, snap = [], None
    for row in rows:
        data = unpack(row[6])
        snap = apply_change(snap, data["d"]) if "d" in data else data
        out.append((*row[:6], snap, *row[7:]))
    return out


def _table_whole(conn: Conn, basket_id: str, rest: str, params: tuple) -> list[tuple]:
    return [(*row[:6], unpack(row[6]), *row[7:])
            for row in _table_rows(conn, basket_id, rest, params)]


def _kept_between(conn: Conn, basket_id: str, low: int, high: int,
                  waiting: list[tuple]) -> list[tuple]:
    """Every version kept from `low` to `high`, whole, oldest first (`waiting`: the tail's,
    whole)."""
    rows = [row for row in waiting if low <= row[0] <= high]
    for (entries,) in conn.execute(
            "SELECT entries FROM basket_history_chunks WHERE basket_id = ? AND "
            "last_version >= ? AND first_version <= ?", (basket_id, low, high)):
        rows += [row for row in _whole(_rows(bytes(entries))) if low <= row[0] <= high]
    rows += _table_whole(conn, basket_id, " AND version BETWEEN ? AND ?", (low, high))
    rows.sort(key=itemgetter(0))
    return rows


def _kept_before(conn: Conn, basket_id: str, version: int,
                 waiting: list[tuple]) -> tuple | None:
    """The newest version kept before `version`, whole (`waiting`: the tail's, whole)."""
    rows = [row for row in waiting if row[0] < version]
    chunk = conn.execute("SELECT entries FROM basket_history_chunks WHERE basket_id = ? AND "
                         "first_version < ? ORDER BY first_version DESC LIMIT 1",
                         (basket_id, version)).fetchone()
    if chunk is not None:
        rows += [row for row in _whole(_rows(bytes(chunk[0]))) if row[0] < version]
    rows += _table_whole(conn, basket_id, " AND version < ? ORDER BY version DESC LIMIT 1",
                         (version,))
    return max(rows, key=itemgetter(0), default=None)


def _resolved(rows: list[tuple], version: int) -> tuple[dict, str, bool] | None:
    """(snapshot, at, deleted) of `version` among a tail's or chunk's rows, its snapshot
    made whole (a delta applies to the version before it, back to a whole one)."""
    for row in _whole(rows):
        if row[0] == version:
            return row[6], row[1], bool(row[9])
    return None


def version_row(conn: Conn, basket_id: str, version: int) -> tuple[dict, str, bool]:
    """(snapshot, at, deleted) of one version; 404 naming the versions kept."""
    waiting = _rows(read_tail(conn, basket_id))
    found = _resolved(waiting, version)
    if found is not None:
        return found
    row = conn.execute("SELECT snapshot, at, deleted FROM basket_history WHERE basket_id = ? "
                       "AND version = ?", (basket_id, version)).fetchone()
    if row is not None:
        return unpack(row[0]), row[1], bool(row[2])
    for (entries,) in conn.execute(
            "SELECT entries FROM basket_history_chunks WHERE basket_id = ? AND "
            "first_version <= ? AND last_version >= ?", (basket_id, version, version)):
        found = _resolved(_rows(bytes(entries)), version)
        if found is not None:
            return found
    kept = conn.execute(
        "SELECT min(v), max(v) FROM (SELECT version AS v FROM basket_history WHERE "
        "basket_id = ? UNION ALL SELECT first_version FROM basket_history_chunks WHERE "
        "basket_id = ? UNION ALL SELECT last_version FROM basket_history_chunks WHERE "
        "basket_id = ?) AS k", (basket_id,) * 3).fetchone()
    low = min((v for v in (kept[0], waiting[0][0] if waiting else None) if v is not None),
              default=None)
    high = waiting[-1][0] if waiting else kept[1]
    where = f"versions {low}-{high} are kept" if low is not None else "it has no history"
    raise NotFound(f"Basket {basket_id} has no version {version} ({where})",
                   [f"version: no version {version} of basket {basket_id}"])


def state_of(snap: dict, basket_id: str, version: int, cat: Catalogue) -> BasketState:
    """A read-only BasketState of a version, to price and show."""
    state = BasketState(id=basket_id, version=version, created=snap.get("created") or "",
                        persisted=True, **snapshot_fields(snap))
    for ln in snap["lines"]:
        product = cat.product(ln["productId"])
        if product is None:
            raise NotFound(f"Product {ln['productId']} of version {version} is no longer in "
                           f"the catalogue", [f"lineItems: product {ln['productId']} not found"])
        state.lines.append(_line(ln, product))
    state.promo_codes = list(snap["codes"])
    state.sort_lines()
    return state


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
    fields = snapshot_fields(snap)
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

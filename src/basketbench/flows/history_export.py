"""A flow from a basket's history: the versions kept by the local engine or a basketbench
sandbox, written as a flow file whose replay on a fresh basket reproduces the same totals.

    recorder = await export_history(backend, basket_id, first=3, last=9)
    recorder.save("flows/what-happened.toml")

Each version becomes the step its operation maps to (`steps.flow_step`, the translation the
workbench's recorder uses), with expectations taken from the basket as it was at that version
(grand total, shipping, lines, promotions), so the replay checks every step.

A version whose operation no flow step can express (a restore, a merge into this basket, a
subscription or delivery plan) is **rebuilt**: the steps that turn the basket of the version
before into the basket of this version (lines removed, re-added or their quantity set, codes
removed and applied, user, shipping, PO, instructions, campaign, custom info, lock), named
"v7 restore: rebuilt as steps". What a rebuild cannot express either (a user taken off a
basket, shipping taken off, a manual line price) is refused with an ExportError naming the
version and its operation. Exporting from version N > 1 starts with setup steps that rebuild
the basket as it was at version N-1 the same way.

A merge *from* this basket into another (its last version, `merged`) is written as a delete:
for the basket being exported, that is what happened to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..backends.base import Backend
from ..backends.errors import BackendError
from ..model.basket import Basket
from ..model.basket import Line as LineItem
from ..model.ids import ZERO_GUID
from ..model.lines import custom_texts, is_child, parent_key
from ..model.requests import CustomTexts
from .recorder import FlowRecorder
from .steps import NotRecordable, flow_step, info_table, top_order, typed_args

PAGE = 1000  # the history routes' largest page


class ExportError(ValueError):
    """The history cannot be written as a flow (the message says which version and why)."""


@dataclass
class _Version:
    number: int
    op: str
    args: dict[str, Any]
    deleted: bool
    summary: str


async def history_rows(backend: Backend, basket_id: str) -> list[_Version]:
    """Every kept version of the basket, oldest first."""
    rows: list[dict] = []
    offset = 0
    while True:
        page = await backend.history(basket_id, offset=offset, limit=PAGE)
        rows += page["rows"]
        offset += len(page["rows"])
        if not page["rows"] or offset >= page["total"]:
            break
    return [_Version(r["version"], r["op"], r.get("args") or {}, bool(r["deleted"]),
                     r.get("summary") or "") for r in reversed(rows)]


class _VersionContext:
    """The translation's questions answered from the version's own basket."""

    def __init__(self, backend: Backend, before: Basket | None, after: Basket | None) -> None:
        self._backend, self.before, self._after = backend, before, after

    async def code(self, kind: str, ident: str, country: str = "") -> str:
        return await method_or_store_code(self._backend, kind, ident, country, self._after)

    async def order_after(self, basket_id: str) -> list[str]:
        return top_order(self._after)


async def method_or_store_code(backend: Backend, kind: str, ident: str, country: str,
                               basket: Basket | None) -> str:
    """STD rather than a GUID where it can be found: the flow replays where ids differ."""
    if kind == "method" and basket is not None:
        for m in basket.shipping_methods or []:
            if (m.id or "").lower() == ident.lower() and m.shipping_code:
                return m.shipping_code
    if backend.capabilities.reference:
        try:
            rows = await (backend.list_shipping_methods(country or None) if kind == "method"
                          else backend.list_stores())
        except BackendError:
            rows = []
        field = "shippingCode" if kind == "method" else "code"
        for row in rows:
            if str(row.get("id", "")).lower() == ident.lower() and row.get(field):
                return str(row[field])
    return ident


async def export_history(backend: Backend, basket_id: str, *, first: int | None = None,
                         last: int | None = None, name: str | None = None) -> FlowRecorder:
    """The versions first..last (default: every kept one) as a recorded flow; see the module
    docstring. Raises ExportError for a range or a version that cannot be written."""
    bid = basket_id.lower()
    rows = await history_rows(backend, bid)
    if not rows:
        raise ExportError(f"basket {bid} has no history to export")
    kept = f"versions {rows[0].number}-{rows[-1].number} are kept"
    lo = first if first is not None else rows[0].number
    hi = last if last is not None else rows[-1].number
    if lo > hi:
        raise ExportError(f"--from {lo} is after --to {hi}")
    numbers = {r.number for r in rows}
    for label, n in (("--from", lo), ("--to", hi)):
        if n not in numbers:
            raise ExportError(f"{label} {n}: basket {bid} has no version {n} ({kept})")
    if lo > 1 and lo - 1 not in numbers:
        raise ExportError(f"version {lo - 1}, the basket before --from {lo}, is no longer kept "
                          f"({kept}): export from version {lo + 1} or later")
    recorder = FlowRecorder()
    recorder.start(name or f"History of basket {bid}, versions {lo}-{hi}",
                   f"Exported by basketbench from the history of basket {bid}.")
    country = _last_country(rows, lo)
    before: Basket | None = None
    if lo > 1:
        previous = next(r for r in rows if r.number == lo - 1)
        if not previous.deleted:
            before = await backend.basket_version(bid, lo - 1)
            _write(recorder, rebuild_steps(bid, None, before, country, f"v{lo - 1}"), before,
                   f"setup: the basket at version {lo - 1}")
    for row in (r for r in rows if lo <= r.number <= hi):
        before = await _export_version(backend, recorder, bid, row, before, country)
        if row.op == "set_shipping_method" and row.args.get("country_code"):
            country = str(row.args["country_code"]).upper()
    return recorder


async def _export_version(backend: Backend, recorder: FlowRecorder, bid: str, row: _Version,
                          before: Basket | None, country: str) -> Basket | None:
    """Write one version; answers the basket it left (None once deleted)."""
    if row.deleted:
        label = (f"v{row.number} merged into {row.args.get('into')}: written as a delete"
                 if row.op == "merged" else f"v{row.number} {row.op}")
        recorder.record("delete", {"basket": bid}, None, name=label)
        return None
    after = await backend.basket_version(bid, row.number)
    try:
        if row.op == "merge":  # the source is gone: its lines come back as a rebuild
            raise NotRecordable("a merge")
        args = typed_args({"basket_id": bid, **row.args})
        op, step, _ = await flow_step(row.op, args, _VersionContext(backend, before, after))
    except NotRecordable:
        _write(recorder, rebuild_steps(bid, before, after, country, f"v{row.number} {row.op}"),
               after, f"v{row.number} {row.op}: rebuilt as steps")
        return after
    recorder.record(op, step, after, promo_valid=True if op.startswith("promo_") else None,
                    name=f"v{row.number} {row.op}")
    return after


def _write(recorder: FlowRecorder, steps: list[tuple[str, dict[str, Any]]], after: Basket,
           label: str) -> None:
    """A rebuild's steps; the last checks the basket it should leave."""
    if not steps:
        steps = [("get", {"basket": str(after.id).lower()})]
    for i, (op, args) in enumerate(steps):
        final = i == len(steps) - 1
        recorder.record(op, args, after if final else None, name=label)


def _last_country(rows: list[_Version], lo: int) -> str:
    country = "GB"
    for row in rows:
        if row.number < lo and row.op == "set_shipping_method" and row.args.get("country_code"):
            country = str(row.args["country_code"]).upper()
    return country


# -- from one basket to another, as steps ---------------------------------------------------------

def _line_info(line: Any) -> dict[str, str]:
    """A line's texts as a flow custom_info table (steps.py: one way to write it)."""
    return {} if line is None else info_table(CustomTexts.of(custom_texts(line)))


def _groups(basket: Basket | None) -> dict[str, tuple[LineItem, list[LineItem]]]:
    """Top-level product id -> (its line, its child lines)."""
    lines = basket.line_items or () if basket else ()
    out: dict[str, tuple[LineItem, list[LineItem]]] = {
        (ln.product_id or "").lower(): (ln, []) for ln in lines
        if not is_child(ln.parent_product_id)}
    for ln in lines:
        if is_child(ln.parent_product_id):
            parent = parent_key(ln.parent_product_id)
            if parent in out:
                out[parent][1].append(ln)
    return out


def _shape(group: tuple[LineItem, list[LineItem]], with_qty: bool = True) -> tuple:
    top, children = group
    kids = sorted(((c.product_id or "").lower(), c.qty, tuple(sorted(_line_info(c).items())))
                  for c in children)
    return ((top.qty if with_qty else None), tuple(sorted(_line_info(top).items())), tuple(kids))


def _codes(basket: Basket | None) -> list[str]:
    return [c for p in (basket.promotions_applied or [] if basket else [])
            if (c := p.promo_code or p.voucher_code)]


def rebuild_steps(bid: str, before: Basket | None, after: Basket, country: str,
                  what: str) -> list[tuple[str, dict[str, Any]]]:
    """Steps that turn `before` (None: an empty basket) into `after`; ExportError naming
    `what` for a difference no step can make."""
    steps: list[tuple[str, dict[str, Any]]] = []
    locked_before, locked_after = bool(before and before.is_locked), bool(after.is_locked)
    if locked_before and not locked_after:  # first: a locked basket refuses every other step
        steps.append(("unlock", {"basket": bid}))
    codes_before, codes_after = _codes(before), _codes(after)
    upper_after = {c.upper() for c in codes_after}
    steps += [("promo_remove", {"basket": bid, "code": c}) for c in codes_before
              if c.upper() not in upper_after]
    old, new = _groups(before), _groups(after)
    items: list[dict[str, Any]] = []
    for pid in old:
        if pid not in new:
            steps.append(("remove", {"basket": bid, "product": pid}))
    for pid, group in new.items():
        if pid in old and _shape(old[pid]) == _shape(group):
            continue
        if pid in old and _shape(old[pid], False) == _shape(group, False):
            steps.append(("qty", {"basket": bid, "product": pid, "qty": int(group[0].qty or 0)}))
            continue
        if pid in old:
            steps.append(("remove", {"basket": bid, "product": pid}))
        items += [_item(line) for line in (group[0], *group[1])]
    if items:
        steps.append(("bulk_add", {"basket": bid, "items": items}))
    upper_before = {c.upper() for c in codes_before}
    steps += _field_steps(bid, before, after, country, what)
    steps += [("promo_apply", {"basket": bid, "code": c}) for c in codes_after
              if c.upper() not in upper_before]
    if locked_after and not locked_before:  # last, for the same reason
        steps.append(("lock", {"basket": bid}))
    return steps


def _item(line: LineItem) -> dict[str, Any]:
    item: dict[str, Any] = {"product": str(line.product_id).lower(), "qty": int(line.qty or 1)}
    if is_child(line.parent_product_id):
        item["parent"] = str(line.parent_product_id).lower()
    info = _line_info(line)
    if info:
        item["custom_info"] = info
    return item


def _plain(value: Any) -> str:
    text = "" if value is None else str(value).lower()
    return "" if text == ZERO_GUID else text


def _field_steps(bid: str, before: Basket | None, after: Basket, country: str,
                 what: str) -> list[tuple[str, dict[str, Any]]]:
    steps: list[tuple[str, dict[str, Any]]] = []

    def was(attr: str) -> Any:
        return getattr(before, attr) if before is not None else None

    user_a, user_b = _plain(was("user_id")), _plain(after.user_id)
    if user_a != user_b:
        if not user_b:
            raise ExportError(f"{what}: takes the user off the basket, which no flow step does")
        steps.append(("user", {"basket": bid, "user": user_b}))
    ship_a, ship_b = _plain(was("shipping_method_id")), _plain(after.shipping_method_id)
    if ship_a != ship_b:
        if not ship_b:
            raise ExportError(f"{what}: takes the shipping method off, which no flow step does")
        code = next((m.shipping_code for m in after.shipping_methods or []
                     if _plain(m.id) == ship_b and m.shipping_code), after.shipping_method_id)
        address = after.shipping_address
        where = (address.country_code if address is not None else None) or country
        steps.append(("ship", {"basket": bid, "method": str(code), "country": where.upper()}))
    for attr, op, key in (("po_number", "po", "reference"),
                          ("delivery_instruction", "instructions", "text"),
                          ("campaign_code", "campaign", "code")):
        if (was(attr) or "") != (getattr(after, attr) or ""):
            steps.append((op, {"basket": bid, key: getattr(after, attr) or ""}))
    if _line_info(before) != _line_info(after):
        steps.append(("custom_info", {"basket": bid, "info": _line_info(after)}))
    return steps


__all__ = ["ExportError", "export_history", "history_rows", "method_or_store_code",
           "rebuild_steps"]

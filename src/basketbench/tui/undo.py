"""Undo and redo of the changes made in this workbench session, per basket (ctrl+z, ctrl+y).

Every change the workbench makes runs through `BasketBench._mutation`; the backend it uses is
wrapped by `UndoLog.watch`, which notes the call (the Backend method and its arguments by
name). When the change has come back (`BasketChanged`), `UndoLog.changed` files it with the
basket before and after it.

How a change is taken back depends on the backend:

- **with history** (the local engine, a basketbench sandbox: `Capabilities.history`): undo
  restores the version the basket had before the change, redo the version the change left.
  A restore is a new version, so nothing is ever lost, and both are exact whatever the change
  was (a merge, a code, a line with custom info).
- **without history** (a live API): the inverse operation where one exists: a quantity back,
  a removed line re-added with its custom info and child lines, an added one taken out again,
  a code removed or re-applied, the shipping method, PO, instruction or campaign put back, a
  lock turned back; redo sends the change again. Where none exists (a merge deletes its
  source; a basket's user cannot be taken off) it is refused with the reason.

Undo and redo are changes like any other: they run through `mutate`, bound to the basket
and version on screen (a basket that moved on is refused with CONFLICT), refused on read-only
profiles. One more rule of their own: they take back the newest change only while the basket
is still at the version that change left; otherwise undo would also take back what happened
after it (elsewhere, or before a refresh), and the history view (`h`) is the tool for that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..backends import Backend
from ..flows.steps import named_args
from ..model.basket import Basket
from ..model.basket import Line as LineItem
from ..model.ids import is_none_id
from ..model.lines import is_child, parent_key
from ..model.requests import DisplayOrder, ItemInput
from .format import short_id
from .recording import MUTATIONS

# Changes that are filed for undo: every basket change but the deletion (a deleted basket is
# no longer open; on the local engine and the sandbox the history view restores it).
UNDOABLE = (MUTATIONS - {"delete_basket"}) | {"restore"}

Call = Callable[[Backend, str], Awaitable[Any]]


class CannotUndo(Exception):
    """The change cannot be taken back here (the message says why)."""


@dataclass
class Change:
    basket_id: str
    label: str  # what was done, as the status line said it ("qty +1 MUG-WHITE")
    name: str  # the Backend method
    args: dict[str, Any]  # its arguments by name, the basket id left out
    before: Basket | None
    version_before: int | None  # None: the change created the basket
    version_after: int | None
    at: int | None = None  # the version the basket is at after the last do/undo/redo


@dataclass
class _Stacks:
    done: list[Change] = field(default_factory=list)
    undone: list[Change] = field(default_factory=list)


class _Watch:
    """Passes every call through; a basket change is noted for the undo log."""

    def __init__(self, log: UndoLog, backend: Any) -> None:
        self._log, self.inner = log, backend

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in UNDOABLE or not callable(attr):
            return attr

        async def noted(*args: Any, **kwargs: Any) -> Any:
            result = await attr(*args, **kwargs)
            if name == "merge" and kwargs.get("dry_run"):
                return result
            given = named_args(name, args, kwargs)
            bid = str(given.pop("basket_id", None) or given.pop("target_id", "")).lower()
            self._log.pending[bid] = (name, given)
            return result

        return noted


def version_of(basket: Basket | None) -> int | None:
    return None if basket is None or basket.is_new else basket.version


class UndoLog:
    """The changes of this session, per basket: what ctrl+z and ctrl+y take back and redo."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self.stacks: dict[str, _Stacks] = {}
        self.pending: dict[str, tuple[str, dict[str, Any]]] = {}

    def watch(self, backend: Any) -> Any:
        return _Watch(self, backend)

    def changed(self, label: str, before: Basket | None, after: Basket) -> None:
        """A change came back: file it (undo/redo calls went around the watch: not filed)."""
        bid = (after.id or "").lower()
        noted = self.pending.pop(bid, None)
        if noted is None:
            return
        name, args = noted
        stacks = self.stacks.setdefault(bid, _Stacks())
        stacks.done.append(Change(bid, label, name, args, before, version_of(before),
                                  version_of(after), version_of(after)))
        del stacks.done[:-self.limit]
        stacks.undone.clear()  # a new change: what was undone cannot be redone any more

    def forget_pending(self, basket_id: str) -> None:
        self.pending.pop(basket_id.lower(), None)

    def newest(self, basket_id: str, *, redo: bool = False) -> Change | None:
        stacks = self.stacks.get(basket_id.lower())
        if stacks is None:
            return None
        chosen = stacks.undone if redo else stacks.done
        return chosen[-1] if chosen else None

    def moved(self, change: Change, *, redo: bool, now: int | None) -> None:
        """An undo (redo=False) or redo of `change` succeeded; the basket is at `now`."""
        stacks = self.stacks[change.basket_id]
        source, target = (stacks.undone, stacks.done) if redo else (stacks.done, stacks.undone)
        if source and source[-1] is change:
            source.pop()
            target.append(change)
            # The basket is now as the change below it left it (undo) or as the one above it
            # found it (redo): both stacks' next changes apply to this version.
            for stack in (source, target):
                if stack:
                    stack[-1].at = now

    def counts(self, basket_id: str) -> tuple[int, int]:
        stacks = self.stacks.get(basket_id.lower())
        return (len(stacks.done), len(stacks.undone)) if stacks else (0, 0)


# -- how to take a change back, or do it again ----------------------------------------------------

def plan(change: Change, *, redo: bool, history: bool, shown: int | None
         ) -> tuple[str, Call]:
    """(what the status line says, the call) for undoing or redoing `change`; CannotUndo."""
    verb = "redo" if redo else "undo"
    if change.at is not None and shown is not None and shown != change.at:
        raise CannotUndo(f"basket {short_id(change.basket_id)} is at version {shown}, not "
                         f"{change.at} as {change.label} left it: {verb} would also take back "
                         "what changed since (use the history view, h, to restore a version)")
    if history:
        target = change.version_after if redo else change.version_before
        if target is None:
            raise CannotUndo(f"{change.label} created the basket: there is no version before "
                             "it (delete it with d)")

        source = str(change.args.get("source_id") or "").lower() \
            if change.name == "merge" else ""

        async def restore(backend: Any, bid: str) -> Any:
            basket = await backend.restore(bid, target)
            if source:
                await _merge_source(backend, source, redo=redo)
            return basket

        said = f"restored version {target}"
        if source:
            said += f"; source basket {short_id(source)} " + ("deleted again" if redo
                                                             else "restored")
        return said, restore
    if redo:
        return "sent again", _send(change.name, change.args)
    return inverse(change)


async def _merge_source(backend: Any, source: str, *, redo: bool) -> None:
    """A merge deleted its source: undo brings it back (its last version before the merge),
    redo deletes it again. The precondition in force is the target's: not for this basket."""
    from ..backends.precondition import expecting_version

    with expecting_version(None):
        if redo:
            await backend.delete_basket(source)
            return
        rows = (await backend.history(source, limit=1))["rows"]
        if rows and rows[0]["deleted"] and rows[0]["version"] > 1:
            await backend.restore(source, rows[0]["version"] - 1)


def _send(name: str, args: dict[str, Any]) -> Call:
    async def call(backend: Any, bid: str) -> Any:
        return await getattr(backend, name)(bid, **args)

    return call


def _same(a: Any, b: Any) -> bool:
    return str(a or "").lower() == str(b or "").lower()


def _top_line(basket: Basket | None, product: Any) -> LineItem | None:
    for line in basket.line_items or [] if basket else []:
        if not is_child(line.parent_product_id) \
                and (_same(line.product_id, product) or _same(line.stock_code, product)):
            return line
    return None


def _item(line: LineItem) -> ItemInput:
    """A removed line again, with its texts (a top-level line's too)."""
    return ItemInput.for_line(line, line.qty or 1, top_texts=True)


def inverse(change: Change) -> tuple[str, Call]:
    """The operation that takes `change` back on a backend without history; CannotUndo."""
    name, args, before = change.name, change.args, change.before
    what = change.label
    if name == "add_item":
        item: ItemInput = args["item"]
        out = replace(item, qty=-item.qty)  # an add is a delta: the same units out
        return f"{item.qty} unit(s) taken out again", _send("add_item", {"item": out})
    if name == "set_qty":
        line = _top_line(before, args["product_id"])
        if line is None or not line.qty:
            raise CannotUndo(f"{what}: the line's quantity before it is not known")
        return f"quantity back to {line.qty}", _send("set_qty", {
            "product_id": args["product_id"], "qty": line.qty})
    if name == "remove_item":
        line = _top_line(before, args["product_id"])
        if line is None:
            raise CannotUndo(f"{what}: the line was not in the basket shown before it")
        parent = (line.product_id or "").lower()
        children = [c for c in before.line_items or []  # type: ignore[union-attr]
                    if parent_key(c.parent_product_id) == parent]
        items = [_item(line)] + [_item(c) for c in children]
        return "line re-added with its custom info", _send("add_bulk", {"items": items})
    if name == "apply_promo":
        return f"code {args['code']} removed", _send("remove_promo", {"code": args["code"]})
    if name == "remove_promo":
        return f"code {args['code']} re-applied", _send("apply_promo", {"code": args["code"]})
    if name == "set_shipping_method":
        method = before.shipping_method_id if before is not None else None
        if is_none_id(method):
            raise CannotUndo(f"{what}: the basket had no shipping method before, and the API "
                             "cannot take one off")
        address = before.shipping_address  # type: ignore[union-attr]
        country = (address.country_code if address is not None else None) \
            or args.get("country_code") or "GB"
        return "shipping method put back", _send("set_shipping_method", {
            "shipping_method_id": method, "country_code": country})
    fields = {"set_po": ("po_number", "po_reference", "PO"),
              "set_delivery_instruction": ("delivery_instruction", "text", "instruction"),
              "set_campaign": ("campaign_code", "campaign_code", "campaign")}
    if name in fields:
        attr, param, label = fields[name]
        value = getattr(before, attr, None) if before is not None else None
        return f"{label} put back", _send(name, {param: value or None})
    if name == "set_locked":
        return ("unlocked" if args["locked"] else "locked"), _send(
            "set_locked", {"locked": not args["locked"]})
    if name == "set_display_order":
        entries = [DisplayOrder(ln.id or "", ln.display_order or 0)
                   for ln in (before.line_items or [] if before is not None else [])]
        if not entries:
            raise CannotUndo(f"{what}: the order before it is not known")
        return "order put back", _send("set_display_order", {"entries": entries})
    if name == "assign_user":
        user = before.user_id if before is not None else None
        if is_none_id(user):
            raise CannotUndo(f"{what}: the basket had no user before, and the API cannot "
                             "take a user off a basket")
        return "user put back", _send("assign_user", {"user_id": user})
    if name == "merge":
        raise CannotUndo(f"{what}: a merge cannot be undone on this API: it deleted the "
                         "source basket, and only a backend with history can restore it")
    raise CannotUndo(f"{what}: this API has no operation that takes it back")

"""Flow recording in the workbench: every change made while `R` is on becomes a flow step.

The app runs every basket change through one place (`BasketBench._mutation`, and `_delete`),
calling `backend_for(backend, before)` for the backend to use. When recording is on, that is a
`RecordingBackend`: a pass-through that, for each basket-changing call, translates the call into
the flow vocabulary (`flows/format.py`: add, qty, remove, bulk_add, merge, promo_apply, ...) and
hands it to the `FlowRecorder` with the basket the call left (or the error that refused it).
When recording is off the real backend is returned untouched.

Only refusals are recorded as expected errors (4xx such as QUANTITY_LIMIT, OUT_OF_STOCK,
VALIDATION, BASKET_LOCKED); a network failure, a 5xx or an authentication problem is a fact
about the environment, not the flow, so that call is left out (and the user is told).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..backends import Backend, BackendError
from ..wire import Basket, PromoResult
from .format import ZERO_GUID

# Backend calls that change a basket, and so become steps.
MUTATIONS = frozenset({
    "add_item", "add_bulk", "set_qty", "remove_item", "set_display_order", "merge",
    "apply_promo", "remove_promo", "set_shipping_method", "set_delivery_instruction", "set_po",
    "set_campaign", "assign_user", "set_click_collect_store", "set_custom_info", "set_locked",
    "delete_basket", "set_subscription", "set_delivery_plans", "set_line_delivery_plan",
})
# Failures that say something about the environment, not about the basket: never expected.
NOT_A_REFUSAL = frozenset({"UNAUTHORIZED", "FORBIDDEN", "READ_ONLY", "CONFLICT", "NETWORK",
                           "TIMEOUT", "BAD_RESPONSE", "SERVER_ERROR", "UNSUPPORTED"})


class NotRecordable(Exception):
    """A call the flow vocabulary cannot express (its message says which and why)."""


def is_refusal(error: BackendError) -> bool:
    return 400 <= (error.status or 0) < 500 and error.code not in NOT_A_REFUSAL


def _top(parent: Any) -> bool:
    return not parent or str(parent).lower() == ZERO_GUID


def _info(source: dict, prefix: str = "customInfo") -> dict[str, str]:
    """customInfo1..5 of a request body as a flow custom_info table (empty values dropped: the
    endpoints replace custom info, so an absent field is a cleared one)."""
    return {str(n): str(source[f"{prefix}{n}"]) for n in range(1, 6)
            if source.get(f"{prefix}{n}") not in (None, "")}


def item_args(item: dict) -> dict[str, Any]:
    """An add-item request body as flow arguments (product, qty, parent, custom_info)."""
    product = item.get("productId") or item.get("stockCode")
    if not product:
        raise NotRecordable("an item with neither productId nor stockCode")
    args: dict[str, Any] = {"product": str(product), "qty": int(item.get("qty", 1))}
    if not _top(item.get("parentProductId")):
        args["parent"] = str(item["parentProductId"])
    info = _info(item)
    if info:
        args["custom_info"] = info
    return args


def promo_outcome(result: Any) -> tuple[bool | None, str | None]:
    if not isinstance(result, PromoResult):
        return None, None
    valid = result.is_vaild if result.is_vaild is not None else result.is_valid
    return (None if valid is None else bool(valid)), (result.message or None)


class StepCall:
    """One captured call, translated into a flow step once its outcome is known."""

    def __init__(self, name: str, args: tuple, kwargs: dict, before: Basket | None) -> None:
        self.name, self.args, self.kwargs, self.before = name, args, kwargs, before
        self.source_before: Basket | None = None  # merge: the source as it was


class RecordingBackend:
    """Passes every call to `backend`; basket changes are also recorded by `owner`."""

    def __init__(self, owner: FlowRecording, backend: Backend, before: Basket | None) -> None:
        self._owner, self._backend, self._before = owner, backend, before

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._backend, name)
        if name not in MUTATIONS or not callable(attr):
            return attr

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            call = StepCall(name, args, kwargs, self._before)
            if name == "merge":  # the source is deleted by the merge: read it first
                call.source_before = await self._owner.read(self._backend, args[1])
            try:
                result = await attr(*args, **kwargs)
            except BackendError as exc:
                await self._owner.note(self._backend, call, None, exc)
                raise
            await self._owner.note(self._backend, call, result, None)
            return result

        return recorded


class FlowRecording:
    """The recorder behind `R`. `on_change(marker, notice)` is called (on the app) after
    every recorded or skipped step, so the status bar and notifications can follow."""

    def __init__(self, on_change: Callable[[str, str | None], None]) -> None:
        from ..flows.recorder import FlowRecorder  # only when the workbench records

        self.recorder = FlowRecorder()
        self.on_change = on_change
        self.skipped: list[str] = []  # calls left out of the flow, and why
        self.changes = 0  # changes recorded (the flow also holds setup steps)
        self._codes: dict[tuple[str, str], str] = {}  # (kind, id) -> code (STD, LDN1)

    @property
    def active(self) -> bool:
        return self.recorder.recording

    @property
    def step_count(self) -> int:
        return self.recorder.step_count

    def marker(self) -> str:
        n = self.changes
        return f"● REC {n} step{'s' if n != 1 else ''}" if self.active else ""

    def start(self) -> None:
        self.recorder.start(f"Recorded in the workbench on {datetime.now():%Y-%m-%d %H:%M}")
        self.skipped = []
        self.changes = 0
        self._codes = {}

    def stop(self) -> int:
        return self.recorder.stop()

    def backend_for(self, backend: Backend, before: Basket | None = None) -> Any:
        """The backend a change should run through: recorded while recording is on."""
        return RecordingBackend(self, backend, before) if self.active else backend

    # -- from a call to a step ----------------------------------------------------------------

    async def read(self, backend: Backend, basket_id: str) -> Basket | None:
        try:
            return await backend.get_basket(basket_id)
        except BackendError:
            return None

    async def note(self, backend: Backend, call: StepCall, result: Any,
                   error: BackendError | None) -> None:
        """Record one finished call; never raises (a recording problem is only reported)."""
        if not self.active:
            return
        notice = None
        try:
            if error is not None and not is_refusal(error):
                raise NotRecordable(f"it failed with {error.code}, which is not a refusal the "
                                    "flow could expect")
            await self._record(backend, call, result, error)
        except NotRecordable as exc:
            notice = f"Not recorded: {call.name.replace('_', ' ')}: {exc}"
        except Exception as exc:  # noqa: BLE001 - recording must never break the change
            notice = f"Not recorded: {call.name.replace('_', ' ')}: {type(exc).__name__}: {exc}"
        if notice:
            self.skipped.append(notice)
        self.on_change(self.marker(), notice)

    async def _record(self, backend: Backend, call: StepCall, result: Any,
                      error: BackendError | None) -> None:
        op, args, bid = await self._step(backend, call, result)
        basket: Basket | None = None
        valid, message = promo_outcome(result)
        if error is None:
            basket = result if isinstance(result, Basket) else None
            if isinstance(result, PromoResult) and isinstance(result.basket, Basket):
                basket = result.basket
            if basket is None and op != "delete":  # RecordResult / bool: read back
                basket = await self.read(backend, bid)
        if op == "merge" and call.source_before is not None \
                and str(args["source"]).lower() not in self.recorder.symbols():
            # A flow starts from empty baskets: rebuild the source first (setup steps).
            self.recorder.record("get", {"basket": args["source"]}, None,
                                 before=call.source_before, name="the merge source, as set up")
        before = call.before if call.before is not None and \
            (call.before.id or "").lower() == bid else None
        if self.recorder.record(op, args, basket, error, promo_valid=valid,
                                promo_message=message, before=before):
            self.changes += 1

    async def _step(self, backend: Backend, call: StepCall, result: Any
                    ) -> tuple[str, dict[str, Any], str]:
        """(op, args, checked basket id) in the flow vocabulary for one backend call."""
        a, kw, name = call.args, call.kwargs, call.name
        bid = str(a[0]).lower()
        if name == "add_item":
            return "add", {"basket": bid, **item_args(a[1])}, bid
        if name == "add_bulk":
            return "bulk_add", {"basket": bid, "items": [item_args(i) for i in a[1]]}, bid
        if name == "set_qty":
            return "qty", {"basket": bid, "product": str(a[1]), "qty": int(a[2])}, bid
        if name == "remove_item":
            return "remove", {"basket": bid, "product": str(a[1])}, bid
        if name == "merge":
            strategy = kw.get("strategy", a[2] if len(a) > 2 else "sum")
            return "merge", {"target": bid, "source": str(a[1]).lower(),
                             "strategy": strategy}, bid
        if name in ("apply_promo", "remove_promo"):
            op = "promo_apply" if name == "apply_promo" else "promo_remove"
            return op, {"basket": bid, "code": str(a[1])}, bid
        if name == "set_shipping_method":
            country = str(kw.get("country", a[2] if len(a) > 2 else "GB") or "GB").upper()
            nominated = kw.get("nominated", a[3] if len(a) > 3 else None)
            args: dict[str, Any] = {"basket": bid, "method": await self._code(
                backend, "method", str(a[1]), country), "country": country}
            if nominated:
                args["nominated"] = _nominated(nominated)
            return "ship", args, bid
        if name == "set_delivery_instruction":
            return "instructions", {"basket": bid, "text": a[1] or ""}, bid
        if name == "set_po":
            return "po", {"basket": bid, "reference": a[1] or ""}, bid
        if name == "set_campaign":
            return "campaign", {"basket": bid, "code": a[1] or ""}, bid
        if name == "assign_user":
            return "user", {"basket": bid, "user": str(a[1])}, bid
        if name == "set_click_collect_store":
            store = a[1] or {}
            if not store.get("id"):
                raise NotRecordable("turning click & collect off has no flow step")
            return "click_collect", {"basket": bid, "store": await self._code(
                backend, "store", str(store["id"]))}, bid
        if name == "set_custom_info":
            return "custom_info", self._custom_info(bid, a[1]), bid
        if name == "set_locked":
            return ("lock" if a[1] else "unlock"), {"basket": bid}, bid
        if name == "delete_basket":
            return "delete", {"basket": bid}, bid
        if name == "set_display_order":
            return "display_order", await self._display_order(backend, bid, call), bid
        raise NotRecordable("the flow format has no step for it")

    def _custom_info(self, bid: str, body: dict) -> dict[str, Any]:
        args: dict[str, Any] = {"basket": bid, "info": _info(body)}
        lines = []
        for entry in body.get("lineInfo") or []:
            line: dict[str, Any] = {"product": str(entry["productId"]), "info": _info(entry)}
            if not _top(entry.get("parentProductId")):
                line["parent"] = str(entry["parentProductId"])
            charge = entry.get("additionalCharge")
            if charge not in (None, ""):
                line["additional_charge"] = Decimal(str(charge))
            lines.append(line)
        if lines:
            args["lines"] = lines
        return args

    async def _display_order(self, backend: Backend, bid: str, call: StepCall
                             ) -> dict[str, Any]:
        """The flow writes the resulting order of the top-level lines (1, 2, 3...)."""
        before = call.before.line_items or [] if call.before is not None else []
        moved = {str(e.get("id", "")).lower() for e in call.args[1]}
        if any((ln.id or "").lower() in moved and not _top(ln.parent_product_id)
               for ln in before):
            raise NotRecordable("moving a child line has no flow step (only top-level lines "
                                "can be ordered)")
        after = await self.read(backend, bid)
        tops = [ln for ln in (after.line_items or [] if after else []) if _top(
            ln.parent_product_id) and ln.product_id]
        if not tops:
            raise NotRecordable("the basket could not be read back")
        tops.sort(key=lambda ln: ln.display_order or 0)
        return {"basket": bid, "order": [str(ln.product_id) for ln in tops]}

    async def _code(self, backend: Backend, kind: str, ident: str, country: str = "") -> str:
        """A shipping method's or store's code (STD, LDN1) where the backend lists them: the
        flow then reads well and replays on environments whose ids differ."""
        key = (kind, ident.lower())
        if key in self._codes:
            return self._codes[key]
        code = ident
        if backend.capabilities.reference:
            try:
                rows = await (backend.list_shipping_methods(country) if kind == "method"
                              else backend.list_stores())
            except BackendError:
                rows = []
            field = "shippingCode" if kind == "method" else "code"
            for row in rows:
                if str(row.get("id", "")).lower() == ident.lower() and row.get(field):
                    code = str(row[field])
                    break
        self._codes[key] = code
        return code


def _nominated(body: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"date": str(body.get("deliveryDate", ""))}
    if body.get("dayText") is not None:
        out["day_text"] = str(body["dayText"])
    if body.get("dayNo") is not None:
        out["day_no"] = int(body["dayNo"])
    if body.get("carrierCode") is not None:
        out["carrier"] = str(body["carrierCode"])
    price = (body.get("price") or {}).get("raw", {}).get("withTax") \
        if isinstance(body.get("price"), dict) else None
    if price is not None:
        out["price"] = Decimal(str(price))
    return out


def default_flow_path(now: datetime | None = None) -> str:
    """./flows/recorded-<date>.toml when ./flows exists, else ./recorded-<date>.toml."""
    from pathlib import Path

    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    folder = Path("flows")
    name = f"recorded-{stamp}.toml"
    return str(folder / name) if folder.is_dir() else name


__all__ = [
    "MUTATIONS",
    "FlowRecording",
    "NotRecordable",
    "RecordingBackend",
    "default_flow_path",
    "is_refusal",
    "item_args",
]

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
from typing import Any

from ..backends import Backend, BackendError
from ..flows.steps import NotRecordable, flow_step, item_args, named_args, top_order
from ..model.basket import Basket
from ..model.results import PromoResult

# Backend calls that change a basket, and so become steps.
MUTATIONS = frozenset({
    "add_item", "add_bulk", "set_qty", "remove_item", "set_display_order", "merge",
    "apply_promo", "remove_promo", "set_shipping_method", "set_delivery_instruction", "set_po",
    "set_campaign", "assign_user", "set_click_collect_store", "set_custom_info", "set_locked",
    "delete_basket", "set_subscription", "set_delivery_plans", "set_line_delivery_plan",
    "restore",  # the history view's r and undo: recorded as the steps that rebuild it
})
# Failures that say something about the environment, not about the basket: never expected.
NOT_A_REFUSAL = frozenset({"UNAUTHORIZED", "FORBIDDEN", "READ_ONLY", "CONFLICT", "NETWORK",
                           "TIMEOUT", "BAD_RESPONSE", "SERVER_ERROR", "UNSUPPORTED"})


def is_refusal(error: BackendError) -> bool:
    return 400 <= (error.status or 0) < 500 and error.code not in NOT_A_REFUSAL


def promo_outcome(result: Any) -> tuple[bool | None, str | None]:
    if not isinstance(result, PromoResult):
        return None, None
    valid = result.is_valid
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
        if call.name == "restore":
            await self._record_restore(backend, call, result, error)
            return
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

    async def _record_restore(self, backend: Backend, call: StepCall, result: Any,
                              error: BackendError | None) -> None:
        """A restore has no flow step: it is recorded as the steps that turn the basket shown
        before it into the basket it left (the rebuild of flows/history_export.py)."""
        from ..flows.history_export import ExportError, rebuild_steps

        if error is not None:
            raise NotRecordable(f"a refused restore ({error.code}) has no flow step")
        bid = str(call.args[0]).lower()
        before = call.before if call.before is not None and \
            (call.before.id or "").lower() == bid else None
        basket = result if isinstance(result, Basket) else await self.read(backend, bid)
        if before is None or basket is None:
            raise NotRecordable("the basket before or after it could not be read")
        try:
            steps = rebuild_steps(bid, before, basket, "GB", "the restore") \
                or [("get", {"basket": bid})]
        except ExportError as exc:
            raise NotRecordable(str(exc)) from None
        for index, (op, args) in enumerate(steps):
            last = index == len(steps) - 1
            self.recorder.record(op, args, basket if last else None,
                                 before=before if index == 0 else None,
                                 name="restore: rebuilt as steps")
        self.changes += 1

    async def _step(self, backend: Backend, call: StepCall, result: Any
                    ) -> tuple[str, dict[str, Any], str]:
        """(op, args, checked basket id) in the flow vocabulary: flows/steps.py translates."""
        return await flow_step(call.name, named_args(call.name, call.args, call.kwargs),
                               _LiveContext(self, backend, call.before))

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


class _LiveContext:
    """What the translation asks, answered by the live backend (after the call)."""

    def __init__(self, owner: FlowRecording, backend: Backend, before: Basket | None) -> None:
        self._owner, self._backend, self.before = owner, backend, before

    async def code(self, kind: str, ident: str, country: str = "") -> str:
        return await self._owner._code(self._backend, kind, ident, country)

    async def order_after(self, basket_id: str) -> list[str]:
        return top_order(await self._owner.read(self._backend, basket_id))


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

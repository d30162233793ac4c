"""Replay a flow against any `Backend` and check its expectations.

Two ways in, both backend-agnostic (local engine, sandbox server, live API):

    result = await run_flow(flow, backend, on_step=show)    # the whole flow
    # on_step(step_result) is called after every step (sync or async); an async callback
    # can wait (for a key press, say) before the next step runs: step-by-step replay.

    run = FlowRun(flow, backend)                            # one step at a time
    while (step := await run.next_step()) is not None:
        render(step.basket)                                 # the basket after the step
    result = run.result()

Symbolic basket ids (`$guest`, `$user`, any `$name`) get a fresh GUID on every run, so a flow
can run many times on one environment (`result.ids` maps each symbol to its GUID). Stock codes
are resolved to product ids through the backend's catalogue when it has one; otherwise they
are sent as `stockCode` (add) or looked up among the basket's lines (qty, remove, parents).

A step's status is `passed`, `failed` (an expectation did not hold; the flow goes on), `error`
(the operation itself failed unexpectedly; the remaining steps are `skipped`) or `skipped`.
"""

from __future__ import annotations

import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..actor import acting_as
from ..backends.base import Backend, PromoCheck
from ..backends.errors import BackendError
from ..model.basket import Basket
from ..model.ids import ZERO_GUID
from ..model.lines import is_child, parent_key
from ..model.requests import (
    CustomInfo,
    CustomTexts,
    DisplayOrder,
    ItemInput,
    LineInfo,
    NominatedDay,
    StoreChoice,
)
from ..model.results import PromoResult
from .format import PROMO_OPS, Expect, Flow, is_guid, is_symbol

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


@dataclass
class Check:
    """One expectation compared: `field` names it (grand_total, lines[MUG-WHITE], ...)."""

    field: str
    expected: str
    actual: str
    ok: bool


@dataclass
class StepResult:
    index: int  # 1-based, as the report shows it
    step: Any  # the format's step model
    line: int | None  # the step's line in its flow file
    label: str
    status: str = PASSED
    duration: float = 0.0  # seconds, the whole step (resolution, operation, read-back)
    checks: list[Check] = field(default_factory=list)
    error: BackendError | None = None  # what the operation raised, expected or not
    message: str = ""  # for `error` and `skipped`: why
    basket_id: str | None = None  # the real id of the checked basket
    basket: Basket | None = None  # the checked basket after the step

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


@dataclass
class FlowResult:
    flow: Flow
    backend_label: str
    steps: list[StepResult]
    ids: dict[str, str]  # symbol -> the GUID minted for this run
    duration: float

    @property
    def passed(self) -> bool:
        return all(s.status == PASSED for s in self.steps)

    def count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)


class StepError(Exception):
    """A step that cannot be sent: an unknown stock code, user or store."""


class FlowRun:
    """One replay of a flow, a step at a time (see the module docstring)."""

    def __init__(self, flow: Flow, backend: Backend, *, ids: dict[str, str] | None = None
                 ) -> None:
        self.flow = flow
        self.backend = backend
        self.ids: dict[str, str] = dict(ids or {})
        self.results: list[StepResult] = []
        self._products: dict[str, str] = {}  # stock code (upper) -> product id
        self._stopped = False
        self._started = time.perf_counter()

    @property
    def done(self) -> bool:
        return len(self.results) >= len(self.flow.steps)

    def basket_id(self, ref: str) -> str:
        """The real GUID for a basket reference, minting one for a new symbol."""
        if is_symbol(ref):
            if ref not in self.ids:
                self.ids[ref] = str(uuid.uuid4())
            return self.ids[ref]
        return ref.lower()

    async def next_step(self) -> StepResult | None:
        """Run the next step (or mark it skipped after an error); None when all are done."""
        if self.done:
            return None
        index = len(self.results)
        step = self.flow.steps[index]
        result = StepResult(index=index + 1, step=step, line=self.flow.step_line(index),
                            label=step.name or step.describe())
        self.results.append(result)
        if self._stopped:
            result.status = SKIPPED
            result.message = "not run: an earlier step stopped the flow"
            return result
        started = time.perf_counter()
        try:
            with acting_as("flow"):  # basket history names a flow as the maker of its changes
                await self._run_step(step, result)
        except Exception as exc:  # noqa: BLE001 - a crash in one step must not lose the report
            result.status = ERROR
            result.message = f"{type(exc).__name__}: {exc}"
        result.duration = time.perf_counter() - started
        if result.status == ERROR:
            self._stopped = True
        return result

    def result(self) -> FlowResult:
        kind, label = getattr(self.backend, "kind", ""), getattr(self.backend, "label", "?")
        return FlowResult(flow=self.flow, backend_label=f"{kind} {label}".strip(),
                          steps=list(self.results), ids=dict(self.ids),
                          duration=time.perf_counter() - self._started)

    # -- one step ---------------------------------------------------------------------------

    async def _run_step(self, step: Any, result: StepResult) -> None:
        expect: Expect = step.expect or Expect()
        bid = self.basket_id(step.checked_basket)
        result.basket_id = bid
        outcome: Any = None
        try:
            outcome = await self._perform(step, bid)
        except StepError as exc:
            result.status = ERROR
            result.message = str(exc)
            return
        except BackendError as exc:
            result.error = exc
            if expect.error is None:
                result.status = ERROR
                result.message = f"{exc.code} ({exc.status}): {exc.message}"
                result.basket = await self._read_back(bid)
                return
        if expect.error is not None:
            got = result.error
            result.checks.append(Check(
                "error", expect.error,
                "no error" if got is None else
                (got.code if got.code == expect.error else f"{got.code}: {got.message}"),
                got is not None and got.code == expect.error))

        basket = outcome if isinstance(outcome, Basket) else None
        if isinstance(outcome, PromoResult) and isinstance(outcome.basket, Basket):
            basket = outcome.basket
        if basket is None:
            basket = await self._read_back(bid)
        result.basket = basket
        if isinstance(outcome, (PromoResult, PromoCheck)):
            self._check_promo(expect, outcome, result)
        if basket is not None:
            check_basket(expect, basket, result.checks)
        elif _needs_basket(expect):
            result.checks.append(Check("basket", "a basket", "could not be read", False))
        result.status = FAILED if result.failures else PASSED

    async def _read_back(self, bid: str) -> Basket | None:
        try:
            return await self.backend.get_basket(bid)
        except BackendError:
            return None

    def _check_promo(self, expect: Expect, outcome: PromoResult | PromoCheck,
                     result: StepResult) -> None:
        if isinstance(outcome, PromoCheck):
            valid, message = outcome.valid, outcome.message
        else:
            valid = bool(outcome.is_valid)
            message = outcome.message or ""
        if expect.promo_valid is not None:
            result.checks.append(Check("promo_valid", _bool(expect.promo_valid), _bool(valid),
                                       valid == expect.promo_valid))
        if expect.promo_message is not None:
            result.checks.append(Check(
                "promo_message", f"contains {expect.promo_message!r}", repr(message),
                expect.promo_message.casefold() in message.casefold()))

    async def _perform(self, step: Any, bid: str) -> Any:
        b = self.backend
        op = step.op
        if op == "add":
            return await b.add_item(bid, await self._item_body(
                bid, step.product, step.qty, step.parent, step.custom_info))
        if op == "bulk_add":
            items = []
            for item in step.items:
                items.append(await self._item_body(bid, item.product, item.qty, item.parent,
                                                   item.custom_info))
            return await b.add_bulk(bid, items)
        if op == "qty":
            return await b.set_qty(bid, await self._line_product(bid, step.product), step.qty)
        if op == "remove":
            return await b.remove_item(bid, await self._line_product(bid, step.product,
                                                                     missing_ok=True))
        if op == "merge":
            return await b.merge(bid, self.basket_id(step.source), strategy=step.strategy)
        if op == "promo_validate":
            return await b.validate_promo(bid, step.code)
        if op == "promo_apply":
            return await b.apply_promo(bid, step.code)
        if op == "promo_remove":
            return await b.remove_promo(bid, step.code)
        if op == "ship":
            country = step.country.upper()
            nominated = _nominated_body(step.nominated) if step.nominated else None
            return await b.set_shipping_method(bid, await self._method_id(step.method, country),
                                               country, nominated)
        if op == "po":
            return await b.set_po(bid, step.reference)
        if op == "user":
            return await b.assign_user(bid, await self._user_id(step.user))
        if op == "delete":
            return await b.delete_basket(bid)
        if op == "get":
            return await b.get_basket(bid)
        if op == "campaign":
            return await b.set_campaign(bid, step.code or None)
        if op == "instructions":
            return await b.set_delivery_instruction(bid, step.text)
        if op == "click_collect":
            return await b.set_click_collect_store(
                bid, StoreChoice(id=await self._store_id(step.store)))
        if op == "custom_info":
            return await b.set_custom_info(bid, await self._custom_info_body(bid, step))
        if op == "display_order":
            entries = [DisplayOrder(await self._line_product(bid, ref), n)
                       for n, ref in enumerate(step.order, 1)]
            return await b.set_display_order(bid, entries)
        if op in ("lock", "unlock"):
            return await b.set_locked(bid, op == "lock")
        raise StepError(f"operation {op!r} is not supported by the runner")

    # -- resolving names to ids ---------------------------------------------------------------

    async def _catalogue_id(self, code: str) -> str | None:
        """The product id of a stock code from the backend's catalogue; None without one."""
        key = code.strip().upper()
        if key in self._products:
            return self._products[key]
        if not self.backend.capabilities.catalogue:
            return None
        for product in await self.backend.search_products(code.strip(), limit=50):
            if (product.stock_code or "").upper() == key:
                pid = product.product_id
                if pid:
                    self._products[key] = str(pid).lower()
                    return self._products[key]
        raise StepError(f"product {code!r} not found in the catalogue of {self.backend.label}")

    async def _basket_line_id(self, bid: str, code: str) -> str | None:
        basket = await self.backend.get_basket(bid)
        for line in basket.line_items or []:
            if (line.stock_code or "").upper() == code.strip().upper() and line.product_id:
                return line.product_id.lower()
        return None

    async def _line_product(self, bid: str, ref: str, *, missing_ok: bool = False) -> str:
        """A product id for an operation on an existing line (qty, remove, display order)."""
        if is_guid(ref):
            return ref.lower()
        pid = await self._catalogue_id(ref) or await self._basket_line_id(bid, ref)
        if pid is None:
            if missing_ok:  # removing an absent product is a no-op, but it needs an id
                return ZERO_GUID
            raise StepError(f"product {ref!r} is not in basket {bid} and the backend has no "
                            "catalogue to look it up")
        return pid

    async def _item_body(self, bid: str, product: str, qty: int, parent: str | None,
                         custom_info: dict | None) -> ItemInput:
        pid = product.lower() if is_guid(product) else await self._catalogue_id(product)
        return ItemInput(product_id=pid or None, stock_code=None if pid else product, qty=qty,
                         parent_product_id=await self._parent_id(bid, parent) if parent
                         else None, texts=info_texts(custom_info))

    async def _parent_id(self, bid: str, parent: str) -> str:
        if is_guid(parent):
            return parent.lower()
        pid = await self._catalogue_id(parent) or await self._basket_line_id(bid, parent)
        if pid is None:
            raise StepError(f"parent product {parent!r}: the backend has no catalogue, so give "
                            "it as a product GUID or add the parent line in an earlier step")
        return pid

    async def _custom_info_body(self, bid: str, step: Any) -> CustomInfo:
        lines = []
        for entry in step.lines:
            lines.append(LineInfo(
                product_id=await self._line_product(bid, entry.product),
                parent_product_id=await self._parent_id(bid, entry.parent) if entry.parent
                else ZERO_GUID,
                texts=info_texts(entry.info), additional_charge=entry.additional_charge))
        return CustomInfo(texts=info_texts(step.info), lines=tuple(lines))

    async def _user_id(self, user: str) -> str:
        if is_guid(user):
            return user.lower()
        if "@" in user and self.backend.capabilities.reference:
            for row in await self.backend.list_users():
                if str(row.get("email", "")).casefold() == user.casefold():
                    return str(row.get("userId")).lower()
            raise StepError(f"no user with email {user!r} on {self.backend.label}")
        raise StepError(f"user {user!r} must be a user GUID on this backend")

    async def _method_id(self, method: str, country: str) -> str:
        if is_guid(method) or not self.backend.capabilities.reference:
            return method
        for row in await self.backend.list_shipping_methods(country):
            if str(row.get("shippingCode", "")).upper() == method.upper():
                return str(row["id"])
        return method  # let the backend name the problem (unknown or not offered there)

    async def _store_id(self, store: str) -> str:
        if is_guid(store) or not self.backend.capabilities.reference:
            return store
        for row in await self.backend.list_stores():
            if str(row.get("code", "")).upper() == store.upper():
                return str(row["id"])
        return store


async def run_flow(flow: Flow, backend: Backend, *,
                   on_step: Callable[[StepResult], Awaitable[None] | None] | None = None,
                   ids: dict[str, str] | None = None) -> FlowResult:
    """Run every step in order and return the results; `on_step` sees each step's result
    (with the basket after it) as soon as it is known."""
    run = FlowRun(flow, backend, ids=ids)
    while (step := await run.next_step()) is not None:
        if on_step is not None:
            outcome = on_step(step)
            if inspect.isawaitable(outcome):
                await outcome
    return run.result()


# -- checking a basket ---------------------------------------------------------------------------


def check_basket(expect: Expect, basket: Basket, checks: list[Check]) -> None:
    """Append one Check per expectation that reads the basket."""
    for name in ("grand_total", "sub_total", "discount", "shipping_charge"):
        wanted = getattr(expect, name)
        if wanted is not None:
            actual = money_of(basket, name)
            checks.append(Check(name, _amount(wanted), _amount(actual),
                                actual is not None and actual == wanted))
    if expect.line_count is not None:
        count = len(basket.line_items or [])
        checks.append(Check("line_count", str(expect.line_count), str(count),
                            count == expect.line_count))
    if expect.lines is not None:
        checks.extend(_check_lines(expect.lines, basket))
    if expect.promotions is not None:
        wanted_codes = sorted({c.strip().upper() for c in expect.promotions})
        actual_codes = applied_promotions(basket)
        checks.append(Check("promotions", _codes(wanted_codes), _codes(actual_codes),
                            wanted_codes == actual_codes))


def money_of(basket: Basket, name: str) -> Decimal | None:
    price = getattr(basket, name, None)
    if price is None:
        return None
    return price.with_tax


def applied_promotions(basket: Basket) -> list[str]:
    """Codes applied and currently giving their discount (isApplicable not false)."""
    codes = set()
    for promo in basket.promotions_applied or []:
        code = promo.promo_code or promo.voucher_code
        if code and promo.is_applicable is not False:
            codes.add(code.strip().upper())
    return sorted(codes)


def line_keys(basket: Basket) -> list[tuple[str, str, int]]:
    """(stock-code key, product-id key, qty) per line; a child is keyed PARENT/CHILD."""
    lines = basket.line_items or ()
    code_of = {(ln.product_id or "").lower(): (ln.stock_code or ln.product_id or "")
               for ln in lines if not is_child(ln.parent_product_id)}
    out = []
    for ln in lines:
        pid = (ln.product_id or "").lower()
        code = ln.stock_code or pid
        if not is_child(ln.parent_product_id):
            out.append((code, pid, ln.qty or 0))
        else:
            parent = parent_key(ln.parent_product_id)
            out.append((f"{code_of.get(parent, parent)}/{code}", f"{parent}/{pid}", ln.qty or 0))
    return out


def _check_lines(wanted: dict[str, int], basket: Basket) -> list[Check]:
    actual = line_keys(basket)
    matched: set[int] = set()
    checks = []
    for key, qty in wanted.items():
        k = key.strip().casefold()
        hit = next((i for i, (code, pid, _) in enumerate(actual)
                    if i not in matched and k in (code.casefold(), pid.casefold())), None)
        if hit is None:
            checks.append(Check(f"lines[{key}]", str(qty), "absent", False))
            continue
        matched.add(hit)
        got = actual[hit][2]
        checks.append(Check(f"lines[{key}]", str(qty), str(got), got == qty))
    for i, (code, _, qty) in enumerate(actual):
        if i not in matched:
            checks.append(Check(f"lines[{code}]", "absent", str(qty), False))
    return checks


def _needs_basket(expect: Expect) -> bool:
    return any(getattr(expect, k) is not None for k in (
        "grand_total", "sub_total", "discount", "shipping_charge", "lines", "line_count",
        "promotions"))


def _nominated_body(day: Any) -> NominatedDay:
    return NominatedDay(delivery_date=day.date, day_text=day.day_text, day_no=day.day_no,
                        carrier_code=day.carrier, price=day.price)


def info_texts(info: dict | None) -> CustomTexts:
    """A flow's custom_info table ({"1": text, ...}) as the five texts."""
    table = {str(k): v for k, v in (info or {}).items()}
    return CustomTexts.of([table.get(str(n)) for n in range(1, 6)])


def _amount(value: Decimal | None) -> str:
    return "(none)" if value is None else format(value, "f")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _codes(codes: list[str]) -> str:
    return ", ".join(codes) if codes else "(none)"


__all__ = [
    "ERROR",
    "FAILED",
    "PASSED",
    "PROMO_OPS",
    "SKIPPED",
    "Check",
    "FlowResult",
    "FlowRun",
    "StepResult",
    "applied_promotions",
    "check_basket",
    "line_keys",
    "money_of",
    "run_flow",
]

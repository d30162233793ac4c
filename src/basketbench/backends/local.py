"""LocalBackend: the embedded engine, run off the event loop in a worker thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

from .. import jsonio
from ..model.basket import Basket
from ..model.product import Product
from ..model.requests import (
    CustomInfo,
    DeliveryPlanInput,
    DisplayOrder,
    ItemInput,
    NominatedDay,
    StoreChoice,
    SubscriptionSettings,
)
from ..model.results import BasketShort, PromoResult, RecordResult
from ..model.summary import summary_from_row
from ..wirejson import parse
from . import engine_inputs
from .base import MUTATIONS, BasketChange, BasketPage, Capabilities, PromoCheck
from .errors import BackendError, read_only_error
from .follow import OwnChanges, local_changes
from .precondition import ExpectedVersionEngine
from .request_log import RequestLog

T = TypeVar("T")


class LocalBackend:
    kind = "local"

    def __init__(self, db_path: str | Path, *, seed_demo: bool = True, read_only: bool = False,
                 profile: str = "local", engine: Any = None, clock: Callable | None = None
                 ) -> None:
        from ..engine import BasketEngine, EngineError, demo

        try:
            self.engine = engine or BasketEngine(db_path, clock=clock)
            if seed_demo:
                demo.ensure_seeded(self.engine)
        except EngineError as exc:  # a locked, read-only, damaged or too-new database file
            raise BackendError(exc.status, exc.code, exc.message, exc.errors,
                               where=f"local engine {db_path}") from None
        # Mutations go through `writer`: the engine, plus the expected version of the change
        # when the caller gave one (precondition.py).
        self.writer = ExpectedVersionEngine(self.engine)
        self.label = str(self.engine.path)
        self.profile = profile
        self.capabilities = Capabilities(
            read_only=read_only, merge_strategies=("sum", "max", "replace"), merge_preview=True,
            lock=True, catalogue=True, promotions=True, list_all=True, reference=True,
            explain=True, history=True, follow="stream")
        self.log = RequestLog()
        self.own = OwnChanges()  # which versions this backend wrote (watch)
        self._feed: Any = None

    async def close(self) -> None:
        if self._feed is not None:
            await self._feed.close()
        await asyncio.to_thread(self.engine.close)

    def watch(self, basket_id: str) -> AsyncIterator[BasketChange]:
        """Changes of the basket made from now on, by this backend or any other process on
        the database file (follow.py)."""
        return local_changes(self, basket_id)

    async def _call(self, op: str, target: str, fn: Callable[[], T]) -> T:
        """Run one engine call in a thread, log it, and turn engine errors into BackendError.
        A change notes the version it wrote, so `watch` does not report it as made
        elsewhere."""
        if op in MUTATIONS and self.capabilities.read_only:
            raise read_only_error(op, self.profile)
        if op not in MUTATIONS:
            return await self._run(op, target, fn)
        self.own.begin(target)
        version: int | None = None
        try:
            result, version = await self._run(op, target, lambda: self._write(target, fn))
        finally:
            await self.own.end(target, version, changed=version is not None)
        return result

    def _write(self, target: str, fn: Callable[[], T]) -> tuple[T, int | None]:
        """A change, then the basket's newest version (the one it wrote: read at once)."""
        result = fn()
        from ..engine.history import newest_version

        bid = target.lower()
        return result, self.engine.store.read(lambda conn: newest_version(conn, bid))

    async def _run(self, op: str, target: str, fn: Callable[[], T]) -> T:
        from ..engine import EngineError

        started = time.perf_counter()
        try:
            result = await asyncio.to_thread(fn)
        except EngineError as exc:
            self.log.record(op, target, status=exc.status,
                            duration_ms=(time.perf_counter() - started) * 1000, error=exc.message)
            current = exc.extra.get("current_version")  # set by a stale If-Match (Conflict)
            raise BackendError(exc.status, exc.code, exc.message, exc.errors,
                               where=f"local engine {self.label}",
                               current_version=current if isinstance(current, int) else None
                               ) from None
        except Exception as exc:  # a bug or a broken database: still one typed error
            message = f"{op} failed in the local engine ({self.label}): {exc}"
            self.log.record(op, target, status=500,
                            duration_ms=(time.perf_counter() - started) * 1000, error=message)
            raise BackendError(500, "INTERNAL", message, where=f"local engine {self.label}"
                               ) from exc
        self.log.record(op, target, status=200,
                        duration_ms=(time.perf_counter() - started) * 1000)
        return result

    # -- reads ------------------------------------------------------------------------------

    async def get_basket(self, basket_id: str) -> Basket:
        return await self._basket("get_basket", basket_id,
                                  lambda: self.engine.get_basket(basket_id))

    async def list_user_baskets(self, user_id: str) -> list[BasketShort]:
        # Endpoint 01's short baskets, as a live API (and the sandbox) answers.
        return await self._call("list_user_baskets", user_id, lambda: [
            b.short() for b in self.engine.list_user_baskets(user_id)])

    async def explain(self, basket_id: str) -> dict:
        return await self._call("explain", basket_id, lambda: self.engine.explain(basket_id))

    async def history(self, basket_id: str, *, offset: int = 0, limit: int = 50) -> dict:
        return await self._call("history", basket_id, lambda: self.engine.history(
            basket_id, offset=offset, limit=limit))

    async def basket_version(self, basket_id: str, version: int) -> Basket:
        return await self._basket("basket_version", basket_id,
                                  lambda: self.engine.basket_version(basket_id, version))

    async def restore(self, basket_id: str, version: int) -> Basket:
        return await self._basket("restore", basket_id,
                                  lambda: self.writer.restore(basket_id, version))

    async def related_products(self, basket_id: str) -> list[Product]:
        return await self._call("related_products", basket_id,
                                lambda: self.engine.related_products(basket_id))

    async def list_baskets(self, *, user_id: str | None = None, query: str | None = None,
                           offset: int = 0, limit: int = 100) -> BasketPage:
        data = await self._call("list_baskets", user_id or "*", lambda: self.engine.list_baskets(
            user_id=user_id, query=query, offset=offset, limit=limit))
        return BasketPage(total=data["total"], offset=data["offset"],
                          rows=[summary_from_row(r) for r in data["rows"]])

    async def search_products(self, query: str = "", *, limit: int = 50) -> list[Product]:
        return await self._call("search_products", query,
                                lambda: self.engine.search_products(query, limit=limit))

    async def list_promotions(self) -> list[dict]:
        return await self._call("list_promotions", "*", self.engine.list_promotions)

    async def list_shipping_methods(self, country: str | None = None) -> list[dict]:
        return await self._call("list_shipping_methods", country or "*",
                                lambda: self.engine.list_shipping_methods(country))

    async def list_stores(self) -> list[dict]:
        return await self._call("list_stores", "*", self.engine.list_stores)

    async def list_users(self) -> list[dict]:
        return await self._call("list_users", "*", self.engine.list_users)

    async def validate_promo(self, basket_id: str, code: str) -> PromoCheck:
        ok, message = await self._call("validate_promo", basket_id,
                                       lambda: self.engine.check_promo(basket_id, code))
        return PromoCheck(ok, message)

    # -- mutations --------------------------------------------------------------------------

    # The engine hands back the domain basket itself (engine/domain.py): an unchanged line
    # is the same `Line` object as in the version before, and nothing is parsed.
    async def _basket(self, op: str, basket_id: str, fn: Callable[[], Basket]) -> Basket:
        return await self._call(op, basket_id, fn)

    async def _record(self, op: str, basket_id: str, fn: Callable[[], dict]) -> RecordResult:
        return await self._call(op, basket_id, lambda: parse.record_result(fn()))

    async def _promo(self, op: str, basket_id: str, fn: Callable[[], dict]) -> PromoResult:
        return await self._call(op, basket_id, lambda: _promo_result(fn()))

    async def delete_basket(self, basket_id: str) -> bool:
        return await self._call("delete_basket", basket_id,
                                lambda: self.writer.delete_basket(basket_id))

    async def set_campaign(self, basket_id: str, campaign_code: str | None) -> Basket:
        return await self._basket("set_campaign", basket_id,
                                  lambda: self.writer.set_campaign(basket_id, campaign_code))

    async def set_custom_info(self, basket_id: str, info: CustomInfo) -> Basket:
        return await self._basket("set_custom_info", basket_id,
                                  lambda: self.writer.set_custom_info(
                                      basket_id, engine_inputs.custom_info(info)))

    async def set_subscription(self, basket_id: str, product_id: str,
                               settings: SubscriptionSettings) -> Basket:
        return await self._basket("set_subscription", basket_id, lambda: self.writer
                                  .set_subscription(basket_id, product_id,
                                                    engine_inputs.subscription(settings)))

    async def set_po(self, basket_id: str, po_reference: str | None) -> RecordResult:
        return await self._record("set_po", basket_id,
                                  lambda: self.writer.set_po(basket_id, po_reference))

    async def assign_user(self, basket_id: str, user_id: str) -> Basket:
        return await self._basket("assign_user", basket_id,
                                  lambda: self.writer.assign_user(basket_id, user_id))

    async def merge(self, target_id: str, source_id: str, *, strategy: str = "sum",
                    dry_run: bool = False) -> Basket:
        # A preview changes nothing, so it is not a mutation and read-only profiles may use it.
        op = "merge_preview" if dry_run else "merge"
        return await self._basket(op, target_id, lambda: self.writer.merge(
            target_id, source_id, strategy=strategy, dry_run=dry_run))

    async def add_item(self, basket_id: str, item: ItemInput) -> Basket:
        return await self._basket("add_item", basket_id,
                                  lambda: self.writer.add_item(basket_id,
                                                                engine_inputs.item(item)))

    async def add_bulk(self, basket_id: str, items: list[ItemInput]) -> Basket:
        return await self._basket("add_bulk", basket_id,
                                  lambda: self.writer.add_bulk(basket_id,
                                                                engine_inputs.items(items)))

    async def set_display_order(self, basket_id: str, entries: list[DisplayOrder]) -> bool:
        return await self._call("set_display_order", basket_id,
                                lambda: self.writer.set_display_order(
                                    basket_id, engine_inputs.display_order(entries)))

    async def remove_item(self, basket_id: str, product_id: str) -> Basket:
        return await self._basket("remove_item", basket_id,
                                  lambda: self.writer.remove_item(basket_id, product_id))

    async def set_qty(self, basket_id: str, product_id: str, qty: int) -> Basket:
        return await self._basket("set_qty", basket_id,
                                  lambda: self.writer.set_qty(basket_id, product_id, qty))

    async def apply_promo(self, basket_id: str, code: str) -> PromoResult:
        return await self._promo("apply_promo", basket_id,
                                 lambda: self.writer.apply_promo(basket_id, code))

    async def remove_promo(self, basket_id: str, code: str) -> PromoResult:
        return await self._promo("remove_promo", basket_id,
                                 lambda: self.writer.remove_promo(basket_id, code))

    async def set_shipping_method(self, basket_id: str, shipping_method_id: str,
                                  country_code: str,
                                  nominated: NominatedDay | None = None) -> Basket:
        return await self._basket("set_shipping_method", basket_id, lambda: self.writer
                                  .set_shipping_method(basket_id, shipping_method_id,
                                                       country_code,
                                                       engine_inputs.nominated(nominated)))

    async def set_delivery_plans(self, basket_id: str,
                                 plans: list[DeliveryPlanInput]) -> RecordResult:
        return await self._record("set_delivery_plans", basket_id,
                                  lambda: self.writer.set_delivery_plans(
                                      basket_id, engine_inputs.plans(plans)))

    async def set_line_delivery_plan(self, basket_id: str,
                                     plan: DeliveryPlanInput) -> RecordResult:
        return await self._record("set_line_delivery_plan", basket_id,
                                  lambda: self.writer.set_line_delivery_plan(
                                      basket_id, engine_inputs.plan(plan)))

    async def set_delivery_instruction(self, basket_id: str, text: str | None) -> RecordResult:
        return await self._record("set_delivery_instruction", basket_id,
                                  lambda: self.writer.set_delivery_instruction(basket_id, text))

    async def set_click_collect_store(self, basket_id: str, store: StoreChoice) -> RecordResult:
        return await self._record("set_click_collect_store", basket_id,
                                  lambda: self.writer.set_click_collect_store(
                                      basket_id, engine_inputs.store(store)))

    async def set_locked(self, basket_id: str, locked: bool) -> Basket:
        return await self._basket("set_locked", basket_id,
                                  lambda: self.writer.set_locked(basket_id, locked))


def basket_json(basket: Basket) -> str:
    """The wire JSON of a basket (for `y` copy, `--json` output, exports)."""
    from ..wirejson.to_wire import to_wire

    return jsonio.dumps(to_wire(basket), indent=2)


def _promo_result(data: dict) -> PromoResult:
    """The engine's promo outcome ({isVaild, isValid, message, basket: Basket}) as the
    seam's result; the basket is the engine's domain basket as it is."""
    valid = data.get("isValid", data.get("isVaild"))
    return PromoResult(is_valid=valid, message=data.get("message"), basket=data.get("basket"))

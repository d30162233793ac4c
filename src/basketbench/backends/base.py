"""The Backend protocol: the one seam the workbench, the CLI and flows talk through.

Operations mirror the 23 BetterCommerce basket operations (plus listings where a backend
offers them). Arguments are typed requests (model/requests.py), never wire-shaped dicts: each
backend writes them in its own way (LocalBackend: backends/engine_inputs.py; HttpBackend: the
endpoint's request model in wire/inputs.py). Results are the domain objects of `model/`
(plain Python: the workbench never imports pydantic). Every failure is a `BackendError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

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
from ..model.summary import BasketSummary
from .request_log import RequestLog

__all__ = ["MUTATIONS", "Backend", "BasketChange", "BasketPage", "BasketSummary",
           "Capabilities", "PromoCheck"]


@dataclass(frozen=True)
class Capabilities:
    read_only: bool = False
    merge_strategies: tuple[str, ...] = ("sum",)
    merge_preview: bool = False  # merge(dry_run=True) without changing anything
    lock: bool = False
    catalogue: bool = False  # search_products
    promotions: bool = False  # list_promotions
    list_all: bool = False  # list_baskets across users, paged
    reference: bool = False  # list_shipping_methods / list_stores / list_users
    explain: bool = False  # explain: why every figure of a basket is what it is
    history: bool = False  # history, basket_version, restore
    # How `watch` follows a basket: "stream" (every change, as it happens: the local engine,
    # a sandbox), "poll" (a live API read every `follow_interval` s: stale markers only), None.
    follow: Literal["stream", "poll"] | None = None


@dataclass(frozen=True)
class BasketChange:
    """A change of a followed basket (`watch`). A stale marker (`stale`) says only that the
    basket moved (a polled live API): read it again to see how."""

    basket_id: str
    version: int | None
    operation: str  # the engine operation ("add_item"); "" when unknown
    actor: str  # who: "workbench", "cli", "sandbox", "client:<id>"...; "" when unknown
    at: str  # when (the basket's lastUpdated after it)
    summary: str  # one line of what moved, as basket history keeps it; "" when unknown
    elsewhere: bool  # made by someone else than this backend
    deleted: bool = False  # the basket was deleted (or merged away): the last change
    stale: bool = False


@dataclass(frozen=True)
class PromoCheck:
    """The answer of validate: whether apply would succeed now, and why not."""

    valid: bool
    message: str = ""


@dataclass
class BasketPage:
    total: int
    offset: int
    rows: list[BasketSummary] = field(default_factory=list)


@runtime_checkable
class Backend(Protocol):
    kind: str  # "local" | "bettercommerce"
    label: str  # what the status bar shows: a file path or a URL
    capabilities: Capabilities
    log: RequestLog

    async def close(self) -> None: ...

    # 01, 02, 06, 07
    async def list_user_baskets(self, user_id: str) -> list[BasketShort]: ...
    async def get_basket(self, basket_id: str) -> Basket: ...
    async def delete_basket(self, basket_id: str) -> bool: ...
    async def related_products(self, basket_id: str) -> list[Product]: ...
    # 03, 04, 05, 09, 10
    async def set_campaign(self, basket_id: str, campaign_code: str | None) -> Basket: ...
    async def set_custom_info(self, basket_id: str, info: CustomInfo) -> Basket: ...
    async def set_subscription(self, basket_id: str, product_id: str,
                               settings: SubscriptionSettings) -> Basket: ...
    async def set_po(self, basket_id: str, po_reference: str | None) -> RecordResult: ...
    async def assign_user(self, basket_id: str, user_id: str) -> Basket: ...
    # 08
    async def merge(self, target_id: str, source_id: str, *, strategy: str = "sum",
                    dry_run: bool = False) -> Basket: ...
    # 11-15
    async def add_item(self, basket_id: str, item: ItemInput) -> Basket: ...
    async def add_bulk(self, basket_id: str, items: list[ItemInput]) -> Basket: ...
    async def set_display_order(self, basket_id: str, entries: list[DisplayOrder]) -> bool: ...
    async def remove_item(self, basket_id: str, product_id: str) -> Basket: ...
    async def set_qty(self, basket_id: str, product_id: str, qty: int) -> Basket: ...
    # 16-18
    async def validate_promo(self, basket_id: str, code: str) -> PromoCheck: ...
    async def apply_promo(self, basket_id: str, code: str) -> PromoResult: ...
    async def remove_promo(self, basket_id: str, code: str) -> PromoResult: ...
    # 19-23
    async def set_shipping_method(self, basket_id: str, shipping_method_id: str,
                                  country_code: str,
                                  nominated: NominatedDay | None = None) -> Basket: ...
    async def set_delivery_plans(self, basket_id: str,
                                 plans: list[DeliveryPlanInput]) -> RecordResult: ...
    async def set_line_delivery_plan(self, basket_id: str,
                                     plan: DeliveryPlanInput) -> RecordResult: ...
    async def set_delivery_instruction(self, basket_id: str, text: str | None) -> RecordResult: ...
    async def set_click_collect_store(self, basket_id: str, store: StoreChoice) -> RecordResult: ...
    # extensions (check `capabilities` first; otherwise BackendError 501 UNSUPPORTED)
    async def set_locked(self, basket_id: str, locked: bool) -> Basket: ...
    async def list_baskets(self, *, user_id: str | None = None, query: str | None = None,
                           offset: int = 0, limit: int = 100) -> BasketPage: ...
    async def search_products(self, query: str = "", *, limit: int = 50) -> list[Product]: ...
    async def list_promotions(self) -> list[dict]: ...
    async def list_shipping_methods(self, country: str | None = None) -> list[dict]: ...
    async def list_stores(self) -> list[dict]: ...
    async def list_users(self) -> list[dict]: ...
    async def explain(self, basket_id: str) -> dict: ...
    async def history(self, basket_id: str, *, offset: int = 0, limit: int = 50) -> dict: ...
    async def basket_version(self, basket_id: str, version: int) -> Basket: ...
    async def restore(self, basket_id: str, version: int) -> Basket: ...
    # follow (capabilities.follow): the basket's changes from now on, until it is deleted
    def watch(self, basket_id: str) -> AsyncIterator[BasketChange]: ...


# Operations that change data: refused on read-only profiles, never retried.
MUTATIONS = frozenset({
    "set_campaign", "set_custom_info", "set_subscription", "set_po", "assign_user", "merge",
    "add_item", "add_bulk", "set_display_order", "remove_item", "set_qty", "apply_promo",
    "remove_promo", "set_shipping_method", "set_delivery_plans", "set_line_delivery_plan",
    "set_delivery_instruction", "set_click_collect_store", "set_locked", "delete_basket",
    "restore",
})

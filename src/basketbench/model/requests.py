"""What a caller asks a backend to do: the typed arguments of the backend seam (issue #14).

One type per request body of the basket API (api.md §3), in the domain's words: the workbench,
the CLI and flows build these, `LocalBackend` hands them to the engine, `HttpBackend` writes
them as the endpoint's wire body (`wire/inputs.py` holds the one wire model per endpoint that
the server, `HttpBackend` and the OpenAPI document share). Money is `Decimal`; None means
"not given" (the wire body leaves the field out).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CustomTexts:
    """customInfo1..5 (a personalisation's text, or a basket's custom fields)."""

    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None

    @property
    def texts(self) -> tuple[str | None, ...]:
        return (self.custom_info1, self.custom_info2, self.custom_info3, self.custom_info4,
                self.custom_info5)

    @classmethod
    def of(cls, texts: tuple[str | None, ...] | list[str | None]) -> CustomTexts:
        padded = list(texts[:5]) + [None] * (5 - len(texts[:5]))
        return cls(*padded)


NO_TEXTS = CustomTexts()


@dataclass(frozen=True, slots=True)
class ItemInput:
    """A line to add (endpoint 11; each element of 12). `qty` is a delta on an existing
    line (engine-rules §2); a child line names its parent and carries its text."""

    product_id: str | None = None
    qty: int = 1
    stock_code: str | None = None
    parent_product_id: str | None = None
    texts: CustomTexts = NO_TEXTS
    item_type: int | None = None
    display_order: int | None = None
    manual_unit_price: Decimal | None = None
    additional_charge: Decimal | None = None
    post_code: str | None = None
    is_subscription: bool | None = None
    subscription_plan_id: str | None = None
    subscription_term_id: str | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Decimal | None = None
    gift_wrap_id: str | None = None
    is_gift_wrap_applied: bool | None = None
    is_membership: bool | None = None
    product_name: str | None = None  # sent by the bulk example; informational


@dataclass(frozen=True, slots=True)
class LineInfo:
    """Custom info for one line (endpoint 04 `lineInfo`)."""

    product_id: str | None = None
    parent_product_id: str | None = None
    line_id: str | None = None
    texts: CustomTexts = NO_TEXTS
    qty: int | None = None
    additional_charge: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CustomInfo:
    """Endpoint 04: the basket's custom fields, and per-line ones."""

    texts: CustomTexts = NO_TEXTS
    lines: tuple[LineInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class SubscriptionSettings:
    """Endpoint 05 `userSetting`."""

    subscription_plan_id: str | None = None
    subscription_term_id: str | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DisplayOrder:
    """Endpoint 13 element: `line` is a line id or a product id."""

    line: str
    display_order: int


@dataclass(frozen=True, slots=True)
class NominatedDay:
    """Endpoint 19's optional body: a nominated delivery day and its price."""

    delivery_date: str | None = None
    day_text: str | None = None
    day_no: int | None = None
    cut_off_time: int | None = None
    price: Decimal | None = None
    carrier_code: str | None = None


@dataclass(frozen=True, slots=True)
class PlanItem:
    product_id: str | None = None
    basket_line_id: str | None = None
    stock_code: str | None = None
    parent_product_id: str | None = None
    qty: int | None = None


@dataclass(frozen=True, slots=True)
class DeliveryPlanInput:
    """Endpoints 20 (several) and 21 (one)."""

    record_id: str | None = None
    shipping_method_id: str | None = None
    shipping_charge: Decimal | None = None
    delivery_type: int | None = None
    fulfilment_channel: int | None = None
    shipping_type: int | None = None
    pickup_store_id: str | None = None
    pickup_store_code: str | None = None
    delivery_center_code: str | None = None
    lead_time: int | None = None
    items: tuple[PlanItem, ...] = ()


@dataclass(frozen=True, slots=True)
class StoreChoice:
    """Endpoint 23: the click & collect store, by id or code, and the slot chosen."""

    id: str | None = None
    code: str | None = None
    name: str | None = None
    selected_slot: str | None = None


__all__ = [
    "NO_TEXTS",
    "CustomInfo",
    "CustomTexts",
    "DeliveryPlanInput",
    "DisplayOrder",
    "ItemInput",
    "LineInfo",
    "NominatedDay",
    "PlanItem",
    "StoreChoice",
    "SubscriptionSettings",
]

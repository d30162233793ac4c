"""What a caller asks a backend to do: the typed arguments of the backend seam (issue #14).

One type per request body of the basket API (api.md §3), in the domain's words: the workbench,
the CLI and flows build these, `LocalBackend` hands them to the engine, `HttpBackend` writes
them as the endpoint's wire body (`wire/inputs.py` holds the one wire model per endpoint that
the server, `HttpBackend` and the OpenAPI document share). Money is `Decimal`; None means
"not given" (the wire body leaves the field out).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from .lines import custom_texts, is_child


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
    price_match_req_id: str | None = None
    product_name: str | None = None  # sent by the bulk example; informational
    formatted: CustomTexts = NO_TEXTS  # customInfo1..5Formatted (bulk lines)

    @classmethod
    def for_line(cls, line: Any, qty: int, *, top_texts: bool = False) -> ItemInput:
        """`qty` units more (or fewer) of a basket line (attributes product_id,
        parent_product_id, custom_info1..5). A child line is named by its parent and all
        its texts (its line key, model/lines.py), so the units go to that very line;
        `top_texts`: a top-level line's texts are sent too (re-adding a removed line)."""
        child = is_child(line.parent_product_id)
        texts = CustomTexts.of([t or None for t in custom_texts(line)]) \
            if child or top_texts else NO_TEXTS
        return cls(product_id=line.product_id, qty=qty,
                   parent_product_id=line.parent_product_id if child else None, texts=texts)


@dataclass(frozen=True, slots=True)
class LineInfo:
    """Custom info for one line (endpoint 04 `lineInfo`): found by `line_id`, else by product
    and parent. The endpoint replaces the line's texts and its additional charge."""

    product_id: str | None = None
    parent_product_id: str | None = None
    line_id: str | None = None
    texts: CustomTexts = NO_TEXTS
    formatted: CustomTexts = NO_TEXTS  # customInfo1..5Formatted
    qty: int | None = None
    additional_charge: Decimal | None = None
    service_type: str | None = None
    length_mm: Decimal | None = None
    additional_service_cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class GiftNote:
    """The storefront's gift note: it sends the basket's customInfo1 as this object."""

    message: str = ""
    image_url: str = ""


@dataclass(frozen=True, slots=True)
class CustomInfo:
    """Endpoint 04: the basket's custom fields, and per-line ones. `note`, when set, is sent
    as customInfo1 (in place of `texts.custom_info1`)."""

    texts: CustomTexts = NO_TEXTS
    lines: tuple[LineInfo, ...] = ()
    note: GiftNote | None = None


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
    """Endpoint 19's optional body: a nominated delivery day and its price (with tax)."""

    delivery_date: str | None = None
    day_text: str | None = None
    day_no: int | None = None
    cut_off_time: int | None = None
    price: Decimal | None = None
    carrier_code: str | None = None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A line of a delivery plan (endpoints 20 and 21 `items`)."""

    record_id: str | None = None
    basket_line_id: int | str | None = None
    parent_product_id: str | None = None
    order_line_record_id: str | None = None
    stock_code: str | None = None
    product_id: str | None = None
    qty: int | None = None
    fulfilment_channel: int | None = None
    created: str | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    delivery_type: int | None = None
    inventory_type: int | None = None
    pool_code: str | None = None
    line_delivery_center_code: str | None = None
    line_delivery_center_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryCenterRef:
    """The delivery centre a plan names."""

    record_id: str | None = None
    code: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryPlanInput:
    """Endpoints 20 (several) and 21 (one); `record_id` picks the plan 21 replaces."""

    record_id: str | None = None
    delivery_type: int | None = None
    fulfilment_channel: int | None = None
    shipping_type: int | None = None
    shipping_method_id: str | None = None
    shipping_charge: Decimal | None = None
    pickup_store_id: str | None = None
    ref_store_id: str | None = None
    pickup_store_code: str | None = None
    delivery_center: DeliveryCenterRef | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    pool_code: str | None = None
    items: tuple[PlanItem, ...] | None = None


@dataclass(frozen=True, slots=True)
class StoreSlot:
    slot: str | None = None
    slot_message: str | None = None


@dataclass(frozen=True, slots=True)
class StoreChoice:
    """Endpoint 23: the click & collect store, found by `id` or `code`. The storefront sends
    the whole store object it listed, so every field of it is here; `COLLECT_OFF` turns
    click & collect off."""

    id: str | None = None
    code: str | None = None
    external_ref_id: str | None = None
    name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    post_code: str | None = None
    country_code: str | None = None
    your_id: str | None = None
    distance_from_post_code: Decimal | None = None
    distance_unit: str | None = None
    shipping_plan_id: str | None = None
    type: str | None = None
    lead_time_unit: str | None = None
    lead_time_min: int | None = None
    lead_time_max: int | None = None
    delivery_option: str | None = None
    shipping_address_id: str | None = None
    opening_hours: str | None = None
    slots: tuple[StoreSlot, ...] | None = None
    why_delay_msg1: str | None = None
    why_delay_msg2: str | None = None
    why_delay_msg3: str | None = None
    selected_slot: str | None = None
    phone_no: str | None = None
    timeslot_actual: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    image: str | None = None
    country: str | None = None
    hdn_code: str | None = None
    enable_click_collect: bool | None = None

    @property
    def only_named(self) -> bool:
        """Only `id` and/or `code` given: a bare choice, not a whole store object."""
        return all(getattr(self, f.name) is None for f in fields(self)
                   if f.name not in ("id", "code"))


COLLECT_OFF = StoreChoice(enable_click_collect=False)


__all__ = [
    "COLLECT_OFF",
    "NO_TEXTS",
    "CustomInfo",
    "CustomTexts",
    "DeliveryCenterRef",
    "DeliveryPlanInput",
    "DisplayOrder",
    "GiftNote",
    "ItemInput",
    "LineInfo",
    "NominatedDay",
    "PlanItem",
    "StoreChoice",
    "StoreSlot",
    "SubscriptionSettings",
]

"""Shipping methods (api.md §2.6) and delivery plans as they appear inside a Basket (§2.10)."""

from __future__ import annotations

from typing import Any

from basketbench.wire.base import WireModel
from basketbench.wire.price import Price
from basketbench.wire.types import DateText, Guid, Money


class ShippingMethod(WireModel):
    id: Guid | None = None
    enabled: bool | None = None
    system_name: str | None = None
    shipping_code: str | None = None
    display_name: str | None = None
    description: str | None = None
    display_order: int | None = None
    expected_days_to_deliver: int | None = None
    expected_delivery_date: DateText | None = None
    delivery_on_or_before: str | None = None
    price: Price | None = None
    is_default: bool | None = None
    is_nominated: bool | None = None
    type: int | None = None
    carrier_code: str | None = None
    country_code: str | None = None
    is_price_on_request: bool | None = None
    show_recomendation: bool | None = None  # sic, as on the wire
    recomendation: str | None = None  # sic
    is_taxable: bool | None = None
    shipping_cost_method: int | None = None
    cut_off_times: str | None = None
    country_csv: str | None = None


class DeliveryCenterRef(WireModel):
    """The delivery centre as sent in plan *inputs* (20/21): id, code and name only."""

    record_id: Guid | None = None
    code: str | None = None
    name: str | None = None


class DeliveryCenter(DeliveryCenterRef):
    type: int | None = None
    post_code: str | None = None
    latitude: str | None = None
    longitude: str | None = None


class DeliveryPlan(WireModel):
    """Output shape; the input of 20/21 differs (see inputs.DeliveryPlanInput)."""

    fulfilment_channel: int | None = None
    delivery_type: int | None = None
    delivery_center: DeliveryCenter | None = None
    items: list[Any] | None = None
    distance_in_miles: str | None = None
    shipping_method_id: Guid | None = None
    shipping_method_name: str | None = None
    cost: Money | None = None
    shipping_speed: str | None = None
    delivery_date_target: DateText | None = None
    delivery_date_actual: DateText | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    lead_time_min: int | None = None
    lead_time_max: int | None = None
    pickup_store_id: Guid | None = None
    ref_store_id: str | None = None
    pickup_store_code: str | None = None
    shipping_type: int | None = None
    line_items: list[Any] | None = None
    created: DateText | None = None
    record_id: Guid | None = None

"""Request bodies of the BetterCommerce basket endpoints (api.md §1: 04, 05, 11-13, 19-23).

Every field is optional here: which ones an endpoint needs is a rule of the engine, which
reports missing values as its own validation errors. Form bodies (05, 22) arrive as strings
("1", "0", "{}"); pydantic's lax mode turns digit strings into numbers and "1"/"0" into bools.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, WithJsonSchema

from basketbench.model.line_input import first_set
from basketbench.wire.base import WireModel
from basketbench.wire.delivery import DeliveryCenterRef
from basketbench.wire.line import SubscriptionUserSettings
from basketbench.wire.price import Price
from basketbench.wire.types import DateText, Guid, IntOrStr, Money, WireDecimal


def bind_keys(value: Any, model: type[BaseModel]) -> Any:
    """`value` (an object or an array of them) with its keys spelt as `model` spells them.

    ASP.NET binds JSON keys case-insensitively (`ProductId` is `productId`; the storefront
    sends both), so a key that matches a field when case is ignored takes the field's
    spelling, in nested models too. Unknown keys are kept as sent (and ignored by the rules);
    when a body spells one field two ways, the exact spelling wins.
    """
    if isinstance(value, list):
        return [bind_keys(item, model) for item in value]
    if not isinstance(value, dict):
        return value
    fields = _key_table(model)
    out: dict[str, Any] = {}
    for key, item in value.items():
        known = fields.get(key.lower()) if isinstance(key, str) else None
        if known is None:
            out.setdefault(key, item)
            continue
        name, nested = known
        if key != name and name in value:
            continue
        out[name] = bind_keys(item, nested) if nested is not None else item
    return out


@cache
def _key_table(model: type[BaseModel]) -> dict[str, tuple[str, type[BaseModel] | None]]:
    """lower-case key -> (the model's spelling, the nested model of that field if any)."""
    return {(field.alias or name).lower(): (field.alias or name, _nested_model(field.annotation))
            for name, field in model.model_fields.items()}


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


# Where a product is named: a GUID, or (engine-rules §2) the numeric id of a basket line, which
# the storefront's cart page sends as `productId`.
ProductRef = Annotated[str, WithJsonSchema({"anyOf": [
    {"type": "string", "format": "uuid"}, {"type": "integer", "minimum": 1},
    {"type": "string", "pattern": "^[0-9]+$"}]})]


class RequestModel(WireModel):
    """Writes back only the fields that were given, so a body forwarded to a live API carries
    no nulls the caller never sent."""

    omit_unset: ClassVar[bool] = True


class AddItemRequest(RequestModel):
    """Endpoint 11 `basketLine`. Both names of the two renamed fields are kept as sent."""

    basket_id: Guid | None = None
    product_id: ProductRef | None = None
    qty: int | None = None
    manual_unit_price: Money | None = None
    display_order: int | None = None
    stock_code: str | None = None
    item_type: int | None = None
    post_code: str | None = None
    parent_product_id: Guid | None = None
    is_subscription: bool | None = None
    subscription_plan_id: Guid | None = None
    subscription_term_id: Guid | None = None
    user_subscription_pricing: int | None = None
    gift_wrap_id: str | None = None
    is_gift_wrap_applied: bool | None = None
    line_item_type: int | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    price_match_req_id: Guid | None = None
    is_membership: bool | None = None
    # Documented but absent from the example.
    additional_charge: Money | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Money | None = None

    @property
    def effective_item_type(self) -> int | None:
        return first_set(self.item_type, self.line_item_type)

    @property
    def effective_user_pricing_type(self) -> int | None:
        return first_set(self.user_pricing_type, self.user_subscription_pricing)


class BulkLine(RequestModel):
    """One element of the endpoint 12 array."""

    product_id: ProductRef | None = None
    stock_code: str | None = None
    product_name: str | None = None  # undocumented, present in the example
    parent_product_id: Guid | None = None
    qty: int | None = None
    item_type: int | None = None
    line_item_type: int | None = None  # endpoint 11's other name, read the same way
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    custom_info1_formatted: str | None = None
    custom_info2_formatted: str | None = None
    custom_info3_formatted: str | None = None
    custom_info4_formatted: str | None = None
    custom_info5_formatted: str | None = None
    post_code: str | None = None
    is_subscription: bool | None = None
    subscription_plan_id: Guid | None = None
    subscription_term_id: Guid | None = None
    user_subscription_pricing: int | None = None
    display_order: int | None = None
    # Documented but absent from the example.
    additional_charge: Money | None = None
    user_pricing_type: int | None = None

    @property
    def effective_item_type(self) -> int | None:
        return first_set(self.item_type, self.line_item_type)

    @property
    def effective_user_pricing_type(self) -> int | None:
        return first_set(self.user_pricing_type, self.user_subscription_pricing)


class DisplayOrderEntry(RequestModel):
    """Endpoint 13 element: `id` is a line id or a product id."""

    id: str | None = None
    display_order: int | None = None


class LineInfo(RequestModel):
    product_id: Guid | None = None
    parent_product_id: Guid | None = None
    line_id: str | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    custom_info1_formatted: str | None = None
    custom_info2_formatted: str | None = None
    custom_info3_formatted: str | None = None
    custom_info4_formatted: str | None = None
    custom_info5_formatted: str | None = None
    qty: int | None = None
    additional_charge: Money | None = None
    service_type: str | None = None
    length_mm: WireDecimal | None = None
    additional_service_cost: Money | None = None


class CustomInfoRequest(RequestModel):
    """Endpoint 04 `info`."""

    basket_id: str | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    line_info: list[LineInfo] | None = None


class SubscriptionSettings(SubscriptionUserSettings):
    """Endpoint 05 `userSetting`: the same fields as a line's subscriptionUserSettings."""

    omit_unset: ClassVar[bool] = True


class NominatedDelivery(RequestModel):
    """Endpoint 19 optional body."""

    day_text: str | None = None
    day_no: int | None = None
    cut_off_time: int | None = None
    price: Price | None = None
    carrier_code: str | None = None
    delivery_date: DateText | None = None


class DeliveryPlanItemInput(RequestModel):
    record_id: Guid | None = None
    basket_line_id: IntOrStr | None = None  # doc: number; line ids are numeric strings
    parent_product_id: Guid | None = None
    order_line_record_id: Guid | None = None
    stock_code: str | None = None
    product_id: Guid | None = None
    qty: int | None = None
    fulfilment_channel: int | None = None
    created: DateText | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    delivery_type: int | None = None
    inventory_type: int | None = None
    pool_code: str | None = None
    line_delivery_center_code: str | None = None
    line_delivery_center_id: Guid | None = None


class DeliveryPlanInput(RequestModel):
    """Endpoint 20 (array of these) and 21 (one). `shippingCharge` becomes the plan's `cost`."""

    record_id: Guid | None = None
    delivery_type: int | None = None
    fulfilment_channel: int | None = None
    shipping_type: int | None = None
    shipping_method_id: Guid | None = None
    shipping_charge: Money | None = None
    pickup_store_id: Guid | None = None
    ref_store_id: str | None = None
    pickup_store_code: str | None = None
    delivery_center: DeliveryCenterRef | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    pool_code: str | None = None
    items: list[DeliveryPlanItemInput] | None = None


class DeliveryInstruction(RequestModel):
    """Endpoint 22 (a form field or JSON)."""

    field_value: str | None = None


class StoreSlot(RequestModel):
    slot: str | None = None
    slot_message: str | None = None


class ClickCollectStore(RequestModel):
    """Endpoint 23 `address`: the chosen store, as the storefront sends its whole store
    object; `id` or `code` finds it."""

    id: str | None = None
    code: str | None = None
    external_ref_id: str | None = None
    name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    post_code: str | None = None
    your_id: str | None = None
    distance_from_post_code: WireDecimal | None = None
    distance_unit: str | None = None
    shipping_plan_id: str | None = None
    type: str | None = None
    lead_time_unit: str | None = None
    lead_time_min: int | None = None
    lead_time_max: int | None = None
    delivery_option: str | None = None
    shipping_address_id: str | None = None
    opening_hours: str | None = None
    slots: list[StoreSlot] | None = None
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

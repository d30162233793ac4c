"""The Basket: full shape (api.md §2.1) and the short shape of endpoint 01 (§2.2)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from basketbench.wire.address import BasketAddress
from basketbench.wire.base import WireModel
from basketbench.wire.delivery import DeliveryPlan, ShippingMethod
from basketbench.wire.line import LineItem
from basketbench.wire.price import Price
from basketbench.wire.promotion import Promotion
from basketbench.wire.types import DateText, Guid, Money, WireDecimal


class Basket(WireModel):
    id: Guid | None = None
    currency_symbol: str | None = None
    currency_code: str | None = None
    user_id: Guid | None = None
    user_email: str | None = None
    grand_total: Price | None = None
    total_without_shipping: Price | None = None
    shipping_method_id: str | None = None  # a GUID, or a code such as "STD"
    shipping_charge: Price | None = None
    sub_total: Price | None = None
    discount: Price | None = None
    tax_percent: WireDecimal | None = None
    additional_charge: Price | None = None
    line_items: list[LineItem] | None = None
    promotions_applied: list[Promotion] | None = None
    shipping_methods: list[ShippingMethod] | None = None
    created: DateText | None = None
    last_updated: DateText | None = None
    is_quote: bool | None = None
    quote_status: int | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    shipping_address: BasketAddress | None = None
    billing_address: BasketAddress | None = None
    post_code: str | None = None
    max_dimension_mm: WireDecimal | None = None
    company_discount: Price | None = None
    valid_until: DateText | None = None
    is_locked: bool | None = None
    created_by_admin: bool | None = None
    po_number: str | None = None
    delivery_instruction: str | None = None
    delivery_plans: list[DeliveryPlan] | None = None
    has_subscription: bool | None = None
    subscription_total: Price | None = None
    is_gift_wrap_applied: bool | None = None
    gift_wrap_id: Guid | None = None
    gift_wrap_option: list[Any] | str | None = None  # null in 02, an array in 19, doc: string
    membership_plan_id: Guid | None = None
    has_membership: bool | None = None
    exchange_rate: WireDecimal | None = None
    base_currency: str | None = None
    micro_site_id: Guid | None = None
    base_currency_total: Money | None = None
    membership_discount: Price | None = None  # null in 01
    # Extensions (engine-rules §1, §7, §10); written only when set.
    version: int | None = None
    campaign_code: str | None = None
    is_new: bool = False  # true: returned for an unknown id and not persisted

    omit_when_default: ClassVar[frozenset[str]] = frozenset({"version", "campaign_code", "is_new"})


# The documented example bodies of 17/18/19 are faker output ({"value": "<Error: ...>"} where
# objects should be). Where a basket may be such a placeholder, keep the raw dict instead of
# failing; a real basket always parses as Basket first.
BasketOrRaw = Annotated[Basket | dict[str, Any], Field(union_mode="left_to_right")]


class BasketShortLine(WireModel):
    id: str | None = None
    stock_code: str | None = None
    name: str | None = None
    slug: str | None = None
    short_description: str | None = None
    product_id: Guid | None = None
    product_iid: str | None = None
    parent_product_id: Guid | None = None
    price: Price | None = None
    list_price: Price | None = None
    sub_total: Price | None = None
    discount: Price | None = None
    additional_charge: Price | None = None
    total_price: Price | None = None
    image: str | None = None
    qty: int | None = None
    display_order: int | None = None
    is_subscription: bool | None = None
    is_membership: bool | None = None

    @classmethod
    def from_line(cls, line: LineItem) -> BasketShortLine:
        return cls(**{name: getattr(line, name) for name in cls.model_fields})


class BasketShort(WireModel):
    id: Guid | None = None
    currency_symbol: str | None = None
    currency_code: str | None = None
    user_id: Guid | None = None
    user_email: str | None = None
    shipping_method_id: str | None = None
    sub_total: Price | None = None
    shipping_charge: Price | None = None
    discount: Price | None = None
    additional_charge: Price | None = None
    grand_total: Price | None = None
    line_items: list[BasketShortLine] | None = None
    is_locked: bool | None = None
    created_by_admin: bool | None = None
    po_number: str | None = None
    is_quote: bool | None = None
    quote_status: int | None = None
    post_code: str | None = None
    has_membership: bool | None = None
    exchange_rate: WireDecimal | None = None
    base_currency: str | None = None
    micro_site_id: Guid | None = None
    base_currency_total: Money | None = None
    membership_discount: Price | None = None
    created: DateText | None = None
    last_updated: DateText | None = None

    @classmethod
    def from_basket(cls, basket: Basket) -> BasketShort:
        values = {name: getattr(basket, name) for name in cls.model_fields if name != "line_items"}
        lines = None
        if basket.line_items is not None:
            lines = [BasketShortLine.from_line(line) for line in basket.line_items]
        return cls(**values, line_items=lines)

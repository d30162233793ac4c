"""Basket lines (api.md §2.3) and the small objects nested in them."""

from __future__ import annotations

from typing import Any

from basketbench.wire.base import WireModel
from basketbench.wire.price import Price, PriceEx
from basketbench.wire.promotion import Promotion
from basketbench.wire.types import Guid, Money


class CategoryItem(WireModel):
    category_id: Guid | None = None
    category_name: str | None = None
    parent_category_id: Guid | None = None
    parent_category_name: str | None = None


class SubscriptionUserSettings(WireModel):
    subscription_plan_id: Guid | None = None
    subscription_term_id: Guid | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Money | None = None


class VariantProduct(WireModel):
    stock_code: str | None = None
    product_id: Guid | None = None
    price: PriceEx | None = None
    slug: str | None = None
    image: str | None = None
    product_name: str | None = None
    variant_attributes: list[Any] | None = None


class VariantProductsAttribute(WireModel):
    field_name: str | None = None
    field_code: str | None = None
    field_values: list[Any] | None = None


class LineItem(WireModel):
    id: str | None = None  # a numeric string ("0", "1507587"); numbers are accepted
    stock_code: str | None = None
    name: str | None = None
    product_id: Guid | None = None
    product_iid: str | None = None  # sic
    parent_product_id: Guid | None = None  # "" or the zero GUID mean top level
    brand: str | None = None
    subbrand: str | None = None
    price: Price | None = None
    sub_total: Price | None = None
    total_price: Price | None = None
    image: str | None = None
    qty: int | None = None
    display_order: int | None = None
    slug: str | None = None
    item_type: int | None = None
    display_in_basket: bool | None = None
    category_items: list[CategoryItem] | None = None
    attributes_json: str | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    discount: Price | None = None  # null in 01
    additional_charge: Price | None = None
    short_description: str | None = None
    company_discount: Price | None = None
    list_price: Price | None = None
    is_subscription: bool | None = None
    is_membership: bool | None = None
    subscription_user_settings: SubscriptionUserSettings | None = None
    promotions_applied: list[Promotion] | None = None
    is_gift_wrap_applied: bool | None = None
    gift_wrap_id: Guid | None = None
    item_group_id: int | None = None
    coupon_provider: str | None = None
    is_manual_price: bool | None = None
    price_match_req_id: Guid | None = None
    delivery_message: str | None = None
    variant_products: list[VariantProduct] | None = None
    variant_products_attribute: list[VariantProductsAttribute] | None = None
    current_stock: int | None = None

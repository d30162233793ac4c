"""Non-basket `result` payloads: Product (api.md §2.9), RecordResult (§2.11) and
PromoResult (§2.12)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AliasChoices, Field

from basketbench.wire.base import WireModel
from basketbench.wire.basket import BasketOrRaw
from basketbench.wire.price import LoosePrice
from basketbench.wire.types import Guid, IntOrStr, Money, WireDecimal


class Product(WireModel):
    """Related products (07). The seed shows only nulls and zeros, so types are loose."""

    id: IntOrStr | None = None
    seo_name: str | None = None
    barcode: str | None = None
    is_featured: bool | None = None
    uom: str | None = None
    uom_value: WireDecimal | None = None
    variant: Any = None
    attribute_set: Any = None
    related_products: list[Any] | None = None
    display_order: int | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    meta_keywords: str | None = None
    canonical_tags: str | None = None
    flags: Any = None
    is_discontinued: bool | None = None
    free_products: Any = None
    link: str | None = None
    component_products: Any = None
    components_in_stock: bool | None = None
    variant_products: list[Any] | None = None
    variant_products_attribute: Any = None  # doc: string; a list inside baskets
    subscription_enabled: bool | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    display_template: Any = None
    brand_logo: str | None = None
    attributes: Any = None
    # Sandbox extension: the longest personalisation text the product takes (engine-rules §2).
    max_text_length: int | None = None
    record_id: Guid | None = None
    name: str | None = None
    slug: str | None = None
    stock_code: str | None = None
    list_price: LoosePrice = None  # doc: string
    price: LoosePrice = None  # doc: string
    images: list[Any] | None = None
    image: str | None = None
    item_type: IntOrStr | None = None  # doc: string, example: 0
    short_description: str | None = None
    subscription_plan_type: IntOrStr | None = None  # doc: string, example: 0
    group_name: str | None = None
    brand: str | None = None
    brand_slug: str | None = None
    sub_brand: str | None = None
    sku: str | None = None
    price_from: Any = None
    classification: Any = None
    current_stock: int | None = None
    description: str | None = None
    fulfil_from_warehouse: bool | None = None
    # One "l" on the wire; the doc's "fulfill..." spelling is accepted when reading.
    fulfil_from_store: bool | None = Field(None, validation_alias=AliasChoices(
        "fulfilFromStore", "fulfillFromStore", "fulfil_from_store"))
    fulfil_from_supplier: bool | None = Field(None, validation_alias=AliasChoices(
        "fulfilFromSupplier", "fulfillFromSupplier", "fulfil_from_supplier"))
    delivery_message: str | None = None
    stock_availability_message: str | None = None
    trending: bool | None = None
    best_seller: bool | None = None
    on_sale: bool | None = None
    new_launch: bool | None = None
    exclusive: bool | None = None
    extended_description: str | None = None
    variant_products_minimal: list[Any] | None = None
    variant_products_attribute_minimal: Any = None
    is_visible: bool | None = None
    is_active: bool | None = None
    is_master_stock: bool | None = None
    has_variant: bool | None = None
    promotions: list[Any] | None = None
    pre_order: Any = None

    # Extensions appear on the wire only when they carry something.
    omit_when_default: ClassVar[frozenset[str]] = frozenset({"max_text_length"})


class RecordResult(WireModel):
    record_id: Guid | None = None
    id: int | None = None
    is_valid: bool | None = None


class PromoResult(WireModel):
    """Result of promo apply/remove (17, 18). `isVaild` (sic) is the documented key; `isValid`
    is an extension sent beside it and omitted when unset."""

    is_vaild: bool | None = None
    is_valid: bool | None = None
    message: str | None = None
    basket: BasketOrRaw | None = None

    omit_when_default: ClassVar[frozenset[str]] = frozenset({"is_valid"})

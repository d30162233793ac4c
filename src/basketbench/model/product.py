"""A catalogue product (related products, 07; the catalogue extension; api.md §2.9).

The fields the workbench, the CLI, flows and the sandbox's rendering use are typed; the rest
of what a live API sent (the documented shape has some seventy keys, mostly null) is kept in
`extra`, as sent. The engine's products have every typed field set and no `extra`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .basket import NO_EXTRA, Price


@dataclass(frozen=True, slots=True)
class Product:
    id: int | str | None = None
    record_id: str | None = None
    name: str | None = None
    slug: str | None = None
    stock_code: str | None = None
    sku: str | None = None
    brand: str | None = None
    image: str | None = None
    short_description: str | None = None
    # Documented as strings and never shown filled in: a price object, a number or a text.
    price: Price | Decimal | str | None = None
    list_price: Price | Decimal | str | None = None
    item_type: int | str | None = None
    current_stock: int | None = None
    # Sandbox extension: the longest personalisation text the product takes (engine-rules §2).
    max_text_length: int | None = None
    description: str | None = None
    variant: str | None = None  # the variant's attributes as JSON text
    related_products: tuple[str, ...] | None = None  # stock codes
    display_order: int | None = None
    group_name: str | None = None  # the variant group
    classification: str | None = None
    min_price: Decimal | int | None = None
    max_price: Decimal | int | None = None
    # Sandbox extensions: what the workbench needs to offer choices.
    category: str | None = None
    tax_rate: Decimal | None = None
    personalisable: bool | None = None
    child_only: bool | None = None
    excluded_from_promotions: bool | None = None
    currency_code: str | None = None  # what its prices are in, when the backend says
    extra: Mapping[str, Any] = NO_EXTRA

    @property
    def product_id(self) -> str | None:
        """The id to add it by: the catalogue's `productId` when sent, else its record id."""
        pid = self.extra.get("productId")
        return str(pid) if pid else self.record_id


__all__ = ["Product"]

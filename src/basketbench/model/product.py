"""A catalogue product (related products, 07; the catalogue extension; api.md §2.9).

Only the fields the workbench, the CLI and flows read are typed; the rest of what a backend
sent (the documented shape has some seventy keys, mostly null) is kept in `extra`, as sent.
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
    extra: Mapping[str, Any] = NO_EXTRA

    @property
    def product_id(self) -> str | None:
        """The id to add it by: the catalogue's `productId` when sent, else its record id."""
        pid = self.extra.get("productId")
        return str(pid) if pid else self.record_id


__all__ = ["Product"]

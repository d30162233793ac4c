"""Catalogue products as the API's Product objects (api.md §2.9), for related products and
the catalogue search: the one wire shape the engine still writes itself, as plain values
(str, int, bool, None, Decimal for money) that `jsonio` encodes and `wirejson.parse` reads.
Baskets are domain objects (domain.py), rendered at the HTTP edge by `wirejson.render`."""

from __future__ import annotations

import json
from decimal import Decimal

from ..money import Amount, Currency, from_minor, price_object
from .catalogue import Product


def product(p: Product, cur: Currency) -> dict:
    """A Product (api.md §2.9) for related products and the catalogue search."""
    unit = Amount.of(p.prices.get(cur.code, 0), p.tax_bp)
    price = price_object(unit, cur)
    return {
        "id": p.position, "seoName": p.slug.rsplit("/", 1)[-1], "barcode": None,
        "isFeatured": False, "uom": None, "uomValue": 0,
        "variant": json.dumps(p.variant_attrs) if p.variant_attrs else None,
        "attributeSet": None, "relatedProducts": list(p.related), "displayOrder": p.position,
        "metaTitle": p.name, "metaDescription": p.description, "metaKeywords": None,
        "canonicalTags": None, "flags": None, "isDiscontinued": False, "freeProducts": None,
        "link": p.slug, "componentProducts": None, "componentsInStock": True,
        "variantProducts": [], "variantProductsAttribute": None, "subscriptionEnabled": False,
        "minPrice": unit.gross and from_minor(unit.gross, cur),
        "maxPrice": unit.gross and from_minor(unit.gross, cur),
        "displayTemplate": None, "brandLogo": None, "attributes": [], "recordId": p.product_id,
        "name": p.name, "slug": p.slug, "stockCode": p.stock_code, "listPrice": price,
        "price": price, "images": [], "image": f"{p.stock_code.lower()}.jpg", "itemType": 0,
        "shortDescription": p.description, "subscriptionPlanType": 0, "groupName": p.variant_group,
        "brand": p.brand, "brandSlug": p.brand.lower().replace(" ", "-") if p.brand else None,
        "subBrand": None, "sku": p.stock_code, "priceFrom": None, "classification": p.category,
        "currentStock": p.current_stock, "description": p.description,
        "fulfilFromWarehouse": True, "fulfilFromStore": False, "fulfilFromSupplier": False,
        "deliveryMessage": None, "stockAvailabilityMessage":
            "In stock" if p.current_stock > 0 else "Out of stock",
        "trending": False, "bestSeller": False, "onSale": False, "newLaunch": False,
        "exclusive": False, "extendedDescription": None, "variantProductsMinimal": [],
        "variantProductsAttributeMinimal": [], "isVisible": True, "isActive": True,
        "isMasterStock": False, "hasVariant": bool(p.variant_group), "promotions": [],
        "preOrder": [],
        # Extensions: what the workbench needs to offer choices.
        "productId": p.product_id, "category": p.category,
        "taxRate": (Decimal(p.tax_bp) / 10000).quantize(Decimal("0.01")),
        "personalisable": p.personalisable, "maxTextLength": p.max_text_length,
        "childOnly": p.child_only, "excludedFromPromotions": p.excluded,
    }

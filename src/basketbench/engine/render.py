"""From a priced basket to the wire dicts of api.md §2 (camelCase keys, documented order).

Since issue #14 the engine returns the domain basket (domain.py) and the wire JSON is made
from it at the HTTP edge (`basketbench.wirejson.render`). This module still renders catalogue
products (related products, search) and the storefront's shipping options, and its `basket`
is the reference tests/wirejson checks the new rendering against, value for value.

Values are plain Python: str, int, bool, None, Decimal for money. The server writes them with
`jsonio.dumps`; the backends validate them into `wire` models.

Rendered line items and shipping methods are cached by everything they are made of (see
`_Parts`), so a basket whose one line changed renders one line, not all of them. The dicts a
render returns may share those parts with other renders: treat them as read-only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from ..money import Amount, Currency, from_minor, price_ex_object, price_object
from .catalogue import Catalogue, Product, ShippingMethod
from .domain import iso
from .ids import ZERO_GUID, stable_guid
from .part_cache import PartCache
from .pricing import LinePrice, Priced, is_subscription
from .state import BasketState

DEFAULT_DATE = "0001-01-01T00:00:00"


def _custom(info: dict, n: int) -> str | None:
    return info.get(f"customInfo{n}")


def blank_address(country_code: str | None = None) -> dict:
    return {
        "id": 0, "title": None, "firstName": None, "lastName": None, "address1": None,
        "address2": None, "address3": None, "city": None, "state": None, "country": None,
        "countryCode": country_code, "postCode": None, "phoneNo": None, "mobileNo": None,
        "companyName": None,
    }


def store_address(store) -> dict:
    # A positive address id: the storefront's checkout reads `shippingAddress.id > 0` as "an
    # address is set" after click & collect (storefront.md). Stable, from the store's id.
    return {
        "id": int(store.id.replace("-", "")[:7], 16) or 1, "title": None, "firstName": None,
        "lastName": None,
        "address1": store.address1, "address2": None, "address3": None, "city": store.city,
        "state": None, "country": store.country, "countryCode": store.country_code,
        "postCode": store.post_code, "phoneNo": store.phone, "mobileNo": None,
        "companyName": store.name,
    }


def _promo_entry(code: str | None, name: str | None, pct, amount: Amount, auto: bool,
                 cur: Currency, applicable: bool | None = None, reason: str | None = None) -> dict:
    entry = {
        "voucherCode": code, "discountPct": pct, "discountAmt": price_ex_object(amount, cur),
        "autoApply": auto, "promoCode": code, "name": name,
    }
    if applicable is not None:
        entry["isApplicable"] = applicable
        entry["reason"] = reason
    return entry


def _category_items(product: Product) -> list[dict]:
    if not product.category:
        return []
    return [{
        "categoryId": _category_guid(product.category.lower()),
        "categoryName": product.category, "parentCategoryId": ZERO_GUID,
        "parentCategoryName": None,
    }]


@lru_cache(maxsize=4096)
def _category_guid(category: str) -> str:
    return stable_guid("category", category)


_LINES: PartCache[dict] = PartCache()
_METHODS: PartCache[dict] = PartCache(size=4096)


def _frozen(value: dict | None) -> object:
    """A hashable stand-in for a small JSON document (custom info, subscription)."""
    if not value:
        return None
    try:
        items = tuple(value.items())
        hash(items)
        return items
    except TypeError:  # nested values: their JSON text stands for them
        return json.dumps(value, sort_keys=True, default=str)


def _subscription(line, cur: Currency) -> dict:
    sub = line.subscription or {}
    amount = sub.get("authorizationAmount_minor")
    return {
        "subscriptionPlanId": sub.get("subscriptionPlanId", ZERO_GUID),
        "subscriptionTermId": sub.get("subscriptionTermId", ZERO_GUID),
        "userPricingType": sub.get("userPricingType", 0),
        "subscriptionJson": sub.get("subscriptionJson"),
        "authorizationAmount": from_minor(amount, cur) if amount else 0,
    }


def line_item(lp: LinePrice, cur: Currency) -> dict:
    """A line item, from the cache when nothing it is made of changed."""
    ln, p = lp.line, lp.line.product
    promos = tuple(share.promo for share in lp.promos)
    # Plain ints, not the Amounts: a frozen dataclass hashes through Python code.
    key = (id(p), cur.code, ln.id, ln.qty, ln.display_order, ln.parent_product_id,
           ln.item_type, ln.is_gift_wrap, ln.gift_wrap_id, ln.manual_price_minor,
           _frozen(ln.custom_info), _frozen(ln.subscription), lp.unit.gross, lp.unit.tax,
           lp.list_unit.gross, lp.list_unit.tax, lp.subtotal.gross, lp.subtotal.tax,
           lp.total.gross, lp.total.tax, lp.discount.gross, lp.discount.tax,
           lp.additional.gross, lp.additional.tax,
           tuple([(id(s.promo), s.gross, s.tax) for s in lp.promos]) if lp.promos else ())
    owners = (p, *promos)
    return _LINES.get(key, owners) or _LINES.put(key, owners, _line_item(lp, cur))


def _line_item(lp: LinePrice, cur: Currency) -> dict:
    ln, p = lp.line, lp.line.product
    info = ln.custom_info
    sub = _subscription(ln, cur)
    item = {
        "id": str(ln.id), "stockCode": p.stock_code, "name": p.name, "productId": p.product_id,
        "productIid": str(p.position), "parentProductId": ln.parent_product_id,
        "brand": p.brand, "subbrand": p.brand,
        "price": price_object(lp.unit, cur), "subTotal": price_object(lp.subtotal, cur),
        "totalPrice": price_object(lp.total, cur), "image": f"{p.stock_code.lower()}.jpg",
        "qty": ln.qty, "displayOrder": ln.display_order, "slug": p.slug,
        "itemType": ln.item_type, "displayInBasket": True,
        "categoryItems": _category_items(p),
        "attributesJson": json.dumps(p.variant_attrs) if p.variant_attrs else "",
        "customInfo1": _custom(info, 1), "customInfo2": _custom(info, 2),
        "customInfo3": _custom(info, 3), "customInfo4": _custom(info, 4),
        "customInfo5": _custom(info, 5),
        "discount": price_object(lp.discount, cur),
        "additionalCharge": price_object(lp.additional, cur),
        "shortDescription": p.description,
        "companyDiscount": price_object(Amount(0, 0), cur),
        "listPrice": price_object(lp.list_unit, cur),
        "isSubscription": sub["subscriptionPlanId"] != ZERO_GUID,
        "isMembership": False,
        "subscriptionUserSettings": sub,
        "promotionsApplied": [
            _promo_entry(share.promo.code, share.promo.name,
                         share.promo.percent if share.promo.percent_bp else 0,
                         share.amount, share.promo.auto_apply, cur)
            for share in lp.promos
        ],
        "isGiftWrapApplied": ln.is_gift_wrap, "giftWrapId": ln.gift_wrap_id or ZERO_GUID,
        "itemGroupId": 0, "couponProvider": "", "isManualPrice": bool(ln.manual_price_minor),
        "priceMatchReqId": ZERO_GUID, "deliveryMessage": "",
        "variantProducts": [], "variantProductsAttribute": [],
        "currentStock": p.current_stock,
    }
    for n in range(1, 6):
        formatted = info.get(f"customInfo{n}Formatted")
        if formatted is not None:
            item[f"customInfo{n}Formatted"] = formatted
    return item


def shipping_method(m: ShippingMethod, priced: Priced, now: datetime, is_default: bool) -> dict:
    """A shipping method offered to the basket, from the cache when its charge, expected
    date and default flag are the same as last time."""
    from .pricing import shipping_charge

    state = priced.state
    charge = shipping_charge(m, state, priced.subtotal.gross)
    if m.is_nominated and state.nominated and state.shipping_method_id == m.id:
        expected = state.nominated.get("deliveryDate") or iso(
            now + timedelta(days=m.expected_days))
    else:
        expected = _expected_day(now.date(), m.expected_days)
    key = (id(m), charge, expected, is_default, priced.country, priced.cur.code)
    return _METHODS.get(key, (m,)) or _METHODS.put(
        key, (m,), _shipping_method(m, priced, charge, expected, is_default))


def _shipping_method(m: ShippingMethod, priced: Priced, charge: int, expected: str,
                     is_default: bool) -> dict:
    return {
        "id": m.id, "enabled": True, "systemName": m.code, "shippingCode": m.code,
        "displayName": m.display_name, "description": m.display_name,
        "displayOrder": m.position, "expectedDaysToDeliver": m.expected_days,
        "expectedDeliveryDate": expected, "deliveryOnOrBefore": None,
        "price": price_object(Amount.of(charge, m.tax_bp), priced.cur),
        "isDefault": is_default, "isNominated": m.is_nominated,
        "type": 0, "carrierCode": m.code, "countryCode": priced.country,
        "isPriceOnRequest": False, "showRecomendation": False, "recomendation": None,
        "isTaxable": m.tax_bp > 0, "shippingCostMethod": 0, "cutOffTimes": None,
        "countryCsv": ",".join(m.countries),
    }


@lru_cache(maxsize=1024)
def _expected_day(today: date, days: int) -> str:
    """Midnight (UTC) of the expected delivery day, as the wire writes dates."""
    return (today + timedelta(days=days)).strftime("%Y-%m-%dT00:00:00.000Z")


def delivery_plan(plan: dict, cat: Catalogue, state: BasketState, cur: Currency) -> dict:
    method = cat.shipping.get(plan.get("shippingMethodId") or "")
    store = cat.stores.get(state.store_id or "")
    center = plan.get("deliveryCenter") or {}
    lead = plan.get("leadTime") or 0
    return {
        "fulfilmentChannel": plan.get("fulfilmentChannel", 0),
        "deliveryType": plan.get("deliveryType", 0),
        "deliveryCenter": {
            "recordId": center.get("recordId") or ZERO_GUID, "code": center.get("code"),
            "name": center.get("name"), "type": 0, "postCode": None, "latitude": None,
            "longitude": None,
        },
        "items": plan.get("items") or [],
        "distanceInMiles": None,
        "shippingMethodId": plan.get("shippingMethodId") or ZERO_GUID,
        "shippingMethodName": method.display_name if method else None,
        "cost": from_minor(plan.get("cost_minor", 0), cur),
        "shippingSpeed": f"{lead} days" if lead else " - ",
        "deliveryDateTarget": plan.get("deliveryDateTarget"),
        "deliveryDateActual": None,
        "leadTime": lead, "leadTimeUom": plan.get("leadTimeUom", 0),
        "leadTimeMin": lead, "leadTimeMax": lead,
        "pickupStoreId": store.id if store else (plan.get("pickupStoreId") or ZERO_GUID),
        "refStoreId": plan.get("refStoreId"),
        "pickupStoreCode": store.code if store else plan.get("pickupStoreCode"),
        "shippingType": plan.get("shippingType", 0),
        "lineItems": None,
        "created": plan.get("created"),
        "recordId": plan["recordId"],
    }


def basket(priced: Priced, cat: Catalogue, now: datetime) -> dict:
    """The full Basket (api.md §2.1) plus extension fields at the end."""
    s, cur = priced.state, priced.cur
    methods = cat.methods_for(priced.country, cur.code)
    store = cat.stores.get(s.store_id or "")
    promos = [
        _promo_entry(o.code or None, o.promo.name if o.promo else None,
                     (o.promo.percent if o.promo and o.promo.percent_bp else 0),
                     o.discount, not o.is_code, cur, o.applicable, o.reason)
        for o in priced.promos
    ]
    shipping_address = store_address(store) if store else blank_address(priced.country)
    zero = price_object(Amount(0, 0), cur)
    return {
        "id": s.id, "currencySymbol": cur.symbol, "currencyCode": cur.code,
        "userId": s.user_id, "userEmail": s.user_email,
        "grandTotal": price_object(priced.grand_total, cur),
        "totalWithoutShipping": price_object(priced.total_without_shipping, cur),
        "shippingMethodId": s.shipping_method_id or ZERO_GUID,
        "shippingCharge": price_object(priced.shipping, cur),
        "subTotal": price_object(priced.subtotal, cur),
        "discount": price_object(priced.discount, cur),
        "taxPercent": priced.tax_percent,
        "additionalCharge": price_object(priced.additional, cur),
        "lineItems": [line_item(lp, cur) for lp in priced.lines],
        "promotionsApplied": promos,
        # The first method offered for the country is its default.
        "shippingMethods": [shipping_method(m, priced, now, i == 0) for i, m in enumerate(methods)],
        "created": s.created or DEFAULT_DATE, "lastUpdated": s.last_updated or DEFAULT_DATE,
        "isQuote": s.is_quote, "quoteStatus": s.quote_status,
        "customInfo1": s.custom_info.get("customInfo1"),
        "customInfo2": s.custom_info.get("customInfo2"),
        "customInfo3": s.custom_info.get("customInfo3"),
        "customInfo4": s.custom_info.get("customInfo4"),
        "customInfo5": s.custom_info.get("customInfo5"),
        "shippingAddress": shipping_address,
        "billingAddress": blank_address(priced.country),
        "postCode": s.post_code, "maxDimensionMm": 0, "companyDiscount": zero,
        "validUntil": s.valid_until or DEFAULT_DATE, "isLocked": s.is_locked,
        "createdByAdmin": s.created_by_admin, "poNumber": s.po_number,
        "deliveryInstruction": s.delivery_instruction,
        "deliveryPlans": [delivery_plan(p, cat, s, cur) for p in s.delivery_plans],
        "hasSubscription": any(is_subscription(lp.line) for lp in priced.lines),
        "subscriptionTotal": price_object(priced.subscription_total, cur),
        "isGiftWrapApplied": False, "giftWrapId": ZERO_GUID, "giftWrapOption": None,
        "membershipPlanId": ZERO_GUID, "hasMembership": False, "exchangeRate": 1,
        "baseCurrency": cur.code, "microSiteId": ZERO_GUID,
        "baseCurrencyTotal": from_minor(priced.grand_total.gross, cur),
        "membershipDiscount": zero,
        # Extensions (engine-rules §10): never change a documented shape, only add.
        "version": s.version, "isNew": not s.persisted, "campaignCode": s.campaign_code,
        "countryCode": priced.country,
        # The storefront's checkout reads `storeId` after click & collect (storefront.md).
        "storeId": store.id if store else None,
        "clickCollectStore": _store_ext(store),
        "nominatedDelivery": _nominated_ext(s.nominated, priced.shipping_method, cur),
    }


def _store_ext(store) -> dict | None:
    if store is None:
        return None
    return {"id": store.id, "code": store.code, "name": store.name}


def _nominated_ext(nominated: dict | None, method: ShippingMethod | None,
                   cur: Currency) -> dict | None:
    if not nominated:
        return None
    out = {k: v for k, v in nominated.items() if k != "price_minor"}
    if nominated.get("price_minor") is not None:
        # Taxed exactly as the shipping charge it becomes.
        rate = method.tax_bp if method is not None else 0
        out["price"] = price_object(Amount.of(nominated["price_minor"], rate), cur)
    return out


SHORT_KEYS = (
    "id", "currencySymbol", "currencyCode", "userId", "userEmail", "shippingMethodId",
    "subTotal", "shippingCharge", "discount", "additionalCharge", "grandTotal", "lineItems",
    "isLocked", "createdByAdmin", "poNumber", "isQuote", "quoteStatus", "postCode",
    "hasMembership", "exchangeRate", "baseCurrency", "microSiteId", "baseCurrencyTotal",
    "membershipDiscount", "created", "lastUpdated",
)
SHORT_LINE_KEYS = (
    "id", "stockCode", "name", "slug", "shortDescription", "productId", "productIid",
    "parentProductId", "price", "listPrice", "subTotal", "discount", "additionalCharge",
    "totalPrice", "image", "qty", "displayOrder", "isSubscription", "isMembership",
)


def short_basket(full: dict) -> dict:
    """The short shape of endpoint 01, cut from the full one, plus `version`."""
    out = {k: full[k] for k in SHORT_KEYS}
    out["lineItems"] = [{k: ln[k] for k in SHORT_LINE_KEYS} for ln in full["lineItems"]]
    out["version"] = full["version"]
    return out


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

"""A domain basket (model/basket.py) as the BetterCommerce wire dict of api.md §2.

camelCase keys in the documented order, plain Python values (str, int, bool, None, Decimal
for money), ready for `jsonio.dumps_bytes`. A price's display strings are kept as the backend
sent them (`Price.formatted`) or, when it sent none (the engine), made from the amount and the
basket's currency. What a backend sent that the model has no field for (`extra`) is written
back: at its documented place when the wire has one for it, else at the end.

A line's dict is cached by the `Line` object itself (objects are frozen, and the engine hands
an unchanged line back as the same object), so a basket whose one line changed renders one
line. The dicts returned may share those parts with other renders: treat them as read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..model.basket import (
    Address,
    Basket,
    Category,
    DeliveryCenter,
    DeliveryPlan,
    Line,
    Price,
    Promotion,
    ShippingMethod,
    Subscription,
)
from ..model.product import Product
from ..money import CURRENCIES, Currency, format_amount, to_minor

# -- prices ----------------------------------------------------------------------------------


def currency_of(code: str | None, symbol: str | None) -> Currency:
    """The basket's currency; one the sandbox does not know keeps its symbol, 2 decimals."""
    known = CURRENCIES.get((code or "").upper())
    if known is not None:
        return known
    return Currency(code or "", symbol or "", 2)


@lru_cache(maxsize=65536)
def _texts(with_tax: Decimal, without_tax: Decimal, tax: Decimal, cur: Currency
           ) -> dict[str, str]:
    return {"withTax": _text(with_tax, cur), "withoutTax": _text(without_tax, cur),
            "tax": _text(tax, cur)}


def _text(amount: Decimal, cur: Currency) -> str:
    return format_amount(to_minor(amount, cur), cur)


def price(p: Price, cur: Currency) -> dict[str, Any]:
    """The wire Price object: currencySymbol, formatted strings and raw amounts."""
    formatted: dict[str, str | None]
    if p.formatted is None:
        formatted = dict(_texts(p.with_tax, p.without_tax, p.tax, cur))
    else:
        f = p.formatted
        formatted = {"withTax": f.with_tax, "withoutTax": f.without_tax, "tax": f.tax}
    if not p.extra:  # the engine's prices: nothing more to look up
        return {"currencySymbol": cur.symbol, "formatted": formatted,
                "raw": {"withTax": p.with_tax, "withoutTax": p.without_tax, "tax": p.tax}}
    out = {
        "currencySymbol": p.extra.get("currencySymbol", cur.symbol),
        "formatted": formatted,
        "raw": {"withTax": p.with_tax, "withoutTax": p.without_tax, "tax": p.tax},
    }
    return _with_extra(out, p.extra)


def _opt_price(p: Price | None, cur: Currency) -> dict[str, Any] | None:
    return None if p is None else price(p, cur)


def price_ex(p: Price, cur: Currency) -> dict[str, Any]:
    """The extended price (PriceEx): min/max and currency digit fields, then the Price."""
    if not p.extra:
        return {"minPrice": p.with_tax, "minPriceWithoutTax": p.without_tax,
                "maxPrice": p.with_tax, "maxPriceWithoutTax": p.without_tax,
                "currencyDecimalSeparator": ".", "currencyDigitsAfterDecimal": cur.decimals,
                **price(p, cur)}
    extra = p.extra
    head = {
        "minPrice": extra.get("minPrice", p.with_tax),
        "minPriceWithoutTax": extra.get("minPriceWithoutTax", p.without_tax),
        "maxPrice": extra.get("maxPrice", p.with_tax),
        "maxPriceWithoutTax": extra.get("maxPriceWithoutTax", p.without_tax),
        "currencyDecimalSeparator": extra.get("currencyDecimalSeparator", "."),
        "currencyDigitsAfterDecimal": extra.get("currencyDigitsAfterDecimal", cur.decimals),
    }
    return {**head, **price(p, cur)}


def _int_if_whole(value: Decimal | None) -> Decimal | int | None:
    """A whole Decimal written without an exponent (Decimal(0)) as the wire's plain int."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == 0:
        return int(value)
    return value


def _with_extra(out: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if key not in out:
            out[key] = value
    return out


# -- parts -----------------------------------------------------------------------------------


def promotion(p: Promotion, cur: Currency) -> dict[str, Any]:
    out: dict[str, Any] = {
        "voucherCode": p.voucher_code, "discountPct": _int_if_whole(p.discount_pct),
        "discountAmt": None if p.discount_amt is None else price_ex(p.discount_amt, cur),
        "autoApply": p.auto_apply, "promoCode": p.promo_code, "name": p.name,
    }
    if p.is_applicable is not None:
        out["isApplicable"] = p.is_applicable
        out["reason"] = p.reason
    return _with_extra(out, p.extra) if p.extra else out


def category(c: Category) -> dict[str, Any]:
    return {"categoryId": c.category_id, "categoryName": c.category_name,
            "parentCategoryId": c.parent_category_id,
            "parentCategoryName": c.parent_category_name}


def subscription(s: Subscription) -> dict[str, Any]:
    return {"subscriptionPlanId": s.subscription_plan_id,
            "subscriptionTermId": s.subscription_term_id,
            "userPricingType": s.user_pricing_type, "subscriptionJson": s.subscription_json,
            "authorizationAmount": _int_if_whole(s.authorization_amount)}


# Wire keys of a line that only `extra` holds, by the key they follow on the wire.
_LINE_SLOTS = {
    "giftWrapId": ("itemGroupId", "couponProvider"),
    "isManualPrice": ("priceMatchReqId", "deliveryMessage", "variantProducts",
                      "variantProductsAttribute"),
}


class _ByObject:
    """Rendered dicts by the very object they render (frozen, so its dict never changes) and
    the currency they are shown in: the whole Currency, as two currencies the sandbox does not
    know share a code ("") but not a symbol. Holding the object keeps its id from being
    reused. Bounded: emptied when full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[tuple[int, Currency], tuple[object, dict]] = {}
        self._lock = threading.Lock()

    def get(self, obj: object, cur: Currency) -> dict | None:
        hit = self._entries.get((id(obj), cur))
        return hit[1] if hit is not None and hit[0] is obj else None

    def put(self, obj: object, cur: Currency, value: dict) -> dict:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries = {}
            self._entries[(id(obj), cur)] = (obj, value)
        return value


_LINES = _ByObject(50_000)
_METHODS = _ByObject(4096)


def line(ln: Line, cur: Currency) -> dict[str, Any]:
    """A line item, rendered once per `Line` object."""
    return _LINES.get(ln, cur) or _LINES.put(ln, cur, _line(ln, cur))


def _line(ln: Line, cur: Currency) -> dict[str, Any]:
    extra = ln.extra
    sub = ln.subscription_user_settings
    out: dict[str, Any] = {
        "id": ln.id, "stockCode": ln.stock_code, "name": ln.name, "productId": ln.product_id,
        "productIid": ln.product_iid, "parentProductId": ln.parent_product_id,
        "brand": ln.brand, "subbrand": ln.subbrand,
        "price": _opt_price(ln.price, cur), "subTotal": _opt_price(ln.sub_total, cur),
        "totalPrice": _opt_price(ln.total_price, cur), "image": ln.image,
        "qty": ln.qty, "displayOrder": ln.display_order, "slug": ln.slug,
        "itemType": ln.item_type, "displayInBasket": ln.display_in_basket,
        "categoryItems": [category(c) for c in ln.category_items],
        "attributesJson": ln.attributes_json,
        "customInfo1": ln.custom_info1, "customInfo2": ln.custom_info2,
        "customInfo3": ln.custom_info3, "customInfo4": ln.custom_info4,
        "customInfo5": ln.custom_info5,
        "discount": _opt_price(ln.discount, cur),
        "additionalCharge": _opt_price(ln.additional_charge, cur),
        "shortDescription": ln.short_description,
        "companyDiscount": _opt_price(ln.company_discount, cur),
        "listPrice": _opt_price(ln.list_price, cur),
        "isSubscription": ln.is_subscription, "isMembership": ln.is_membership,
        "subscriptionUserSettings": None if sub is None else subscription(sub),
        "promotionsApplied": [promotion(p, cur) for p in ln.promotions_applied],
        "isGiftWrapApplied": ln.is_gift_wrap_applied, "giftWrapId": ln.gift_wrap_id,
    }
    _slots(out, extra, "giftWrapId")
    out["isManualPrice"] = ln.is_manual_price
    _slots(out, extra, "isManualPrice")
    out["currentStock"] = ln.current_stock
    return _with_extra(out, extra) if extra else out


def _slots(out: dict[str, Any], extra: Mapping[str, Any], after: str) -> None:
    for key in _LINE_SLOTS[after]:
        if key in extra:
            out[key] = extra[key]


def shipping_method(m: ShippingMethod, cur: Currency) -> dict[str, Any]:
    """A shipping method, rendered once per `ShippingMethod` object."""
    return _METHODS.get(m, cur) or _METHODS.put(m, cur, _shipping_method(m, cur))


def _shipping_method(m: ShippingMethod, cur: Currency) -> dict[str, Any]:
    out = {
        "id": m.id, "enabled": m.enabled, "systemName": m.system_name,
        "shippingCode": m.shipping_code, "displayName": m.display_name,
        "description": m.description, "displayOrder": m.display_order,
        "expectedDaysToDeliver": m.expected_days_to_deliver,
        "expectedDeliveryDate": m.expected_delivery_date,
        "deliveryOnOrBefore": m.delivery_on_or_before, "price": _opt_price(m.price, cur),
        "isDefault": m.is_default, "isNominated": m.is_nominated, "type": m.type,
        "carrierCode": m.carrier_code, "countryCode": m.country_code,
        "isPriceOnRequest": m.is_price_on_request, "showRecomendation": m.show_recomendation,
        "recomendation": m.recomendation, "isTaxable": m.is_taxable,
        "shippingCostMethod": m.shipping_cost_method, "cutOffTimes": m.cut_off_times,
        "countryCsv": m.country_csv,
    }
    return _with_extra(out, m.extra) if m.extra else out


def address(a: Address | None) -> dict[str, Any] | None:
    if a is None:
        return None
    out = {
        "id": a.id, "title": a.title, "firstName": a.first_name, "lastName": a.last_name,
        "address1": a.address1, "address2": a.address2, "address3": a.address3,
        "city": a.city, "state": a.state, "country": a.country, "countryCode": a.country_code,
        "postCode": a.post_code, "phoneNo": a.phone_no, "mobileNo": a.mobile_no,
        "companyName": a.company_name,
    }
    return _with_extra(out, a.extra) if a.extra else out


def _center(c: DeliveryCenter | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"recordId": c.record_id, "code": c.code, "name": c.name, "type": c.type,
            "postCode": c.post_code, "latitude": c.latitude, "longitude": c.longitude}


def delivery_plan(p: DeliveryPlan) -> dict[str, Any]:
    out = {
        "fulfilmentChannel": p.fulfilment_channel, "deliveryType": p.delivery_type,
        "deliveryCenter": _center(p.delivery_center), "items": list(p.items),
        "distanceInMiles": p.distance_in_miles, "shippingMethodId": p.shipping_method_id,
        "shippingMethodName": p.shipping_method_name, "cost": p.cost,
        "shippingSpeed": p.shipping_speed, "deliveryDateTarget": p.delivery_date_target,
        "deliveryDateActual": p.delivery_date_actual, "leadTime": p.lead_time,
        "leadTimeUom": p.lead_time_uom, "leadTimeMin": p.lead_time_min,
        "leadTimeMax": p.lead_time_max, "pickupStoreId": p.pickup_store_id,
        "refStoreId": p.ref_store_id, "pickupStoreCode": p.pickup_store_code,
        "shippingType": p.shipping_type,
        "lineItems": None if p.line_items is None else list(p.line_items),
        "created": p.created, "recordId": p.record_id,
    }
    return _with_extra(out, p.extra) if p.extra else out


def _nominated(value: Mapping[str, Any] | None, cur: Currency) -> dict[str, Any] | None:
    if value is None:
        return None
    return {k: price(v, cur) if isinstance(v, Price) else v for k, v in value.items()}


# -- the basket ------------------------------------------------------------------------------


def basket(b: Basket) -> dict[str, Any]:
    """The full Basket (api.md §2.1); the sandbox's extension fields at the end when the
    basket has them (a basket with a `version`)."""
    cur = currency_of(b.currency_code, b.currency_symbol)
    out: dict[str, Any] = {
        "id": b.id, "currencySymbol": b.currency_symbol, "currencyCode": b.currency_code,
        "userId": b.user_id, "userEmail": b.user_email,
        "grandTotal": _opt_price(b.grand_total, cur),
        "totalWithoutShipping": _opt_price(b.total_without_shipping, cur),
        "shippingMethodId": b.shipping_method_id,
        "shippingCharge": _opt_price(b.shipping_charge, cur),
        "subTotal": _opt_price(b.sub_total, cur),
        "discount": _opt_price(b.discount, cur),
        "taxPercent": b.tax_percent,
        "additionalCharge": _opt_price(b.additional_charge, cur),
        "lineItems": [line(ln, cur) for ln in b.line_items],
        "promotionsApplied": [promotion(p, cur) for p in b.promotions_applied],
        "shippingMethods": [shipping_method(m, cur) for m in b.shipping_methods],
        "created": b.created, "lastUpdated": b.last_updated,
        "isQuote": b.is_quote, "quoteStatus": b.quote_status,
        "customInfo1": b.custom_info1, "customInfo2": b.custom_info2,
        "customInfo3": b.custom_info3, "customInfo4": b.custom_info4,
        "customInfo5": b.custom_info5,
        "shippingAddress": address(b.shipping_address),
        "billingAddress": address(b.billing_address),
        "postCode": b.post_code, "maxDimensionMm": _int_if_whole(b.max_dimension_mm),
        "companyDiscount": _opt_price(b.company_discount, cur),
        "validUntil": b.valid_until, "isLocked": b.is_locked,
        "createdByAdmin": b.created_by_admin, "poNumber": b.po_number,
        "deliveryInstruction": b.delivery_instruction,
        "deliveryPlans": [delivery_plan(p) for p in b.delivery_plans],
        "hasSubscription": b.has_subscription,
        "subscriptionTotal": _opt_price(b.subscription_total, cur),
        "isGiftWrapApplied": b.is_gift_wrap_applied, "giftWrapId": b.gift_wrap_id,
        "giftWrapOption": b.gift_wrap_option,
        "membershipPlanId": b.membership_plan_id, "hasMembership": b.has_membership,
        "exchangeRate": _int_if_whole(b.exchange_rate), "baseCurrency": b.base_currency,
        "microSiteId": b.micro_site_id, "baseCurrencyTotal": b.base_currency_total,
        "membershipDiscount": _opt_price(b.membership_discount, cur),
    }
    if b.version is not None:
        # Extensions (engine-rules §10): never change a documented shape, only add.
        out.update({
            "version": b.version, "isNew": b.is_new, "campaignCode": b.campaign_code,
            "countryCode": b.country_code, "storeId": b.store_id,
            "clickCollectStore": None if b.click_collect_store is None
            else dict(b.click_collect_store),
            "nominatedDelivery": _nominated(b.nominated_delivery, cur),
        })
    return _with_extra(out, b.extra) if b.extra else out


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


def short_basket(b: Basket) -> dict[str, Any]:
    """The short shape of endpoint 01 (a user's baskets): its keys only, plus `version`
    where the basket has one (the sandbox's)."""
    full = basket(b)
    out = {k: full.get(k) for k in SHORT_KEYS}
    out["lineItems"] = [{k: ln.get(k) for k in SHORT_LINE_KEYS} for ln in full["lineItems"]]
    if b.version is not None:
        out["version"] = b.version
    return out


def promo_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """Endpoints 17 and 18: {isVaild, isValid, message, basket} with the basket rendered."""
    out = dict(result)
    if isinstance(out.get("basket"), Basket):
        out["basket"] = basket(out["basket"])
    return out


def product(p: Product, cur: Currency | None = None) -> dict[str, Any]:
    """A catalogue product (api.md §2.9) as the sandbox answers related products and search,
    the documented keys first, then the sandbox's extensions; priced in `cur`, by default
    the product's own currency."""
    cur = cur or currency_of(p.currency_code, None)
    shown = price(p.price, cur) if isinstance(p.price, Price) else p.price
    listed = price(p.list_price, cur) if isinstance(p.list_price, Price) else p.list_price
    slug = p.slug or ""
    out = {
        "id": p.id, "seoName": slug.rsplit("/", 1)[-1], "barcode": None,
        "isFeatured": False, "uom": None, "uomValue": 0, "variant": p.variant,
        "attributeSet": None, "relatedProducts": list(p.related_products or ()),
        "displayOrder": p.display_order, "metaTitle": p.name,
        "metaDescription": p.description, "metaKeywords": None, "canonicalTags": None,
        "flags": None, "isDiscontinued": False, "freeProducts": None, "link": p.slug,
        "componentProducts": None, "componentsInStock": True, "variantProducts": [],
        "variantProductsAttribute": None, "subscriptionEnabled": False,
        "minPrice": p.min_price, "maxPrice": p.max_price, "displayTemplate": None,
        "brandLogo": None, "attributes": [], "recordId": p.record_id, "name": p.name,
        "slug": p.slug, "stockCode": p.stock_code, "listPrice": listed, "price": shown,
        "images": [], "image": p.image, "itemType": p.item_type,
        "shortDescription": p.short_description, "subscriptionPlanType": 0,
        "groupName": p.group_name, "brand": p.brand,
        "brandSlug": p.brand.lower().replace(" ", "-") if p.brand else None,
        "subBrand": None, "sku": p.sku, "priceFrom": None,
        "classification": p.classification, "currentStock": p.current_stock,
        "description": p.description, "fulfilFromWarehouse": True, "fulfilFromStore": False,
        "fulfilFromSupplier": False, "deliveryMessage": None,
        "stockAvailabilityMessage": "In stock" if (p.current_stock or 0) > 0
        else "Out of stock",
        "trending": False, "bestSeller": False, "onSale": False, "newLaunch": False,
        "exclusive": False, "extendedDescription": None, "variantProductsMinimal": [],
        "variantProductsAttributeMinimal": [], "isVisible": True, "isActive": True,
        "isMasterStock": False, "hasVariant": bool(p.group_name), "promotions": [],
        "preOrder": [],
        # Extensions: what the workbench needs to offer choices.
        "productId": p.record_id, "category": p.category, "taxRate": p.tax_rate,
        "personalisable": p.personalisable, "maxTextLength": p.max_text_length,
        "childOnly": p.child_only, "excludedFromPromotions": p.excluded_from_promotions,
    }
    if p.max_text_length is None:  # only a personalisable product has a text limit
        del out["maxTextLength"]
    return out


__all__ = ["basket", "currency_of", "line", "price", "price_ex", "product", "promo_result",
           "shipping_method", "short_basket"]

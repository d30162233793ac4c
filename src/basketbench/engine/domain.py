"""From a priced basket to the domain basket of model/basket.py (issue #14).

Everything the wire JSON shows is held here as typed, frozen objects with Decimal money; the
JSON itself is made from them at the HTTP edge (`basketbench.wirejson.render`).

Lines and shipping methods are cached by everything they are made of (part_cache.py), so a
line whose inputs did not change is the *same* `Line` object in the next version of the basket
and a one-line change builds one line. Wire keys the model has no field for go in `extra`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from ..model.basket import (
    Address,
    Basket,
    Category,
    DeliveryCenter,
    DeliveryPlan,
    Line,
    Price,
    PriceText,
    Promotion,
    ShippingMethod,
    Subscription,
)
from ..model.product import Product
from ..money import Amount, Currency, format_amount, from_minor
from . import catalogue as cat_mod
from .ids import ZERO_GUID, stable_guid
from .part_cache import PartCache
from .pricing import LinePrice, Priced, is_subscription, shipping_charge
from .state import BasketState, LineState

DEFAULT_DATE = "0001-01-01T00:00:00"
INT_ZERO = Decimal(0)  # written as the integer 0 where the wire has always had one
INT_ONE = Decimal(1)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@lru_cache(maxsize=65536)
def price(gross: int, tax: int, cur: Currency) -> Price:
    """The Price of an amount in minor units (shared: Price objects are frozen), with its
    display strings in the currency's own format, as a backend sends them: every reader
    (workbench, CLI, flows) shows the engine's figures as it shows a live API's."""
    net = gross - tax
    text = PriceText(with_tax=format_amount(gross, cur), without_tax=format_amount(net, cur),
                     tax=format_amount(tax, cur))
    return Price(with_tax=from_minor(gross, cur), without_tax=from_minor(net, cur),
                 tax=from_minor(tax, cur), formatted=text)


def price_of(amount: Amount, cur: Currency) -> Price:
    return price(amount.gross, amount.tax, cur)


def blank_address(country_code: str | None = None) -> Address:
    return _blank_address(country_code)


@lru_cache(maxsize=256)
def _blank_address(country_code: str | None) -> Address:
    return Address(id=0, country_code=country_code)


@lru_cache(maxsize=256)
def store_address(store: cat_mod.Store) -> Address:
    # A positive address id: the storefront's checkout reads `shippingAddress.id > 0` as "an
    # address is set" after click & collect (storefront.md). Stable, from the store's id.
    return Address(id=int(store.id.replace("-", "")[:7], 16) or 1, address1=store.address1,
                   city=store.city, country=store.country, country_code=store.country_code,
                   post_code=store.post_code, phone_no=store.phone, company_name=store.name)


def _promotion(code: str | None, name: str | None, pct: Decimal, amount: Amount,
               auto: bool, cur: Currency, applicable: bool | None = None,
               reason: str | None = None) -> Promotion:
    return Promotion(voucher_code=code, promo_code=code, name=name, discount_pct=pct,
                     discount_amt=price_of(amount, cur), auto_apply=auto,
                     is_applicable=applicable, reason=reason)


def _percent(promo: cat_mod.Promotion | None) -> Decimal:
    return promo.percent if promo is not None and promo.percent_bp else INT_ZERO


@lru_cache(maxsize=4096)
def _categories(category: str) -> tuple[Category, ...]:
    if not category:
        return ()
    return (Category(category_id=stable_guid("category", category.lower()),
                     category_name=category, parent_category_id=ZERO_GUID),)


_LINES: PartCache[Line] = PartCache()
_METHODS: PartCache[ShippingMethod] = PartCache(size=4096)


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


# A line without a subscription (most of them): one shared object, not one per line.
_NO_SUBSCRIPTION = Subscription(subscription_plan_id=ZERO_GUID, subscription_term_id=ZERO_GUID,
                                user_pricing_type=0, subscription_json=None,
                                authorization_amount=INT_ZERO)


def _subscription(ln: LineState, cur: Currency) -> Subscription:
    sub = ln.subscription
    if not sub:
        return _NO_SUBSCRIPTION
    amount = sub.get("authorizationAmount_minor")
    return Subscription(
        subscription_plan_id=sub.get("subscriptionPlanId", ZERO_GUID),
        subscription_term_id=sub.get("subscriptionTermId", ZERO_GUID),
        user_pricing_type=sub.get("userPricingType", 0),
        subscription_json=sub.get("subscriptionJson"),
        authorization_amount=from_minor(amount, cur) if amount else INT_ZERO)


# Wire keys of a line the model has no field for, always the same for an engine line.
# Read-only views: the objects they sit in are frozen and shared between versions.
_LINE_EXTRA: Mapping[str, Any] = MappingProxyType({
    "itemGroupId": 0, "couponProvider": "", "priceMatchReqId": ZERO_GUID, "deliveryMessage": "",
    "variantProducts": [], "variantProductsAttribute": [],
})


def line(lp: LinePrice, cur: Currency) -> Line:
    """A line, from the cache when nothing it is made of changed."""
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
    return _LINES.get(key, owners) or _LINES.put(key, owners, _line(lp, cur))


def _line(lp: LinePrice, cur: Currency) -> Line:
    ln, p = lp.line, lp.line.product
    info = ln.custom_info
    sub = _subscription(ln, cur)
    extra = _LINE_EXTRA
    formatted = {f"customInfo{n}Formatted": info[f"customInfo{n}Formatted"]
                 for n in range(1, 6) if info.get(f"customInfo{n}Formatted") is not None}
    if formatted:
        extra = MappingProxyType({**_LINE_EXTRA, **formatted})
    return Line(
        id=str(ln.id), stock_code=p.stock_code, name=p.name, product_id=p.product_id,
        product_iid=str(p.position), parent_product_id=ln.parent_product_id,
        brand=p.brand, subbrand=p.brand,
        price=price_of(lp.unit, cur), sub_total=price_of(lp.subtotal, cur),
        total_price=price_of(lp.total, cur), image=f"{p.stock_code.lower()}.jpg",
        qty=ln.qty, display_order=ln.display_order, slug=p.slug, item_type=ln.item_type,
        display_in_basket=True, category_items=_categories(p.category),
        attributes_json=json.dumps(p.variant_attrs) if p.variant_attrs else "",
        custom_info1=info.get("customInfo1"), custom_info2=info.get("customInfo2"),
        custom_info3=info.get("customInfo3"), custom_info4=info.get("customInfo4"),
        custom_info5=info.get("customInfo5"),
        discount=price_of(lp.discount, cur), additional_charge=price_of(lp.additional, cur),
        short_description=p.description, company_discount=price(0, 0, cur),
        list_price=price_of(lp.list_unit, cur),
        is_subscription=sub.subscription_plan_id != ZERO_GUID, is_membership=False,
        subscription_user_settings=sub,
        promotions_applied=tuple(
            _promotion(share.promo.code, share.promo.name, _percent(share.promo),
                       share.amount, share.promo.auto_apply, cur)
            for share in lp.promos),
        is_gift_wrap_applied=ln.is_gift_wrap, gift_wrap_id=ln.gift_wrap_id or ZERO_GUID,
        is_manual_price=bool(ln.manual_price_minor), current_stock=p.current_stock,
        extra=extra,
    )


def shipping_method(m: cat_mod.ShippingMethod, priced: Priced, now: datetime,
                    is_default: bool, country: str | None = None) -> ShippingMethod:
    """A shipping method offered to the basket (in `country`, the basket's own by default),
    from the cache when its charge, expected date and default flag are the same as last
    time."""
    state = priced.state
    where = country or priced.country
    charge = shipping_charge(m, state, priced.subtotal.gross)
    if m.is_nominated and state.nominated and state.shipping_method_id == m.id:
        expected = state.nominated.get("deliveryDate") or iso(
            now + timedelta(days=m.expected_days))
    else:
        expected = _expected_day(now.date(), m.expected_days)
    key = (id(m), charge, expected, is_default, where, priced.cur.code)
    return _METHODS.get(key, (m,)) or _METHODS.put(
        key, (m,), _shipping_method(m, priced.cur, where, charge, expected, is_default))


def _shipping_method(m: cat_mod.ShippingMethod, cur: Currency, country: str, charge: int,
                     expected: str, is_default: bool) -> ShippingMethod:
    return ShippingMethod(
        id=m.id, enabled=True, system_name=m.code, shipping_code=m.code,
        display_name=m.display_name, description=m.display_name, display_order=m.position,
        expected_days_to_deliver=m.expected_days, expected_delivery_date=expected,
        delivery_on_or_before=None, price=price_of(Amount.of(charge, m.tax_bp), cur),
        is_default=is_default, is_nominated=m.is_nominated, type=0, carrier_code=m.code,
        country_code=country, is_price_on_request=False, show_recomendation=False,
        recomendation=None, is_taxable=m.tax_bp > 0, shipping_cost_method=0,
        cut_off_times=None, country_csv=",".join(m.countries))


@lru_cache(maxsize=1024)
def _expected_day(today: date, days: int) -> str:
    """Midnight (UTC) of the expected delivery day, as the wire writes dates."""
    return (today + timedelta(days=days)).strftime("%Y-%m-%dT00:00:00.000Z")


def delivery_plan(plan: dict, cat: cat_mod.Catalogue, state: BasketState,
                  cur: Currency) -> DeliveryPlan:
    method = cat.shipping.get(plan.get("shippingMethodId") or "")
    store = cat.stores.get(state.store_id or "")
    center = plan.get("deliveryCenter") or {}
    lead = plan.get("leadTime") or 0
    return DeliveryPlan(
        fulfilment_channel=plan.get("fulfilmentChannel", 0),
        delivery_type=plan.get("deliveryType", 0),
        delivery_center=DeliveryCenter(record_id=center.get("recordId") or ZERO_GUID,
                                       code=center.get("code"), name=center.get("name"),
                                       type=0),
        items=tuple(plan.get("items") or ()),
        distance_in_miles=None,
        shipping_method_id=plan.get("shippingMethodId") or ZERO_GUID,
        shipping_method_name=method.display_name if method else None,
        cost=from_minor(plan.get("cost_minor", 0), cur),
        shipping_speed=f"{lead} days" if lead else " - ",
        delivery_date_target=plan.get("deliveryDateTarget"),
        delivery_date_actual=None,
        lead_time=lead, lead_time_uom=plan.get("leadTimeUom", 0),
        lead_time_min=lead, lead_time_max=lead,
        pickup_store_id=store.id if store else (plan.get("pickupStoreId") or ZERO_GUID),
        ref_store_id=plan.get("refStoreId"),
        pickup_store_code=store.code if store else plan.get("pickupStoreCode"),
        shipping_type=plan.get("shippingType", 0),
        line_items=None,
        created=plan.get("created"),
        record_id=plan["recordId"],
    )


def basket(priced: Priced, cat: cat_mod.Catalogue, now: datetime) -> Basket:
    """The whole basket, extension fields included (engine-rules §10)."""
    s, cur = priced.state, priced.cur
    methods = cat.methods_for(priced.country, cur.code)
    store = cat.stores.get(s.store_id or "")
    zero = price(0, 0, cur)
    info = s.custom_info
    return Basket(
        id=s.id, currency_symbol=cur.symbol, currency_code=cur.code,
        user_id=s.user_id, user_email=s.user_email,
        grand_total=price_of(priced.grand_total, cur),
        total_without_shipping=price_of(priced.total_without_shipping, cur),
        shipping_method_id=s.shipping_method_id or ZERO_GUID,
        shipping_charge=price_of(priced.shipping, cur),
        sub_total=price_of(priced.subtotal, cur),
        discount=price_of(priced.discount, cur),
        tax_percent=priced.tax_percent,
        additional_charge=price_of(priced.additional, cur),
        line_items=tuple([line(lp, cur) for lp in priced.lines]),
        promotions_applied=tuple(
            _promotion(o.code or None, o.promo.name if o.promo else None, _percent(o.promo),
                       o.discount, not o.is_code, cur, o.applicable, o.reason)
            for o in priced.promos),
        # The first method offered for the country is its default.
        shipping_methods=tuple(shipping_method(m, priced, now, i == 0)
                               for i, m in enumerate(methods)),
        created=s.created or DEFAULT_DATE, last_updated=s.last_updated or DEFAULT_DATE,
        is_quote=s.is_quote, quote_status=s.quote_status,
        custom_info1=info.get("customInfo1"), custom_info2=info.get("customInfo2"),
        custom_info3=info.get("customInfo3"), custom_info4=info.get("customInfo4"),
        custom_info5=info.get("customInfo5"),
        shipping_address=store_address(store) if store else blank_address(priced.country),
        billing_address=blank_address(priced.country),
        post_code=s.post_code, max_dimension_mm=INT_ZERO, company_discount=zero,
        valid_until=s.valid_until or DEFAULT_DATE, is_locked=s.is_locked,
        created_by_admin=s.created_by_admin, po_number=s.po_number,
        delivery_instruction=s.delivery_instruction,
        delivery_plans=tuple(delivery_plan(p, cat, s, cur) for p in s.delivery_plans),
        has_subscription=any(is_subscription(lp.line) for lp in priced.lines),
        subscription_total=price_of(priced.subscription_total, cur),
        is_gift_wrap_applied=False, gift_wrap_id=ZERO_GUID, gift_wrap_option=None,
        membership_plan_id=ZERO_GUID, has_membership=False, exchange_rate=INT_ONE,
        base_currency=cur.code, micro_site_id=ZERO_GUID,
        base_currency_total=from_minor(priced.grand_total.gross, cur),
        membership_discount=zero,
        version=s.version, is_new=not s.persisted, campaign_code=s.campaign_code,
        country_code=priced.country,
        # The storefront's checkout reads `storeId` after click & collect (storefront.md).
        store_id=store.id if store else None,
        click_collect_store=_store_ext(store),
        nominated_delivery=_nominated_ext(s.nominated, priced.shipping_method, cur),
    )


def _store_ext(store: cat_mod.Store | None) -> Mapping[str, Any] | None:
    if store is None:
        return None
    return MappingProxyType({"id": store.id, "code": store.code, "name": store.name})


def _nominated_ext(nominated: dict | None, method: cat_mod.ShippingMethod | None,
                   cur: Currency) -> Mapping[str, Any] | None:
    """The nominated-delivery details as given, its price as a domain `Price`."""
    if not nominated:
        return None
    out: dict[str, Any] = {k: v for k, v in nominated.items() if k != "price_minor"}
    if nominated.get("price_minor") is not None:
        # Taxed exactly as the shipping charge it becomes.
        rate = method.tax_bp if method is not None else 0
        out["price"] = price_of(Amount.of(nominated["price_minor"], rate), cur)
    return MappingProxyType(out)


def product(p: cat_mod.Product, cur: Currency) -> Product:
    """A catalogue product, priced in `cur` (related products, the catalogue search)."""
    unit = Amount.of(p.prices.get(cur.code, 0), p.tax_bp)
    unit_price = price_of(unit, cur)
    shown = unit.gross and from_minor(unit.gross, cur)  # 0 (an int) when it has no price
    return Product(
        id=p.position, record_id=p.product_id, name=p.name, slug=p.slug,
        stock_code=p.stock_code, sku=p.stock_code, brand=p.brand,
        image=f"{p.stock_code.lower()}.jpg", short_description=p.description,
        price=unit_price, list_price=unit_price, item_type=0, current_stock=p.current_stock,
        max_text_length=p.max_text_length, description=p.description,
        variant=json.dumps(p.variant_attrs) if p.variant_attrs else None,
        related_products=tuple(p.related), display_order=p.position,
        group_name=p.variant_group, classification=p.category, min_price=shown,
        max_price=shown, category=p.category,
        tax_rate=(Decimal(p.tax_bp) / 10000).quantize(Decimal("0.01")),
        personalisable=p.personalisable, child_only=p.child_only,
        excluded_from_promotions=p.excluded, currency_code=cur.code)

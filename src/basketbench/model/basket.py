"""The basket as every layer sees it: typed, immutable, plain Python (issue #14).

The engine makes these objects, the backends return them (the HTTP ones parse wire JSON into
them), and the workbench, the CLI and flows read them. BetterCommerce JSON is only their
rendering at the HTTP edge (`basketbench.wirejson`). Money is `Decimal` in the basket's
currency (exact; never float). Attribute names follow the BetterCommerce fields they stand
for, in snake_case, so a developer who knows the API knows the model.

Objects are frozen and may be shared: an unchanged line is the *same* `Line` object in two
versions of a basket, which is how the workbench and `diff` skip it without comparing fields.

`extra` holds what a backend sent that the model has no field for (camelCase key -> value as
sent), so a basket read from a live API and written back out (`--json`) loses nothing. The
engine leaves it empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .diff import LineDiff, diff_lines, keyed
from .ids import ZERO_GUID
from .lines import LineKey, is_child, line_key


class _NoExtra(Mapping[str, Any]):
    """The empty, immutable and hashable `extra` every object starts with."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"


NO_EXTRA: Mapping[str, Any] = _NoExtra()
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PriceText:
    """The display strings a backend sent with a price ("£1,234.50"), kept as sent."""

    with_tax: str | None = None
    without_tax: str | None = None
    tax: str | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """An amount with and without tax; `with_tax == without_tax + tax` when it foots."""

    with_tax: Decimal = ZERO
    without_tax: Decimal = ZERO
    tax: Decimal = ZERO
    formatted: PriceText | None = None  # None: the backend sent none (the engine)
    extra: Mapping[str, Any] = NO_EXTRA  # PriceEx's min/max fields, a currencySymbol...

ZERO_PRICE = Price()


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion in `promotions_applied`, of the basket or of one line."""

    voucher_code: str | None = None
    promo_code: str | None = None
    name: str | None = None
    discount_pct: Decimal | None = None
    discount_amt: Price | None = None
    auto_apply: bool | None = None
    # Why a listed code no longer gives a discount (engine-rules §4); None: not said.
    is_applicable: bool | None = None
    reason: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA

@dataclass(frozen=True, slots=True)
class Category:
    category_id: str | None = None
    category_name: str | None = None
    parent_category_id: str | None = None
    parent_category_name: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class Subscription:
    """A line's subscription settings (`subscriptionUserSettings`)."""

    subscription_plan_id: str | None = None
    subscription_term_id: str | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Decimal | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class Line:
    """One basket line: a product, its quantity and its prices (`price` is per unit)."""

    id: str | None = None
    stock_code: str | None = None
    name: str | None = None
    product_id: str | None = None
    product_iid: str | None = None
    parent_product_id: str | None = None  # None, "" or the zero GUID: a top-level line
    brand: str | None = None
    subbrand: str | None = None
    price: Price | None = None
    sub_total: Price | None = None
    total_price: Price | None = None
    image: str | None = None
    qty: int = 0
    display_order: int | None = None
    slug: str | None = None
    item_type: int | None = None
    display_in_basket: bool | None = None
    category_items: tuple[Category, ...] = ()
    attributes_json: str | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    discount: Price | None = None
    additional_charge: Price | None = None
    short_description: str | None = None
    company_discount: Price | None = None
    list_price: Price | None = None
    is_subscription: bool | None = None
    is_membership: bool | None = None
    subscription_user_settings: Subscription | None = None
    promotions_applied: tuple[Promotion, ...] = ()
    is_gift_wrap_applied: bool | None = None
    gift_wrap_id: str | None = None
    is_manual_price: bool | None = None
    current_stock: int | None = None
    extra: Mapping[str, Any] = NO_EXTRA

    @property
    def custom_texts(self) -> tuple[str | None, ...]:
        return (self.custom_info1, self.custom_info2, self.custom_info3, self.custom_info4,
                self.custom_info5)

    @property
    def is_child(self) -> bool:
        """A line under another line (a personalisation): its parent is set."""
        return is_child(self.parent_product_id)

    @property
    def key(self) -> LineKey:
        """What makes two lines the same line (engine-rules §2; model/lines.py)."""
        return line_key(self.product_id, self.parent_product_id, self.custom_texts)


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    """A shipping method offered to the basket, with its charge for it."""

    id: str | None = None
    enabled: bool | None = None
    system_name: str | None = None
    shipping_code: str | None = None
    display_name: str | None = None
    description: str | None = None
    display_order: int | None = None
    expected_days_to_deliver: int | None = None
    expected_delivery_date: str | None = None
    delivery_on_or_before: str | None = None
    price: Price | None = None
    is_default: bool | None = None
    is_nominated: bool | None = None
    type: int | None = None
    carrier_code: str | None = None
    country_code: str | None = None
    is_price_on_request: bool | None = None
    show_recomendation: bool | None = None  # sic, as on the wire
    recomendation: str | None = None  # sic
    is_taxable: bool | None = None
    shipping_cost_method: int | None = None
    cut_off_times: str | None = None
    country_csv: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class DeliveryCenter:
    record_id: str | None = None
    code: str | None = None
    name: str | None = None
    type: int | None = None
    post_code: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    fulfilment_channel: int | None = None
    delivery_type: int | None = None
    delivery_center: DeliveryCenter | None = None
    items: tuple[Any, ...] = ()
    distance_in_miles: str | None = None
    shipping_method_id: str | None = None
    shipping_method_name: str | None = None
    cost: Decimal | None = None
    shipping_speed: str | None = None
    delivery_date_target: str | None = None
    delivery_date_actual: str | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    lead_time_min: int | None = None
    lead_time_max: int | None = None
    pickup_store_id: str | None = None
    ref_store_id: str | None = None
    pickup_store_code: str | None = None
    shipping_type: int | None = None
    line_items: tuple[Any, ...] | None = None
    created: str | None = None
    record_id: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class Address:
    id: int | str | None = None
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    country_code: str | None = None  # ISO 3166 ("UK" is read as "GB")
    post_code: str | None = None
    phone_no: str | None = None
    mobile_no: str | None = None
    company_name: str | None = None
    extra: Mapping[str, Any] = NO_EXTRA


@dataclass(frozen=True, slots=True)
class Basket:
    """A whole basket: lines, totals, promotions, delivery, and who it belongs to."""

    id: str | None = None
    currency_symbol: str | None = None
    currency_code: str | None = None
    user_id: str | None = None
    user_email: str | None = None
    grand_total: Price | None = None
    total_without_shipping: Price | None = None
    shipping_method_id: str | None = None  # a GUID, or a code such as "STD"
    shipping_charge: Price | None = None
    sub_total: Price | None = None
    discount: Price | None = None
    tax_percent: Decimal | None = None
    additional_charge: Price | None = None
    line_items: tuple[Line, ...] = ()
    promotions_applied: tuple[Promotion, ...] = ()
    shipping_methods: tuple[ShippingMethod, ...] = ()
    created: str | None = None
    last_updated: str | None = None
    is_quote: bool | None = None
    quote_status: int | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    post_code: str | None = None
    max_dimension_mm: Decimal | None = None
    company_discount: Price | None = None
    valid_until: str | None = None
    is_locked: bool | None = None
    created_by_admin: bool | None = None
    po_number: str | None = None
    delivery_instruction: str | None = None
    delivery_plans: tuple[DeliveryPlan, ...] = ()
    has_subscription: bool | None = None
    subscription_total: Price | None = None
    is_gift_wrap_applied: bool | None = None
    gift_wrap_id: str | None = None
    gift_wrap_option: Any = None
    membership_plan_id: str | None = None
    has_membership: bool | None = None
    exchange_rate: Decimal | None = None
    base_currency: str | None = None
    micro_site_id: str | None = None
    base_currency_total: Decimal | None = None
    membership_discount: Price | None = None
    # Extensions (engine-rules §1, §7, §10): None where a backend does not send them.
    version: int | None = None
    is_new: bool = False  # returned for an unknown id and not persisted
    campaign_code: str | None = None
    country_code: str | None = None
    store_id: str | None = None
    click_collect_store: Mapping[str, Any] | None = None
    nominated_delivery: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = NO_EXTRA

    # -- the domain's own questions ---------------------------------------------------------

    def diff(self, older: Basket) -> LineDiff[LineKey]:
        """Lines added, removed and changed (not equal) since `older`, matched by line key
        (model/diff.py); a line that is the same object in both is unchanged unasked."""
        return diff_lines(keyed(older.line_items, _key), keyed(self.line_items, _key),
                          _equal)

    def short(self) -> Basket:
        """This basket as a user's basket list holds it (endpoint 01's short basket): the
        listing's fields only, every other one at its default."""
        lines = tuple(Line(**{n: getattr(ln, n) for n in _SHORT_LINE}) for ln in self.line_items)
        return Basket(**{n: getattr(self, n) for n in _SHORT_BASKET}, line_items=lines,
                      version=self.version)

def _key(line: Line) -> LineKey:
    return line.key


def _equal(a: Line, b: Line) -> bool:
    return a == b


# Endpoint 01's short basket (api.md §2.2): the fields it has, by model name.
_SHORT_BASKET = (
    "id", "currency_symbol", "currency_code", "user_id", "user_email", "shipping_method_id",
    "sub_total", "shipping_charge", "discount", "additional_charge", "grand_total", "is_locked",
    "created_by_admin", "po_number", "is_quote", "quote_status", "post_code", "has_membership",
    "exchange_rate", "base_currency", "micro_site_id", "base_currency_total",
    "membership_discount", "created", "last_updated")
_SHORT_LINE = (
    "id", "stock_code", "name", "slug", "short_description", "product_id", "product_iid",
    "parent_product_id", "price", "list_price", "sub_total", "discount", "additional_charge",
    "total_price", "image", "qty", "display_order", "is_subscription", "is_membership")


__all__ = [
    "NO_EXTRA", "ZERO_GUID", "ZERO_PRICE", "Address", "Basket", "Category",
    "DeliveryCenter", "DeliveryPlan", "Line", "Price", "PriceText", "Promotion",
    "ShippingMethod", "Subscription",
]

"""The catalogue: products, promotions, shipping methods, stores and users, held in memory.

The catalogue changes rarely (demo reset, generate) and is read on every operation, so it is
loaded once and reloaded only when the `catalogue_rev` counter in `meta` moves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import bp_to_percent
from .store_api import Conn


@dataclass(frozen=True, slots=True)
class Product:
    product_id: str
    stock_code: str
    name: str
    category: str
    brand: str
    description: str
    tax_bp: int
    current_stock: int
    personalisable: bool
    child_only: bool
    excluded: bool
    variant_group: str | None
    variant_attrs: dict
    related: tuple[str, ...]
    prices: dict[str, int]  # currency -> minor units, tax inclusive
    position: int
    max_text_length: int | None = None  # the longest personalisation text it takes

    @property
    def slug(self) -> str:
        return "/product/" + self.stock_code.lower()


@dataclass(frozen=True, slots=True)
class Promotion:
    promo_id: int
    code: str | None
    name: str
    kind: str  # order_percent | order_fixed | line_percent | buy_x_get_y | free_shipping
    percent_bp: int  # percent in basis points of a percent: 1000 = 10%
    amount_minor: int
    currency: str  # the currency of amount and minimum spend
    min_subtotal_minor: int
    min_items: int
    required_category: str | None
    required_stock_code: str | None
    target_category: str | None
    target_stock_code: str | None
    target_product_id: str | None
    buy: int
    get: int
    shipping_codes: tuple[str, ...]
    only_currency: str | None
    valid_from: str | None
    valid_to: str | None
    usage_limit: int | None
    usage_count: int
    priority: int
    exclusive: bool
    auto_apply: bool

    @property
    def label(self) -> str:
        return self.code or self.name

    @property
    def percent(self) -> Decimal:
        return bp_to_percent(self.percent_bp)

    @property
    def is_line_level(self) -> bool:
        return self.kind in ("line_percent", "buy_x_get_y")

    def targets(self, product: Product) -> bool:
        """Whether a line of this product is one the promotion's line kinds act on."""
        if self.target_product_id:
            return product.product_id == self.target_product_id
        if self.target_stock_code:
            return product.stock_code.upper() == self.target_stock_code.upper()
        if self.target_category:
            return product.category.lower() == self.target_category.lower()
        return True


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    id: str
    code: str
    display_name: str
    countries: tuple[str, ...]
    prices: dict[str, tuple[int, int | None]]  # currency -> (price, free-over threshold)
    expected_days: int
    is_nominated: bool
    tax_bp: int
    position: int
    is_click_collect: bool = False


@dataclass(frozen=True, slots=True)
class Store:
    id: str
    code: str
    name: str
    address1: str
    city: str
    post_code: str
    country: str
    country_code: str
    phone: str


@dataclass
class Catalogue:
    rev: int = -1
    products: dict[str, Product] = field(default_factory=dict)
    by_stock_code: dict[str, Product] = field(default_factory=dict)
    promotions: dict[str, Promotion] = field(default_factory=dict)  # upper-case code -> promo
    auto_promotions: list[Promotion] = field(default_factory=list)
    shipping: dict[str, ShippingMethod] = field(default_factory=dict)
    shipping_by_code: dict[str, ShippingMethod] = field(default_factory=dict)
    stores: dict[str, Store] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)

    def product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def product_by_code(self, stock_code: str) -> Product | None:
        return self.by_stock_code.get(stock_code.strip().upper())

    def promotion(self, code: str) -> Promotion | None:
        return self.promotions.get(code.strip().upper())

    def methods_for(self, country: str, currency: str | None = None) -> list[ShippingMethod]:
        """Methods offered in a country (and priced in a currency, when one is given)."""
        return [m for m in self.shipping.values() if country in m.countries
                and (currency is None or currency in m.prices)]

    def click_collect_method(self, country: str, currency: str) -> ShippingMethod | None:
        """The country's click & collect method (priced in the currency), if it has one."""
        return next((m for m in self.methods_for(country, currency) if m.is_click_collect),
                    None)

    def store(self, key: str) -> Store | None:
        key = key.strip()
        found = self.stores.get(key.lower())
        if found:
            return found
        for store in self.stores.values():
            if store.code.upper() == key.upper():
                return store
        return None


def read_rev(conn: Conn) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'catalogue_rev'").fetchone()
    return int(row[0]) if row else 0


def bump_rev(conn: Conn) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('catalogue_rev', '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
    )


def load(conn: Conn) -> Catalogue:
    cat = Catalogue(rev=read_rev(conn))
    prices: dict[str, dict[str, int]] = {}
    rows = conn.execute("SELECT product_id, currency, price_minor FROM product_prices")
    for pid, cur, minor in rows:
        prices.setdefault(pid, {})[cur] = minor
    for row in conn.execute(
        "SELECT product_id, stock_code, name, category, brand, description, tax_bp, current_stock,"
        " personalisable, child_only, excluded, variant_group, variant_attrs, related, position,"
        " max_text_length FROM products ORDER BY position"
    ):
        p = Product(
            product_id=row[0], stock_code=row[1], name=row[2], category=row[3] or "",
            brand=row[4] or "", description=row[5] or "", tax_bp=row[6], current_stock=row[7],
            personalisable=bool(row[8]), child_only=bool(row[9]), excluded=bool(row[10]),
            variant_group=row[11], variant_attrs=json.loads(row[12] or "{}"),
            related=tuple(json.loads(row[13] or "[]")), prices=prices.get(row[0], {}),
            position=row[14] or 0, max_text_length=row[15],
        )
        cat.products[p.product_id] = p
        cat.by_stock_code[p.stock_code.upper()] = p
    columns = [d[0] for d in conn.execute("SELECT * FROM promotions LIMIT 0").description]
    for row in conn.execute("SELECT * FROM promotions ORDER BY priority, promo_id"):
        r = dict(zip(columns, row, strict=True))
        promo = Promotion(
            promo_id=r["promo_id"], code=r["code"], name=r["name"] or "", kind=r["kind"],
            percent_bp=r["percent_bp"] or 0, amount_minor=r["amount_minor"] or 0,
            currency=r["currency"] or "GBP", min_subtotal_minor=r["min_subtotal_minor"] or 0,
            min_items=r["min_items"] or 0, required_category=r["required_category"],
            required_stock_code=r["required_stock_code"], target_category=r["target_category"],
            target_stock_code=r["target_stock_code"], target_product_id=r["target_product_id"],
            buy=r["buy"] or 0, get=r["get"] or 0,
            shipping_codes=tuple(json.loads(r["shipping_codes"] or "[]")),
            only_currency=r["only_currency"], valid_from=r["valid_from"], valid_to=r["valid_to"],
            usage_limit=r["usage_limit"], usage_count=r["usage_count"] or 0,
            priority=r["priority"] if r["priority"] is not None else 100,
            exclusive=bool(r["exclusive"]), auto_apply=bool(r["auto_apply"]),
        )
        if promo.code:
            cat.promotions[promo.code.upper()] = promo
        if promo.auto_apply:
            cat.auto_promotions.append(promo)
    shipping_prices: dict[str, dict[str, tuple[int, int | None]]] = {}
    for mid, cur, minor, free_over in conn.execute(
        "SELECT method_id, currency, price_minor, free_over_minor FROM shipping_prices"
    ):
        shipping_prices.setdefault(mid, {})[cur] = (minor, free_over)
    for row in conn.execute(
        "SELECT id, code, display_name, countries, expected_days, is_nominated, tax_bp, position,"
        " is_click_collect FROM shipping_methods ORDER BY position"
    ):
        m = ShippingMethod(
            id=row[0], code=row[1], display_name=row[2], countries=tuple(json.loads(row[3])),
            prices=shipping_prices.get(row[0], {}), expected_days=row[4] or 0,
            is_nominated=bool(row[5]), tax_bp=row[6] or 0, position=row[7] or 0,
            is_click_collect=bool(row[8]),
        )
        cat.shipping[m.id] = m
        cat.shipping_by_code[m.code.upper()] = m
    for row in conn.execute(
        "SELECT id, code, name, address1, city, post_code, country, country_code, phone FROM stores"
    ):
        s = Store(*[v or "" for v in row])
        cat.stores[s.id] = s
    for uid, email, name in conn.execute("SELECT user_id, email, name FROM users"):
        cat.users[uid] = {"userId": uid, "email": email, "name": name}
    return cat

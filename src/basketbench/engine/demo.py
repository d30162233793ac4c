"""Demo data: the fixed reference data, the extra demo catalogue, and a set of baskets.

Seeding is deterministic (fixed ids and a fixed clock), so tests and screenshots are stable.
`reset` empties the database in one transaction and seeds it again; `generate` adds many
simple baskets quickly for scale tests.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from importlib import resources

from ..money import currency, parse_decimal, rate_to_bp, to_minor
from . import catalogue as catalogue_mod
from . import history
from .engine import BasketEngine
from .ids import ZERO_GUID, stable_guid
from .pricing import price
from .state import BasketState, LineState

GBP = currency("GBP")
# Demo baskets are seeded as of this moment, so 'lastUpdated' and nominated dates are stable.
SEED_TIME = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)
# EUR prices (products and shipping) are derived from GBP at this fixed rate (percent), so
# EUR baskets can be tried.
EUR_PERCENT = 115
TABLES = ("basket_history", "basket_history_chunks", "basket_promos", "lines", "baskets",
          "sessions", "product_prices", "products", "promotions", "shipping_prices",
          "shipping_methods", "stores", "users")


def percent_to_bp(percent: str) -> int:
    """'10' (percent) -> 1000 (hundredths of a percent), exact."""
    return int(parse_decimal(percent) * 100)


def load_data(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def reference_data() -> dict:
    return load_data("reference-data.json")


def _catalogue_rows(data: dict, start: int) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {k: [] for k in ("products", "product_prices", "promotions",
                                                    "shipping_methods", "shipping_prices",
                                                    "stores", "users")}
    for i, p in enumerate(data["products"], start):
        rows["products"].append({
            "product_id": p["productId"].lower(), "stock_code": p["stockCode"], "name": p["name"],
            "category": p.get("category", ""), "brand": p.get("brand", ""),
            "description": p.get("description", ""), "tax_bp": rate_to_bp(p["taxRate"]),
            "current_stock": int(p.get("currentStock", 0)),
            "personalisable": int(bool(p.get("personalisable"))),
            "child_only": int(bool(p.get("childOnly"))),
            "excluded": int(bool(p.get("excludedFromPromotions"))),
            "variant_group": p.get("variantGroup"),
            "variant_attrs": json.dumps(p.get("variantAttributes") or {}),
            "related": json.dumps(p.get("relatedStockCodes") or []), "position": i,
            "max_text_length": p.get("maxTextLength"),
        })
        for code, amount in p["price"].items():
            rows["product_prices"].append({"product_id": p["productId"].lower(),
                                           "currency": code, "price_minor": to_minor(amount, GBP)})
        if "EUR" not in p["price"]:
            gbp = to_minor(p["price"]["GBP"], GBP)
            rows["product_prices"].append({"product_id": p["productId"].lower(),
                                           "currency": "EUR",
                                           "price_minor": (gbp * EUR_PERCENT + 50) // 100})
    for p in data["promotions"]:
        rows["promotions"].append({
            "code": p.get("code"), "name": p["name"], "kind": p["kind"],
            "percent_bp": percent_to_bp(p["percent"]) if p.get("percent") else 0,
            "amount_minor": to_minor(p["amount"], GBP) if p.get("amount") else 0,
            "currency": "GBP",
            "min_subtotal_minor": to_minor(p["minSubtotal"], GBP) if p.get("minSubtotal") else 0,
            "min_items": p.get("minItems", 0), "required_category": p.get("requiredCategory"),
            "required_stock_code": p.get("requiredStockCode"),
            "target_category": p.get("category"), "target_stock_code": p.get("stockCode"),
            "target_product_id": (p.get("productId") or "").lower() or None,
            "buy": p.get("buy", 0), "get": p.get("get", 0),
            "shipping_codes": json.dumps(p.get("shippingCodes") or []),
            "only_currency": p.get("currency"), "valid_from": p.get("validFrom"),
            "valid_to": p.get("validTo"), "usage_limit": p.get("usageLimit"),
            "usage_count": p.get("usageCount", 0), "priority": p.get("priority", 100),
            "exclusive": int(bool(p.get("exclusive"))), "auto_apply": int(bool(p.get("autoApply"))),
        })
    for i, m in enumerate(data["shippingMethods"], start):
        rows["shipping_methods"].append({
            "id": m["id"].lower(), "code": m["shippingCode"], "display_name": m["displayName"],
            "countries": json.dumps(m["countries"]), "price_minor": to_minor(m["price"], GBP),
            "free_over_minor": to_minor(m["freeOver"], GBP) if m.get("freeOver") else None,
            "currency": "GBP", "expected_days": m.get("expectedDaysToDeliver", 0),
            "is_nominated": int(bool(m.get("isNominated"))), "tax_bp": rate_to_bp(m["taxRate"]),
            "position": i, "is_click_collect": int(bool(m.get("isClickCollect"))),
        })
        price = to_minor(m["price"], GBP)
        free_over = to_minor(m["freeOver"], GBP) if m.get("freeOver") else None
        for code, factor in (("GBP", 100), ("EUR", EUR_PERCENT)):
            rows["shipping_prices"].append({
                "method_id": m["id"].lower(), "currency": code,
                "price_minor": (price * factor + 50) // 100,
                "free_over_minor": (free_over * factor + 50) // 100 if free_over else None})
    for s in data["stores"]:
        rows["stores"].append({
            "id": s["id"].lower(), "code": s["code"], "name": s["name"],
            "address1": s.get("address1"), "city": s.get("city"), "post_code": s.get("postCode"),
            "country": s.get("country"), "country_code": s.get("countryCode"),
            "phone": s.get("phoneNo"),
        })
    for u in data["users"]:
        rows["users"].append({"user_id": u["userId"].lower(), "email": u["email"],
                              "name": u["name"]})
    return rows


def with_extensions(reference: dict, extensions: dict) -> dict:
    """The reference data with the demo's extension fields merged into its records (the
    reference file itself stays exactly as given)."""
    merged = dict(reference)
    for key, code_field in (("products", "stockCode"), ("shippingMethods", "shippingCode")):
        extra = extensions.get(key, {})
        merged[key] = [{**record, **extra.get(record[code_field], {})}
                       for record in reference[key]]
    return merged


def seed_catalogue(engine: BasketEngine) -> None:
    """Empty every table and load the reference data and the demo catalogue, atomically."""
    extra = load_data("demo-catalogue.json")
    reference = with_extensions(reference_data(), extra.get("extensions", {}))

    def tx(conn):
        for table in TABLES:
            conn.execute(f"DELETE FROM {table}")
        engine.store.reset_ids(conn, ("lines", "sessions", "promotions"))
        for data, start in ((reference, 1), (extra, 1000)):
            for table, rows in _catalogue_rows(data, start).items():
                for row in rows:
                    cols = ", ".join(row)
                    conn.execute(f"INSERT INTO {table} ({cols}) VALUES "
                                 f"({', '.join('?' * len(row))})", list(row.values()))
        catalogue_mod.bump_rev(conn)

    engine.store.transaction(tx)


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def nominated_day(seeded: date) -> date:
    """The demo's nominated delivery day: the first Saturday at least five days ahead."""
    day = seeded + timedelta(days=5)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def basket_id(name: str) -> str:
    """The fixed id of a named demo basket, e.g. basket_id('alice-main')."""
    return stable_guid("basket", name)


USERS = {
    "alice": "267d7a24-394b-5b37-9a0f-2c307ee1a461",
    "bob": "44e89017-9e42-5967-bb54-b7307332190b",
    "carol": stable_guid("user", "carol@example.com"),
    "dave": stable_guid("user", "dave@example.com"),
    "erin": stable_guid("user", "erin@example.com"),
}


def seed_baskets(engine: BasketEngine) -> dict[str, str]:
    """The demo baskets, built with the engine's own operations under a fixed clock."""
    real_clock = engine.clock
    clock = _Clock(SEED_TIME - timedelta(days=30))
    engine.clock = clock
    actor = history.ACTOR.set("demo")
    cat = engine.catalogue()
    code = {p.stock_code: p.product_id for p in cat.products.values()}
    made: dict[str, str] = {}

    def basket(name: str, user: str | None, minutes: int) -> str:
        clock.at = SEED_TIME - timedelta(minutes=minutes)
        bid = basket_id(name)
        made[name] = bid
        engine.add_item(bid, {"productId": ZERO_GUID, "qty": 0})
        if user:
            engine.assign_user(bid, USERS[user])
        return bid

    def add(bid: str, stock: str, qty: int = 1, parent: str | None = None, **extra) -> None:
        body = {"productId": code[stock], "qty": qty, **extra}
        if parent:
            body["parentProductId"] = code[parent]
        engine.add_item(bid, body)

    try:
        b = basket("alice-main", "alice", 5)
        add(b, "POLO-NAVY-L", 2)
        add(b, "LINEN-WHT-M")
        add(b, "MUG-WHITE", 3)
        engine.apply_promo(b, "SAVE10")
        engine.set_shipping_method(b, "STD", "GB")

        b = basket("alice-engraved", "alice", 15)
        add(b, "WALLET-BRN")
        add(b, "ENGRAVE-TEXT", parent="WALLET-BRN", customInfo1="A.S. 2026")
        add(b, "GIFT-MSG", parent="WALLET-BRN", customInfo1="Happy birthday!")

        b = basket("alice-quote", "alice", 25)
        add(b, "CARSEAT-G1", 2)
        engine.set_po(b, "PO-ALICE-0001")
        engine.store.transaction(lambda c: c.execute(
            "UPDATE baskets SET is_quote = 1, quote_status = 1, valid_until = ? WHERE id = ?",
            ("2026-12-31T23:59:59.000Z", made["alice-quote"])))
        engine.written_outside(made["alice-quote"])

        basket("alice-empty", "alice", 35)

        b = basket("bob-locked", "bob", 45)
        add(b, "BS0010-DODGER-BLUE-M", 2)
        engine.set_shipping_method(b, "NEXT", "GB")
        engine.set_locked(b, True)

        b = basket("bob-big", "bob", 55)
        tops = [p for p in cat.products.values() if not p.child_only and p.current_stock >= 1
                and not p.excluded]
        children = [p for p in cat.products.values() if p.child_only]
        engine.add_bulk(b, [{"productId": p.product_id, "qty": 1} for p in tops])
        bulk = []
        for parent in tops:
            for child in children:
                bulk.append({"productId": child.product_id, "qty": 1,
                             "parentProductId": parent.product_id})
        engine.add_bulk(b, bulk[: max(0, 210 - len(tops))])
        engine.apply_promo(b, "HOME3FOR2")

        b = basket("carol-account", "carol", 65)
        add(b, "TEA-SAMPLER", 2)
        add(b, "MUG-WHITE", 1)
        b = basket("carol-guest", None, 66)
        add(b, "MUG-WHITE", 2)
        add(b, "CANDLE-FIG", 1)
        engine.apply_promo(b, "HOME3FOR2")

        b = basket("dave-collect", "dave", 75)
        add(b, "KIDS-RAIN-5Y", 1)
        add(b, "WALLET-BRN", 1)
        engine.set_shipping_method(b, "CNC", "GB")
        engine.set_click_collect_store(b, {"id": "15524d41-949d-5b66-a9a5-db2d8877ad68"})
        engine.set_delivery_instruction(b, "Collect after 5pm please")
        engine.set_delivery_plans(b, [{"recordId": stable_guid("plan", "dave-collect"),
                                       "deliveryType": 1, "fulfilmentChannel": 2,
                                       "shippingCharge": 0, "leadTime": 2,
                                       "deliveryCenter": {"code": "LDN1",
                                                          "name": "London Covent Garden"}}])

        b = basket("dave-nominated", "dave", 85)
        add(b, "LINEN-WHT-M", 1)
        # The nominated day is the first Saturday at least five days after the day the demo
        # is seeded, so it is still ahead when the demo is used (engine-rules §6); it is
        # chosen as of that day, then the basket's timestamps go back to the demo's clock.
        seeded = real_clock()
        day = nominated_day(seeded.date())
        clock.at = seeded
        engine.set_shipping_method(b, "NOM", "GB", {
            "dayText": day.strftime("%A"), "dayNo": day.isoweekday(), "carrierCode": "DPD",
            "deliveryDate": f"{day.isoformat()}T00:00:00.000Z",
            "price": {"raw": {"withTax": "11.99"}}})
        stamp = (SEED_TIME - timedelta(minutes=85)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        engine.store.transaction(lambda c: c.execute(
            "UPDATE baskets SET last_updated = ? WHERE id = ?", (stamp, made["dave-nominated"])))

        # Applied while XMAS2020 was valid; it now shows why the discount vanished.
        clock.at = datetime(2020, 12, 10, 12, 0, tzinfo=UTC)
        b = basket("erin-xmas", "erin", 0)
        clock.at = datetime(2020, 12, 10, 12, 0, tzinfo=UTC)
        add(b, "CANDLE-FIG", 2)
        engine.apply_promo(b, "XMAS2020")
        clock.at = SEED_TIME - timedelta(minutes=95)
        engine.set_po(b, "PO-ERIN-2020")

        for n in range(3):
            b = basket(f"guest-{n + 1}", None, 100 + n)
            add(b, ["GIFTCARD-25", "TEA-SAMPLER", "POLO-NAVY-L"][n], n + 1)
    finally:
        engine.clock = real_clock
        history.ACTOR.reset(actor)
    return made


def reset(engine: BasketEngine) -> dict[str, str]:
    seed_catalogue(engine)
    return seed_baskets(engine)


def ensure_seeded(engine: BasketEngine) -> bool:
    """Seed a database that has no catalogue yet; True when it seeded."""
    # Hosts starting together on one empty PostgreSQL database: one seeds, the rest wait
    # and then find it seeded.
    with engine.store.exclusive("basketbench demo seed"):
        empty = engine.store.read(
            lambda c: c.execute("SELECT count(*) FROM products").fetchone()[0]) == 0
        if empty:
            reset(engine)
    return empty


def generate(engine: BasketEngine, count: int, *, seed: int = 7, batch: int = 5000) -> int:
    """Add `count` simple baskets (1-5 lines, no codes) for scale tests, in batches of one
    transaction each, with their summary columns."""
    cat = engine.catalogue()
    products = [p for p in cat.products.values() if not p.child_only and p.prices.get("GBP")]
    users = [None, *USERS.values()]
    rng = random.Random(seed)
    start = SEED_TIME - timedelta(days=365)
    made = 0
    while made < count:
        n = min(batch, count - made)
        baskets, lines = [], []
        for i in range(n):
            k = made + i
            bid = stable_guid("generated-basket", f"{seed}:{k}")
            when = (start + timedelta(seconds=k * 37)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            chosen = rng.sample(products, rng.randint(1, 5))
            state = BasketState(id=bid)
            for order, p in enumerate(chosen, 1):
                qty = rng.randint(1, 3)
                state.lines.append(LineState(id=order, product=p, parent_product_id=ZERO_GUID,
                                             qty=qty, display_order=order))
                lines.append((bid, p.product_id, ZERO_GUID, qty, order))
            # Priced like any basket, so automatic promotions count in the summary too.
            total = price(state, cat, SEED_TIME).grand_total.gross
            user = users[k % len(users)]
            email = cat.users.get(user or "", {}).get("email")
            baskets.append((bid, user or ZERO_GUID, email, "GBP", 1, when, when, len(chosen),
                            total))

        def tx(conn, baskets=baskets, lines=lines):
            conn.executemany(
                "INSERT INTO baskets (id, user_id, user_email, currency, version, "
                "created, last_updated, line_count, grand_total_minor) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", baskets)
            conn.executemany(
                "INSERT INTO lines (basket_id, product_id, parent_product_id, qty, "
                "display_order) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", lines)

        engine.store.transaction(tx)
        made += n
    return made


def generate_big_basket(engine: BasketEngine, lines: int = 2000, *,
                        name: str = "scale-big") -> str:
    """One basket with `lines` lines of distinct products, for scale tests of the workbench.

    It adds `lines` synthetic products ("SCALE-0001"...) to the catalogue, then writes the
    lines directly: the API's own limit is 500 lines a basket (engine-rules §2), so the
    basket can be read, re-priced and edited (quantities, removal), while adding one more
    line to it is refused with QUANTITY_LIMIT like any full basket.
    """
    bid = basket_id(name)
    products = [(stable_guid("product", f"SCALE-{n:04d}"), f"SCALE-{n:04d}",
                 f"Scale test item {n:04d}", 100 + (n * 37) % 5000) for n in range(1, lines + 1)]

    def tx(conn):
        conn.execute("DELETE FROM baskets WHERE id = ?", (bid,))
        conn.executemany(
            "INSERT INTO products (product_id, stock_code, name, category, brand, "
            "description, tax_bp, current_stock, personalisable, child_only, excluded, "
            "related, position) VALUES (?, ?, ?, 'Scale test', 'Basket & Co', '', 2000, 999, "
            "0, 0, 0, '[]', ?) ON CONFLICT DO NOTHING", [(pid, code, title, 5000 + i)
                                  for i, (pid, code, title, _) in enumerate(products)])
        conn.executemany(
            "INSERT INTO product_prices (product_id, currency, price_minor) "
            "VALUES (?, 'GBP', ?) ON CONFLICT DO NOTHING",
            [(pid, minor) for pid, _, _, minor in products])
        catalogue_mod.bump_rev(conn)

    engine.store.transaction(tx)
    engine.add_item(bid, {"productId": ZERO_GUID, "qty": 0})
    rows = [(bid, pid, ZERO_GUID, 1, order) for order, (pid, *_rest) in enumerate(products, 1)]
    engine.store.transaction(lambda conn: conn.executemany(
        "INSERT INTO lines (basket_id, product_id, parent_product_id, qty, display_order) "
        "VALUES (?, ?, ?, ?, ?)", rows))
    # One real change through the engine, so the version and summary columns are current.
    engine.set_qty(bid, products[0][0], 2)
    return bid

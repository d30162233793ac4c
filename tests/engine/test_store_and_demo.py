"""The store: schema and migrations, pragmas, transactions, several processes, demo data."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import uuid
from importlib import resources

import pytest

from basketbench.engine import BasketEngine, ValidationError, demo, schema
from basketbench.engine.ids import ZERO_GUID
from basketbench.engine.storage_errors import SchemaTooNew
from tests.support.wire import wire, wire_short


@pytest.mark.sqlite_only  # the file's pragmas and sqlite3 itself
def test_schema_version_table_and_pragmas(engine, db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == \
        schema.SCHEMA_VERSION
    assert engine.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert engine.store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # money columns are integers of minor units
    kinds = {r[0] for r in conn.execute("SELECT typeof(price_minor) FROM product_prices")}
    assert kinds == {"integer"}


@pytest.mark.sqlite_only  # the file's pragmas and sqlite3 itself
def test_reopening_does_not_migrate_again(engine, db_path):
    engine.close()
    with BasketEngine(db_path) as again:
        rows = again.store.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    assert rows == schema.SCHEMA_VERSION


@pytest.mark.sqlite_only  # the file's pragmas and sqlite3 itself
def test_newer_schema_is_refused_with_a_clear_message(db_path):
    BasketEngine(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    conn.commit()
    with pytest.raises(SchemaTooNew, match="schema version 99, newer than this basketbench"):
        BasketEngine(db_path)


def test_failed_operation_rolls_back_everything(engine, ref):
    bid = ref.basket("alice-main")
    before = wire(engine.get_basket(bid))
    with pytest.raises(ValidationError):
        engine.add_bulk(bid, [{"productId": ref.product("MUG-WHITE"), "qty": 1},
                              {"productId": "bad", "qty": 1}])
    assert wire(engine.get_basket(bid)) == before


def test_reference_data_is_loaded_exactly(engine):
    data = json.loads(resources.files("basketbench.engine").joinpath(
        "data", "reference-data.json").read_text())
    cat = engine.catalogue()
    for p in data["products"]:
        ours = cat.product(p["productId"])
        assert ours.stock_code == p["stockCode"] and ours.name == p["name"]
        assert ours.prices["GBP"] == int(p["price"]["GBP"].replace(".", ""))
        assert ours.current_stock == p["currentStock"]
    for m in data["shippingMethods"]:
        assert cat.shipping[m["id"]].code == m["shippingCode"]
    for s in data["stores"]:
        assert cat.stores[s["id"]].code == s["code"]
    for u in data["users"]:
        assert cat.users[u["userId"]]["email"] == u["email"]
    codes = {p["code"] for p in data["promotions"] if p["code"]}
    assert codes <= set(cat.promotions)


def test_demo_catalogue_breadth(engine):
    cat = engine.catalogue()
    assert len(cat.products) >= 40
    assert {p.tax_bp for p in cat.products.values()} == {0, 500, 2000}
    assert len({p.category for p in cat.products.values()}) >= 5
    assert any(p.variant_group for p in cat.products.values())
    assert sum(p.child_only for p in cat.products.values()) >= 2
    kinds = {p.kind for p in cat.promotions.values()}
    assert kinds >= {"order_percent", "order_fixed", "line_percent", "buy_x_get_y",
                     "free_shipping"}
    countries = {c for m in cat.shipping.values() for c in m.countries}
    assert countries >= {"GB", "IE", "FR", "US"}
    assert len(cat.stores) >= 3


def test_demo_baskets_cover_the_cases(engine, ref):
    baskets = {name: wire(engine.get_basket(ref.basket(name))) for name in (
        "bob-locked", "alice-quote", "alice-empty", "bob-big")}
    assert baskets["bob-locked"]["isLocked"] is True
    assert baskets["alice-quote"]["isQuote"] is True
    assert baskets["alice-empty"]["lineItems"] == [] and not baskets["alice-empty"]["isNew"]
    assert len(baskets["bob-big"]["lineItems"]) >= 200
    users_with_many = [u for u in ref.users.values()
                       if len(wire_short(engine.list_user_baskets(u))) >= 2]
    assert len(users_with_many) >= 3


def test_seeding_is_deterministic(tmp_path, clock):
    dumps = []
    for name in ("a.db", "b.db"):
        with BasketEngine(tmp_path / name, clock=clock) as eng:
            demo.reset(eng)
            dumps.append([wire(eng.get_basket(demo.basket_id(n)))
                          for n in ("alice-main", "dave-collect")])
    assert dumps[0] == dumps[1]


def test_generate_adds_baskets_with_summaries(engine):
    before = engine.list_baskets()["total"]
    assert demo.generate(engine, 250, batch=100) == 250
    page = engine.list_baskets(limit=1000)
    assert page["total"] == before + 250
    row = next(r for r in page["rows"] if r["lineCount"] and r["version"] == 1)
    basket = wire(engine.get_basket(row["id"]))
    assert basket["grandTotal"]["raw"]["withTax"] == row["grandTotal"]


def _add_many(path: str, basket_id: str, product_id: str, count: int) -> None:
    with BasketEngine(path) as eng:
        for _ in range(count):
            eng.add_item(basket_id, {"productId": product_id, "qty": 1})


@pytest.mark.slow
def test_four_processes_lose_no_update(engine, ref, db_path):
    bid, pid = str(uuid.uuid4()), ref.product("MUG-WHITE")
    engine.add_item(bid, {"productId": ZERO_GUID, "qty": 0})
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(str(db_path), bid, pid, 200)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    basket = wire(engine.get_basket(bid))
    assert basket["lineItems"][0]["qty"] == 800
    assert basket["version"] == 801


def test_big_scale_basket_goes_past_the_api_limit_but_stays_editable(engine):
    from basketbench.engine import QuantityLimit

    bid = demo.generate_big_basket(engine, 600)
    basket = wire(engine.get_basket(bid))
    assert len(basket["lineItems"]) == 600
    second = basket["lineItems"][1]["productId"]
    assert next(ln for ln in wire(engine.set_qty(bid, second, 4))["lineItems"]
                if ln["productId"] == second)["qty"] == 4
    with pytest.raises(QuantityLimit):
        engine.add_item(bid, {"stockCode": "MUG-WHITE", "qty": 1})
    assert engine.list_baskets(query=bid[:8])["rows"][0]["lineCount"] == 600

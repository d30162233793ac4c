"""Every basket the engine produces serialises to JSON and parses back to an equal object."""

from __future__ import annotations

from basketbench import jsonio
from basketbench.engine import demo
from basketbench.wire import Basket, BasketShort, Product, dump_wire
from tests.support.wire import wire, wire_short


def test_every_demo_basket_round_trips(engine):
    for name in ("alice-main", "alice-engraved", "alice-quote", "alice-empty", "bob-locked",
                 "bob-big", "carol-guest", "dave-collect", "dave-nominated", "erin-xmas"):
        data = wire(engine.get_basket(demo.basket_id(name)))
        model = Basket.model_validate(jsonio.loads(jsonio.dumps(data)))
        again = Basket.model_validate(jsonio.loads(jsonio.dumps(dump_wire(model))))
        assert again == model, name
        assert model.grand_total.raw.with_tax == data["grandTotal"]["raw"]["withTax"]


def test_money_is_written_as_exact_json_numbers(engine):
    text = jsonio.dumps(wire(engine.get_basket(demo.basket_id("alice-main"))))
    assert '"raw":{"withTax":105.29,"withoutTax":87.74,"tax":17.55}' in text


def test_short_baskets_and_products_parse(engine):
    for short in wire_short(engine.list_user_baskets(demo.USERS["alice"])):
        assert BasketShort.model_validate(short).id == short["id"]
    for product in wire(engine.search_products("shirt")):
        assert Product.model_validate(product).stock_code == product["stockCode"]

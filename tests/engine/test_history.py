"""Basket history (engine): every change a version, written in the change's transaction;
retention; restore of every kind of change; a deleted basket's history and its restore."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from basketbench.engine import BasketEngine, EngineError, demo, history
from basketbench.engine.errors import NotFound, QuantityLimit
from basketbench.engine.history import PRUNE_EVERY, Retention, acting_as
from conftest import FixedClock
from tests.support.wire import wire


def new_id() -> str:
    return str(uuid.uuid4())


def figures(basket) -> tuple:
    basket = wire(basket)  # an engine basket, or its wire dict already
    return (basket["grandTotal"]["raw"], sorted((ln["stockCode"], ln["qty"], ln["customInfo1"])
                                              for ln in basket["lineItems"]),
            sorted(p["promoCode"] or "" for p in basket["promotionsApplied"]),
            basket["shippingMethodId"], basket["storeId"], basket["userId"], basket["poNumber"])


def test_every_change_is_a_version_with_operation_actor_and_summary(engine, ref):
    bid = new_id()
    with acting_as("workbench"):
        engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 2})
        engine.apply_promo(bid, "SAVE10")
    with acting_as("cli"):
        engine.set_qty(bid, ref.product("POLO-NAVY-L"), 3)
    page = engine.history(bid)
    assert page["total"] == 3 == wire(engine.get_basket(bid))["version"]
    newest, middle, first = page["rows"]
    assert [r["version"] for r in page["rows"]] == [3, 2, 1]
    assert (first["op"], first["actor"]) == ("add_item", "workbench")
    assert first["args"]["item"]["qty"] == 2
    assert "+POLO-NAVY-L x2" in first["summary"] and "grand total £0.00 -> £48.00" in \
        first["summary"]
    assert middle["op"] == "apply_promo" and "+code SAVE10" in middle["summary"]
    assert (newest["op"], newest["actor"]) == ("set_qty", "cli")
    assert "POLO-NAVY-L qty 2 -> 3" in newest["summary"]


def test_a_refused_or_empty_change_writes_no_version(engine, ref):
    bid = new_id()
    engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 1})
    with pytest.raises(QuantityLimit):
        engine.add_item(bid, {"productId": ref.product("POLO-NAVY-L"), "qty": 5000})
    engine.remove_item(bid, ref.product("MUG-WHITE"))  # absent: changes nothing
    engine.apply_promo(bid, "NOPE")  # refused
    assert engine.history(bid)["total"] == 1


def test_each_version_can_be_shown_as_it_was(engine, ref):
    bid = ref.basket("alice-main")
    before = wire(engine.get_basket(bid))
    engine.set_qty(bid, ref.product("POLO-NAVY-L"), 5)
    old = wire(engine.basket_version(bid, before["version"]))
    assert figures(old) == figures(before)
    with pytest.raises(NotFound) as err:
        engine.basket_version(bid, 999)
    assert "999" in err.value.message


@pytest.mark.parametrize("change", ["qty", "remove", "promo", "shipping", "store", "user", "po",
                                    "engrave", "custom_info", "merge"])
def test_restore_undoes_every_kind_of_change(engine, ref, change):
    bid = ref.basket("alice-main")
    before = wire(engine.get_basket(bid))
    polo, wallet = ref.product("POLO-NAVY-L"), ref.product("WALLET-BRN")
    if change == "qty":
        engine.set_qty(bid, polo, 7)
    elif change == "remove":
        engine.remove_item(bid, polo)
    elif change == "promo":
        engine.remove_promo(bid, "SAVE10")
    elif change == "shipping":
        engine.set_shipping_method(bid, "NEXT", "GB")
    elif change == "store":
        engine.set_click_collect_store(bid, {"code": engine.list_stores()[0]["code"]})
    elif change == "user":
        engine.assign_user(bid, ref.users["bob"])
    elif change == "po":
        engine.set_po(bid, "PO-123")
    elif change == "engrave":
        engine.add_bulk(bid, [{"productId": wallet, "qty": 1},
                              {"productId": ref.product("ENGRAVE-TEXT"), "qty": 1,
                               "parentProductId": wallet, "customInfo1": "J.D."}])
    elif change == "custom_info":
        engine.set_custom_info(bid, {"customInfo1": "gift", "lineInfo": [
            {"productId": polo, "customInfo1": "size swap"}]})
    elif change == "merge":
        engine.merge(bid, ref.basket("carol-guest"))
    assert figures(wire(engine.get_basket(bid))) != figures(before)
    restored = wire(engine.restore(bid, before["version"]))
    assert figures(restored) == figures(before)
    assert restored["version"] > before["version"] + 1  # a new version: history kept
    assert engine.history(bid)["rows"][0]["op"] == "restore"


def test_a_deleted_basket_keeps_its_history_and_can_be_restored(engine, ref):
    bid = ref.basket("carol-guest")
    before = wire(engine.get_basket(bid))
    assert engine.delete_basket(bid) is True
    rows = engine.history(bid)["rows"]
    assert rows[0]["deleted"] is True and rows[0]["op"] == "delete_basket"
    with pytest.raises(EngineError):
        engine.restore(bid, rows[0]["version"])  # the deletion itself
    restored = wire(engine.restore(bid, before["version"]))
    assert figures(restored) == figures(before) and restored["isNew"] is False
    assert restored["version"] == rows[0]["version"] + 1


def test_a_merged_source_records_where_it_went(engine, ref):
    source = ref.basket("carol-guest")
    engine.merge(ref.basket("carol-account"), source)
    newest = engine.history(source)["rows"][0]
    assert newest["deleted"] and newest["op"] == "merged"
    assert newest["args"]["into"] == ref.basket("carol-account")


def test_retention_keeps_the_newest_versions_and_drops_old_ones(tmp_path, ref):
    clock = FixedClock()
    engine = BasketEngine(tmp_path / "r.db", clock=clock,
                          retention=Retention(keep_versions=3, keep_days=7))
    demo.seed_catalogue(engine)
    mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
    bid = new_id()
    for _ in range(PRUNE_EVERY):  # retention is applied every PRUNE_EVERY versions
        engine.add_item(bid, {"productId": mug, "qty": 1})
    assert [r["version"] for r in engine.history(bid)["rows"]] == \
        [PRUNE_EVERY, PRUNE_EVERY - 1, PRUNE_EVERY - 2]
    other = new_id()
    for _ in range(PRUNE_EVERY - 1):
        engine.add_item(other, {"productId": mug, "qty": 1})
    clock.at += timedelta(days=8)
    engine.add_item(other, {"productId": mug, "qty": 1})  # the others are now 8 days old
    assert [r["version"] for r in engine.history(other)["rows"]] == [PRUNE_EVERY]
    with pytest.raises(ValueError):
        Retention(keep_versions=0)
    engine.close()


def test_history_is_written_in_the_same_transaction(engine, ref):
    """A dry run (merge preview) rolls back the change and its version together."""
    target = ref.basket("alice-main")
    version = wire(engine.get_basket(target))["version"]
    engine.merge(target, ref.basket("carol-guest"), dry_run=True)
    assert engine.history(target)["rows"][0]["version"] == version
    assert engine.history(ref.basket("carol-guest"))["rows"][0]["deleted"] is False


def test_the_first_version_says_the_basket_was_created(engine, ref):
    bid = new_id()
    engine.add_item(bid, {"productId": "00000000-0000-0000-0000-000000000000", "qty": 0})
    assert engine.history(bid)["rows"][0]["summary"] == "created (GBP)"


@pytest.mark.parametrize("change", ["add", "apply_code", "instruction", "campaign",
                                    "basket_info", "display_order", "delivery_plan"])
def test_restore_brings_back_fields_and_order(engine, ref, change):
    """What `figures` leaves out: added lines, a code applied, delivery instruction, campaign,
    the basket's own custom info, the order of the lines, delivery plans."""
    bid = ref.basket("alice-main")
    keys = ("deliveryInstruction", "campaignCode", "customInfo1", "deliveryPlans")

    def state(basket: dict) -> tuple:
        order = [ln["stockCode"] for ln in sorted(basket["lineItems"],
                                                  key=lambda ln: ln["displayOrder"])]
        return figures(basket), order, tuple(str(basket.get(k)) for k in keys)

    engine.remove_promo(bid, "SAVE10")
    before = wire(engine.get_basket(bid))
    if change == "add":
        engine.add_item(bid, {"productId": ref.product("CANDLE-FIG"), "qty": 2})
    elif change == "apply_code":
        engine.apply_promo(bid, "SAVE10")
    elif change == "instruction":
        engine.set_delivery_instruction(bid, "Leave with the neighbour")
    elif change == "campaign":
        engine.set_campaign(bid, "SPRING")
    elif change == "basket_info":
        engine.set_custom_info(bid, {"customInfo1": "call first"})
    elif change == "display_order":
        lines = sorted(before["lineItems"], key=lambda ln: ln["displayOrder"])
        engine.set_display_order(bid, [{"id": ln["id"], "displayOrder": n}
                                       for n, ln in enumerate(reversed(lines), 1)])
    elif change == "delivery_plan":
        engine.set_delivery_plans(bid, [{"recordId": new_id(), "deliveryType": 1,
                                         "fulfilmentChannel": 2, "shippingCharge": 0,
                                         "leadTime": 2, "deliveryCenter": {
                                             "code": "LDN1", "name": "London"}}])
    assert state(wire(engine.get_basket(bid))) != state(before)
    restored = wire(engine.restore(bid, before["version"]))
    assert state(restored) == state(before)


def test_a_basket_made_again_under_a_deleted_ones_id_starts_its_own_history(engine, ref):
    """Before, its versions overwrote the deleted basket's one by one: the history showed
    the new basket's first versions followed by the old one's later ones."""
    bid = new_id()
    mug = ref.product("MUG-WHITE")
    for _ in range(4):
        engine.add_item(bid, {"productId": mug, "qty": 1})
    engine.delete_basket(bid)
    engine.add_item(bid, {"productId": ref.product("CANDLE-FIG"), "qty": 1})
    rows = engine.history(bid)["rows"]
    assert [(r["version"], r["op"]) for r in rows] == [(1, "add_item")]
    assert rows[0]["summary"].startswith("created (GBP)")
    assert [ln["stockCode"] for ln in wire(engine.basket_version(bid, 1))["lineItems"]] == \
        ["CANDLE-FIG"]


def test_retention_finds_a_version_older_than_the_ones_before_it(tmp_path, ref):
    """Retention looks at the oldest version's time every PRUNE_EVERY versions and at every
    version's at a deletion: a version written with a clock set back (the demo backdates
    some) goes then, though the versions before it are new."""
    clock = FixedClock()
    engine = BasketEngine(tmp_path / "r.db", clock=clock,
                          retention=Retention(keep_versions=1000, keep_days=7))
    demo.seed_catalogue(engine)
    mug = engine.catalogue().product_by_code("MUG-WHITE").product_id
    bid = new_id()
    engine.add_item(bid, {"productId": mug, "qty": 1})
    clock.at -= timedelta(days=30)
    engine.add_item(bid, {"productId": mug, "qty": 1})  # version 2, a month "old"
    clock.at += timedelta(days=30)
    for _ in range(history.PRUNE_EVERY - 2):
        engine.add_item(bid, {"productId": mug, "qty": 1})
    versions = [r["version"] for r in engine.history(bid, limit=1000)["rows"]]
    assert 2 in versions and len(versions) == history.PRUNE_EVERY  # the oldest is new
    engine.delete_basket(bid)
    versions = [r["version"] for r in engine.history(bid, limit=1000)["rows"]]
    assert 2 not in versions and len(versions) == history.PRUNE_EVERY
    engine.close()

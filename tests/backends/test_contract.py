"""One contract, three backends: the same test bodies run against LocalBackend, HttpBackend on
the sandbox without auth, and HttpBackend on the sandbox with client-credentials auth. Every
operation must give the same basket (exact totals, lines, promotions, shipping) on each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from basketbench.backends import BackendError
from basketbench.model.basket import Basket
from basketbench.model.product import Product
from basketbench.model.requests import (
    CustomInfo,
    CustomTexts,
    DeliveryCenterRef,
    DeliveryPlanInput,
    DisplayOrder,
    ItemInput,
    LineInfo,
    NominatedDay,
    PlanItem,
    StoreChoice,
    SubscriptionSettings,
)
from basketbench.model.results import BasketShort, PromoResult, RecordResult

from .conftest import METHODS, PRODUCTS, STORES, ZERO, new_id

POLO, LINEN, MUG = PRODUCTS["POLO-NAVY-L"], PRODUCTS["LINEN-WHT-M"], PRODUCTS["MUG-WHITE"]
WALLET, ENGRAVE = PRODUCTS["WALLET-BRN"], PRODUCTS["ENGRAVE-TEXT"]


def raw(price) -> tuple[Decimal, Decimal, Decimal]:
    return price.with_tax, price.without_tax, price.tax


def lines(basket: Basket) -> list[tuple[str, int]]:
    return [(ln.stock_code, ln.qty) for ln in basket.line_items or []]


async def basket_with(backend, *items: tuple[str, int]) -> str:
    bid = new_id()
    for product, qty in items:
        await backend.add_item(bid, ItemInput(product_id=product, qty=qty))
    return bid


# -- 02 get, 11 add, 12 add-bulk ------------------------------------------------------------

async def test_unknown_basket_is_new_and_empty(backend):
    bid = new_id()
    basket = await backend.get_basket(bid)
    assert isinstance(basket, Basket)
    assert basket.id == bid and basket.is_new is True
    assert basket.line_items == ()
    assert raw(basket.grand_total) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


async def test_add_item_prices_the_line_exactly(backend):
    bid = new_id()
    basket = await backend.add_item(bid, ItemInput(product_id=POLO, qty=2))
    assert basket.is_new is False
    assert lines(basket) == [("POLO-NAVY-L", 2)]
    line = basket.line_items[0]
    assert raw(line.price) == (Decimal("24.00"), Decimal("20.00"), Decimal("4.00"))
    assert raw(line.sub_total) == (Decimal("48.00"), Decimal("40.00"), Decimal("8.00"))
    assert raw(basket.grand_total) == (Decimal("48.00"), Decimal("40.00"), Decimal("8.00"))
    assert basket.grand_total.formatted.with_tax == "£48.00"
    again = await backend.get_basket(bid)
    assert lines(again) == [("POLO-NAVY-L", 2)] and again.version == basket.version


async def test_add_item_by_stock_code_and_negative_delta(backend):
    bid = new_id()
    await backend.add_item(bid, ItemInput(stock_code="MUG-WHITE", qty=3))
    basket = await backend.add_item(bid, ItemInput(stock_code="MUG-WHITE", qty=-1))
    assert lines(basket) == [("MUG-WHITE", 2)]
    basket = await backend.add_item(bid, ItemInput(product_id=MUG, qty=-2))
    assert lines(basket) == []


async def test_add_bulk_with_a_child_line(backend):
    bid = new_id()
    basket = await backend.add_bulk(bid, [
        ItemInput(product_id=WALLET, qty=1),
        ItemInput(product_id=ENGRAVE, qty=1, parent_product_id=WALLET,
                  texts=CustomTexts("A.B.")),
    ])
    assert lines(basket) == [("WALLET-BRN", 1), ("ENGRAVE-TEXT", 1)]
    child = basket.line_items[1]
    assert child.parent_product_id == WALLET and child.custom_info1 == "A.B."
    assert basket.grand_total.with_tax == Decimal("53.49")


async def test_add_bulk_is_atomic_and_names_the_element(backend):
    bid = await basket_with(backend, (POLO, 1))
    with pytest.raises(BackendError) as err:
        await backend.add_bulk(bid, [ItemInput(product_id=LINEN, qty=1),
                                     ItemInput(product_id=new_id(), qty=1)])
    assert err.value.status == 404 and err.value.code == "NOT_FOUND"
    assert "[1]" in " ".join([err.value.message, *err.value.field_errors])
    assert lines(await backend.get_basket(bid)) == [("POLO-NAVY-L", 1)]


# -- 15 qty, 14 remove, 13 display order ----------------------------------------------------

async def test_set_qty_and_remove(backend):
    bid = await basket_with(backend, (POLO, 1), (MUG, 1))
    basket = await backend.set_qty(bid, MUG, 5)
    assert lines(basket) == [("POLO-NAVY-L", 1), ("MUG-WHITE", 5)]
    assert basket.sub_total.with_tax == Decimal("40.65")
    basket = await backend.remove_item(bid, POLO)
    assert lines(basket) == [("MUG-WHITE", 5)]
    basket = await backend.remove_item(bid, POLO)  # idempotent
    assert lines(basket) == [("MUG-WHITE", 5)]
    basket = await backend.set_qty(bid, MUG, 0)
    assert lines(basket) == []


async def test_set_qty_of_a_product_not_in_the_basket_is_404(backend):
    bid = await basket_with(backend, (POLO, 1))
    with pytest.raises(BackendError) as err:
        await backend.set_qty(bid, LINEN, 2)
    assert (err.value.status, err.value.code) == (404, "NOT_FOUND")
    assert err.value.field_errors and err.value.field_errors[0].startswith("productId")


async def test_display_order(backend):
    bid = await basket_with(backend, (POLO, 1), (LINEN, 1), (MUG, 1))
    assert await backend.set_display_order(bid, [DisplayOrder(MUG, 0),
                                                 DisplayOrder(POLO, 5)]) is True
    assert [s for s, _ in lines(await backend.get_basket(bid))] == [
        "MUG-WHITE", "LINEN-WHT-M", "POLO-NAVY-L"]


# -- limits and validation ------------------------------------------------------------------

async def test_out_of_stock_and_quantity_limit_change_nothing(backend):
    bid = await basket_with(backend, (POLO, 1))
    with pytest.raises(BackendError) as err:
        await backend.add_item(bid, ItemInput(product_id=PRODUCTS["CARSEAT-G1"], qty=4))
    assert (err.value.status, err.value.code) == (422, "OUT_OF_STOCK")
    assert "3" in err.value.message
    with pytest.raises(BackendError) as err:
        await backend.set_qty(bid, POLO, 1000)
    assert (err.value.status, err.value.code) == (422, "QUANTITY_LIMIT")
    assert lines(await backend.get_basket(bid)) == [("POLO-NAVY-L", 1)]


async def test_malformed_basket_id_is_a_validation_error(backend):
    with pytest.raises(BackendError) as err:
        await backend.add_item("not-a-guid", ItemInput(product_id=POLO, qty=1))
    assert (err.value.status, err.value.code) == (400, "VALIDATION")
    assert "not-a-guid" in err.value.message


# -- 16-18 promotions -----------------------------------------------------------------------

async def test_validate_apply_remove_promo(backend):
    bid = await basket_with(backend, (POLO, 2), (MUG, 3))  # 48.00 + 9.99 = 57.99
    check = await backend.validate_promo(bid, "nope")
    assert check.valid is False and "not found" in check.message.lower()
    check = await backend.validate_promo(bid, "save10")
    assert check.valid is True
    assert (await backend.get_basket(bid)).promotions_applied == ()  # validate never mutates

    result = await backend.apply_promo(bid, "SAVE10")
    assert isinstance(result, PromoResult) and result.is_vaild is True
    assert result.basket.discount.with_tax == Decimal("5.80")
    assert result.basket.grand_total.with_tax == Decimal("52.19")
    assert [p.promo_code for p in result.basket.promotions_applied] == ["SAVE10"]

    refused = await backend.apply_promo(bid, "XMAS2020")
    assert refused.is_vaild is False and "expired" in refused.message.lower()
    assert refused.basket.grand_total.with_tax == Decimal("52.19")

    removed = await backend.remove_promo(bid, "SAVE10")
    assert removed.is_vaild is True
    assert removed.basket.grand_total.with_tax == Decimal("57.99")
    again = await backend.remove_promo(bid, "SAVE10")
    assert again.is_vaild is False


async def test_promo_code_with_a_space_is_sent_safely(backend):
    bid = await basket_with(backend, (POLO, 1))
    check = await backend.validate_promo(bid, "NO SUCH CODE?")
    assert check.valid is False


# -- 19-23 delivery -------------------------------------------------------------------------

async def test_shipping_method(backend):
    bid = await basket_with(backend, (POLO, 1))
    basket = await backend.set_shipping_method(bid, METHODS["NEXT"], "GB")
    assert basket.shipping_method_id.lower() == METHODS["NEXT"]
    assert basket.shipping_charge.with_tax == Decimal("7.99")
    assert basket.grand_total.with_tax == Decimal("31.99")
    basket = await backend.set_shipping_method(bid, "STD", "UK")  # code and UK both accepted
    assert basket.shipping_charge.with_tax == Decimal("3.99")
    with pytest.raises(BackendError) as err:
        await backend.set_shipping_method(bid, "INTL-US", "GB")
    assert (err.value.status, err.value.code) == (400, "VALIDATION")
    assert "shippingMethodId" in err.value.field_errors[0]


async def test_nominated_delivery(backend):
    bid = await basket_with(backend, (POLO, 1))
    basket = await backend.set_shipping_method(bid, "NOM", "GB", NominatedDay(
        day_text="Friday", day_no=5, cut_off_time=14, carrier_code="DPD",
        delivery_date=(datetime.now(UTC) + timedelta(days=3)).strftime(
            "%Y-%m-%dT00:00:00Z"),
        price=Decimal("12.5")))
    assert basket.shipping_charge.with_tax == Decimal("12.50")


async def test_delivery_plans_instruction_and_store(backend):
    bid = await basket_with(backend, (POLO, 1))
    plan = DeliveryPlanInput(
        record_id=ZERO, delivery_type=1, fulfilment_channel=1, shipping_type=1,
        shipping_method_id=METHODS["STD"], shipping_charge=Decimal("3.99"), ref_store_id="",
        delivery_center=DeliveryCenterRef(record_id=ZERO, code="DC1", name="Main DC"),
        lead_time=2, lead_time_uom=1, pool_code="P1",
        items=(PlanItem(product_id=POLO, stock_code="POLO-NAVY-L", qty=1),))
    record = await backend.set_delivery_plans(bid, [plan])
    assert isinstance(record, RecordResult) and record.is_valid is True
    record = await backend.set_line_delivery_plan(bid, replace(plan, pool_code="P2"))
    assert record.is_valid is True and record.record_id != ZERO
    basket = await backend.get_basket(bid)
    assert [p.cost for p in basket.delivery_plans] == [Decimal("3.99"), Decimal("3.99")]

    record = await backend.set_delivery_instruction(bid, "Leave with the neighbour, no. 4")
    assert record.is_valid is True
    assert (await backend.get_basket(bid)).delivery_instruction == \
        "Leave with the neighbour, no. 4"

    store = STORES["LDN1"]
    record = await backend.set_click_collect_store(bid, StoreChoice(
        id=store["id"], name=store["name"], enable_click_collect=True))
    assert record.is_valid is True
    basket = await backend.get_basket(bid)
    assert basket.shipping_address.company_name == store["name"]
    assert {p.pickup_store_code for p in basket.delivery_plans} == {"LDN1"}


# -- 03, 04, 05, 09, 10 basket fields -------------------------------------------------------

async def test_po_user_custom_info_subscription_campaign(backend):
    bid = await basket_with(backend, (POLO, 1))
    record = await backend.set_po(bid, "PO-42 / a&b")
    assert record.is_valid is True and record.record_id == bid
    assert (await backend.get_basket(bid)).po_number == "PO-42 / a&b"
    await backend.set_po(bid, None)
    assert (await backend.get_basket(bid)).po_number in (None, "")

    user = new_id()
    basket = await backend.assign_user(bid, user)
    assert basket.user_id == user
    mine = await backend.list_user_baskets(user)
    assert [b.id for b in mine] == [bid] and isinstance(mine[0], BasketShort)
    assert mine[0].grand_total.with_tax == Decimal("24.00")

    basket = await backend.set_custom_info(bid, CustomInfo(
        texts=CustomTexts("gift"),
        lines=(LineInfo(product_id=POLO, texts=CustomTexts(None, "<b>x</b>")),)))
    assert basket.custom_info1 == "gift"
    assert basket.line_items[0].custom_info2 == "<b>x</b>"

    plan = "1a2e9e33-a675-4e23-8dc9-e6c24491b04d"
    basket = await backend.set_subscription(bid, POLO, SubscriptionSettings(
        subscription_plan_id=plan, subscription_term_id="83209399-0fa2-45ed-bb55-152d4b978897",
        user_pricing_type=1, subscription_json="{}", authorization_amount=Decimal(0)))
    assert basket.line_items[0].is_subscription is True and basket.has_subscription is True
    assert basket.line_items[0].subscription_user_settings.subscription_plan_id == plan

    basket = await backend.set_campaign(bid, "SPRING 26")
    assert basket.campaign_code == "SPRING 26"


async def test_related_products(backend):
    bid = await basket_with(backend, (POLO, 1))
    related = await backend.related_products(bid)
    assert all(isinstance(p, Product) for p in related)
    assert {p.stock_code for p in related} == {"LINEN-WHT-M", "BS0010-DODGER-BLUE-M"}


# -- 08 merge, 06 delete, lock --------------------------------------------------------------

async def test_merge_sum_and_preview_and_max(backend):
    target = await basket_with(backend, (POLO, 1), (MUG, 2))
    source = await basket_with(backend, (MUG, 3), (LINEN, 1))
    preview = await backend.merge(target, source, dry_run=True)
    assert lines(preview) == [("POLO-NAVY-L", 1), ("MUG-WHITE", 5), ("LINEN-WHT-M", 1)]
    assert (await backend.get_basket(source)).is_new is False  # preview kept the source
    maxed = await backend.merge(target, source, strategy="max", dry_run=True)
    assert lines(maxed) == [("POLO-NAVY-L", 1), ("MUG-WHITE", 3), ("LINEN-WHT-M", 1)]

    merged = await backend.merge(target, source)
    assert lines(merged) == lines(preview)
    assert merged.grand_total.with_tax == preview.grand_total.with_tax
    assert (await backend.get_basket(source)).is_new is True  # the source is gone
    with pytest.raises(BackendError) as err:
        await backend.merge(target, target)
    assert (err.value.status, err.value.code) == (400, "VALIDATION")
    with pytest.raises(BackendError) as err:
        await backend.merge(target, new_id())
    assert (err.value.status, err.value.code) == (404, "NOT_FOUND")


async def test_delete(backend):
    bid = await basket_with(backend, (POLO, 1))
    assert await backend.delete_basket(bid) is True
    assert await backend.delete_basket(bid) is False
    assert (await backend.get_basket(bid)).is_new is True


async def test_lock_refuses_mutations_but_not_reads(backend):
    assert backend.capabilities.lock
    bid = await basket_with(backend, (POLO, 1))
    basket = await backend.set_locked(bid, True)
    assert basket.is_locked is True
    with pytest.raises(BackendError) as err:
        await backend.add_item(bid, ItemInput(product_id=POLO, qty=1))
    assert (err.value.status, err.value.code) == (423, "BASKET_LOCKED")
    assert (await backend.get_basket(bid)).line_items[0].qty == 1
    check = await backend.validate_promo(bid, "SAVE10")
    assert check.valid is False and "locked" in check.message.lower()
    assert (await backend.set_locked(bid, False)).is_locked is False
    assert lines(await backend.add_item(bid, ItemInput(product_id=POLO, qty=1))) == [
        ("POLO-NAVY-L", 2)]


# -- listings -------------------------------------------------------------------------------

async def test_listings(backend):
    bid = await basket_with(backend, (LINEN, 2))
    page = await backend.list_baskets(query=bid[:13])
    assert [r.id for r in page.rows] == [bid] and page.total == 1
    row = page.rows[0]
    assert (row.line_count, row.grand_total, row.grand_total_formatted) == (
        1, Decimal("118.00"), "£118.00")

    products = await backend.search_products("polo")
    assert [p.stock_code for p in products] == ["POLO-NAVY-L"]
    promos = {p["code"]: p for p in await backend.list_promotions() if p.get("code")}
    assert {"SAVE10", "XMAS2020", "FREESHIP"} <= set(promos)
    methods = await backend.list_shipping_methods("GB")
    assert {m["shippingCode"] for m in methods} == {"STD", "NEXT", "NOM", "CNC"}
    assert {s["code"] for s in await backend.list_stores()} >= {"LDN1", "MAN1", "EDI1"}
    users = await backend.list_users()
    assert any(u.get("email") == "alice@example.com" for u in users)


async def test_demo_basket_reads_the_same(backend):
    from basketbench.engine import demo

    basket = await backend.get_basket(demo.basket_id("bob-big"))
    assert len(basket.line_items) == 210
    assert basket.is_locked is False


# -- read-only ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["local", "http"])
async def test_read_only_refuses_mutations_before_any_request(kind, request):
    from .conftest import make_backend

    backend = make_backend(kind, request, read_only=True)
    try:
        bid = new_id()
        for call in (lambda: backend.add_item(bid, ItemInput(product_id=POLO, qty=1)),
                     lambda: backend.delete_basket(bid), lambda: backend.set_locked(bid, True),
                     lambda: backend.merge(bid, new_id()),
                     lambda: backend.apply_promo(bid, "SAVE10")):
            with pytest.raises(BackendError) as err:
                await call()
            assert (err.value.status, err.value.code) == (403, "READ_ONLY")
        assert len(backend.log.calls) == 0  # nothing was sent
        assert (await backend.get_basket(bid)).is_new is True  # reads still work
    finally:
        await backend.close()

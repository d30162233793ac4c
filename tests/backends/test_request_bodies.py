"""The typed requests of the backend seam (model/requests.py) and the two ways they are
written: as the engine's input (backends/engine_inputs.py, LocalBackend) and as the endpoint's
wire body (wire/inputs.py request models, HttpBackend). Each sample below is a request the
workbench, the CLI or a flow makes, with the body it was sent as before the seam was typed."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from basketbench import jsonio
from basketbench.backends import engine_inputs
from basketbench.backends.http import add_body, store_body
from basketbench.model.ids import ZERO_GUID
from basketbench.model.requests import (
    COLLECT_OFF,
    CustomInfo,
    CustomTexts,
    DeliveryCenterRef,
    DeliveryPlanInput,
    DisplayOrder,
    GiftNote,
    ItemInput,
    LineInfo,
    NominatedDay,
    PlanItem,
    StoreChoice,
    SubscriptionSettings,
)
from basketbench.wire import dump_wire
from basketbench.wire import inputs as bodies

WALLET = "4b0d4c3e-6e4e-5a55-8a3e-0f3a7c1e9b11"
ENGRAVE = "9c1f2a7d-3b4e-5f60-8a9b-0c1d2e3f4a5b"
BASKET = "5a3c2bd0-0000-4000-8000-000000000001"

# (Backend parameter, typed request, the body sent before the seam was typed)
SAMPLES = [
    # `+` on an engraving: the child line named by its parent and all its texts
    ("item", ItemInput(product_id=ENGRAVE, qty=1, parent_product_id=WALLET,
                       texts=CustomTexts("A.B.", None, "gold")),
     {"productId": ENGRAVE, "qty": 1, "parentProductId": WALLET, "customInfo1": "A.B.",
      "customInfo3": "gold"}),
    # `basketbench basket add POLO-NAVY-L 2` through a catalogue
    ("item", ItemInput(product_id=WALLET, stock_code="WALLET-BRN", qty=2),
     {"productId": WALLET, "stockCode": "WALLET-BRN", "qty": 2}),
    ("items", (ItemInput(stock_code="MUG-WHITE", qty=3),
               ItemInput(product_id=ENGRAVE, qty=1, parent_product_id=WALLET,
                         texts=CustomTexts("For Sam"))),
     [{"stockCode": "MUG-WHITE", "qty": 3},
      {"productId": ENGRAVE, "qty": 1, "parentProductId": WALLET, "customInfo1": "For Sam"}]),
    # the workbench's custom info of one line: the basket's texts sent unchanged
    ("info", CustomInfo(texts=CustomTexts("gift", "", "", "", ""), lines=(LineInfo(
        line_id="12", product_id=WALLET, parent_product_id=ZERO_GUID,
        texts=CustomTexts("a", "", "", "", "e"), additional_charge=Decimal("2.50")),)),
     {"customInfo1": "gift", "customInfo2": "", "customInfo3": "", "customInfo4": "",
      "customInfo5": "", "lineInfo": [{"productId": WALLET, "parentProductId": ZERO_GUID,
                                       "lineId": "12", "customInfo1": "a", "customInfo2": "",
                                       "customInfo3": "", "customInfo4": "",
                                       "customInfo5": "e", "additionalCharge": Decimal("2.50")}]}),
    ("info", CustomInfo(texts=CustomTexts(custom_info3="three")), {"customInfo3": "three"}),
    ("info", CustomInfo(note=GiftNote("Happy birthday", "https://example.com/card.png")),
     {"customInfo1": {"message": "Happy birthday",
                      "imageUrl": "https://example.com/card.png"}}),
    ("settings", SubscriptionSettings(subscription_plan_id=WALLET, user_pricing_type=1,
                                      subscription_json="{}", authorization_amount=Decimal(0)),
     {"subscriptionPlanId": WALLET, "userPricingType": 1, "subscriptionJson": "{}",
      "authorizationAmount": Decimal(0)}),
    ("entries", (DisplayOrder("12", 2), DisplayOrder(WALLET, 1)),
     [{"id": "12", "displayOrder": 2}, {"id": WALLET, "displayOrder": 1}]),
    # the shipping dialog's nominated day, and a flow's with a price and a carrier
    ("nominated", NominatedDay(delivery_date="2026-11-28T00:00:00.000Z", day_text="Saturday",
                               day_no=6),
     {"deliveryDate": "2026-11-28T00:00:00.000Z", "dayText": "Saturday", "dayNo": 6}),
    ("nominated", NominatedDay(delivery_date="2026-11-28", carrier_code="DPD",
                               price=Decimal("12.50")),
     {"deliveryDate": "2026-11-28", "carrierCode": "DPD",
      "price": {"raw": {"withTax": Decimal("12.50")}}}),
    ("plans", (DeliveryPlanInput(
        record_id=ZERO_GUID, delivery_type=1, shipping_charge=Decimal("3.99"), ref_store_id="",
        delivery_center=DeliveryCenterRef(record_id=ZERO_GUID, code="DC1", name="Main DC"),
        pool_code="P1", items=(PlanItem(product_id=WALLET, stock_code="WALLET-BRN", qty=1),)),),
     [{"recordId": ZERO_GUID, "deliveryType": 1, "shippingCharge": Decimal("3.99"),
       "refStoreId": "", "deliveryCenter": {"recordId": ZERO_GUID, "code": "DC1",
                                            "name": "Main DC"},
       "poolCode": "P1", "items": [{"productId": WALLET, "stockCode": "WALLET-BRN", "qty": 1}]}]),
    ("plan", DeliveryPlanInput(delivery_center=DeliveryCenterRef(code="DC1")),
     {"deliveryCenter": {"code": "DC1"}}),
    ("store", StoreChoice(id="LDN1"), {"id": "LDN1"}),
    ("store", COLLECT_OFF, {"enableClickCollect": False}),
]
IDS = [f"{p}-{i}" for i, (p, _, _) in enumerate(SAMPLES)]


@pytest.mark.parametrize("parameter,request_,body", SAMPLES, ids=IDS)
def test_the_engine_gets_the_body_it_got_before(parameter, request_, body):
    assert engine_inputs.body(request_) == body


@pytest.mark.parametrize("parameter,request_,body", SAMPLES, ids=IDS)
def test_the_wire_model_writes_the_same_body(parameter, request_, body):
    model, many = bodies.BODY_OF_PARAMETER[parameter]
    written = model.from_requests(request_) if many else model.from_request(request_)
    assert dump_wire(written) == body
    # and as JSON text, exactly (Decimals as numbers, nothing else added)
    assert jsonio.loads(jsonio.dumps(dump_wire(written))) == jsonio.loads(jsonio.dumps(body))


@pytest.mark.parametrize("parameter,request_,body", SAMPLES, ids=IDS)
def test_a_body_reads_back_as_its_request(parameter, request_, body):
    """What the CLI and the history exporter do with a JSON body (wire.inputs.request_of)."""
    read = bodies.request_of(parameter, body)
    assert read == (list(request_) if isinstance(request_, tuple) and parameter in (
        "items", "entries", "plans") else request_)


def test_the_storefront_add_body_keeps_its_key_order():
    sent = add_body(BASKET, ItemInput(product_id=WALLET, qty=2, stock_code="WALLET-BRN",
                                      texts=CustomTexts("gift")))
    assert list(sent.items()) == [("basketId", BASKET), ("productId", WALLET), ("qty", 2),
                                  ("stockCode", "WALLET-BRN"), ("isMembership", False),
                                  ("customInfo1", "gift")]


def test_a_store_is_sent_with_its_reference_and_delivery_option():
    body = dump_wire(bodies.ClickCollectStore.from_request(
        store_body(StoreChoice(id="s1", code="LDN1", name="Covent Garden"))))
    assert body == {"id": "s1", "code": "LDN1", "externalRefId": "LDN1",
                    "name": "Covent Garden", "deliveryOption": "orderIntoStore"}


def test_both_names_of_the_item_type_read_as_one():
    item = bodies.request_of("item", {"productId": WALLET, "qty": 1, "itemType": 0,
                                      "lineItemType": 2, "userSubscriptionPricing": 1})
    assert (item.item_type, item.user_pricing_type) == (2, 1)


def test_keys_bind_case_insensitively_as_the_server_binds_them():
    item = bodies.request_of("item", {"ProductId": WALLET, "QTY": 4, "customINFO2": "x"})
    assert item == ItemInput(product_id=WALLET, qty=4, texts=CustomTexts(None, "x"))


def test_a_field_the_endpoint_lacks_is_refused_not_dropped():
    with pytest.raises(ValueError, match=r"BulkLine has no field for ItemInput\.is_membership"):
        bodies.BulkLine.from_request(ItemInput(product_id=WALLET, is_membership=True))


def test_a_line_as_the_request_that_changes_it():
    child = SimpleNamespace(product_id=ENGRAVE, parent_product_id=WALLET, custom_info1="A.B.",
                            custom_info2="", custom_info3=None, custom_info4=None,
                            custom_info5="gold")
    assert ItemInput.for_line(child, -1) == ItemInput(
        product_id=ENGRAVE, qty=-1, parent_product_id=WALLET,
        texts=CustomTexts("A.B.", None, None, None, "gold"))
    top = SimpleNamespace(product_id=WALLET, parent_product_id=ZERO_GUID, custom_info1="note",
                          custom_info2=None, custom_info3=None, custom_info4=None,
                          custom_info5=None)
    assert ItemInput.for_line(top, 2) == ItemInput(product_id=WALLET, qty=2)
    assert ItemInput.for_line(top, 2, top_texts=True) == ItemInput(
        product_id=WALLET, qty=2, texts=CustomTexts("note"))

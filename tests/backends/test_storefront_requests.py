"""HttpBackend sends what the storefront sends (spec/storefront.md, issue 12): a recording
server (tests/backends/fault_server.py, mode "record") checks the exact request of every
operation (method, path, query, headers, body and content type), the token request goes to the
auth host, and a refused promo code is read as a refusal with its reason."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from basketbench.backends.headers import SESSION_HEADERS, ZERO_GUID
from basketbench.backends.http import HttpBackend
from basketbench.model.requests import (
    CustomInfo,
    DeliveryCenterRef,
    DeliveryPlanInput,
    DisplayOrder,
    GiftNote,
    ItemInput,
    StoreChoice,
    SubscriptionSettings,
)

from .fault_server import BASKET_ID, FaultServer

B = f"/api/v2/commerce/basket/{BASKET_ID}"
PRODUCT = "c999d6f4-4bf1-5807-89fc-b546ac07bdda"
SOURCE = "5a3c2bd0-0000-4000-8000-000000000002"
USER = "44e89017-9e42-5967-bb54-b7307332190b"
METHOD = "2b5a4ab6-91c4-5d3b-8bc1-1bf1f4d18d6e"
# The store object in the order of its documented fields (wire/inputs.py ClickCollectStore).
STORE = {"id": "15524d41-949d-5b66-a9a5-db2d8877ad68", "externalRefId": "LDN1",
         "name": "London Covent Garden", "address1": "12 Long Acre", "postCode": "WC2E 9LH",
         "shippingPlanId": ZERO_GUID, "leadTimeMin": 1, "leadTimeMax": 2}
STORE_CHOICE = StoreChoice(id=STORE["id"], name=STORE["name"], external_ref_id="LDN1",
                           address1=STORE["address1"], post_code=STORE["postCode"],
                           lead_time_min=1, lead_time_max=2, shipping_plan_id=ZERO_GUID)
STOREFRONT_HEADERS = {"Currency": "GBP", "Language": "en-GB", "Country": "GB",
                      **SESSION_HEADERS, "CompanyId": ZERO_GUID, "MicrositeId": "",
                      "DomainId": ""}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

# (operation, args, method, path, query, body, content type); body None = no body at all.
OPERATIONS = [
    ("get_basket", (BASKET_ID,), "GET", B, {}, {"basketId": BASKET_ID}, JSON),
    ("list_user_baskets", (USER,), "GET", f"/api/v2/commerce/basket/user/{USER}/all", {},
     {"userId": USER}, JSON),
    ("related_products", (BASKET_ID,), "GET", f"{B}/related-products", {}, None, None),
    ("delete_basket", (BASKET_ID,), "DELETE", f"{B}/delete", {"basketId": BASKET_ID}, None,
     None),
    ("set_campaign", (BASKET_ID, "SUMMER"), "PUT", f"{B}/campaign",
     {"campaignCode": "SUMMER"}, None, None),
    ("set_custom_info", (BASKET_ID, CustomInfo(note=GiftNote("hi", ""))),
     "PUT", f"{B}/custom-info", {}, {"customInfo1": {"message": "hi", "imageUrl": ""}}, JSON),
    ("set_subscription", (BASKET_ID, PRODUCT, SubscriptionSettings(subscription_plan_id="p1")),
     "PUT",
     f"{B}/subscription/{PRODUCT}", {}, "subscriptionPlanId=p1", FORM),
    ("set_po", (BASKET_ID, "PO-1"), "PUT", f"{B}/po", {"poReference": "PO-1"}, None, None),
    ("assign_user", (BASKET_ID, USER), "PUT", f"{B}/user", {"userId": USER},
     {"id": BASKET_ID, "userId": USER}, JSON),
    ("merge", (BASKET_ID, SOURCE), "PUT", f"{B}/merge", {"sourceBasketId": SOURCE}, None,
     None),
    ("add_item", (BASKET_ID, ItemInput(product_id=PRODUCT, stock_code="POLO-NAVY-L", qty=2)),
     "PUT", f"{B}/items/add", {}, {"basketId": BASKET_ID, "productId": PRODUCT, "qty": 2,
                                   "stockCode": "POLO-NAVY-L", "isMembership": False}, JSON),
    ("add_bulk", (BASKET_ID, [ItemInput(product_id=PRODUCT, qty=1)]), "PUT",
     f"{B}/items/add-bulk", {}, [{"productId": PRODUCT, "qty": 1}], JSON),
    ("set_display_order", (BASKET_ID, [DisplayOrder(PRODUCT, 1)]), "PUT",
     f"{B}/items/display-order", {}, [{"id": PRODUCT, "displayOrder": 1}], JSON),
    ("remove_item", (BASKET_ID, PRODUCT), "DELETE", f"{B}/items/{PRODUCT}/remove", {}, None,
     None),
    ("set_qty", (BASKET_ID, PRODUCT, 3), "PUT", f"{B}/items/{PRODUCT}/3", {}, None, None),
    ("validate_promo", (BASKET_ID, "SAVE10"), "GET", f"{B}/promo/SAVE10/validate", {}, None,
     None),
    ("apply_promo", (BASKET_ID, "SAVE10"), "POST", f"{B}/promo/SAVE10/apply", {}, None, None),
    ("remove_promo", (BASKET_ID, "SAVE10"), "DELETE", f"{B}/promo/SAVE10/remove", {}, None,
     None),
    ("set_shipping_method", (BASKET_ID, METHOD, "GB"), "PUT", f"{B}/delivery/shipping-method",
     {"shippingMethodId": METHOD, "countryCode": "GB"}, None, None),
    ("set_delivery_plans", (BASKET_ID, [DeliveryPlanInput(
        delivery_center=DeliveryCenterRef(code="1"))]), "PUT",
     f"{B}/delivery/plan", {}, [{"deliveryCenter": {"code": "1"}}], JSON),
    ("set_line_delivery_plan", (BASKET_ID, DeliveryPlanInput(
        delivery_center=DeliveryCenterRef(code="1"))), "PUT",
     f"{B}/delivery/line-plan", {}, {"deliveryCenter": {"code": "1"}}, JSON),
    ("set_delivery_instruction", (BASKET_ID, "Leave by the door"), "PUT",
     f"{B}/delivery/instructions", {}, "fieldValue=Leave+by+the+door", FORM),
    ("set_click_collect_store", (BASKET_ID, STORE_CHOICE), "PUT",
     f"{B}/delivery/click-collect-store",
     {}, {**STORE, "deliveryOption": "orderIntoStore"}, JSON),
]
NO_DOMAIN = {"apply_promo", "remove_promo"}  # the storefront leaves DomainId off these


@pytest.fixture
def srv(server):
    server.reset()
    server.mode = "record"
    return server


@pytest.mark.parametrize("op,args,method,path,query,body,content_type", OPERATIONS,
                         ids=[o[0] for o in OPERATIONS])
async def test_each_operation_sends_the_storefront_request(srv, op, args, method, path, query,
                                                           body, content_type):
    b = HttpBackend(srv.base_url, timeout=2)
    await getattr(b, op)(*args)
    await b.close()
    assert len(srv.requests) == 1
    seen = srv.requests[0]
    url = urlsplit(seen["path"])
    assert (seen["method"], url.path) == (method, path)
    assert dict(parse_qsl(url.query, keep_blank_values=True)) == query
    if body is None:
        assert seen["body"] == ""
    elif isinstance(body, str):
        assert seen["body"] == body
    else:
        sent = json.loads(seen["body"])
        assert sent == body
        if isinstance(body, dict):
            assert list(sent) == list(body)  # the storefront's key order
    headers = seen["headers"]
    assert headers.get("Content-Type") == content_type
    assert headers["Accept"] == JSON
    expected = dict(STOREFRONT_HEADERS)
    if op in NO_DOMAIN:
        expected.pop("DomainId")
        assert "DomainId" not in headers
    assert {k: headers.get(k) for k in expected} == expected
    assert "Authorization" not in headers and "UserToken" not in headers


async def test_the_profile_sets_the_header_set_and_usertoken_stays_secret(srv):
    b = HttpBackend(srv.base_url, headers={"currency": "EUR", "COUNTRY": "IE",
                                           "user-token": "user-token-secret",
                                           "DomainId": "dom-9", "X-Extra": "1"})
    await b.get_basket(BASKET_ID)
    await b.close()
    sent = srv.requests[0]["headers"]
    assert (sent["Currency"], sent["Country"], sent["Language"]) == ("EUR", "IE", "en-GB")
    assert (sent["UserToken"], sent["DomainId"], sent["X-Extra"]) == (
        "user-token-secret", "dom-9", "1")
    logged = b.log.calls[0].request_headers  # what the inspector shows
    assert logged["UserToken"] == "***"
    assert logged["DeviceId"] == SESSION_HEADERS["DeviceId"]
    assert logged["SessionId"] == SESSION_HEADERS["SessionId"]


async def test_device_and_session_ids_are_minted_once_per_session(srv):
    first, second = HttpBackend(srv.base_url), HttpBackend(srv.base_url)
    await first.get_basket(BASKET_ID)
    await second.get_basket(BASKET_ID)
    await first.close()
    await second.close()
    ids = {(r["headers"]["DeviceId"], r["headers"]["SessionId"]) for r in srv.requests}
    assert len(ids) == 1 and "" not in ids.pop()


async def test_the_token_comes_from_the_auth_host_not_the_api_host(srv):
    with FaultServer() as auth:
        b = HttpBackend(srv.base_url, auth_url=auth.base_url, client_id="cid",
                        client_secret=auth.client_secret)
        await b.get_basket(BASKET_ID)
        await b.close()
        assert auth.token_forms == [{"client_id": "cid", "client_secret": auth.client_secret,
                                     "grant_type": "client_credentials"}]
        token = auth.requests[0]
        assert (token["method"], token["path"].lower()) == ("POST", "/oauth/token")
        assert "DomainId" not in token["headers"]  # the token request carries only its form
    assert [r["method"] for r in srv.requests] == ["GET"]
    assert srv.requests[0]["headers"]["Authorization"] == "Bearer tok-1"


async def test_a_refused_promo_is_a_refusal_with_its_reason(srv):
    srv.mode = "promo-refused"
    b = HttpBackend(srv.base_url)
    reason = "Promo code SAVE10 is only valid for baskets over £50.00"
    applied = await b.apply_promo(BASKET_ID, "SAVE10")
    assert (applied.is_vaild, applied.is_valid, applied.message) == (False, False, reason)
    removed = await b.remove_promo(BASKET_ID, "SAVE10")
    assert (removed.is_vaild, removed.message) == (False, reason)
    check = await b.validate_promo(BASKET_ID, "SAVE10")
    assert (check.valid, check.message) == (False, reason)
    await b.close()


async def test_a_promo_answer_in_pascal_case_with_one_spelling_is_read(srv):
    srv.mode = "pascal-promo"
    b = HttpBackend(srv.base_url)
    applied = await b.apply_promo(BASKET_ID, "SAVE10")
    assert (applied.is_vaild, applied.is_valid, applied.message) == (True, True, "applied")
    assert applied.basket.id == BASKET_ID
    await b.close()

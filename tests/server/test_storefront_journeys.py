"""Each journey of `storefront.md`, replayed exactly as the public BetterCommerce storefront sends
it: its header set, a client-credentials token fetched from `/oAuth/token` (lower-case t) with
a form body and no form Content-Type, `Content-Type: application/json` on every object body
(GET and DELETE included), bodiless PUTs and POSTs as an empty chunked body with no
Content-Type, its body shapes and key spellings. Each test checks every field the storefront
reads from the answer.

Some journeys rely on engine rules amended for the storefront (engine-rules §2, §6, §7: a
numeric line id as productId, add-ons before their product, qty 0 by stock code, engraving
lines keyed by their text, maxTextLength, basket.storeId, the store found by id or code,
oldest-first user lists, a merge target created in the source's currency); they are marked
`needs the amended engine` in their docstring.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import httpx
import pytest

from basketbench import jsonio

from .conftest import BASKET, METHODS, PRODUCTS, STORES, USERS, ZERO

COMMERCE = "/api/v2/commerce"
ENGRAVE = PRODUCTS["ENGRAVE-TEXT"]
WALLET = PRODUCTS["WALLET-BRN"]
POLO = PRODUCTS["POLO-NAVY-L"]
LINEN = PRODUCTS["LINEN-WHT-M"]
MUG = PRODUCTS["MUG-WHITE"]


def _empty_chunked():
    """What the storefront's fetch sends for a PUT or POST with no body."""
    yield from ()


class Storefront:
    """One shopper's browser session, calling the API as the storefront's
    `framework/bettercommerce/` code does."""

    def __init__(self, client: httpx.Client, currency: str = "GBP") -> None:
        self.client = client
        self.headers = {
            "Currency": currency, "Language": "en-GB", "Country": "GB",
            "DeviceId": str(uuid.uuid4()), "SessionId": "", "CompanyId": ZERO,
            "MicrositeId": "", "DomainId": str(uuid.uuid4()),
        }
        self.basket_id = str(uuid.uuid4())  # minted by the client, kept in a cookie
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        body = "client_id=storefront&client_secret=secret&grant_type=client_credentials"
        resp = self.client.post("/oAuth/token", content=body.encode())  # no Content-Type
        assert "content-type" not in resp.request.headers
        assert resp.status_code == 200, resp.text
        token = resp.json()["access_token"]
        assert token
        return token

    def send(self, method: str, path: str, body=None, *, domain: bool = True,
             params: dict | None = None) -> dict:
        headers = {**self.headers, "Authorization": f"Bearer {self.token}"}
        if not domain:
            headers.pop("DomainId")
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body).encode()
        elif method in ("PUT", "POST"):
            content = _empty_chunked()
        else:
            content = None
        resp = self.client.request(method, path, content=content, headers=headers,
                                   params=params)
        if body is None and method in ("PUT", "POST"):
            assert resp.request.headers.get("transfer-encoding") == "chunked"
            assert "content-type" not in resp.request.headers
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        envelope = jsonio.loads(resp.content)  # money as Decimal, as the checks compare it
        assert resp.status_code == envelope["statusCode"], resp.text
        return envelope

    # -- the storefront's operations --------------------------------------------------------

    def get_basket(self) -> dict:
        return self.send("GET", f"{BASKET}/{self.basket_id}", {"basketId": self.basket_id})

    def add(self, product_id, qty: int, stock_code: str | None = None, **extra) -> dict:
        return self.send("PUT", f"{BASKET}/{self.basket_id}/items/add", {
            "basketId": self.basket_id, "productId": product_id, "qty": qty,
            "stockCode": stock_code, "isMembership": False, **extra})

    def bulk(self, items: list) -> dict:
        return self.send("PUT", f"{BASKET}/{self.basket_id}/items/add-bulk", items)


def result_of(envelope: dict):
    """A success as the storefront takes it: success true, no message to alert."""
    assert envelope["success"] is True, envelope
    assert not envelope["message"] or envelope["messageCode"] == "C001", envelope
    return envelope["result"]


def lines_by_stock(basket: dict) -> dict[str, dict]:
    return {ln["stockCode"]: ln for ln in basket["lineItems"]}


def check_cart_fields(basket: dict) -> None:
    """What the cart page reads of every line, and the totals."""
    for line in basket["lineItems"]:
        for key in ("id", "productId", "stockCode", "qty", "price", "displayOrder",
                    "parentProductId", "customInfo1", "customInfo2", "customInfo3",
                    "customInfo4", "customInfo5"):
            assert key in line, key
        assert isinstance(line["qty"], int) and isinstance(line["displayOrder"], int)
        assert line["price"]["formatted"]["withTax"].startswith("£")
    for total in ("subTotal", "grandTotal", "discount", "shippingCharge"):
        assert isinstance(basket[total]["raw"]["withTax"], Decimal)
        assert basket[total]["formatted"]["withTax"].startswith("£")


@pytest.fixture()
def shop(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=15) as client:
        yield Storefront(client)


# -- journeys ----------------------------------------------------------------------------------

def test_get_basket_with_a_json_body(shop):
    fresh = result_of(shop.get_basket())
    assert fresh["id"] == shop.basket_id and fresh["lineItems"] == []
    shop.add(MUG, 1, "MUG-WHITE")
    basket = result_of(shop.get_basket())
    assert basket["id"] == shop.basket_id
    check_cart_fields(basket)
    assert lines_by_stock(basket)["MUG-WHITE"]["qty"] == 1


def test_add_plus_minus_and_quantity_box(shop):
    basket = result_of(shop.add(POLO, 1, "POLO-NAVY-L"))  # the first add creates the basket
    assert basket["id"] == shop.basket_id
    check_cart_fields(basket)
    line = lines_by_stock(basket)["POLO-NAVY-L"]
    assert (line["productId"].lower(), line["qty"]) == (POLO, 1)
    assert line["parentProductId"] in (ZERO, "", None)
    basket = result_of(shop.add(POLO, 1, "POLO-NAVY-L"))  # +1
    assert lines_by_stock(basket)["POLO-NAVY-L"]["qty"] == 2
    assert basket["subTotal"]["raw"]["withTax"] == Decimal("48.00")
    basket = result_of(shop.add(POLO, 3, "POLO-NAVY-L", displayOrder=1))  # box: 5 - 2
    assert lines_by_stock(basket)["POLO-NAVY-L"]["qty"] == 5
    basket = result_of(shop.add(POLO, -1, "POLO-NAVY-L"))  # -1
    assert lines_by_stock(basket)["POLO-NAVY-L"]["qty"] == 4
    assert basket["grandTotal"]["raw"]["withTax"] == Decimal("96.00")


def test_cart_page_sends_the_numeric_line_id_as_product_id(shop):
    """needs the amended engine (engine-rules §2: a numeric line id names that line)."""
    basket = result_of(shop.add(POLO, 2, "POLO-NAVY-L"))
    line = lines_by_stock(basket)["POLO-NAVY-L"]
    line_id = int(line["id"])
    basket = result_of(shop.add(line_id, 1, line["stockCode"]))  # +1 on the cart page
    assert lines_by_stock(basket)["POLO-NAVY-L"]["qty"] == 3
    basket = result_of(shop.add(line_id, 0, line["stockCode"]))  # the bin icon
    assert "POLO-NAVY-L" not in lines_by_stock(basket)


def test_delete_line_with_qty_zero(shop):
    """needs the amended engine (engine-rules §2: qty 0 on an existing line removes it)."""
    result_of(shop.add(POLO, 2, "POLO-NAVY-L"))
    result_of(shop.add(MUG, 1, "MUG-WHITE"))
    basket = result_of(shop.add(POLO, 0, "POLO-NAVY-L"))
    assert list(lines_by_stock(basket)) == ["MUG-WHITE"]
    basket = result_of(shop.add(None, 0, "MUG-WHITE"))  # named by stock code only
    assert basket["lineItems"] == []


def test_size_change_in_one_bulk_call(shop):
    """needs the amended engine (qty 0 in add-bulk removes the old size's line)."""
    result_of(shop.add(LINEN, 1, "LINEN-WHT-M"))
    basket = result_of(shop.bulk([
        {"productId": LINEN, "parentProductId": ZERO, "qty": 0},
        {"productId": POLO, "qty": 1, "displayOrder": 1, "customInfo1": "", "customInfo2": "",
         "customInfo3": "", "customInfo4": "", "customInfo5": "",
         "customInfo1Formatted": "", "customInfo2Formatted": ""},
    ]))
    assert basket["id"] != ZERO
    assert {s: ln["qty"] for s, ln in lines_by_stock(basket).items()} == {"POLO-NAVY-L": 1}


def test_engraving_pascal_case_add_on_before_its_product(shop):
    """needs the amended engine (engine-rules §2: an add-on may come before its product)."""
    basket = result_of(shop.bulk([
        {"ProductId": ENGRAVE, "ParentProductId": WALLET, "Qty": 1,
         "StockCode": "ENGRAVE-TEXT", "ItemType": 0, "CustomInfo1": "For Sam"},
        {"ProductId": WALLET, "ParentProductId": ZERO, "Qty": 1, "StockCode": "WALLET-BRN",
         "ItemType": 0},
    ]))
    check_cart_fields(basket)
    lines = lines_by_stock(basket)
    assert lines["WALLET-BRN"]["qty"] == 1
    engraving = lines["ENGRAVE-TEXT"]
    assert engraving["parentProductId"].lower() == WALLET
    assert engraving["customInfo1"] == "For Sam" and engraving["qty"] == 1


def test_second_engraving_with_other_text_is_a_new_line(shop):
    """needs the amended engine (engine-rules §2: child lines keyed by their text)."""
    result_of(shop.add(WALLET, 1, "WALLET-BRN"))
    for text in ("For Sam", "For Alex", "For Sam"):
        basket = result_of(shop.bulk([
            {"ProductId": ENGRAVE, "ParentProductId": WALLET, "Qty": 1,
             "StockCode": "ENGRAVE-TEXT", "ItemType": 0, "CustomInfo1": text}]))
    engravings = sorted((ln["customInfo1"], ln["qty"]) for ln in basket["lineItems"]
                        if ln["stockCode"] == "ENGRAVE-TEXT")
    assert engravings == [("For Alex", 1), ("For Sam", 2)]


def test_engraving_longer_than_the_product_allows(shop, http):
    """needs the amended engine (engine-rules §2: maxTextLength, listed by the catalogue)."""
    found = http.get(f"{BASKET}/catalogue/products", params={"q": "ENGRAVE-TEXT"}).json()
    limit = found["result"][0].get("maxTextLength")
    assert isinstance(limit, int) and limit > 0, found["result"][0]
    result_of(shop.add(WALLET, 1, "WALLET-BRN"))
    refused = shop.bulk([{"ProductId": ENGRAVE, "ParentProductId": WALLET, "Qty": 1,
                          "StockCode": "ENGRAVE-TEXT", "CustomInfo1": "x" * (limit + 1)}])
    assert refused["statusCode"] == 400 and refused["success"] is False
    assert str(limit) in refused["message"] and str(limit + 1) in refused["message"]
    assert "ENGRAVE-TEXT" not in lines_by_stock(result_of(shop.get_basket()))


def test_basket_custom_info_through_add_bulk(shop):
    basket = result_of(shop.add(WALLET, 1, "WALLET-BRN"))
    line = lines_by_stock(basket)["WALLET-BRN"]
    note = {"message": "Happy birthday", "imageUrl": "https://example.com/card.png"}
    line_info = json.dumps([{"lineId": line["id"], "customInfo2": "gift wrap"}])
    envelope = shop.bulk({"customInfo1": note, "lineInfo": line_info})
    assert envelope["success"] is True, envelope  # the storefront reads nothing more
    basket = result_of(shop.get_basket())
    assert json.loads(basket["customInfo1"]) == note
    assert lines_by_stock(basket)["WALLET-BRN"]["customInfo2"] == "gift wrap"


def test_users_baskets_assign_and_merge_on_login(shop):
    """needs the amended engine (engine-rules §7: the user's list oldest first)."""
    user = USERS["carol"]
    saved = []
    for stock in ("MUG-WHITE", "LINEN-WHT-M"):  # two baskets of the shopper's, oldest first
        shop.basket_id = str(uuid.uuid4())
        result_of(shop.add(PRODUCTS[stock], 1, stock))
        # Assign user: called after an add while logged in; the storefront reads nothing.
        shop.send("PUT", f"{BASKET}/{shop.basket_id}/user",
                  {"id": shop.basket_id, "userId": user}, params={"userId": user})
        saved.append(shop.basket_id)
    # Logged out, the shopper fills a new basket, then logs in.
    shop.basket_id = current = str(uuid.uuid4())
    result_of(shop.add(POLO, 1, "POLO-NAVY-L"))
    listed = result_of(shop.send("GET", f"{BASKET}/user/{user}/all", {"userId": user}))
    ids = [b["id"] for b in listed]
    assert all(b["lastUpdated"] for b in listed)
    assert current not in ids
    assert ids.index(saved[0]) < ids.index(saved[1]) == len(ids) - 1  # oldest first
    # The older code path merges the current basket into the last of the list.
    merged = result_of(shop.send("PUT", f"{BASKET}/{ids[-1]}/merge",
                                 params={"sourceBasketId": current}))
    assert merged["id"] == saved[1]
    assert set(lines_by_stock(merged)) == {"LINEN-WHT-M", "POLO-NAVY-L"}


def test_merge_into_a_new_target_keeps_the_source_currency(sandbox):
    """needs the amended engine (engine-rules §5: a new target in the source's currency)."""
    with httpx.Client(base_url=sandbox.base_url, timeout=15) as client:
        shop = Storefront(client, currency="EUR")
        result_of(shop.add(MUG, 1, "MUG-WHITE"))
        target = str(uuid.uuid4())
        merged = result_of(shop.send("PUT", f"{BASKET}/{target}/merge",
                                     params={"sourceBasketId": shop.basket_id}))
    assert merged["id"] == target and merged["currencyCode"] == "EUR"
    assert lines_by_stock(merged)["MUG-WHITE"]["qty"] == 1


def test_delete_basket_with_basket_id_in_the_query(shop):
    result_of(shop.add(MUG, 1, "MUG-WHITE"))
    assert result_of(shop.send("DELETE", f"{BASKET}/{shop.basket_id}/delete",
                               params={"basketId": shop.basket_id})) is True
    assert result_of(shop.get_basket())["lineItems"] == []


def test_promo_apply_and_remove(shop):
    result_of(shop.add(POLO, 3, "POLO-NAVY-L"))  # £72.00
    path = f"{BASKET}/{shop.basket_id}/promo"
    applied = shop.send("POST", f"{path}/SAVE10/apply", domain=False)
    assert applied["result"], applied  # a non-empty result is success
    basket = applied["result"]["basket"]
    promo = basket["promotionsApplied"][0]
    assert (promo["promoCode"], promo["autoApply"]) == ("SAVE10", False)
    assert promo["discountAmt"]["formatted"]["withTax"] == "£7.20"
    assert basket["grandTotal"]["raw"]["withTax"] == Decimal("64.80")
    refused = shop.send("POST", f"{path}/XMAS2020/apply", domain=False)
    assert refused["statusCode"] == 200 and not refused["result"]  # the error path
    assert refused["success"] is False and "expired" in refused["message"]
    assert refused["messageCode"] == "PROMO_NOT_APPLICABLE"
    removed = shop.send("DELETE", f"{path}/SAVE10/remove", domain=False)
    assert removed["result"] and removed["result"]["basket"]["promotionsApplied"] == []
    again = shop.send("DELETE", f"{path}/SAVE10/remove", domain=False)
    assert not again["result"] and again["message"]


def test_basket_promotions_after_each_cart_change(shop):
    result_of(shop.add(MUG, 1, "MUG-WHITE"))
    found = result_of(shop.send("GET", f"{COMMERCE}/promotion/basket-promotions",
                                params={"basketId": shop.basket_id}))
    assert isinstance(found["applicablePromotions"], list)
    assert found["availablePromotions"]
    assert all(isinstance(p["promoType"], int) for p in found["availablePromotions"])
    before = {p["promoCode"] for p in found["applicablePromotions"]}
    result_of(shop.add(POLO, 3, "POLO-NAVY-L"))
    after = result_of(shop.send("GET", f"{COMMERCE}/promotion/basket-promotions",
                                params={"basketId": shop.basket_id}))
    assert "FIVER" not in before and "FIVER" in {p["promoCode"]
                                                  for p in after["applicablePromotions"]}


def test_shipping_options_then_shipping_method(shop):
    result_of(shop.add(MUG, 1, "MUG-WHITE"))
    options = result_of(shop.send("GET", f"{COMMERCE}/shipping-method", params={
        "basketId": shop.basket_id, "shipToCountryIso": "GB", "postCode": "WC2E 9LH"}))
    assert options
    for method in options:
        assert method["id"] and isinstance(method["type"], int)
        assert method["displayName"] and method["shippingCode"]
        assert method["price"]["formatted"]["withTax"].startswith("£")
    invalid = result_of(shop.send("GET", f"{COMMERCE}/shipping-method", params={
        "basketId": shop.basket_id, "shipToCountryIso": "GB", "postCode": "??"}))
    assert invalid == []  # shown as "invalid postcode"
    chosen = next(m for m in options if m["shippingCode"] == "NEXT")
    basket = result_of(shop.send("PUT", f"{BASKET}/{shop.basket_id}/delivery/shipping-method",
                                 params={"shippingMethodId": chosen["id"],
                                         "countryCode": "GB"}))
    assert basket["shippingMethodId"] == chosen["id"]
    assert isinstance(basket["deliveryPlans"], list)
    assert [m["id"] for m in basket["shippingMethods"]] == [m["id"] for m in options]
    assert basket["shippingCharge"]["raw"]["withTax"] == Decimal("7.99")


STORE_OBJECT_KEYS = {"leadTimeMin": 1, "leadTimeMax": 3, "deliveryOption": "orderIntoStore",
                     "shippingPlanId": ZERO, "distanceFromPostCode": 0.8,
                     "distanceUnit": "miles", "openingHours": "9-5", "phoneNo": "020",
                     "slots": [], "enableClickCollect": True}


@pytest.mark.parametrize("found_by", ["id", "code"])
def test_click_and_collect_with_the_whole_store_object(shop, found_by):
    """needs the amended engine (engine-rules §6: the store found by id or code, storeId,
    the click & collect method chosen)."""
    store = STORES["LDN1"]
    result_of(shop.add(MUG, 1, "MUG-WHITE"))
    body = {"name": store["name"], "externalRefId": store["code"],
            "address1": store["address1"], "postCode": store["postCode"], **STORE_OBJECT_KEYS}
    body["id" if found_by == "id" else "code"] = store["id" if found_by == "id" else "code"]
    envelope = shop.send("PUT", f"{BASKET}/{shop.basket_id}/delivery/click-collect-store", body)
    assert envelope["result"]["isValid"] is True
    assert not envelope["message"]  # an envelope message is treated as an error
    basket = result_of(shop.get_basket())
    assert basket["storeId"] == store["id"]
    assert basket["shippingAddress"]["id"] > 0
    assert basket["shippingMethodId"] == METHODS["CNC"]

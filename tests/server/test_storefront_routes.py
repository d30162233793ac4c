"""The storefront's two checkout routes outside the basket path (engine-rules §10):
`GET /api/v2/commerce/shipping-method` and `GET /api/v2/commerce/promotion/basket-promotions`."""

from __future__ import annotations

from decimal import Decimal

import httpx

from basketbench import jsonio
from tests.support.sandbox import start_sandbox

from .conftest import METHODS, add, error_body, new_id, ok_result

SHIPPING = "/api/v2/commerce/shipping-method"
PROMOTIONS = "/api/v2/commerce/promotion/basket-promotions"


def options(http, basket: str, **params) -> list[dict]:
    resp = http.get(SHIPPING, params={"basketId": basket, **params})
    ok_result(resp)
    return jsonio.loads(resp.content)["result"]  # money as Decimal


def test_shipping_options_for_a_basket_and_country(api, http):
    basket = new_id()
    add(api, basket, "MUG-WHITE")  # £3.33: under STD's free-over threshold
    found = options(http, basket, shipToCountryIso="GB", postCode="WC2E 9LH")
    assert [m["shippingCode"] for m in found] == ["STD", "NEXT", "NOM", "CNC"]
    std = found[0]
    assert std["id"] == METHODS["STD"] and isinstance(std["type"], int)
    assert std["displayName"] and std["price"]["formatted"]["withTax"] == "£3.99"
    assert std["price"]["raw"]["withTax"] == Decimal("3.99")
    # The same prices as the basket's own shippingMethods.
    inside = ok_result(api.get(f"/{basket}"))["shippingMethods"]
    assert [m["price"]["formatted"] for m in inside] == [m["price"]["formatted"] for m in found]
    ireland = options(http, basket, shipToCountryIso="IE")
    assert ireland[0]["shippingCode"] == "INTL-IE"
    assert ireland[0]["countryCode"] == "IE"
    assert options(http, basket, shipToCountryIso="uk")[0]["shippingCode"] == "STD"
    assert options(http, basket, shipToCountryIso="GB") == options(http, basket)


def test_free_over_threshold_is_priced_for_the_basket(api, http):
    basket = new_id()
    add(api, basket, "POLO-NAVY-L", 3)  # £72.00: STD is free over £60
    std = options(http, basket, shipToCountryIso="GB")[0]
    assert std["shippingCode"] == "STD" and std["price"]["formatted"]["withTax"] == "£0.00"


def test_no_methods_is_an_empty_list(http):
    basket = new_id()
    assert options(http, basket, shipToCountryIso="JP") == []
    assert options(http, basket, shipToCountryIso="GB", postCode="!!") == []


def test_shipping_options_refuse_bad_input(http):
    error_body(http.get(SHIPPING), 400, "VALIDATION", "basketId", "required")
    error_body(http.get(SHIPPING, params={"basketId": "nope"}), 400, "VALIDATION",
               "basketId", "nope")
    error_body(http.get(SHIPPING, params={"basketId": new_id(), "shipToCountryIso": "GBR"}),
               400, "VALIDATION", "shipToCountryIso", "GBR")


def test_basket_promotions_follow_the_basket(api, http):
    basket = new_id()
    add(api, basket, "MUG-WHITE")  # £3.33
    first = ok_result(http.get(PROMOTIONS, params={"basketId": basket}))
    available = {p["promoCode"] for p in first["availablePromotions"]}
    assert {"SAVE10", "FIVER", "EXCL25"} <= available
    assert "XMAS2020" not in available  # expired
    assert all(isinstance(p["promoType"], int) and p["promoType"] > 0
               for p in first["availablePromotions"])
    applicable = {p["promoCode"] for p in first["applicablePromotions"]}
    assert "SAVE10" in applicable and "FIVER" not in applicable  # FIVER needs £50
    add(api, basket, "POLO-NAVY-L", 3)
    after = ok_result(http.get(PROMOTIONS, params={"basketId": basket}))
    assert "FIVER" in {p["promoCode"] for p in after["applicablePromotions"]}
    # Reading never changes the basket.
    assert ok_result(api.get(f"/{basket}"))["promotionsApplied"] == []


def test_basket_promotions_need_a_basket_id(http):
    error_body(http.get(PROMOTIONS), 400, "VALIDATION", "basketId", "required")


def test_storefront_routes_need_a_token_when_auth_is_on(tmp_path):
    with start_sandbox(tmp_path / "auth.db", auth=True) as sb:
        for path in (f"{SHIPPING}?basketId={new_id()}", f"{PROMOTIONS}?basketId={new_id()}"):
            resp = httpx.get(sb.base_url + path, timeout=15)
            assert resp.status_code == 401, (path, resp.text)

"""Wire models: every seed example parses, writes back exactly, and keeps money as Decimal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from basketbench import jsonio
from basketbench.money import CURRENCIES, Amount
from basketbench.wire import (
    AddItemRequest,
    Address,
    Basket,
    BasketAddress,
    BasketOrRaw,
    BasketSession,
    BasketSessionCreate,
    BasketSessionPage,
    BasketShort,
    BulkLine,
    ClickCollectStore,
    CustomInfoRequest,
    DeliveryInstruction,
    DeliveryPlanInput,
    DisplayOrderEntry,
    Envelope,
    FormattedAmounts,
    LineItem,
    NexudusEnvelope,
    NominatedDelivery,
    Price,
    PriceEx,
    Product,
    PromoResult,
    Promotion,
    RawAmounts,
    RecordResult,
    SubscriptionSettings,
    dump_wire,
    error_envelope,
    from_json,
    ok_envelope,
    parse_wire,
    to_json,
)

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"

BASKET_ENV = Envelope[Basket]
RECORD_ENV = Envelope[RecordResult]
BOOL_ENV = Envelope[bool]

# Every example file and the type it must parse into.
MODELS: dict[str, Any] = {
    "01-get-user-baskets.response.json": Envelope[list[BasketShort]],
    "02-get-basket.response.json": BASKET_ENV,
    "03-update-campaign.response.json": Envelope[Address],
    "04-update-custom-info.request.json": CustomInfoRequest,
    "04-update-custom-info.response.json": BASKET_ENV,
    "05-update-subscription.request.json": SubscriptionSettings,
    "05-update-subscription.response.json": BASKET_ENV,
    "06-delete-basket.response.json": BOOL_ENV,
    "07-related-products.response.json": Envelope[list[Product]],
    "08-merge-baskets.response.json": BASKET_ENV,
    "09-update-po.response.json": RECORD_ENV,
    "10-update-user.response.json": BASKET_ENV,
    "11-add-item.request.json": AddItemRequest,
    "11-add-item.response.json": BASKET_ENV,
    "12-add-bulk.request.json": list[BulkLine],
    "12-add-bulk.response.json": BASKET_ENV,
    "13-update-display-order.request.json": list[DisplayOrderEntry],
    "13-update-display-order.response.json": BOOL_ENV,
    "14-remove-item.response.json": BASKET_ENV,
    "15-update-item-qty.response.json": BASKET_ENV,
    "16-validate-promo.response.json": BOOL_ENV,
    "17-apply-promo.response.json": Envelope[PromoResult],
    "18-remove-promo.response.json": Envelope[PromoResult],
    "19-update-shipping-method.request.json": NominatedDelivery,
    # Faker data: the result is kept as a raw dict (BasketOrRaw), see test_faker_examples.
    "19-update-shipping-method.response.json": Envelope[BasketOrRaw],
    "20-update-delivery-plan.request.json": list[DeliveryPlanInput],
    "20-update-delivery-plan.response.json": RECORD_ENV,
    "21-update-line-delivery-plan.request.json": DeliveryPlanInput,
    "21-update-line-delivery-plan.response.json": RECORD_ENV,
    "22-update-delivery-instructions.request.json": DeliveryInstruction,
    "22-update-delivery-instructions.response.json": RECORD_ENV,
    "23-update-click-collect-store.request.json": ClickCollectStore,
    "23-update-click-collect-store.response.json": RECORD_ENV,
    "24-nexudus-create-basketsession.request.json": BasketSessionCreate,
    "24-nexudus-create-basketsession.response.json": NexudusEnvelope,
    "24-nexudus-create-basketsession.response.400.json": NexudusEnvelope,
    "24-nexudus-create-basketsession.response.schema.json": NexudusEnvelope,
}

# Files whose re-serialisation differs from the original on purpose.
NOT_BYTE_EXACT = {
    "05-update-subscription.request.json",  # form strings "1"/"0" are written as numbers
    "24-nexudus-create-basketsession.response.400.json",  # Status (absent) is written as null
    "24-nexudus-create-basketsession.response.schema.json",  # placeholder block, other key order
}


def load(name: str) -> Any:
    return jsonio.loads((EXAMPLES / name).read_bytes())


def parse(name: str) -> Any:
    return from_json(MODELS[name], (EXAMPLES / name).read_bytes())


def unexpected_extras(value: Any, path: str = "$") -> list[str]:
    """Paths of unknown keys anywhere in a parsed value: none means every alias is right."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        found += [f"{path}.{k}" for k in (value.model_extra or {})]
        for name in type(value).model_fields:
            found += unexpected_extras(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += unexpected_extras(item, f"{path}[{i}]")
    return found


def test_every_example_is_mapped() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_example_parses(name: str) -> None:
    value = parse(name)
    extras = unexpected_extras(value)
    if name == "02-get-basket.response.json":
        assert extras == ["$.snippets", "$.slugType"]  # envelope-level siblings of result
    elif name not in ("17-apply-promo.response.json", "18-remove-promo.response.json",
                      "19-update-shipping-method.response.json"):
        assert extras == [], extras


@pytest.mark.parametrize("name", sorted(set(MODELS) - NOT_BYTE_EXACT))
def test_example_written_back_exactly(name: str) -> None:
    # Same keys, same order, same number digits; only "UK" is written as "GB".
    text = (EXAMPLES / name).read_text(encoding="utf-8").replace('"UK"', '"GB"')
    assert to_json(parse(name)) == jsonio.dumps(jsonio.loads(text))


def test_basket_round_trip() -> None:
    basket = parse("02-get-basket.response.json").result
    assert isinstance(basket, Basket)
    again = Basket.model_validate(dump_wire(basket))
    assert again == basket
    assert Basket.model_validate(jsonio.loads(to_json(basket))) == basket


def test_basket_has_every_documented_field() -> None:
    documented = list(load("02-get-basket.response.json")["result"])
    assert len(documented) == 48
    aliases = [f.alias for f in Basket.model_fields.values()]
    assert aliases == [*documented, "version", "campaignCode", "isNew"]


def test_json_schema_lists_fields() -> None:
    # The output-trimming serializer must not hide the fields from OpenAPI schemas.
    for mode in ("validation", "serialization"):
        schema = Basket.model_json_schema(mode=mode)
        assert "grandTotal" in schema["properties"] and "isVaild" in PromoResult.model_json_schema(
            mode=mode)["properties"]


def test_raw_numbers_are_decimal() -> None:
    short = parse("01-get-user-baskets.response.json").result[0]
    raw = short.grand_total.raw
    assert raw.without_tax == Decimal("143.3234") and isinstance(raw.without_tax, Decimal)
    assert str(raw.with_tax) == "169.99" and str(raw.tax) == "26.6666"
    assert isinstance(short.base_currency_total, Decimal)
    assert isinstance(short.exchange_rate, Decimal)
    assert isinstance(short.line_items[0].price.raw.with_tax, Decimal)
    assert short.line_items[0].discount is None  # null in 01
    assert short.membership_discount is None
    basket = parse("02-get-basket.response.json").result
    assert basket.delivery_plans[0].cost == 0 and isinstance(basket.delivery_plans[0].cost, Decimal)
    assert isinstance(basket.tax_percent, Decimal)
    # Float input goes through its shortest repr, never float arithmetic.
    assert RawAmounts(with_tax=0.1, without_tax="0.10", tax=3).with_tax == Decimal("0.1")
    assert str(RawAmounts(without_tax="0.10").without_tax) == "0.10"
    with pytest.raises(ValidationError):
        RawAmounts(tax="abc")


def test_uk_is_read_as_gb() -> None:
    basket = parse("02-get-basket.response.json").result
    assert basket.shipping_address.country_code == "GB"
    assert basket.billing_address.country_code == "GB"
    assert parse("03-update-campaign.response.json").result.country_code == "GB"
    assert BasketAddress(country_code="uk").country_code == "GB"
    assert BasketAddress(country_code="FR").country_code == "FR"


def test_address_keeps_customer_fields_first() -> None:
    address = parse("03-update-campaign.response.json").result
    assert isinstance(address, BasketAddress)
    keys = list(dump_wire(address))
    assert keys[:6] == ["customerId", "isDefault", "isDefaultDelivery",
                        "isDefaultForSubscription", "isDefaultBilling", "id"]


def test_unknown_fields_are_kept_and_written_back() -> None:
    data = load("02-get-basket.response.json")["result"]
    data["futureField"] = {"nested": [1, Decimal("2.50")]}
    data["lineItems"][0]["lineNote"] = "gift"
    data["grandTotal"]["raw"]["rounding"] = Decimal("0.0001")
    basket = Basket.model_validate(data)
    assert basket.model_extra == {"futureField": {"nested": [1, Decimal("2.50")]}}
    out = dump_wire(basket)
    assert list(out)[-1] == "futureField"
    assert out["lineItems"][0]["lineNote"] == "gift"
    assert '"rounding":0.0001' in to_json(basket)
    assert '"nested":[1,2.50]' in to_json(basket)


def test_extension_fields_written_only_when_set() -> None:
    basket = Basket(id="b")
    out = dump_wire(basket)
    assert "version" not in out and "campaignCode" not in out and "isNew" not in out
    assert out["giftWrapOption"] is None  # documented fields keep their nulls
    out = dump_wire(Basket(id="b", version=3, campaign_code="SPRING", is_new=True))
    assert (out["version"], out["campaignCode"], out["isNew"]) == (3, "SPRING", True)
    assert Basket.model_validate(out).is_new is True
    promo = dump_wire(Promotion(promo_code="X", is_applicable=False, reason="expired"))
    assert promo["isApplicable"] is False and promo["reason"] == "expired"
    assert "reason" not in dump_wire(Promotion(promo_code="X"))
    result = dump_wire(PromoResult(is_vaild=True, is_valid=True, message="ok"))
    assert list(result) == ["isVaild", "isValid", "message", "basket"]
    assert "isValid" not in dump_wire(PromoResult(is_vaild=False))


def test_line_promotion_discount_is_price_ex() -> None:
    line = parse("02-get-basket.response.json").result.line_items[0]
    assert isinstance(line.promotions_applied[0].discount_amt, PriceEx)
    assert isinstance(line.variant_products[0].price, PriceEx)
    assert line.variant_products[0].price.raw.with_tax == Decimal("15.99")
    assert parse("02-get-basket.response.json").result.promotions_applied[0].discount_amt is None
    plain = Promotion.model_validate({"discountAmt": load("02-get-basket.response.json")
                                      ["result"]["grandTotal"]})
    assert type(plain.discount_amt) is Price


def test_type_drift_is_tolerated() -> None:
    line = LineItem.model_validate({"id": 1507587, "qty": "4", "displayOrder": Decimal("1"),
                                    "parentProductId": "", "productIid": 0})
    assert (line.id, line.qty, line.display_order, line.product_iid) == ("1507587", 4, 1, "0")
    assert Basket.model_validate({"id": 12, "giftWrapOption": "x"}).id == "12"
    assert Basket.model_validate({"giftWrapOption": [{"a": 1}]}).gift_wrap_option == [{"a": 1}]
    # Both kinds of id are kept as they came, so writing back gives the same JSON.
    assert BasketAddress(id="0").id == "0" and BasketAddress(id=0).id == 0
    product = Product.model_validate({"itemType": "0", "subscriptionPlanType": "bundle",
                                      "fulfillFromStore": True, "price": "12.50"})
    assert product.item_type == "0" and product.subscription_plan_type == "bundle"
    assert product.fulfil_from_store is True and "fulfilFromStore" in dump_wire(product)
    assert product.price == Decimal("12.50")
    assert RecordResult.model_validate({"id": "7", "isValid": "true"}).id == 7


def test_form_strings_are_accepted() -> None:
    settings_ = parse("05-update-subscription.request.json")
    assert settings_.user_pricing_type == 1
    assert settings_.authorization_amount == Decimal("0")
    assert settings_.subscription_json == "{}"
    assert DeliveryInstruction.model_validate({"fieldValue": "leave at door"}).field_value


def test_add_item_accepts_both_names() -> None:
    request = parse("11-add-item.request.json")
    assert request.effective_item_type == 0 and request.effective_user_pricing_type == 0
    assert AddItemRequest.model_validate({"lineItemType": 2}).effective_item_type == 2
    both = AddItemRequest.model_validate({"itemType": 0, "lineItemType": 2})
    assert both.effective_item_type == 2  # a Swagger-default 0 does not hide the real value
    assert AddItemRequest.model_validate({"itemType": 3}).effective_item_type == 3
    assert AddItemRequest.model_validate({"userPricingType": 1}).effective_user_pricing_type == 1
    assert AddItemRequest.model_validate(
        {"userSubscriptionPricing": 2}).effective_user_pricing_type == 2
    assert AddItemRequest().effective_item_type is None
    assert BulkLine.model_validate({"userSubscriptionPricing": 1}).effective_user_pricing_type == 1


def test_requests_write_only_given_fields() -> None:
    assert dump_wire(AddItemRequest(product_id="p", qty=1)) == {"productId": "p", "qty": 1}
    line_info = dump_wire(parse("04-update-custom-info.request.json"))["lineInfo"][0]
    assert line_info["lineId"] is None  # an explicit null is given, so it is written
    assert dump_wire(BasketSessionCreate(business_id=1, session_id="s")) == {
        "BusinessId": 1, "SessionId": "s"}
    assert dump_wire(SubscriptionSettings(user_pricing_type=1)) == {"userPricingType": 1}
    # Responses keep every documented key, null or not.
    assert len(dump_wire(RecordResult())) == 3


def test_request_examples_content() -> None:
    info = parse("04-update-custom-info.request.json")
    assert info.line_info[0].line_id is None
    assert info.line_info[0].custom_info1_formatted == "<b>cust info 1<b>"
    bulk = parse("12-add-bulk.request.json")
    assert bulk[0].product_name == "string" and bulk[0].custom_info5_formatted == "string"
    plans = parse("20-update-delivery-plan.request.json")
    assert plans[0].delivery_center.code == "string" and plans[0].items[0].basket_line_id == 0
    assert isinstance(plans[0].shipping_charge, Decimal)
    store = parse("23-update-click-collect-store.request.json")
    assert store.slots[0].slot_message == "string" and store.enable_click_collect is True
    nominated = parse("19-update-shipping-method.request.json")
    assert nominated.price.raw.with_tax == 0
    assert nominated.delivery_date == "2022-03-25T05:40:45.510Z"  # dates stay text


def test_faker_examples_are_accepted_loosely() -> None:
    for name in ("17-apply-promo.response.json", "18-remove-promo.response.json"):
        envelope = parse(name)
        assert envelope.status_code is None and envelope.success is True
        assert envelope.result.is_vaild is False
        assert isinstance(envelope.result.basket, dict)
        assert envelope.result.basket["id"] == {
            "value": "<Error: Too many levels of nesting to fake this schema>"}
    envelope = parse("19-update-shipping-method.response.json")
    assert envelope.success is False and isinstance(envelope.result, dict)
    # A real basket in the same slot is a Basket.
    real = load("02-get-basket.response.json")["result"]
    assert isinstance(PromoResult.model_validate({"basket": real}).basket, Basket)
    assert isinstance(parse_wire(Envelope[BasketOrRaw], load("02-get-basket.response.json"))
                      .result, Basket)


def test_lorem_envelopes() -> None:
    envelope = parse("06-delete-basket.response.json")
    assert envelope.status_code is None and envelope.result is True
    assert envelope.errors == ["eu occaecat", "qui sunt Ut"]
    record = parse("20-update-delivery-plan.response.json").result
    assert (record.id, record.is_valid) == (-98503520, False)
    first = parse("01-get-user-baskets.response.json")
    assert first.message is None and first.message_code is None
    assert isinstance(first.result[0], BasketShort)


def test_short_basket_from_full() -> None:
    basket = parse("02-get-basket.response.json").result
    short = BasketShort.from_basket(basket)
    assert short.grand_total == basket.grand_total
    assert short.line_items[0].product_id == basket.line_items[0].product_id
    expected = list(load("01-get-user-baskets.response.json")["result"][0])
    assert list(dump_wire(short)) == expected
    assert list(dump_wire(short.line_items[0])) == list(
        load("01-get-user-baskets.response.json")["result"][0]["lineItems"][0])


def test_nexudus_examples() -> None:
    ok = parse("24-nexudus-create-basketsession.response.json")
    assert ok.status == 200 and ok.was_successful is True and ok.value == {"Id": 87654321}
    assert ok.errors is None and ok.redirect_url is None and ok.updated_by == "admin@example.com"
    bad = parse("24-nexudus-create-basketsession.response.400.json")
    assert bad.status is None and bad.was_successful is False and bad.value is None
    error = bad.errors[0]
    assert (error.attempted_value, error.message, error.property_name) == (
        None, "is a required field", "SessionId")
    schema = parse("24-nexudus-create-basketsession.response.schema.json")
    assert schema.status == 123 and schema.value == "<any>"
    assert schema.errors[0].attempted_value == "<any>"
    request = parse("24-nexudus-create-basketsession.request.json")
    assert (request.business_id, request.session_id, request.json_contents) == (0, "", None)
    assert list(dump_wire(bad))[:3] == ["Status", "Message", "Value"]


def test_nexudus_create_validation_and_sessions() -> None:
    with pytest.raises(ValidationError) as caught:
        BasketSessionCreate.model_validate({"BusinessId": 1})
    assert caught.value.errors()[0]["loc"] == ("SessionId",)
    with pytest.raises(ValidationError):
        BasketSessionCreate.model_validate({"BusinessId": 1, "SessionId": "s", "JsonContents": {}})
    with pytest.raises(ValidationError):
        BasketSessionCreate.model_validate({"BusinessId": 1, "SessionId": 5})
    page = BasketSessionPage.model_validate({
        "Records": [{"Id": 1, "BusinessId": 2, "SessionId": "abc", "JsonContents": "{}",
                     "CreatedOn": "2025-01-15T10:30:00Z", "UpdatedOn": None, "UpdatedBy": None}],
        "CurrentPage": 1, "TotalItems": 1, "TotalPages": 1, "HasNextPage": False, "PageSize": 25,
    })
    assert isinstance(page.records[0], BasketSession) and page.records[0].session_id == "abc"
    out = dump_wire(page)
    assert list(out) == ["Records", "CurrentPage", "TotalItems", "TotalPages", "HasNextPage",
                         "PageSize"]
    assert list(out["Records"][0]) == ["Id", "BusinessId", "SessionId", "JsonContents",
                                       "CreatedOn", "UpdatedOn", "UpdatedBy"]


def test_ok_envelope_shape() -> None:
    assert ok_envelope(True) == {"statusCode": 200, "status": "OK", "errors": [],
                                 "success": True, "message": "", "messageCode": "",
                                 "result": True}
    record = RecordResult(record_id="r", id=0, is_valid=True)
    body = ok_envelope(record, message="Success", message_code="1000")
    assert body["result"] == {"recordId": "r", "id": 0, "isValid": True}
    assert jsonio.dumps(body) == (
        '{"statusCode":200,"status":"OK","errors":[],"success":true,"message":"Success",'
        '"messageCode":"1000","result":{"recordId":"r","id":0,"isValid":true}}')
    listed = ok_envelope([BasketShort(id="a")])
    assert listed["result"][0]["id"] == "a" and "currencySymbol" in listed["result"][0]
    basket = parse("02-get-basket.response.json").result
    text = jsonio.dumps(ok_envelope(basket))
    assert '"raw":{"withTax":99.99,"withoutTax":99.99,"tax":0}' in text


def test_error_envelope_shape() -> None:
    body = error_envelope(400, "VALIDATION", "qty must be a whole number",
                          ["qty: must be a whole number, got 'x'"])
    assert body == {"statusCode": 400, "status": "Bad Request",
                    "errors": ["qty: must be a whole number, got 'x'"], "success": False,
                    "message": "qty must be a whole number", "messageCode": "VALIDATION",
                    "result": None}
    assert list(body) == ["statusCode", "status", "errors", "success", "message",
                          "messageCode", "result"]
    assert error_envelope(404, "NOT_FOUND", "m", ("id: unknown",))["status"] == "Not Found"
    assert error_envelope(423, "BASKET_LOCKED", "m", [])["status"] == "Locked"
    assert error_envelope(422, "QUANTITY_LIMIT", "m", [])["status"] == "Unprocessable Content"
    parsed = Envelope[Basket].model_validate(body)
    assert parsed.success is False and parsed.result is None


def test_price_from_amount() -> None:
    gbp = CURRENCIES["GBP"]
    price = Price.from_amount(Amount.of(8000, 2000), gbp)
    assert price.raw.with_tax == Decimal("80.00") and price.formatted.tax == "£13.33"
    assert jsonio.dumps(dump_wire(price.raw)) == '{"withTax":80.00,"withoutTax":66.67,"tax":13.33}'
    ex = PriceEx.from_amount(Amount.of(1599, 0), CURRENCIES["EUR"])
    assert list(dump_wire(ex))[:6] == ["minPrice", "minPriceWithoutTax", "maxPrice",
                                       "maxPriceWithoutTax", "currencyDecimalSeparator",
                                       "currencyDigitsAfterDecimal"]
    assert ex.to_price().raw == ex.raw


amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"),
                      allow_nan=False, allow_infinity=False, places=4)


@settings(max_examples=50, deadline=None)
@given(with_tax=amounts, without_tax=amounts, tax=amounts,
       symbol=st.sampled_from(["£", "€", "$", "¥"]))
def test_price_round_trips_through_json(with_tax: Decimal, without_tax: Decimal, tax: Decimal,
                                        symbol: str) -> None:
    price = Price(
        currency_symbol=symbol,
        formatted=FormattedAmounts(with_tax=f"{symbol}{with_tax}", without_tax="x", tax=""),
        raw=RawAmounts(with_tax=with_tax, without_tax=without_tax, tax=tax),
    )
    text = to_json(price)
    again = Price.model_validate(jsonio.loads(text))
    assert again == price
    for name in ("with_tax", "without_tax", "tax"):
        value = getattr(again.raw, name)
        assert isinstance(value, Decimal)
        assert value == getattr(price.raw, name)
    assert to_json(again) == text

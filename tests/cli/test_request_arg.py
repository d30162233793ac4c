"""The CLI reads a request body given as JSON into the typed request the backend takes, in
one place (cli/json_arg.py RequestArg): keys bind as the server binds them, a value the
request cannot hold is a usage error naming the field."""

from __future__ import annotations

from decimal import Decimal

import click
import pytest

from basketbench.cli.json_arg import RequestArg
from basketbench.model.requests import (
    CustomInfo,
    CustomTexts,
    DeliveryCenterRef,
    DeliveryPlanInput,
    ItemInput,
    LineInfo,
    StoreChoice,
)

WALLET = "4b0d4c3e-6e4e-5a55-8a3e-0f3a7c1e9b11"


def test_json_becomes_the_typed_request():
    items = RequestArg("items", list).convert(
        f'[{{"stockCode": "MUG-WHITE", "qty": 2}}, {{"productId": "{WALLET}", "qty": 1,'
        ' "customInfo1": "A.B."}]', None, None)
    assert items == [ItemInput(stock_code="MUG-WHITE", qty=2),
                     ItemInput(product_id=WALLET, qty=1, texts=CustomTexts("A.B."))]
    info = RequestArg("info", dict).convert(
        f'{{"customInfo1": "gift", "LineInfo": [{{"productId": "{WALLET}", '
        '"customInfo2": "wrap"}]}', None, None)
    assert info == CustomInfo(texts=CustomTexts("gift"), lines=(
        LineInfo(product_id=WALLET, texts=CustomTexts(None, "wrap")),))
    plan = RequestArg("plan", dict).convert(
        '{"shippingCharge": 3.99, "deliveryCenter": {"code": "DC1"}}', None, None)
    assert plan == DeliveryPlanInput(shipping_charge=Decimal("3.99"),
                                     delivery_center=DeliveryCenterRef(code="DC1"))
    store = RequestArg("store", dict).convert('{"code": "LDN1", "selectedSlot": "am"}',
                                              None, None)
    assert store == StoreChoice(code="LDN1", selected_slot="am")


def test_a_value_the_request_cannot_hold_names_the_field():
    with pytest.raises(click.BadParameter) as err:
        RequestArg("items", list).convert('[{"productId": "x", "qty": "two"}]', None, None)
    assert "[0].qty" in err.value.message and "'two'" in err.value.message
    with pytest.raises(click.BadParameter) as err:
        RequestArg("info", dict).convert('{"lineInfo": "nope"}', None, None)
    assert "lineInfo" in err.value.message


def test_bad_json_is_still_refused_before_it_is_read():
    with pytest.raises(click.BadParameter) as err:
        RequestArg("info", dict).convert("[1]", None, None)
    assert "must be an object (got list)" in err.value.message

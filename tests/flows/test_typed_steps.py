"""A backend call becomes a flow step from its typed requests (flows/steps.py): the
workbench's recorder hands them over as they were made; the history exporter first reads the
JSON bodies basket history keeps into the same requests (`typed_args`). Both give one step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from basketbench.flows.steps import NotRecordable, flow_step, typed_args
from basketbench.model.ids import ZERO_GUID
from basketbench.model.requests import (
    CustomInfo,
    CustomTexts,
    ItemInput,
    LineInfo,
    NominatedDay,
    StoreChoice,
)

BID = "5a3c2bd0-0000-4000-8000-000000000001"
WALLET = "4b0d4c3e-6e4e-5a55-8a3e-0f3a7c1e9b11"
ENGRAVE = "9c1f2a7d-3b4e-5f60-8a9b-0c1d2e3f4a5b"


class Context:
    before = None

    async def code(self, kind: str, ident: str, country: str = "") -> str:
        return {"method": "NOM", "store": "LDN1"}[kind]

    async def order_after(self, basket_id: str) -> list[str]:
        return []


# (operation, typed arguments, the same as kept in basket history, the step)
CALLS = [
    ("add_item", {"item": ItemInput(product_id=ENGRAVE, qty=2, parent_product_id=WALLET,
                                    texts=CustomTexts("A.B."))},
     {"item": {"productId": ENGRAVE, "qty": 2, "parentProductId": WALLET,
               "customInfo1": "A.B."}},
     ("add", {"basket": BID, "product": ENGRAVE, "qty": 2, "parent": WALLET,
              "custom_info": {"1": "A.B."}})),
    ("set_custom_info", {"info": CustomInfo(texts=CustomTexts("gift"), lines=(LineInfo(
        product_id=WALLET, parent_product_id=ZERO_GUID, texts=CustomTexts(None, "wrap"),
        additional_charge=Decimal("2.50")),))},
     {"info": {"customInfo1": "gift", "lineInfo": [
         {"productId": WALLET, "parentProductId": ZERO_GUID, "customInfo2": "wrap",
          "additionalCharge": Decimal("2.50")}]}},
     ("custom_info", {"basket": BID, "info": {"1": "gift"}, "lines": [
         {"product": WALLET, "info": {"2": "wrap"}, "additional_charge": Decimal("2.50")}]})),
    ("set_shipping_method", {"shipping_method_id": "m1", "country_code": "gb",
                             "nominated": NominatedDay(delivery_date="2026-11-28",
                                                       day_no=6, price=Decimal("4.95"))},
     {"shipping_method_id": "m1", "country_code": "gb", "nominated": {
         "deliveryDate": "2026-11-28", "dayNo": 6, "price": {"raw": {"withTax": Decimal("4.95")}}}},
     ("ship", {"basket": BID, "method": "NOM", "country": "GB", "nominated": {
         "date": "2026-11-28", "day_no": 6, "price": Decimal("4.95")}})),
    ("set_click_collect_store", {"store": StoreChoice(id="s1")}, {"store": {"id": "s1"}},
     ("click_collect", {"basket": BID, "store": "LDN1"})),
]


@pytest.mark.parametrize("name,typed,kept,step", CALLS, ids=[c[0] for c in CALLS])
async def test_typed_and_kept_calls_give_the_same_step(name, typed, kept, step):
    live = await flow_step(name, {"basket_id": BID, **typed}, Context())
    exported = await flow_step(name, typed_args({"basket_id": BID, **kept}), Context())
    assert live == exported == (*step, BID)


async def test_a_kept_body_that_does_not_read_is_not_recordable():
    with pytest.raises(NotRecordable, match=r"\[0\]\.qty"):
        typed_args({"basket_id": BID, "items": [{"productId": WALLET, "qty": "many"}]})

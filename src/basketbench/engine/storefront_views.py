"""Reads for the two storefront routes outside the basket path (engine-rules §10): the
shipping options of a basket in a country, and the promotions a basket can use.

Both are built from the engine's own pricing, rendering and promo checks, so what they offer
is exactly what the basket routes then accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..model.basket import Basket, ShippingMethod
from . import domain, inputs
from .ids import normalise_guid
from .pricing import price
from .state import load, new_state


class EngineReads(Protocol):
    """What these views use of BasketEngine (which calls them: no import back)."""

    def _read(self, fn: Callable[..., Any]) -> Any: ...
    def get_basket(self, basket_id: object) -> Basket: ...
    def list_promotions(self) -> list[dict]: ...
    def check_promo(self, basket_id: object, code: object) -> tuple[bool, str]: ...

# Letters, digits, spaces and hyphens, 2 to 10 of them: any country's postcode fits, and a
# storefront developer can still see the "invalid postcode" path with e.g. "!!".
_POSTCODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,9}")

# promoType numbers of the sandbox's promotion kinds (the documented API names none).
PROMO_TYPES = {"order_percent": 1, "order_fixed": 2, "line_percent": 3, "buy_x_get_y": 4,
               "free_shipping": 5}


@dataclass(frozen=True)
class ShippingOptions:
    """The methods offered, in the basket's currency (their prices are in it)."""

    currency_code: str
    methods: list[ShippingMethod]


def shipping_options(engine: EngineReads, basket_id: object, country: object,
                     post_code: object = None) -> ShippingOptions:
    """The shipping methods offered for the basket in `country` (its own country when none
    is given), priced for this basket exactly as `shippingMethods` inside it would be. A
    post code that cannot be one gives an empty list, which the storefront shows as
    "invalid postcode"."""
    bid = normalise_guid(basket_id, "basketId")
    code = inputs.country(country, "shipToCountryIso") if country not in (None, "") else None
    post = inputs.text(post_code, "postCode", max_length=20)
    if post is not None and not _POSTCODE.fullmatch(post.strip()):
        return ShippingOptions("GBP", [])

    def fn(conn, cat, now):
        state = load(conn, cat, bid) or new_state(bid, "GBP", "")
        priced = price(state, cat, now)
        where = code or priced.country
        # Each method in the asked country: a method object of its own (they are shared).
        return ShippingOptions(priced.cur.code, [
            domain.shipping_method(method, priced, now, i == 0, where)
            for i, method in enumerate(cat.methods_for(where, priced.cur.code))])

    return engine._read(fn)


def basket_promotions(engine: EngineReads, basket_id: object) -> dict:
    """`availablePromotions`: every promotion in force now (codes and automatic ones);
    `applicablePromotions`: those this basket qualifies for now: a code that promo apply would
    accept, an automatic promotion that counts on the basket."""
    bid = normalise_guid(basket_id, "basketId")
    basket = engine.get_basket(bid)
    counting = {(p.name or "") for p in basket.promotions_applied
                if p.auto_apply and p.is_applicable is not False}
    available, applicable = [], []
    for promo in engine.list_promotions():
        if promo["status"] != "active":
            continue
        entry = _entry(promo)
        available.append(entry)
        if promo["code"]:
            fits = engine.check_promo(bid, promo["code"])[0]
        else:
            fits = promo["name"] in counting
        if fits:
            applicable.append(entry)
    return {"applicablePromotions": applicable, "availablePromotions": available}


def _entry(promo: dict) -> dict:
    return {
        "promoCode": promo["code"], "name": promo["name"],
        "promoType": PROMO_TYPES.get(promo["kind"], 0), "kind": promo["kind"],
        "autoApply": promo["autoApply"], "exclusive": promo["exclusive"],
        "discountPct": promo["percent"], "discountAmount": promo["amount"],
        "minSubtotal": promo["minSubtotal"], "validFrom": promo["validFrom"],
        "validTo": promo["validTo"],
    }

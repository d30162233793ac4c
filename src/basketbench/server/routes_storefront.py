"""The two routes outside the basket path that the storefront's checkout calls (engine-rules
§10, storefront.md): shipping options for a basket and country, and the promotions a basket
can use. Without them the public storefront's delivery step cannot continue."""

from __future__ import annotations

from fastapi import FastAPI, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine import BasketEngine
from ..engine.errors import field_error
from ..wire import Envelope, ShippingMethod
from ..wirejson import render
from . import openapi_docs as docs
from . import requests as rq
from .responses import ok, wire_ok
from .routing import Routes

PREFIX = "/api/v2/commerce"
TAG = "Storefront checkout"


def _basket_id(value: str | None) -> str:
    value = rq.blank(value)
    if value is None:
        raise field_error("basketId", "is required")
    return value


def build(app: FastAPI, engine: BasketEngine) -> None:
    router = Routes(app, PREFIX, TAG)

    @router.get("/shipping-method", summary="Shipping options for a basket and country",
                description="The methods offered for the basket in shipToCountryIso (its own "
                            "country when empty), priced for that basket. A postCode that "
                            "cannot be one answers an empty list (the storefront shows "
                            "\"invalid postcode\").",
                responses=docs.ok_doc(Envelope[list[ShippingMethod]], "Shipping methods",
                                      errors=docs.READ_ERRORS))
    async def shipping_options(basketId: str | None = Query(None, json_schema_extra=docs.UUID),
                               shipToCountryIso: str | None = Query(None),
                               postCode: str | None = Query(None)) -> Response:
        offered = await run_in_threadpool(engine.shipping_options, _basket_id(basketId),
                                          rq.blank(shipToCountryIso), rq.blank(postCode))
        cur = render.currency_of(offered.currency_code, None)
        return wire_ok([render.shipping_method(m, cur) for m in offered.methods])

    @router.get("/promotion/basket-promotions", summary="Promotions for a basket",
                description="availablePromotions: every promotion in force; "
                            "applicablePromotions: those the basket qualifies for now.",
                responses=docs.ok_doc(Envelope[docs.BasketPromotions], "The promotions",
                                      errors=docs.READ_ERRORS))
    async def basket_promotions(basketId: str | None = Query(None, json_schema_extra=docs.UUID)
                                ) -> Response:
        return ok(await run_in_threadpool(engine.basket_promotions, _basket_id(basketId)))

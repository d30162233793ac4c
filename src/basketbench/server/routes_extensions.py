"""Sandbox extensions (engine-rules §10), under the basket prefix with clearly extra names:
lock/unlock, a basket listing for the workbench, and catalogue listings (products,
promotions, shipping methods, stores, users) so a client can offer choices.

`/basket/all` is registered before the documented routes so it is never taken for a basket id
(`/basket/catalogue/...` has two segments, which no documented GET route has).
"""

from __future__ import annotations

from fastapi import FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine import BasketEngine
from ..wire import Envelope, Product
from ..wirejson import render
from . import openapi_docs as docs
from . import requests as rq
from .responses import basket_ok, ok, wire_ok
from .routing import Routes

PREFIX = "/api/v2/commerce/basket"
TAG = "Sandbox extensions"


def build_listing(app: FastAPI, engine: BasketEngine) -> None:
    """`GET /basket/all`: registered before `GET /basket/{id}`, which would take "all"."""
    router = Routes(app, PREFIX, TAG)
    reads = docs.READ_ERRORS

    @router.get("/all", summary="Page through every basket (summaries, newest first)",
                responses=docs.ok_doc(Envelope[docs.BasketPage], "One page", errors=reads))
    async def all_baskets(userId: str | None = Query(None, json_schema_extra=docs.UUID),
                          q: str | None = Query(None, description="id prefix, user, email, "
                                                                  "stock code or name"),
                          offset: str | None = Query(None), limit: str | None = Query(None)
                          ) -> Response:
        off = rq.whole(rq.blank(offset), "offset", default=0, maximum=10**9)
        lim = rq.whole(rq.blank(limit), "limit", default=100, minimum=1, maximum=1000)
        page = await run_in_threadpool(engine.list_baskets, user_id=rq.blank(userId),
                                       query=rq.blank(q), offset=off, limit=lim)
        return ok(page)


def build(app: FastAPI, engine: BasketEngine) -> None:
    router = Routes(app, PREFIX, TAG)
    reads = docs.READ_ERRORS

    @router.get("/catalogue/products", summary="Search the product catalogue",
                responses=docs.ok_doc(Envelope[list[Product]], "Matching products",
                                      errors=reads))
    async def products(q: str | None = Query(None, description="name, stock code, category "
                                                               "or product id prefix"),
                       limit: str | None = Query(None), currency: str | None = Query(None)
                       ) -> Response:
        lim = rq.whole(rq.blank(limit), "limit", default=50, minimum=1, maximum=500)
        code = (rq.blank(currency) or "GBP").upper()
        found = await run_in_threadpool(engine.search_products, rq.blank(q) or "", limit=lim,
                                        currency=code)
        return wire_ok([render.product(p) for p in found])

    @router.get("/catalogue/promotions", summary="Every promotion and its status",
                responses=docs.ok_doc(Envelope[list[docs.PromotionSummary]], "Promotions",
                                      errors=reads))
    async def promotions() -> Response:
        return ok(await run_in_threadpool(engine.list_promotions))

    @router.get("/catalogue/shipping-methods", summary="Shipping methods (per country)",
                responses=docs.ok_doc(Envelope[list[docs.ShippingMethodSummary]], "Methods",
                                      errors=reads))
    async def shipping_methods(countryCode: str | None = Query(None)) -> Response:
        return ok(await run_in_threadpool(engine.list_shipping_methods, rq.blank(countryCode)))

    @router.get("/catalogue/stores", summary="Click & collect stores",
                responses=docs.ok_doc(Envelope[list[docs.StoreSummary]], "Stores",
                                      errors=reads))
    async def stores() -> Response:
        return ok(await run_in_threadpool(engine.list_stores))

    @router.get("/catalogue/users", summary="Demo users",
                responses=docs.ok_doc(Envelope[list[docs.UserSummary]], "Users", errors=reads))
    async def users() -> Response:
        return ok(await run_in_threadpool(engine.list_users))

    lock_doc = docs.ok_doc(docs.BASKET, "The basket", etag=True)

    @router.put("/{id}/lock", summary="Lock a basket (mutations then answer 423)",
                responses=lock_doc, openapi_extra=docs.params(docs.IF_MATCH))
    async def lock(id: docs.BasketId, request: Request) -> Response:
        return basket_ok(await run_in_threadpool(engine.set_locked, id, True,
                                                 expected_version=rq.if_match(request)))

    @router.put("/{id}/unlock", summary="Unlock a basket",
                responses=lock_doc, openapi_extra=docs.params(docs.IF_MATCH))
    async def unlock(id: docs.BasketId, request: Request) -> Response:
        return basket_ok(await run_in_threadpool(engine.set_locked, id, False,
                                                 expected_version=rq.if_match(request)))


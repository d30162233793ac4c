"""Why a basket's figures are what they are, and how it got like this, as sandbox
extensions: the explanation of every figure (engine/explain.py); the versions of a basket
(paged, newest first), one version as it was, and restore to a version (a new version;
history is never rewritten; docs/history.md). Each change made through the sandbox is
recorded with its client as actor (`sandbox`, or `client:<id>` / `user:<name>` with auth)."""

from __future__ import annotations

from fastapi import FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine import BasketEngine
from ..wire import Envelope
from ..wirejson import render
from . import openapi_docs as docs
from . import requests as rq
from .responses import basket_ok, ok, wire_ok
from .routing import Routes

PREFIX = "/api/v2/commerce/basket"
TAG = "Sandbox extensions"


def build(app: FastAPI, engine: BasketEngine) -> None:
    router = Routes(app, PREFIX, TAG)
    reads = docs.READ_ERRORS

    @router.get("/{id}/explain", summary="Why every figure of the basket is what it is",
                responses=docs.ok_doc(Envelope[docs.Explanation], "The explanation",
                                      errors=reads))
    async def explain(id: docs.BasketId) -> Response:
        return ok(await run_in_threadpool(engine.explain, id))

    @router.get("/{id}/history", summary="The basket's versions, newest first (paged)",
                responses=docs.ok_doc(Envelope[docs.HistoryPage], "One page of versions",
                                      errors=reads))
    async def history(id: docs.BasketId, offset: str | None = Query(None),
                      limit: str | None = Query(None)) -> Response:
        off = rq.whole(rq.blank(offset), "offset", default=0, maximum=10**9)
        lim = rq.whole(rq.blank(limit), "limit", default=50, minimum=1, maximum=1000)
        return ok(await run_in_threadpool(engine.history, id, offset=off, limit=lim))

    @router.get("/{id}/history/{version}", summary="The basket as it was at a version "
                                                  "(read-only)",
                responses=docs.ok_doc(docs.BASKET, "The basket at that version",
                                      errors=reads))
    async def version(id: docs.BasketId, version: str) -> Response:
        number = rq.whole(version, "version", default=0, minimum=1, maximum=2**31 - 1)
        basket = await run_in_threadpool(engine.basket_version, id, number)
        return wire_ok(render.basket(basket))

    @router.put("/{id}/history/{version}/restore",
                summary="Restore the basket to a version, as a new version",
                responses=docs.ok_doc(docs.BASKET, "The restored basket", etag=True),
                openapi_extra=docs.params(docs.IF_MATCH))
    async def restore(id: docs.BasketId, version: str, request: Request) -> Response:
        number = rq.whole(version, "version", default=0, minimum=1, maximum=2**31 - 1)
        return basket_ok(await run_in_threadpool(engine.restore, id, number,
                                                 expected_version=rq.if_match(request)))

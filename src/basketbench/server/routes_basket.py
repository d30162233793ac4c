"""The 23 BetterCommerce basket routes (api.md §1) over the engine (engine-rules §1-8).

Handlers are async only to read bodies; engine calls run off the event loop (the engine is
synchronous): mutations on the writer thread, reads on reader threads (engine_calls.py).
Empty query values count as missing; `If-Match` is honoured on every mutation (extension,
engine-rules §10).
"""

from __future__ import annotations

from fastapi import FastAPI, Query, Request
from starlette.responses import Response

from .. import wire
from ..engine import BasketEngine
from ..engine.errors import field_error
from ..wirejson import render
from . import openapi_docs as docs
from . import requests as rq
from .basket_cache import BasketCache
from .engine_calls import EngineCalls
from .requests import Body
from .responses import basket_ok, ok, promo_outcome, wire_ok
from .routing import Routes

PREFIX = "/api/v2/commerce/basket"
TAG = "BetterCommerce basket"

PROMO_200 = ("The outcome and the basket; a code that cannot apply (or is not applied) "
             "answers success false, result null, messageCode PROMO_NOT_APPLICABLE")

# Request bodies: each is read and documented from its one model.
CUSTOM_INFO = Body(wire.CustomInfoRequest)
SUBSCRIPTION = Body(wire.SubscriptionSettings, "form")
ADD_ITEM = Body(wire.AddItemRequest)
ADD_BULK = Body(wire.BulkLine, "array", "items")
DISPLAY_ORDER = Body(wire.DisplayOrderEntry, "array")
NOMINATED = Body(wire.NominatedDelivery, "optional", "nominatedDelivery")
PLANS = Body(wire.DeliveryPlanInput, "array", "deliveryPlans")
LINE_PLAN = Body(wire.DeliveryPlanInput, "object", "deliveryPlan")
INSTRUCTION = Body(wire.DeliveryInstruction, "form", "deliveryInstruction")
STORE = Body(wire.ClickCollectStore, "object", "address")


def build(app: FastAPI, engine: BasketEngine, cache: BasketCache, calls: EngineCalls) -> None:
    router = Routes(app, PREFIX, TAG)
    mutation = docs.params(docs.IF_MATCH)
    run, read = calls.write, calls.read

    # Registered first: the hottest route is matched first. It takes the Request only (the
    # id is documented by hand) because FastAPI's parameter solving costs more than the rest
    # of a cached GET.
    @router.get("/{id}", summary="02 Get a basket",
                description="An unknown id answers an empty basket that is not saved "
                            "(`isNew: true`).",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True,
                                      errors=docs.READ_ERRORS),
                openapi_extra=docs.params(docs.path_param("id", "The basket id (a GUID)",
                                                          guid=True)))
    async def get_basket(request: Request) -> Response:
        basket_id = request.path_params["id"]
        hit = cache.try_hit(basket_id)
        return hit if hit is not None else await read(cache.get_response, basket_id)

    @router.get("/user/{userId}/all", summary="01 List a user's baskets",
                responses=docs.ok_doc(docs.BASKET_LIST, "The user's baskets, short shape",
                                      errors=docs.READ_ERRORS))
    async def user_baskets(userId: docs.UserId) -> Response:
        return wire_ok(await read(user_baskets_wire, engine, userId))

    @router.put("/{id}/campaign", summary="03 Set the campaign code",
                description="An empty or missing campaignCode clears it. Returns the basket "
                            "(engine-rules §7; the docs' Address result is a copy error).",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=mutation)
    async def campaign(id: docs.BasketId, request: Request,
                       campaignCode: str | None = Query(None)) -> Response:
        return basket_ok(await run(engine.set_campaign, id, rq.blank(campaignCode),
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/custom-info", summary="04 Set basket and line custom info",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=docs.merge(mutation, CUSTOM_INFO.doc))
    async def custom_info(id: docs.BasketId, request: Request) -> Response:
        body = await CUSTOM_INFO.read(request)
        return basket_ok(await run(engine.set_custom_info, id, body,
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/subscription/{productId}", summary="05 Set a line's subscription",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=docs.merge(mutation, SUBSCRIPTION.doc))
    async def subscription(id: docs.BasketId, productId: str, request: Request) -> Response:
        body = await SUBSCRIPTION.read(request)
        return basket_ok(await run(engine.set_subscription, id, productId, body,
                                   expected_version=rq.if_match(request)))

    @router.delete("/{id}/delete", summary="06 Delete a basket",
                   description="result is true if the basket existed, false otherwise.",
                   responses=docs.ok_doc(docs.BOOL, "Whether it existed"),
                   openapi_extra=mutation)
    async def delete(id: docs.BasketId, request: Request) -> Response:
        return ok(await run(engine.delete_basket, id, expected_version=rq.if_match(request)))

    @router.get("/{id}/related-products", summary="07 Products related to the basket's items",
                responses=docs.ok_doc(docs.PRODUCTS, "Related products",
                                      errors=docs.READ_ERRORS))
    async def related(id: str) -> Response:
        # Priced in the basket's currency (each product says which).
        return wire_ok([render.product(p) for p in await read(engine.related_products, id)])

    @router.put("/{id}/merge", summary="08 Merge a source basket into this one",
                description="Extensions: `strategy=sum|max|replace` (default sum) and "
                            "`dryRun=true` (returns the merged basket, changes nothing).",
                responses=docs.ok_doc(docs.BASKET, "The merged target basket", etag=True),
                openapi_extra=mutation)
    async def merge(id: docs.BasketId, request: Request,
                    sourceBasketId: str | None = Query(None, json_schema_extra=docs.UUID),
                    strategy: str | None = Query(None, description="sum, max or replace"),
                    dryRun: str | None = Query(None, description="true: preview only")
                    ) -> Response:
        strategy = rq.blank(strategy) or "sum"
        if strategy.lower() not in ("sum", "max", "replace"):
            raise field_error("strategy", f"must be sum, max or replace (got {strategy!r})")
        dry = rq.flag(rq.blank(dryRun), "dryRun")
        basket = await run(engine.merge, id, rq.blank(sourceBasketId), strategy=strategy,
                           dry_run=dry, expected_version=rq.if_match(request))
        return wire_ok(render.basket(basket)) if dry else basket_ok(basket)

    @router.put("/{id}/po", summary="09 Set the PO number",
                description="An empty or missing poReference clears it. message is "
                            "\"Success\", messageCode \"\".",
                responses=docs.ok_doc(docs.RECORD, "{recordId: basket id, id: 0, isValid}"),
                openapi_extra=mutation)
    async def po(id: docs.BasketId, request: Request,
                 poReference: str | None = Query(None)) -> Response:
        return ok(await run(engine.set_po, id, rq.blank(poReference),
                            expected_version=rq.if_match(request)), message="Success")

    @router.put("/{id}/user", summary="10 Assign the basket to a user",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=mutation)
    async def user(id: docs.BasketId, request: Request,
                   userId: str | None = Query(None, json_schema_extra=docs.UUID)) -> Response:
        return basket_ok(await run(engine.assign_user, id, rq.blank(userId),
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/items/add", summary="11 Add a quantity of one item (a delta)",
                description="qty is a delta: existing line qty += qty, <= 0 removes it. The "
                            "zero productId creates an empty basket.",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=docs.merge(mutation, docs.params(docs.CURRENCY),
                                         ADD_ITEM.doc))
    async def add_item(id: docs.BasketId, request: Request) -> Response:
        body = await ADD_ITEM.read(request)
        return basket_ok(await run(engine.add_item, id, body, currency=rq.currency(request),
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/items/add-bulk", summary="12 Add many items, all or none",
                description="An object body instead of an array is the storefront's way of "
                            "setting basket custom info: `{customInfo1: {message, imageUrl}, "
                            "lineInfo: \"<JSON text>\"}` is read as endpoint 04's body "
                            "(object values stored as their JSON text).",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=docs.merge(mutation, docs.params(docs.CURRENCY),
                                         ADD_BULK.doc))
    async def add_bulk(id: docs.BasketId, request: Request) -> Response:
        kind, body = await rq.bulk_or_custom_info(request, ADD_BULK, CUSTOM_INFO)
        if kind == "info":
            return basket_ok(await run(engine.set_custom_info, id, body,
                                       expected_version=rq.if_match(request)))
        return basket_ok(await run(engine.add_bulk, id, body, currency=rq.currency(request),
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/items/display-order", summary="13 Reorder lines",
                responses=docs.ok_doc(docs.BOOL, "true"),
                openapi_extra=docs.merge(mutation, DISPLAY_ORDER.doc))
    async def display_order(id: docs.BasketId, request: Request) -> Response:
        body = await DISPLAY_ORDER.read(request)
        return ok(await run(engine.set_display_order, id, body,
                            expected_version=rq.if_match(request)))

    @router.delete("/{id}/items/{productId}/remove", summary="14 Remove a product's line",
                   responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                   openapi_extra=mutation)
    async def remove_item(id: docs.BasketId, productId: str, request: Request) -> Response:
        return basket_ok(await run(engine.remove_item, id, productId,
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/items/{productId}/{qty}", summary="15 Set a product's quantity",
                description="Absolute quantity; 0 removes the line.",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=mutation)
    async def set_qty(id: docs.BasketId, productId: str, qty: str, request: Request) -> Response:
        return basket_ok(await run(engine.set_qty, id, productId, qty,
                                   expected_version=rq.if_match(request)))

    @router.get("/{id}/promo/{promoCode}/validate", summary="16 Check a promo code",
                description="result is a boolean; message gives the reason.",
                responses=docs.ok_doc(docs.BOOL, "Whether apply would succeed now",
                                      errors=docs.READ_ERRORS))
    async def validate_promo(id: docs.BasketId, promoCode: str) -> Response:
        valid, reason = await run(engine.check_promo, id, promoCode)
        return ok(valid, message=reason or "")

    async def apply_promo(id: docs.BasketId, promoCode: str, request: Request) -> Response:
        return promo_outcome(await run(engine.apply_promo, id, promoCode,
                                       expected_version=rq.if_match(request)))

    apply_doc = dict(summary="17 Apply a promo code (GET or POST)",
                     description="result is {isVaild (sic), isValid, message, basket}. A code "
                                 "that cannot apply answers 200 with success false, result "
                                 "null, messageCode PROMO_NOT_APPLICABLE and the reason in "
                                 "message (engine-rules §4).",
                     responses=docs.ok_doc(docs.PROMO, PROMO_200, etag=True),
                     openapi_extra=mutation)
    router.add_api_route("/{id}/promo/{promoCode}/apply", apply_promo, methods=["GET"],
                         operation_id="apply_promo_get", **apply_doc)
    router.add_api_route("/{id}/promo/{promoCode}/apply", apply_promo, methods=["POST"],
                         operation_id="apply_promo_post", **apply_doc)

    @router.delete("/{id}/promo/{promoCode}/remove", summary="18 Remove a promo code",
                   description="As 17: a code that is not applied answers success false, "
                               "result null, messageCode PROMO_NOT_APPLICABLE.",
                   responses=docs.ok_doc(docs.PROMO, PROMO_200, etag=True),
                   openapi_extra=mutation)
    async def remove_promo(id: docs.BasketId, promoCode: str, request: Request) -> Response:
        return promo_outcome(await run(engine.remove_promo, id, promoCode,
                                       expected_version=rq.if_match(request)))

    @router.put("/{id}/delivery/shipping-method", summary="19 Choose a shipping method",
                description="The optional body sets nominated-delivery details.",
                responses=docs.ok_doc(docs.BASKET, "The basket", etag=True),
                openapi_extra=docs.merge(mutation, NOMINATED.doc))
    async def shipping_method(id: docs.BasketId, request: Request,
                              shippingMethodId: str | None = Query(None),
                              countryCode: str | None = Query(None)) -> Response:
        nominated = await NOMINATED.read(request)
        return basket_ok(await run(engine.set_shipping_method, id, rq.blank(shippingMethodId),
                                   rq.blank(countryCode), nominated,
                                   expected_version=rq.if_match(request)))

    @router.put("/{id}/delivery/plan", summary="20 Replace the delivery plans",
                responses=docs.ok_doc(docs.RECORD, "{recordId, id: 0, isValid: true}"),
                openapi_extra=docs.merge(mutation, PLANS.doc))
    async def delivery_plan(id: docs.BasketId, request: Request) -> Response:
        body = await PLANS.read(request)
        return ok(await run(engine.set_delivery_plans, id, body,
                            expected_version=rq.if_match(request)))

    @router.put("/{id}/delivery/line-plan", summary="21 Upsert one delivery plan",
                responses=docs.ok_doc(docs.RECORD, "{recordId, id: 0, isValid: true}"),
                openapi_extra=docs.merge(mutation, LINE_PLAN.doc))
    async def line_plan(id: docs.BasketId, request: Request) -> Response:
        body = await LINE_PLAN.read(request)
        return ok(await run(engine.set_line_delivery_plan, id, body,
                            expected_version=rq.if_match(request)))

    @router.put("/{id}/delivery/instructions", summary="22 Set the delivery instruction",
                description="Form field or JSON `fieldValue` (at most 500 characters); "
                            "empty clears it.",
                responses=docs.ok_doc(docs.RECORD, "{recordId: basket id, id: 0, isValid}"),
                openapi_extra=docs.merge(mutation, INSTRUCTION.doc))
    async def instructions(id: docs.BasketId, request: Request) -> Response:
        body = await INSTRUCTION.read(request)
        if "fieldValue" not in body:
            raise field_error("fieldValue", "is required (send it empty to clear the "
                                            "instruction)")
        return ok(await run(engine.set_delivery_instruction, id, body.get("fieldValue"),
                            expected_version=rq.if_match(request)))

    @router.put("/{id}/delivery/click-collect-store", summary="23 Choose a click & collect store",
                responses=docs.ok_doc(docs.RECORD, "{recordId, id: 0, isValid: true}"),
                openapi_extra=docs.merge(mutation, STORE.doc))
    async def click_collect(id: docs.BasketId, request: Request) -> Response:
        body = await STORE.read(request)
        return ok(await run(engine.set_click_collect_store, id, body,
                            expected_version=rq.if_match(request)))



def user_baskets_wire(engine: BasketEngine, user_id: str) -> list[dict]:
    """Endpoint 01's short baskets, rendered on the reader thread that read them."""
    return [render.short_basket(b) for b in engine.list_user_baskets(user_id)]

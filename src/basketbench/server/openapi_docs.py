"""What /openapi.json says about bodies and responses, without touching the runtime path.

Routes read their bodies themselves and return pre-serialised bytes (see responses.py), so
FastAPI cannot infer their shapes. Each route reads its body through `requests.Body(model)`,
whose `.doc` is its `openapi_extra`, and names its response models in `responses=`;
`install` adds the request models' schemas to the components and corrects what FastAPI and
pydantic get wrong for this server (a 422 it never sends, the guard's errors, oneOf).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Path
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.responses import JSONResponse

from .. import jsonio
from ..wire import (
    AddItemRequest,
    Basket,
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
    NexudusEnvelope,
    NominatedDelivery,
    Product,
    PromoResult,
    RecordResult,
    SubscriptionSettings,
)
from ..wire.types import Guid, Money, WireDecimal
from .responses import is_nexudus_path

_REQUEST_MODELS: dict[str, type[BaseModel]] = {}


class JSONBytes(JSONResponse):
    """Pre-serialised JSON. A JSONResponse for FastAPI, so a route's documented response
    schema is its model's alone; routes return their own Response, so render never runs on
    anything but bytes."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else jsonio.dumps_bytes(content)


class BasketSummary(BaseModel):
    id: Guid
    userId: Guid | None = None
    userEmail: str | None = None
    currencyCode: str
    lineCount: int
    grandTotal: Money
    grandTotalFormatted: str
    lastUpdated: str | None = None
    isLocked: bool
    isQuote: bool
    version: int


class BasketPage(BaseModel):
    total: int
    offset: int
    rows: list[BasketSummary]


class Explanation(BaseModel):
    """Why every figure of a basket is what it is (engine/explain.py; docs/engine.md)."""

    basketId: str
    currency: str
    version: int
    lines: list[dict[str, Any]] = Field(description="Per line: price x qty, tax, promotion "
                                                     "shares and how each was computed")
    totals: dict[str, Any] = Field(description="Each total and how it is the sum of lines")
    promotions: list[dict[str, Any]] = Field(description="Each promotion: its amount, how it "
                                                          "was reached, its conditions")
    shipping: dict[str, Any]
    refused: list[dict[str, Any]] = Field(description="Codes that do not count, and why")


class HistoryVersion(BaseModel):
    version: int
    at: str = Field(description="When the version was made (UTC)")
    actor: str = Field(description="Who made it: a sandbox client, the CLI, the workbench...")
    op: str = Field(description="The engine operation, e.g. add_item")
    args: dict[str, Any] = Field(description="The operation's arguments")
    summary: str = Field(description="What moved, in one line")
    grandTotalMinor: int = Field(description="The grand total after it, in minor units")
    currency: str
    deleted: bool = Field(description="This version deleted the basket (or merged it away)")


class HistoryPage(BaseModel):
    basketId: str
    total: int
    offset: int
    rows: list[HistoryVersion]


class PromotionSummary(BaseModel):
    code: str | None
    name: str
    kind: str
    status: str = Field(description="active, expired, not yet valid or exhausted")
    model_config = {"extra": "allow"}


class ShippingMethodSummary(BaseModel):
    id: str
    shippingCode: str
    displayName: str
    countries: list[str]
    price: Money
    freeOver: Money | None
    isNominated: bool
    expectedDaysToDeliver: int


class StoreSummary(BaseModel):
    id: str
    code: str
    name: str
    address1: str | None
    city: str | None
    postCode: str | None
    countryCode: str | None


class UserSummary(BaseModel):
    userId: str
    email: str
    name: str


class PromotionOffer(BaseModel):
    promoCode: str | None = Field(description="None for an automatic promotion")
    name: str
    promoType: int = Field(description="1 order %, 2 order amount, 3 line %, 4 buy X get Y, "
                                       "5 free shipping")
    kind: str
    autoApply: bool
    exclusive: bool
    discountPct: WireDecimal | None
    discountAmount: Money | None
    minSubtotal: Money | None
    validFrom: str | None
    validTo: str | None


class BasketPromotions(BaseModel):
    applicablePromotions: list[PromotionOffer]
    availablePromotions: list[PromotionOffer]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(None, description="works once: the refresh_token grant "
                                            "returns a new one")


def _error_envelope_doc(text: str) -> dict:
    return {"model": Envelope[None], "description": text}


BC_ERRORS = {
    400: _error_envelope_doc("Validation error: malformed JSON, wrong type, bad GUID, "
                             "missing value (messageCode VALIDATION)"),
    401: _error_envelope_doc("Missing, unknown or expired bearer token (auth on)"),
    404: _error_envelope_doc("Unknown product, basket, source basket or route"),
    409: _error_envelope_doc("If-Match names a stale version (messageCode CONFLICT); the "
                             "ETag header carries the current version"),
    413: _error_envelope_doc("Body over 1 MiB"),
    422: _error_envelope_doc("QUANTITY_LIMIT or OUT_OF_STOCK"),
    423: _error_envelope_doc("The basket is locked (BASKET_LOCKED)"),
}
READ_ERRORS = {k: v for k, v in BC_ERRORS.items() if k in (400, 401, 404)}
NEXUDUS_ERRORS = {
    400: {"model": NexudusEnvelope, "description": "Validation errors, Nexudus format"},
    401: {"model": NexudusEnvelope, "description": "Missing, unknown or expired token"},
    403: {"model": NexudusEnvelope, "description": "The user lacks the BasketSession role"},
    404: {"model": NexudusEnvelope, "description": "Unknown BasketSession id"},
    413: {"model": NexudusEnvelope, "description": "Body over 1 MiB"},
}
UUID = {"format": "uuid"}
BasketId = Annotated[str, Path(description="The basket id (a GUID)", json_schema_extra=UUID)]
UserId = Annotated[str, Path(description="The user id (a GUID)", json_schema_extra=UUID)]
ETAG = {"ETag": {"description": "The basket's version, quoted: \"7\"",
                 "schema": {"type": "string"}}}


def ok_doc(model: Any, text: str, *, etag: bool = False, errors: dict | None = None) -> dict:
    doc: dict = {200: {"model": model, "description": text}}
    if etag:
        doc[200]["headers"] = ETAG
    doc.update(BC_ERRORS if errors is None else errors)
    return doc


BASKET = Envelope[Basket]
BASKET_LIST = Envelope[list[BasketShort]]
BOOL = Envelope[bool]
RECORD = Envelope[RecordResult]
PROMO = Envelope[PromoResult]
PRODUCTS = Envelope[list[Product]]


def _ref(model: type[BaseModel]) -> dict:
    _REQUEST_MODELS[model.__name__] = model
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def body_doc(model: type[BaseModel], *, array: bool = False, form: bool = False,
             required: bool = True, text: str = "") -> dict:
    """openapi_extra for a JSON body (also accepted as form fields when `form`)."""
    schema = _ref(model)
    if array:
        schema = {"type": "array", "items": schema}
    content = {"application/json": {"schema": schema}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": schema}
    else:
        # The documented curls send JSON labelled as a form: the server reads JSON anyway.
        content["application/x-www-form-urlencoded"] = {
            "schema": {"type": "string", "description": "JSON text, whatever the label says"}}
    return {"requestBody": {"required": required, "content": content,
                            "description": text or None}}


IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
            "schema": {"type": "string"},
            "description": "Extension: the basket version the change is based on (\"3\" or 3);"
                           " a stale one gives 409 CONFLICT."}
CURRENCY = {"name": "Currency", "in": "header", "required": False,
            "schema": {"type": "string"},
            "description": "Currency of a basket this call creates (GBP default)."}


def path_param(name: str, text: str, *, guid: bool = False) -> dict:
    schema = {"type": "string", **(UUID if guid else {})}
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": text}


def params(*extra: dict) -> dict:
    return {"parameters": list(extra)}


def merge(*parts: dict) -> dict:
    out: dict = {}
    for part in parts:
        for key, value in part.items():
            if key == "parameters":
                out.setdefault("parameters", []).extend(value)
            else:
                out[key] = value
    return out


# What any route may answer besides its own results: the guard's refusals before it runs
# (guard.py, browser_guard.py) and the storage faults of the database under it
# (engine/storage_errors.py).
GUARD_ERRORS = {
    "400": "Content-Length is not a whole number, or the body holds text that cannot be "
           "stored (a lone UTF-16 surrogate)",
    "403": "Without --auth token, a Host that is not loopback, or a cross-site browser "
           "request from an origin not allowed with --cors-origin",
    "413": "Body over 1 MiB",
    "503": "The database cannot serve: locked by another process past the wait (BUSY, with "
           "Retry-After), read-only (READ_ONLY), damaged (DATABASE_DAMAGED), of a newer "
           "schema (SCHEMA_TOO_NEW) or unreadable (STORAGE_ERROR)",
    "507": "The disk holding the database is full (INSUFFICIENT_STORAGE); nothing was saved",
}


def _no_fastapi_422(doc: dict) -> None:
    """FastAPI documents a 422 HTTPValidationError on routes with parameters; this server
    answers parameter errors as 400 envelopes (errors.py), so that 422 would be a lie."""
    fastapi_ref = "#/components/schemas/HTTPValidationError"
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            spec = op["responses"].get("422", {})
            if spec.get("content", {}).get("application/json", {}).get("schema", {}).get(
                    "$ref") == fastapi_ref:
                del op["responses"]["422"]
    for name in ("HTTPValidationError", "ValidationError"):
        doc["components"]["schemas"].pop(name, None)


def _guard_errors(doc: dict) -> None:
    """Document the guard's refusals and the storage faults on every operation, in the
    envelope of its API."""
    schemas = doc["components"]["schemas"]
    for path, ops in doc.get("paths", {}).items():
        model = NexudusEnvelope if is_nexudus_path(path) else Envelope[None]
        name = model.__name__.replace("[", "_").replace("]", "_")
        if name not in schemas:
            continue
        for op in ops.values():
            for status, text in GUARD_ERRORS.items():
                op["responses"].setdefault(status, {
                    "description": text, "content": {"application/json": {"schema": {
                        "$ref": f"#/components/schemas/{name}"}}}})


def _open_unions(node: Any) -> None:
    """pydantic writes a tagged union (Price or PriceEx) as `oneOf`; every wire model takes
    extra keys, so a PriceEx is valid under both branches and `oneOf` would refuse it. The
    truth is `anyOf`."""
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
            node.pop("discriminator", None)
        for value in node.values():
            _open_unions(value)
    elif isinstance(node, list):
        for value in node:
            _open_unions(value)


def install(app: FastAPI, *, auth: bool) -> None:
    """Replace app.openapi with one that adds the request models and the auth schemes."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        if _REQUEST_MODELS:
            _, defs = models_json_schema(
                [(m, "validation") for m in _REQUEST_MODELS.values()],
                ref_template="#/components/schemas/{model}")
            for name, schema in defs.get("$defs", {}).items():
                components.setdefault(name, schema)
        doc["components"]["securitySchemes"] = {
            "bettercommerce": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "/oAuth/Token", "scopes": {}}}},
            "nexudus": {"type": "oauth2", "flows": {"password": {
                "tokenUrl": "/api/token", "refreshUrl": "/api/token",
                "scopes": {"BasketSession-Create": "", "BasketSession-Read": "",
                           "BasketSession-Update": "", "BasketSession-Delete": ""}}}},
        }
        if auth:
            for path, ops in doc.get("paths", {}).items():
                scheme = ("bettercommerce" if path.startswith("/api/v2/") else
                          "nexudus" if path.startswith("/api/billing") else None)
                if scheme:
                    for op in ops.values():
                        op["security"] = [{scheme: []}]
        _no_fastapi_422(doc)
        _guard_errors(doc)
        _open_unions(doc)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


__all__ = [
    "AddItemRequest",
    "BasketSession",
    "BasketSessionCreate",
    "BasketSessionPage",
    "BulkLine",
    "ClickCollectStore",
    "CustomInfoRequest",
    "DeliveryInstruction",
    "DeliveryPlanInput",
    "DisplayOrderEntry",
    "NexudusEnvelope",
    "NominatedDelivery",
    "SubscriptionSettings",
]

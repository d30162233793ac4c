"""Nexudus BasketSession API (engine-rules §9): create with the exact documented 200 and 400
envelopes, list (paged, SessionId filter), get, update, delete. Errors use Nexudus' envelope."""

from __future__ import annotations

from fastapi import FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine import BasketEngine
from ..engine.errors import NotFound, ValidationError
from ..wire import BasketSession, BasketSessionCreate, BasketSessionPage, NexudusEnvelope
from . import openapi_docs as docs
from . import requests as rq
from .responses import json_response, nexudus_ok
from .routing import Routes

PREFIX = "/api/billing/basketsessions"
TAG = "Nexudus BasketSession"
SANDBOX_USER = "sandbox"


def _problem(prop: str, value: object, message: str) -> ValidationError:
    return ValidationError(f"{prop}: {message}", [f"{prop}: {message}"],
                           nexudus_errors=[{"AttemptedValue": value, "Message": message,
                                            "PropertyName": prop}])


def _record_id(value: object) -> int:
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or int(text) <= 0:
        raise _problem("Id", value, "must be a positive integer")
    return int(text)


def _not_found(record_id: int) -> NotFound:
    return NotFound(f"BasketSession {record_id} was not found",
                    [f"Id: BasketSession {record_id} was not found"],
                    nexudus_errors=[{"AttemptedValue": record_id, "Message": "was not found",
                                     "PropertyName": "Id"}])


def _user(request: Request) -> str:
    principal = request.scope.get("state", {}).get("principal")
    return principal.name if principal is not None else SANDBOX_USER


CREATE = rq.Body(BasketSessionCreate)
UPDATE = rq.Body(BasketSession)


async def _body(request: Request, body: rq.Body) -> dict:
    """The body in Nexudus' error format when it is refused."""
    try:
        return await body.read(request)
    except ValidationError as exc:
        prop, _, message = exc.errors[0].partition(": ")
        raise ValidationError(exc.message, exc.errors, nexudus_errors=[
            {"AttemptedValue": None, "Message": message, "PropertyName": prop}]) from None


def build(app: FastAPI, engine: BasketEngine) -> None:
    router = Routes(app, PREFIX, TAG)
    errors = docs.NEXUDUS_ERRORS

    def envelope_doc(text: str) -> dict:
        return {200: {"model": NexudusEnvelope, "description": text}, **errors}

    @router.post("", summary="Create a BasketSession",
                 description="Needs the role BasketSession-Create (when auth is on).",
                 responses=envelope_doc("Value: {Id}"),
                 openapi_extra=CREATE.doc)
    async def create(request: Request) -> Response:
        body = await _body(request, CREATE)
        user = _user(request)
        record = await run_in_threadpool(engine.create_session, body.get("BusinessId"),
                                         body.get("SessionId"), body.get("JsonContents"), user)
        return nexudus_ok("BasketSession was successfully created.", {"Id": record["Id"]},
                          updated_on=record["UpdatedOn"], updated_by=record["UpdatedBy"])

    @router.get("", summary="List BasketSessions (paged)",
                responses={200: {"model": BasketSessionPage, "description": "One page"},
                           **errors})
    async def list_sessions(page: str | None = Query(None), size: str | None = Query(None),
                            BasketSession_SessionId: str | None = Query(None)) -> Response:
        try:
            page_no = rq.whole(page or None, "page", default=1, minimum=1, maximum=10**9)
            size_no = rq.whole(size or None, "size", default=25, minimum=1, maximum=1000)
        except ValidationError as exc:
            prop, _, message = exc.errors[0].partition(": ")
            raise _problem(prop, page if prop == "page" else size, message) from None
        result = await run_in_threadpool(engine.list_sessions, page=page_no, size=size_no,
                                         session_id=BasketSession_SessionId or None)
        return json_response(result)

    @router.get("/{id}", summary="Get one BasketSession",
                responses={200: {"model": BasketSession, "description": "The record"},
                           **errors})
    async def get(id: str) -> Response:
        record_id = _record_id(id)
        record = await run_in_threadpool(engine.get_session, record_id)
        if record is None:
            raise _not_found(record_id)
        return json_response(record)

    async def _update(request: Request, path_id: str | None) -> Response:
        body = await _body(request, UPDATE)
        if path_id is not None:
            record_id = _record_id(path_id)
            if body.get("Id") not in (None, "", record_id):
                raise _problem("Id", body.get("Id"),
                               f"does not match the id in the path ({record_id})")
        else:
            if body.get("Id") in (None, ""):
                raise _problem("Id", body.get("Id"), "is a required field")
            if isinstance(body["Id"], bool) or not isinstance(body["Id"], int):
                raise _problem("Id", body["Id"], "must be an integer")
            record_id = _record_id(body["Id"])
        record = await run_in_threadpool(engine.update_session, record_id, body,
                                         _user(request))
        if record is None:
            raise _not_found(record_id)
        return nexudus_ok("BasketSession was successfully updated.", {"Id": record_id},
                          updated_on=record["UpdatedOn"], updated_by=record["UpdatedBy"])

    update_doc = dict(responses=envelope_doc("Value: {Id}"),
                      openapi_extra=UPDATE.doc)

    @router.put("", summary="Update a BasketSession (Id in the body)", **update_doc)
    async def update(request: Request) -> Response:
        return await _update(request, None)

    @router.put("/{id}", summary="Update a BasketSession", **update_doc)
    async def update_by_id(id: str, request: Request) -> Response:
        return await _update(request, id)

    @router.delete("/{id}", summary="Delete a BasketSession",
                   responses=envelope_doc("Value: {Id}"))
    async def delete(id: str, request: Request) -> Response:
        record_id = _record_id(id)
        if not await run_in_threadpool(engine.delete_session, record_id):
            raise _not_found(record_id)
        return nexudus_ok("BasketSession was successfully deleted.", {"Id": record_id},
                          updated_by=_user(request))


"""Follow a basket live, as a sandbox extension: `GET /basket/{id}/events` streams its new
versions as server-sent events (docs/server.md, docs/history.md).

Changes are noticed from the database file (engine/changes.py), so a stream sees changes
made through any worker of `serve --workers N`, the CLI or another engine on the file. All
streams of this process share one feed (one poll task). A stream ends when its client goes
(Starlette cancels it on the disconnect), when the basket is deleted (a last `deleted`
event), or when the server shuts down (`close_all`, called from the signal handler, so
shutdown never waits for open streams).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

from fastapi import FastAPI, Query, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from .. import jsonio
from ..engine import BasketEngine
from ..engine.changes import ChangeFeed, FeedClosed, Follower, Head, VersionEvent
from ..engine.ids import normalise_guid
from . import openapi_docs as docs
from . import requests as rq
from .responses import error_for_path
from .routing import Routes

PREFIX = "/api/v2/commerce/basket"
TAG = "Sandbox extensions"
HEARTBEAT = 15.0  # seconds between keep-alive comments, unless the client asks otherwise
RETRY_MS = 2000  # what an EventSource waits before reconnecting

# Every feed of this process, for shutdown.
_FEEDS: weakref.WeakSet[ChangeFeed] = weakref.WeakSet()


def close_all() -> None:
    """End every open stream of this process now (from a signal handler: thread-safe)."""
    for feed in list(_FEEDS):
        feed.close_soon()


class EventStream(StreamingResponse):
    """text/event-stream, ended as soon as the client disconnects whatever ASGI spec
    version the server speaks (Starlette only listens for the disconnect below 2.4)."""

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[bytes], *, on_close: Callable[[], Awaitable],
                 headers: dict[str, str]) -> None:
        super().__init__(content, headers=headers)
        self.on_close = on_close  # leaves the feed: also when the stream never started

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._stream_until_gone(receive, send)
        finally:
            await self.on_close()

    async def _stream_until_gone(self, receive: Receive, send: Send) -> None:
        async def client_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        streaming = asyncio.ensure_future(self.stream_response(send))
        gone = asyncio.ensure_future(client_gone())
        try:
            await asyncio.wait({streaming, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (streaming, gone):
                task.cancel()
            await asyncio.gather(streaming, gone, return_exceptions=True)
        failed = streaming.exception() if streaming.done() and not streaming.cancelled() \
            else None
        if failed is not None and not isinstance(failed, OSError):  # OSError: the client went
            raise failed


def event_data(event: VersionEvent) -> dict:
    return {"basketId": event.basket_id, "version": event.version, "operation": event.op,
            "actor": event.actor, "at": event.at, "summary": event.summary,
            "lastUpdated": event.at, "deleted": event.deleted}


def frame(name: str, data: dict, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {jsonio.dumps(data)}\n\n".encode()


async def stream(follower: Follower, head: Head, heartbeat: float) -> AsyncIterator[bytes]:
    # `open` carries no id: a reconnect resumes from the last version event received.
    yield f"retry: {RETRY_MS}\n".encode() + frame("open", {
        "basketId": follower.basket_id, "version": head.version,
        "lastUpdated": head.last_updated, "exists": head.exists})
    while True:
        try:
            event = await follower.next(timeout=heartbeat)
        except FeedClosed:
            return
        if event is None:
            yield b": keep-alive\n\n"
        elif event.deleted:
            yield frame("deleted", event_data(event), event.version)
            return
        else:
            yield frame("version", event_data(event), event.version)


STREAM_DOC = {
    200: {"description": (
        "A text/event-stream. First `event: open` (no id; data {basketId, version, "
        "lastUpdated, exists}); then one `event: version` per new version (`id:` the "
        "version; data {basketId, version, operation, actor, at, summary, lastUpdated, "
        "deleted}); a deletion sends a last `event: deleted` and ends the stream; a "
        "`: keep-alive` comment every `heartbeat` seconds."),
        "content": {"text/event-stream": {"schema": {"type": "string"}}}},
    # Errors are JSON envelopes, not events (the route's own media type would say so).
    **{status: {"description": spec["description"], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Envelope_NoneType_"}}}}
       for status, spec in {**docs.READ_ERRORS, 406: {"description": (
           "The request did not send 'Accept: text/event-stream' (NOT_ACCEPTABLE)")}}.items()},
}
LAST_EVENT_ID = {"name": "Last-Event-ID", "in": "header", "required": False,
                 "schema": {"type": "string"},
                 "description": "Resume after this version: every later version is sent "
                                "first (an EventSource sends it when it reconnects)."}


def build(app: FastAPI, engine: BasketEngine) -> None:
    feed = ChangeFeed(engine.store)
    _FEEDS.add(feed)
    app.state.changes = feed
    router = Routes(app, PREFIX, TAG)

    @router.get("/{id}/events", summary="Follow the basket: its new versions as server-sent "
                                       "events", response_class=EventStream, status_code=200,
                responses=STREAM_DOC, openapi_extra=docs.params(LAST_EVENT_ID))
    async def events(id: docs.BasketId, request: Request,
                     heartbeat: str | None = Query(None, description="seconds between "
                                                   "keep-alive comments (1-300, default 15)")
                     ) -> Response:
        seconds = rq.whole(rq.blank(heartbeat), "heartbeat", default=int(HEARTBEAT),
                           minimum=1, maximum=300)
        last = rq.header(request, "last-event-id")
        after = None if last is None else rq.whole(last, "Last-Event-ID", default=0,
                                                    maximum=2**31 - 1)
        bid = normalise_guid(id, "id")
        if "text/event-stream" not in (request.headers.get("accept") or ""):
            # Answered at once: a client that reads a body to its end would wait forever.
            return error_for_path(request.url.path, 406, "NOT_ACCEPTABLE",
                                  "This route streams server-sent events: send "
                                  "'Accept: text/event-stream'",
                                  ["Accept: must include text/event-stream"])
        stack = AsyncExitStack()
        try:
            follower, head = await stack.enter_async_context(feed.follow(bid, after))
        except FeedClosed:  # the server is shutting down
            await stack.aclose()
            return error_for_path(request.url.path, 503, "UNAVAILABLE",
                                  "The sandbox is shutting down",
                                  ["id: the sandbox is shutting down"])
        return EventStream(stream(follower, head, float(seconds)), on_close=stack.aclose,
                           headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

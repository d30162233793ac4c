"""Following a basket live through a backend (`Backend.watch`, docs/history.md).

- LocalBackend: the engine's change feed (engine/changes.py) on the database file, so a
  change made by another process on the same file (the CLI, a sandbox, another workbench)
  is seen within `LOCAL_INTERVAL` seconds.
- HttpBackend on a basketbench sandbox: its event stream (`GET /basket/{id}/events`),
  reconnecting with `Last-Event-ID` after a dropped connection.
- HttpBackend on a live API: GET basket every `follow_interval` seconds (a profile setting,
  off by default); a move of its version or `lastUpdated` gives a stale marker only (what
  changed is unknown until the basket is read again).

A backend knows which versions it wrote itself (`OwnChanges`), so its own changes are never
reported as made elsewhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from .base import BasketChange
from .errors import BackendError

LOCAL_INTERVAL = 0.3  # seconds between looks at the database file
RECONNECT_S = 1.0  # wait before reconnecting a dropped event stream
STREAM_READ_TIMEOUT_S = 45.0  # the sandbox sends a keep-alive every 15 s
UNCLAIMED_TTL_S = 5.0  # how long a change of ours with no known version may claim an event


class OwnChanges:
    """The versions of each basket this backend wrote. A change under way holds back the
    verdict on that basket's events until it is done (its commit can be seen before the
    call returns)."""

    def __init__(self) -> None:
        self._versions: dict[str, set[int]] = {}
        self._unclaimed: dict[str, list[float]] = {}  # ends of own changes of unknown version
        self._busy: dict[str, int] = {}
        self._done: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._done is None:
            self._done = asyncio.Condition()
        return self._done

    def begin(self, basket_id: str) -> None:
        key = basket_id.lower()
        self._busy[key] = self._busy.get(key, 0) + 1

    async def end(self, basket_id: str, version: int | None, *, changed: bool = True) -> None:
        key = basket_id.lower()
        if changed:
            if version is not None:
                self._versions.setdefault(key, set()).add(version)
            else:
                self._unclaimed.setdefault(key, []).append(time.monotonic())
        self._busy[key] -= 1
        if not self._busy[key]:
            del self._busy[key]
        async with self._condition():
            self._condition().notify_all()

    async def is_own(self, basket_id: str, version: int | None) -> bool:
        key = basket_id.lower()
        async with self._condition():
            await self._condition().wait_for(lambda: key not in self._busy)
        versions = self._versions.get(key, set())
        if version is not None and version in versions:
            versions.discard(version)
            return True
        recent = [t for t in self._unclaimed.get(key, []) if time.monotonic() - t
                  < UNCLAIMED_TTL_S]
        if recent:
            recent.pop(0)
            self._unclaimed[key] = recent
            return True
        return False


# -- local --------------------------------------------------------------------------------

async def local_changes(backend: Any, basket_id: str) -> AsyncIterator[BasketChange]:
    from ..engine.changes import ChangeFeed, FeedClosed

    if getattr(backend, "_feed", None) is None:
        backend._feed = ChangeFeed(backend.engine.store, interval=LOCAL_INTERVAL)
    feed: ChangeFeed = backend._feed
    try:
        async with feed.follow(basket_id) as (follower, _head):
            async for event in follower:
                own = await backend.own.is_own(event.basket_id, event.version)
                yield BasketChange(
                    basket_id=event.basket_id, version=event.version, operation=event.op,
                    actor=event.actor, at=event.at, summary=event.summary,
                    elsewhere=not own, deleted=event.deleted)
                if event.deleted:
                    return
    except FeedClosed:
        return


# -- a sandbox's event stream ---------------------------------------------------------------

async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[tuple[str, str | None, str]]:
    """(event name, id, data) of each server-sent event; comments skipped."""
    name, event_id = "message", None
    data: list[str] = []
    async for line in lines:
        if line == "":
            if data:
                yield name, event_id, "\n".join(data)
            name, event_id, data = "message", None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "id":
            event_id = value
        elif field == "data":
            data.append(value)


async def stream_changes(backend: Any, basket_id: str) -> AsyncIterator[BasketChange]:
    import httpx

    from .. import jsonio

    transport = backend.transport
    url = transport.url(backend._b(basket_id, "events"))
    last_id: str | None = None
    refreshed = False
    while True:
        headers = {**backend.headers, **await transport.auth.headers(transport),
                   "Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = last_id
        started = time.perf_counter()
        try:
            async with transport.client.stream(
                    "GET", url, headers=headers,
                    timeout=httpx.Timeout(STREAM_READ_TIMEOUT_S,
                                          connect=transport.connect_timeout)) as response:
                transport.log.record("GET", url, status=response.status_code,
                                     duration_ms=(time.perf_counter() - started) * 1000,
                                     request_headers=headers)
                if response.status_code == 401 and not refreshed:
                    refreshed = await transport.auth.refresh(transport)
                    continue
                if response.status_code != 200:
                    body = (await response.aread()).decode("utf-8", "replace")
                    raise BackendError(response.status_code, "FOLLOW",
                                       f"the event stream of basket {basket_id} answered "
                                       f"{response.status_code}: {transport.scrub(body[:200])}",
                                       where=backend.label)
                refreshed = False
                async for name, event_id, data in sse_events(response.aiter_lines()):
                    if name not in ("version", "deleted"):
                        continue
                    last_id = event_id or last_id
                    item = jsonio.loads(data)
                    own = await backend.own.is_own(basket_id, item.get("version"))
                    yield BasketChange(
                        basket_id=item["basketId"], version=item.get("version"),
                        operation=item.get("operation", ""), actor=item.get("actor", ""),
                        at=item.get("at", ""), summary=item.get("summary", ""),
                        elsewhere=not own, deleted=name == "deleted")
                    if name == "deleted":
                        return
        except httpx.TransportError:
            pass  # dropped or timed out: reconnect, resuming after the last version seen
        await asyncio.sleep(RECONNECT_S)


# -- a live API, polled ----------------------------------------------------------------------

async def polled_changes(backend: Any, basket_id: str, interval: float
                         ) -> AsyncIterator[BasketChange]:
    """A stale marker each time GET basket shows another version or lastUpdated."""
    last: tuple[Any, Any] | None = None
    while True:
        try:
            basket = await backend.get_basket(basket_id)
        except BackendError:
            basket = None  # a failed look: the next one will tell
        if basket is not None:
            seen = (basket.version, basket.last_updated)
            if last is not None and seen != last:
                own = await backend.own.is_own(basket_id, basket.version)
                yield BasketChange(
                    basket_id=basket_id, version=basket.version, operation="", actor="",
                    at=str(basket.last_updated or ""), summary="", elsewhere=not own,
                    stale=True)
            last = seen
        await asyncio.sleep(interval)

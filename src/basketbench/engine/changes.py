"""Following baskets live: the new versions of watched baskets, noticed from the database
file itself, so a change made by any process on it is seen (`serve --workers N`, the CLI,
another workbench, this process).

One `ChangeFeed` per engine and event loop, shared by every follower of that process: one
poll task, started with the first follower and stopped with the last, asks SQLite every
`interval` seconds whether anything was committed since it last looked (`PRAGMA
data_version` on a connection of its own, which moves on any other connection's commit,
in this process or another: microseconds). Only when it moved does it read the new history
rows of the watched baskets (one primary-key range read each, and the few newest versions
waiting in the basket's row, history.keep) and fan them out to the followers' queues.
PostgreSQL has no such counter: there the feed reads the watched baskets' new history rows
every `interval` (one indexed read each, through the store's
read pool), which sees the commits of every host on the database. Versions come from basket
history, so an engine with `keep_history=False` (the benchmark's) is not followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from . import catalogue, history
from .catalogue import Catalogue
from .ids import normalise_guid
from .storage_errors import StorageError
from .store import connect
from .store_api import Store

T = TypeVar("T")

# How often the poll task asks whether anything was committed (seconds).
DEFAULT_INTERVAL = 0.25
# At most this many versions of one basket are read per poll; the rest come next poll.
BATCH = 200


@dataclass(frozen=True)
class VersionEvent:
    """One new version of a followed basket (a history row)."""

    basket_id: str
    version: int
    op: str
    actor: str
    at: str  # when, UTC ISO; also the basket's lastUpdated after this version
    summary: str
    deleted: bool


@dataclass(frozen=True)
class Head:
    """Where a basket is now: its version (its last history version when it does not exist),
    its lastUpdated, and whether it exists."""

    version: int
    last_updated: str | None
    exists: bool


class FeedClosed(Exception):
    """The feed was closed (the server is shutting down): end the stream."""


class Follower:
    """One follower of one basket: new versions after `sent`, in order, each once."""

    def __init__(self, basket_id: str, sent: int) -> None:
        self.basket_id = basket_id
        self.sent = sent
        self._queue: asyncio.Queue[VersionEvent | None] = asyncio.Queue()
        self._closed = False

    def _offer(self, events: list[VersionEvent]) -> None:
        for event in events:
            if event.version > self.sent:
                self.sent = event.version
                self._queue.put_nowait(event)

    def _close(self) -> None:
        self._closed = True
        self._queue.put_nowait(None)

    async def next(self, timeout: float | None = None) -> VersionEvent | None:
        """The next version; None when `timeout` passed first. FeedClosed when closed."""
        if self._closed and self._queue.empty():
            raise FeedClosed
        try:
            event = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        if event is None:
            raise FeedClosed
        return event

    def __aiter__(self) -> AsyncIterator[VersionEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[VersionEvent]:
        while True:
            try:
                event = await self.next()
            except FeedClosed:
                return
            if event is not None:
                yield event


class ChangeFeed:
    def __init__(self, store: Store, *, interval: float = DEFAULT_INTERVAL) -> None:
        self.store = store
        self.path = store.location  # safe to log: a URL's password is masked
        self.interval = interval
        self._followers: dict[str, set[Follower]] = {}
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None  # data_version when last read
        self._dirty = False  # a follower joined with a backlog: read without waiting
        self._conn_lock = threading.Lock()
        self._task: asyncio.Task | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._cat: Catalogue | None = None  # for the summaries of versions read

    # -- following ----------------------------------------------------------------------

    @asynccontextmanager
    async def follow(self, basket_id: str, after: int | None = None
                     ) -> AsyncIterator[tuple[Follower, Head]]:
        """Follow a basket from version `after` (default: from now). Yields the follower and
        the basket's head when following began."""
        if self._closed:
            raise FeedClosed
        bid = normalise_guid(basket_id, "id")
        head = await asyncio.to_thread(self._read, lambda conn: read_head(conn, bid))
        if self._closed:
            raise FeedClosed
        # A version past the newest (another server's, a basket since re-created) would
        # wait for versions that never come: it is taken as the newest.
        start = head.version if after is None else max(0, min(after, head.version))
        follower = Follower(bid, start)
        self._followers.setdefault(bid, set()).add(follower)
        self._start()
        if follower.sent < head.version:
            self._dirty = True
            self._wake_up()
        try:
            yield follower, head
        finally:
            followers = self._followers.get(bid)
            if followers is not None:
                followers.discard(follower)
                if not followers:
                    del self._followers[bid]

    def followers(self) -> int:
        return sum(len(f) for f in self._followers.values())

    # -- closing ------------------------------------------------------------------------

    async def close(self) -> None:
        """End every follower (FeedClosed) and the poll task."""
        self._closed = True
        for followers in list(self._followers.values()):
            for follower in followers:
                follower._close()
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            # it is going away: whatever it ends with is of no interest
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with self._conn_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def close_soon(self) -> None:
        """close() from a signal handler or another thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: loop.create_task(self.close()))

    # -- the poll task ------------------------------------------------------------------

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="basketbench-change-feed")

    def _wake_up(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        try:
            await self._poll_loop()
        except Exception:
            logging.getLogger(__name__).exception("the change feed of %s failed", self.path)
            for followers in list(self._followers.values()):
                for follower in followers:
                    follower._close()
        finally:
            self._task = None

    async def _poll_loop(self) -> None:
        assert self._wake is not None
        while self._followers and not self._closed:
            force, self._dirty = self._dirty, False
            wanted = {bid: min(f.sent for f in followers)
                      for bid, followers in self._followers.items() if followers}
            try:
                found = await asyncio.to_thread(self._poll, wanted, force)
            except FeedClosed:
                return
            except (sqlite3.Error, StorageError):
                found = {}  # a moment's trouble with the database: ask again next time
                self._seen = None
            for bid, events in found.items():
                for follower in list(self._followers.get(bid, ())):
                    follower._offer(events)
            if any(len(events) >= BATCH for events in found.values()):
                continue  # more to read
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    def _read(self, fn: Callable[[Any], T]) -> T:
        if self.store.kind != "sqlite":
            if self._closed:
                raise FeedClosed
            return self.store.read(fn)
        with self._conn_lock:
            if self._closed:
                raise FeedClosed
            if self._conn is None:
                self._conn = connect(self.path, busy_timeout_ms=1000)
                self._conn.execute("PRAGMA query_only = ON")
            return fn(self._conn)

    def _catalogue(self, conn: Any) -> Catalogue:
        """The catalogue the summaries name products by (history.summarised), read again
        only when it changed."""
        rev = catalogue.read_rev(conn)
        if self._cat is None or self._cat.rev != rev:
            self._cat = catalogue.load(conn)
        return self._cat

    def _poll(self, wanted: dict[str, int], force: bool) -> dict[str, list[VersionEvent]]:
        """New versions of the wanted baskets after their versions, when anything was
        committed since the last look (in a worker thread; one at a time)."""
        def poll(conn: Any) -> dict[str, list[VersionEvent]]:
            if self.store.kind == "sqlite":  # nothing committed since the last look: done
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                if version == self._seen and not force:
                    return {}
                self._seen = version
            cat = self._catalogue(conn)
            return {bid: events for bid, after in wanted.items()
                    if (events := read_since(conn, bid, after, cat=cat))}

        return self._read(poll)


# -- reading ------------------------------------------------------------------------------

def read_head(conn: Any, basket_id: str) -> Head:
    row = conn.execute("SELECT version, last_updated FROM baskets WHERE id = ?",
                       (basket_id,)).fetchone()
    if row is not None:
        return Head(row[0], row[1], True)
    return Head(history.newest_version(conn, basket_id) or 0, None, False)


def read_since(conn: Any, basket_id: str, after: int, limit: int = BATCH,
               cat: Catalogue | None = None) -> list[VersionEvent]:
    return [VersionEvent(basket_id, r[0], r[3], r[2], r[1], r[4], bool(r[5]))
            for r in history.since(conn, basket_id, after, limit, cat)]

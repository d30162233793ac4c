"""GET basket, rendered once per basket version.

Pricing and serialising a basket costs most of a GET. The rendered body is kept per basket and
reused while the basket's version and the catalogue revision are unchanged and it is younger
than `ttl` seconds (pricing depends on the clock through promotion validity windows, so a
cached body is never older than that). Checking costs one indexed read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from starlette.responses import Response

from ..engine import BasketEngine
from ..engine.ids import normalise_guid
from .basket_json import BODIES
from .responses import etag_header, raw_json_response


class BasketCache:
    def __init__(self, engine: BasketEngine, *, ttl: float = 1.0, size: int = 512) -> None:
        self.engine = engine
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[tuple, float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        # One render at a time: when an entry expires under load, the first request renders
        # and the ones queued behind it find the fresh body (no stampede of renders).
        self._render_lock = threading.Lock()

    _STAMP_SQL = ("SELECT b.version, b.last_updated, (SELECT value FROM meta WHERE key = "
                  "'catalogue_rev') FROM baskets b WHERE b.id = ?")

    def _stamp(self, basket_id: str) -> tuple:
        """(version, lastUpdated, catalogue revision), in one statement (atomic on its own,
        so no transaction is needed). lastUpdated tells a deleted and re-created basket at
        the same version apart. Read on a reader connection, so it never waits for a
        writer, and from the file, so every process on it agrees."""
        row = self.engine.store.read_one(self._STAMP_SQL, (basket_id,))
        return tuple(row) if row else (0, None, None)

    def try_hit(self, basket_id: object) -> Response | None:
        """The cached body if it is current, else None. Safe on the event loop: the check is
        one indexed read on a reader connection of a WAL database, which never waits for
        writers."""
        if self.ttl <= 0:
            return None
        bid = normalise_guid(basket_id, "id")
        with self._lock:
            hit = self._entries.get(bid)
        if hit is None or time.monotonic() - hit[1] >= self.ttl:
            return None
        stamp = self._stamp(bid)
        if stamp != hit[0]:
            return None
        return raw_json_response(hit[2], headers=etag_header(stamp[0]))

    def get_response(self, basket_id: object) -> Response:
        bid = normalise_guid(basket_id, "id")
        if self.ttl <= 0:
            return self._render(bid)[1]
        with self._render_lock:
            return self._get_or_render(bid)

    def _get_or_render(self, bid: str) -> Response:
        stamp = self._stamp(bid)
        version = stamp[0]
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(bid)
        if hit and hit[0] == stamp and now - hit[1] < self.ttl and version:
            return raw_json_response(hit[2], headers=etag_header(version))
        basket, response, body = self._render(bid)
        # Cache only what matches the stamp read first (a write in between is not cached).
        unchanged = self._stamp(bid) == stamp
        if version and basket.version == version and unchanged:
            with self._lock:
                self._entries[bid] = (stamp, now, body)
                self._entries.move_to_end(bid)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return response

    def _render(self, bid: str):
        basket = self.engine.get_basket(bid)
        body = BODIES.body(basket)
        return basket, raw_json_response(body, headers=etag_header(basket.version)), body

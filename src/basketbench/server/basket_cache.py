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
from ..engine import catalogue as catalogue_mod
from ..engine.ids import normalise_guid
from .. import jsonio
from ..wire.envelope import ok_envelope
from .responses import etag_header, raw_json_response


class BasketCache:
    def __init__(self, engine: BasketEngine, *, ttl: float = 1.0, size: int = 512) -> None:
        self.engine = engine
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[tuple, float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def _stamp(self, basket_id: str) -> tuple:
        """(version, lastUpdated, catalogue revision): a deleted and re-created basket at
        the same version still differs by lastUpdated."""
        def read(conn):
            row = conn.execute("SELECT version, last_updated FROM baskets WHERE id = ?",
                               (basket_id,)).fetchone()
            return (row[0] if row else 0, row[1] if row else None,
                    catalogue_mod.read_rev(conn))

        return self.engine.store.read(read)

    def get_response(self, basket_id: object) -> Response:
        bid = normalise_guid(basket_id, "id")
        if self.ttl <= 0:
            return self._render(bid)[1]
        stamp = self._stamp(bid)
        version = stamp[0]
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(bid)
        if hit and hit[0] == stamp and now - hit[1] < self.ttl and version:
            return raw_json_response(hit[2], headers=etag_header(version))
        basket, response, body = self._render(bid)
        # Cache only what matches the stamp read first (a write in between is not cached).
        if version and basket.get("version") == version and self._stamp(bid) == stamp:
            with self._lock:
                self._entries[bid] = (stamp, now, body)
                self._entries.move_to_end(bid)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return response

    def _render(self, bid: str):
        basket = self.engine.get_basket(bid)
        body = jsonio.dumps_bytes(ok_envelope(basket))
        version = basket.get("version")
        return basket, raw_json_response(body, headers=etag_header(version)), body

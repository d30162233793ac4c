"""A domain basket as the bytes of its BetterCommerce success envelope, made once per basket
version.

The engine hands back the same `Basket` object for a version while it is fresh (engine/
renders.py), so the PUT that made a version and the GETs right after it share one rendering
(`wirejson.render`, no pydantic) and one encoding (`jsonio`, msgspec). An entry is keyed by
(basket id, version, lastUpdated) and holds the basket it was made from: a hit must be that
very object, because the same version priced again later (another day: expected delivery
dates, promotion windows) may differ.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .. import jsonio
from ..model.basket import Basket
from ..wirejson import render


def envelope(result: Any, message: str = "", message_code: str = "") -> dict[str, Any]:
    """The success envelope of `wire.envelope.ok_envelope`, around plain wire data as is
    (no deep copy: the rendered parts are shared and read-only)."""
    return {"statusCode": 200, "status": "OK", "errors": [], "success": True,
            "message": message, "messageCode": message_code, "result": result}


class BasketBodies:
    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[Basket, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def body(self, basket: Basket) -> bytes:
        """The envelope bytes of the basket, encoded once per basket object."""
        key = (basket.id, basket.version, basket.last_updated)
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and hit[0] is basket:
            return hit[1]
        data = jsonio.dumps_bytes(envelope(render.basket(basket)))
        if basket.version and not basket.is_new:
            with self._lock:
                self._entries[key] = (basket, data)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return data


BODIES = BasketBodies()

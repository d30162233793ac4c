"""The domain basket (model/basket.py) of each basket version, kept for a moment.

A mutation builds its basket once, after the commit; a read of the same basket version soon
after (the storefront's GET after a PUT, the workbench's refresh) reuses that basket instead of
pricing and building it again. An entry is keyed by (basket id, version, last
updated, catalogue revision, currency) and serves reads whose clock (the engine's, so a test's
clock counts) is at most `ttl` seconds after the render's and on the same day, because pricing
also depends on the clock (promotion validity windows, expected delivery dates). Entries are
shared (and frozen); the server renders each one to wire JSON once (server/basket_json.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from ..model.basket import Basket
from . import domain
from .catalogue import Catalogue
from .pricing import Priced
from .state import BasketState


class RenderCache:
    def __init__(self, *, ttl: float = 1.0, size: int = 256) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[tuple, datetime, Basket]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(state: BasketState, cat: Catalogue) -> tuple:
        return (state.version, state.last_updated, cat.rev, state.currency)

    def lookup(self, state: BasketState, cat: Catalogue, now: datetime) -> Basket | None:
        """The render of this basket version, if it was made at most `ttl` seconds before
        `now` and on the same day (expected delivery dates are days from today)."""
        if not state.persisted:
            return None
        with self._lock:
            hit = self._entries.get(state.id)
        if hit is None or hit[0] != self._key(state, cat):
            return None
        age = (now - hit[1]).total_seconds()
        if not 0 <= age < self.ttl or hit[1].date() != now.date():
            return None
        return hit[2]

    def render(self, priced: Priced, cat: Catalogue, now: datetime) -> Basket:
        """Build a priced basket's domain basket and keep it for the reads that follow.
        Never a lookup: a mutation has the basket fresh in hand, and a basket deleted and
        made again within the same millisecond comes back at the same version and
        timestamp."""
        state = priced.state
        basket = domain.basket(priced, cat, now)
        if state.persisted and self.ttl > 0:
            with self._lock:
                self._entries[state.id] = (self._key(state, cat), now, basket)
                self._entries.move_to_end(state.id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return basket

    def forget(self, basket_id: str) -> None:
        """A deleted basket's render goes with it."""
        with self._lock:
            self._entries.pop(basket_id, None)

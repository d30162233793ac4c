"""A bounded cache of basket parts (lines, shipping methods) by everything they are made of.

A key holds object ids (products, promotions, methods); the entry keeps those objects and a
hit must find the very same ones, so an id reused after a catalogue reload can never return a
stale part. Emptied when full (a working set is a few baskets' lines).
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class PartCache(Generic[T]):
    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._entries: dict[tuple, tuple[tuple, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, owners: tuple) -> T | None:
        hit = self._entries.get(key)
        if hit is None or len(hit[0]) != len(owners):
            return None
        for a, b in zip(hit[0], owners):
            if a is not b:
                return None
        return hit[1]

    def put(self, key: tuple, owners: tuple, value: T) -> T:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries = {}
            self._entries[key] = (owners, value)
        return value

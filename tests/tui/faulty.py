"""A test-only Backend that delegates to a real one but fails or stalls the operations it is
told to: the faults a live API produces (400, 404, 423, 422, network down, 401) and slow
responses, without a flaky network. Everything else is the real LocalBackend."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from basketbench.backends import BackendError

ERRORS = {
    "VALIDATION": BackendError(400, "VALIDATION", "qty: must be at most 100000 (got 999999)",
                               ["qty: must be at most 100000 (got 999999)"]),
    "NOT_FOUND": BackendError(404, "NOT_FOUND", "Product 1234 not found",
                              ["productId: product 1234 not found"]),
    "BASKET_LOCKED": BackendError(423, "BASKET_LOCKED", "Basket 8836058b is locked",
                                  ["id: basket 8836058b is locked"]),
    "QUANTITY_LIMIT": BackendError(422, "QUANTITY_LIMIT",
                                   "POLO-NAVY-L: a line may hold at most 999 units",
                                   ["qty: at most 999 units per line"]),
    "NETWORK": BackendError(0, "NETWORK", "cannot reach http://127.0.0.1:9/api: connection "
                            "refused"),
    "UNAUTHORIZED": BackendError(401, "UNAUTHORIZED", "the API refused the token (401): "
                                 "check the profile's client id and secret"),
}


class FaultyBackend:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.label = inner.label
        self.capabilities = inner.capabilities
        self.log = inner.log
        self.failures: dict[str, list[BaseException]] = {}
        self.delays: dict[str, float] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.calls: list[tuple[str, tuple, dict]] = []  # (operation, args, kwargs)

    def fail(self, operation: str, error: BaseException, times: int = 1) -> None:
        """The next `times` calls of `operation` raise `error`."""
        self.failures.setdefault(operation, []).extend([error] * times)

    def slow(self, operation: str, seconds: float) -> None:
        self.delays[operation] = seconds

    def hold(self, operation: str) -> asyncio.Event:
        """Calls of `operation` wait until the returned event is set: a response as slow as
        the test needs, with no timing guesswork."""
        gate = self.gates[operation] = asyncio.Event()
        return gate

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name in self.delays:
                await asyncio.sleep(self.delays[name])
            if name in self.gates:
                await self.gates[name].wait()
            pending = self.failures.get(name)
            if pending:
                raise pending.pop(0)
            return await attr(*args, **kwargs)

        return call

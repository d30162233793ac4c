"""The basket version a change was based on, passed to the backend without widening every
Backend method: `with expecting_version(7): await backend.add_item(...)`.

The local backend hands it to the engine (`expected_version=`), the HTTP backend sends it as
`If-Match`; a basket that moved on since is refused with CONFLICT (409) and its current
version, so a change is never applied to a basket the person did not see. A context variable
follows the task into the worker thread the local engine runs in (asyncio.to_thread copies
the context), and never leaks into other tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .base import MUTATIONS

_expected: ContextVar[int | None] = ContextVar("basketbench_expected_version", default=None)


@contextmanager
def expecting_version(version: int | None) -> Iterator[None]:
    """Mutations inside the block are refused unless the basket is still at `version`
    (None: no precondition)."""
    token = _expected.set(version)
    try:
        yield
    finally:
        _expected.reset(token)


def expected_version(op: str) -> int | None:
    """The version a mutation `op` must find, or None (reads never carry one)."""
    return _expected.get() if op in MUTATIONS else None


def if_match(op: str) -> dict[str, str]:
    """The If-Match header for `op` (empty when there is no precondition)."""
    version = expected_version(op)
    return {} if version is None else {"If-Match": f'"{version}"'}


class ExpectedVersionEngine:
    """An engine whose mutations get `expected_version=` from the context (the local
    backend's writer). Read in the calling thread, which asyncio.to_thread gives the
    context of the task that asked."""

    def __init__(self, engine: object) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:  # the engine's own attribute, or a wrapper
        method = getattr(self._engine, name)
        version = expected_version(name)
        if version is None or not callable(method):
            return method
        return lambda *args, **kwargs: method(*args, expected_version=version, **kwargs)

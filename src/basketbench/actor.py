"""Who is changing baskets in this context: the workbench, the CLI, a flow, a sandbox client.
Basket history records it with every version. A context variable, so it follows a call into
the engine's worker thread and never leaks between requests or tasks; no dependencies, so the
CLI can set it without importing the engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ACTOR: ContextVar[str] = ContextVar("basketbench_actor", default="engine")


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = ACTOR.set(actor)
    try:
        yield
    finally:
        ACTOR.reset(token)

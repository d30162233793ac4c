"""The time budget of one backend operation.

`timeout` is the whole budget of one operation: the token request, every attempt, the backoff
between them and the reading of the body all count against it, so a person waits at most
`timeout` seconds (plus a moment to clean up), whatever the server does.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

# The bounds a profile may set (profile_values.py) sit below the backends: the config checks
# them too.
from ..profile_values import MAX_BACKOFF_S

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_RETRIES = 2
# Not worth starting an attempt with less than this left: it could only time out.
MIN_ATTEMPT_S = 0.05


class Deadline:
    """A budget of `seconds` started now; attempts are counted for the error message."""

    def __init__(self, seconds: float, clock=time.monotonic,
                 started: float | None = None) -> None:
        self.seconds = seconds
        self.clock = clock
        self.started = clock() if started is None else started
        self.attempts = 0

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    @property
    def left(self) -> float:
        return self.seconds - self.elapsed

    def pause(self, backoff: float, attempt: int) -> float | None:
        """How long to wait before attempt `attempt + 1`, or None when no attempt would fit."""
        wait = min(backoff * 2 ** (attempt - 1), MAX_BACKOFF_S)
        if self.left - wait < MIN_ATTEMPT_S:
            return None
        return wait

    def spent(self) -> str:
        """'1.0s in all over 3 attempts' for error messages."""
        n = self.attempts
        return f"{self.elapsed:.1f}s in all over {n} attempt{'s' if n != 1 else ''}"


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "basketbench_deadline", default=None)


def current() -> Deadline | None:
    return _current.get()


@contextmanager
def budget(seconds: float, started: float | None = None) -> Iterator[Deadline]:
    """The deadline of one operation: the one already running if there is one (a token fetch
    or a read-back inside an operation shares its budget), else a new one, counted from
    `started` (time.monotonic) when the operation began before its backend was opened."""
    running = _current.get()
    if running is not None:
        yield running
        return
    deadline = Deadline(seconds, started=started)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)

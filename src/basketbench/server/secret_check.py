"""Secret checks (PBKDF2, tens of milliseconds of CPU each) on one dedicated thread per
process, off the event loop and off the thread pool that runs basket calls, so a flood of
token requests queues here instead of starving every other route. At most `max_waiting`
checks wait; beyond that a token request is refused at once (429) rather than queued."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Overloaded(Exception):
    """Too many secret checks are already waiting."""


class SecretChecker:
    def __init__(self, threads: int = 1, max_waiting: int = 16) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="secret-check")
        self.max_waiting = max_waiting
        self._waiting = 0  # touched on the event loop only

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._waiting >= self.max_waiting:
            raise Overloaded()
        self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self._waiting -= 1

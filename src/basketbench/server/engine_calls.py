"""Engine calls off the event loop: writes on one dedicated writer thread, reads on their own.

The engine serialises writes on one lock, so running them on the shared thread pool (40
threads) only made threads queue on that lock and paid the pool's hop for nothing. One writer
thread runs them one after another; reads (GET basket on a cache miss, listings) go to a small
pool of their own and never wait behind a write (WAL readers do not wait for the writer).
Each call runs in a copy of the caller's context, so the history actor of the request
(actor_scope.py) goes with it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

READER_THREADS = 4


class EngineCalls:
    def __init__(self, readers: int = READER_THREADS) -> None:
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="basketbench-writer")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="basketbench-reader")

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A mutation (or a dry run that takes the write lock), on the writer thread."""
        return await self._run(self._writer, fn, args, kwargs)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A read, on a reader thread."""
        return await self._run(self._readers, fn, args, kwargs)

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, fn: Callable[..., T], args: tuple,
                   kwargs: dict) -> T:
        context = contextvars.copy_context()
        call = functools.partial(context.run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(pool, call)

    def close(self) -> None:
        self._writer.shutdown(wait=False)
        self._readers.shutdown(wait=False)

"""One line per request on stderr: method, path (secret query values masked), status, ms.

Never the Authorization header, never a body: token requests carry secrets in both. With
several worker processes each line names its worker (`w2`), and each response carries
`X-Basketbench-Worker`, so a request can be traced to the process that answered it.
"""

from __future__ import annotations

import logging
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..redact import redact_url

log = logging.getLogger("basketbench.server.access")


def configure(stream=None) -> None:
    """Send access lines to stderr, plain, once."""
    if not log.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def request_line(scope: Scope) -> str:
    path = scope.get("path", "")
    qs = scope.get("query_string", b"")
    if qs:
        path = redact_url(f"{path}?{qs.decode('latin-1')}")
    return f"{scope.get('method', '-')} {path}"


class AccessLog:
    def __init__(self, app: ASGIApp, worker: int | None = None, lines: bool = True) -> None:
        self.app = app
        self.lines = lines  # False: only the worker header (--no-access-log with workers)
        self.prefix = f"w{worker} " if worker is not None else ""
        self.worker_header = [(b"x-basketbench-worker", str(worker).encode())] if (
            worker is not None) else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if self.worker_header:
                    message["headers"] = [*message.get("headers", []), *self.worker_header]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            ms = (time.perf_counter() - started) * 1000
            if self.lines:
                log.info("%s%s %s %.1fms", self.prefix, request_line(scope), status or "-",
                         ms)

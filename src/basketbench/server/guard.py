"""The outer guard (pure ASGI, so it costs next to nothing per request):

- a body over `max_body` bytes gets 413, whether Content-Length says so up front or the
  streamed bytes pass the limit;
- any exception that escapes a route gets a 500 envelope without a traceback (the traceback
  goes to the server log; tests prove bad input never reaches this);
- without auth, only requests addressed to a loopback host are served: a web page the user
  visits could otherwise reach the open sandbox through DNS rebinding.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engine.errors import EngineError
from .errors import engine_error_response
from .loopback import is_loopback
from .responses import error_for_path

MAX_BODY = 1024 * 1024
log = logging.getLogger("basketbench.server")


class BodyTooLarge(Exception):
    pass


class Guard:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY,
                 loopback_hosts_only: bool = False) -> None:
        self.app = app
        self.max_body = max_body
        self.loopback_hosts_only = loopback_hosts_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if self.loopback_hosts_only:
            host = _host(scope)
            if host is not None and not _is_loopback_host(host):
                message = (f"Host: {host[:100]!r} is not served: an unauthenticated sandbox "
                           "answers loopback hosts only (start it with --auth token)")
                await _reply(scope, send, error_for_path(path, 403, "FORBIDDEN", message,
                                                         [message]))
                return
        length = _content_length(scope)
        if length == -1:
            await _reply(scope, send, error_for_path(
                path, 400, "VALIDATION", "Content-Length: is not a whole number",
                ["Content-Length: is not a whole number"]))
            return
        if length is not None and length > self.max_body:
            await _reply(scope, send, self._too_large(path, length))
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _reply(scope, send, self._too_large(path, received))
        except EngineError as exc:  # raised before routing (a storage fault in the auth gate)
            if not started:
                await _reply(scope, send, engine_error_response(path, exc))
        except Exception as exc:  # the last line of defence: never a traceback to the client
            log.exception("unhandled %s on %s %s", type(exc).__name__, scope.get("method"),
                          path)
            if not started:
                await _reply(scope, send, error_for_path(
                    path, 500, "INTERNAL", "Internal server error (see the server log)",
                    ["server: internal error"]))

    def _too_large(self, path: str, size: int):
        message = (f"body: {size} bytes is over the limit of {self.max_body} bytes "
                   f"({self.max_body // 1024} KiB)")
        return error_for_path(path, 413, "PAYLOAD_TOO_LARGE", message, [message],
                              {"Connection": "close"})


def _host(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return value.decode("latin-1")
    return None


def _is_loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or "]" in host else host
    return is_loopback(name.strip("[]"))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if (text.isascii() and text.isdigit()) and len(text) < 19 else -1
    return None


async def _reply(scope: Scope, send: Send, response) -> None:
    async def no_receive() -> Message:  # the reply never reads the request
        return {"type": "http.disconnect"}

    await response(scope, no_receive, send)

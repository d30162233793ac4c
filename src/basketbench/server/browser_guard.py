"""Browsers on other sites may not use the open sandbox; allowed origins get CORS (pure ASGI).

A web page the developer visits can send requests to a loopback port: an `<img>` or a link
(a GET, e.g. promo apply), a form or a `text/plain` fetch (a POST without preflight). The open
(no-auth) sandbox therefore refuses a browser request whose `Origin` is neither loopback nor
allowed with `--cors-origin`, and one without an Origin that is marked `Sec-Fetch-Site:
cross-site` or whose `Referer` is a page on another site (older browsers send no Sec-Fetch-*).
Non-browser clients (curl, httpx) send none of these and are not affected.
With auth on, a browser cannot send the bearer token by itself, so nothing is refused here.

Allowed origins (any auth mode) get CORS: preflights answered 204 and responses marked with
`Access-Control-Allow-Origin`, so a storefront in a browser on another port can call the API.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .guard import _reply
from .loopback import is_loopback
from .responses import error_for_path

METHODS = "GET, POST, PUT, DELETE"
EXPOSED = "ETag, Retry-After, WWW-Authenticate"
MAX_AGE = "600"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(text: str) -> str:
    """`scheme://host[:port]` as a browser sends it in `Origin`; ValueError names the fault."""
    parts = urlsplit(text.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{text!r} is not an origin: give scheme://host[:port], "
                         "e.g. http://localhost:3000")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{text!r} is not an origin: no path, query or user part, "
                         "just scheme://host[:port]")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r} has an invalid port") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown_port = "" if port in (None, _DEFAULT_PORTS[parts.scheme]) else f":{port}"
    return f"{parts.scheme}://{host}{shown_port}"


def _is_loopback_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    host = parts.hostname
    return parts.scheme in _DEFAULT_PORTS and host is not None and host != "" and is_loopback(
        host)


def _headers(scope: Scope) -> dict[bytes, str]:
    wanted = (b"origin", b"sec-fetch-site", b"referer", b"access-control-request-method",
              b"access-control-request-headers", b"access-control-request-private-network")
    return {name: value.decode("latin-1") for name, value in scope.get("headers", ())
            if name in wanted}


class BrowserGuard:
    def __init__(self, app: ASGIApp, *, open_sandbox: bool,
                 allowed_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.open_sandbox = open_sandbox
        self.allowed = frozenset(normalise_origin(o) for o in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if not headers:  # not a browser, or a same-origin navigation: the common case
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        origin = headers.get(b"origin")
        allowed = origin is not None and origin.lower().rstrip("/") in self.allowed
        if scope.get("method") == "OPTIONS" and origin is not None and \
                b"access-control-request-method" in headers:
            await _reply(scope, send, self._preflight(path, origin, allowed, headers))
            return
        refusal = None if allowed or not self.open_sandbox else self._refusal(origin, headers)
        if refusal:
            await _reply(scope, send, error_for_path(path, 403, "FORBIDDEN", refusal,
                                                     [f"Origin: {refusal}"]))
            return
        if not allowed:
            await self.app(scope, receive, send)
            return
        assert origin is not None  # allowed: it came with an Origin header

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *_cors(origin)]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _refusal(origin: str | None, headers: dict[bytes, str]) -> str | None:
        if origin is not None:
            if _is_loopback_origin(origin):
                return None
            return (f"Origin {origin[:100]!r} is not allowed: the unauthenticated sandbox "
                    "refuses requests from other web sites (allow a storefront's origin with "
                    "--cors-origin)")
        if headers.get(b"sec-fetch-site", "").lower() == "cross-site":
            return ("Sec-Fetch-Site: cross-site requests (a link, an image or a form on "
                    "another web site) are refused by the unauthenticated sandbox (allow a "
                    "storefront's origin with --cors-origin)")
        referer = headers.get(b"referer")
        # Browsers without Sec-Fetch-* still name the page an <img> or a link came from.
        if referer and not _is_loopback_origin(referer):
            page = urlsplit(referer)  # its site only: a page's path or query may hold secrets
            site = f"{page.scheme}://{page.netloc}"[:100]
            return (f"Referer {site!r}: requests from pages on other web sites are refused "
                    "by the unauthenticated sandbox (allow a storefront's origin with "
                    "--cors-origin)")
        return None

    def _preflight(self, path: str, origin: str, allowed: bool,
                   headers: dict[bytes, str]) -> Response:
        if not allowed:
            message = (f"Origin {origin[:100]!r} is not allowed to call this sandbox from a "
                       f"browser: start it with --cors-origin {origin[:100]}")
            return error_for_path(path, 403, "FORBIDDEN", message, [f"Origin: {message}"])
        extra = {"Access-Control-Allow-Methods": METHODS,
                 "Access-Control-Max-Age": MAX_AGE}
        requested = headers.get(b"access-control-request-headers")
        if requested:
            extra["Access-Control-Allow-Headers"] = requested
        if headers.get(b"access-control-request-private-network", "").lower() == "true":
            extra["Access-Control-Allow-Private-Network"] = "true"
        response = Response(status_code=204, headers=extra)
        response.raw_headers.extend(_cors(origin))
        return response


def _cors(origin: str) -> list[tuple[bytes, bytes]]:
    return [(b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-expose-headers", EXPOSED.encode()),
            (b"vary", b"Origin")]

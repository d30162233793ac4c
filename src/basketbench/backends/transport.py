"""HTTP transport shared by the live clients: one httpx client, timeouts, retries for reads,
one replay after a 401 that new credentials may cure, and a request-log entry for every
attempt. Network failures come out as `BackendError`; callers never see httpx exceptions.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import httpx

from .. import jsonio
from ..redact import redact_data, redact_text, redact_url
from .errors import BackendError
from .request_log import RequestLog

# Statuses worth another try for an idempotent read: the server may answer next time.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


def segment(value: object) -> str:
    """One path segment, percent-encoded (promo codes and ids may hold spaces or slashes)."""
    return quote(str(value), safe="")


@dataclass
class Reply:
    """An HTTP answer, with `where` ("PUT https://host/path", secrets redacted) for messages."""

    method: str
    url: str
    status: int
    headers: httpx.Headers
    text: str

    @property
    def where(self) -> str:
        return f"{self.method} {redact_url(self.url)}"


class Auth(Protocol):
    """Supplies credentials. `refresh` is called after a 401; True means "try once more"."""

    async def headers(self, transport: Transport) -> dict[str, str]: ...
    async def refresh(self, transport: Transport) -> bool: ...


class NoAuth:
    async def headers(self, transport: Transport) -> dict[str, str]:
        return {}

    async def refresh(self, transport: Transport) -> bool:
        return False


class Transport:
    def __init__(self, base_url: str, *, log: RequestLog | None = None,
                 headers: dict[str, str] | None = None, auth: Auth | None = None,
                 timeout: float = 15.0, connect_timeout: float | None = None,
                 retries: int = 2, backoff: float = 0.25, max_connections: int = 8,
                 verify: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.log = log if log is not None else RequestLog()
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.auth: Auth = auth or NoAuth()
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        # A handful of connections: one httpx client collapses with dozens in flight.
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout or min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections),
            follow_redirects=False, verify=verify)

    async def close(self) -> None:
        await self.client.aclose()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def scrub(self, text: str) -> str:
        return redact_text(text, self.log.secrets)

    async def send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                   json: Any = None, form: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None, authenticate: bool = True,
                   sensitive: bool = False) -> Reply:
        """Send one request. Reads (GET) are retried with backoff on network errors, timeouts
        and 5xx; anything else is sent exactly once (plus one replay after a cured 401).
        `sensitive`: the response carries credentials (a token endpoint); secret-named JSON
        fields are masked before the body reaches the log."""
        method = method.upper()
        url = self.url(path)
        query = {k: ("" if v is None else str(v)) for k, v in (params or {}).items()}
        if query:
            url = f"{url}?{urlencode(query)}"
        body: str | None = None
        extra = dict(headers or {})
        if json is not None:
            body = jsonio.dumps(json)
            extra.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = urlencode({k: _form_value(v) for k, v in form.items() if v is not None})
            extra.setdefault("Content-Type", "application/x-www-form-urlencoded")

        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        replayed = False
        attempt = 0
        while True:
            attempt += 1
            sent = {**self.headers, **extra}
            if authenticate:
                sent.update(await self.auth.headers(self))
            try:
                reply = await self._once(method, url, sent, body, sensitive)
            except BackendError:
                if attempt < attempts:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise
            if reply.status == 401 and authenticate and not replayed:
                replayed = True
                if await self.auth.refresh(self):
                    attempt -= 1  # the replay is not a retry
                    continue
            if reply.status in RETRY_STATUSES and attempt < attempts:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            return reply

    async def _once(self, method: str, url: str, headers: dict[str, str],
                    body: str | None, sensitive: bool = False) -> Reply:
        where = f"{method} {redact_url(url)}"
        started = time.perf_counter()

        def log_failure(error: str) -> None:
            self.log.record(method, url, status=None,
                            duration_ms=(time.perf_counter() - started) * 1000,
                            request_headers=headers, request_body=body, error=error)

        try:
            response = await self.client.request(
                method, url, headers=headers,
                content=body.encode("utf-8") if body is not None else None)
            text = response.text
        except httpx.TimeoutException as exc:
            kind = {"ConnectTimeout": "connecting", "ReadTimeout": "waiting for the response",
                    "WriteTimeout": "sending the request", "PoolTimeout": "waiting for a free "
                    "connection"}.get(type(exc).__name__, "waiting")
            message = f"timed out after {self.timeout:g}s {kind}: {where}"
            log_failure(message)
            raise BackendError(0, "TIMEOUT", message, where=where) from None
        except httpx.ConnectError as exc:
            message = f"could not connect ({self.scrub(str(exc)) or 'connection failed'}): {where}"
            log_failure(message)
            raise BackendError(0, "NETWORK", message, where=where) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            message = (f"connection dropped before the response was complete "
                       f"({self.scrub(str(exc)) or type(exc).__name__}): {where}")
            log_failure(message)
            raise BackendError(0, "NETWORK", message, where=where) from None
        except httpx.HTTPError as exc:
            message = f"HTTP failure ({type(exc).__name__}: {self.scrub(str(exc))}): {where}"
            log_failure(message)
            raise BackendError(0, "NETWORK", message, where=where) from None
        self.log.record(method, url, status=response.status_code,
                        duration_ms=(time.perf_counter() - started) * 1000,
                        request_headers=headers, request_body=body,
                        response_body=_masked(text) if sensitive else text)
        return Reply(method, url, response.status_code, response.headers, text)


def _masked(text: str) -> str:
    """A token endpoint's body with secret-named fields (access_token, ...) masked."""
    try:
        return jsonio.dumps(redact_data(jsonio.loads(text)))
    except ValueError:
        return text


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return jsonio.dumps(value)
    return str(value)


def looks_like_html(reply: Reply) -> bool:
    kind = reply.headers.get("content-type", "").lower()
    head = reply.text.lstrip()[:100].lower()
    return "html" in kind or head.startswith(("<!doctype", "<html", "<"))


def html_title(text: str) -> str:
    lower = text.lower()
    start = lower.find("<title>")
    end = lower.find("</title>")
    if 0 <= start < end:
        return " ".join(text[start + 7:end].split())[:80]
    return ""


def snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


STATUS_CODES = {400: "VALIDATION", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                409: "CONFLICT", 413: "VALIDATION", 415: "VALIDATION", 422: "VALIDATION",
                423: "BASKET_LOCKED", 429: "RATE_LIMITED"}


def code_for_status(status: int) -> str:
    if status >= 500:
        return "SERVER_ERROR"
    return STATUS_CODES.get(status, "HTTP_ERROR")


def undecodable(reply: Reply, scrub, what: str = "JSON") -> BackendError:
    """The error for a body that is not the expected JSON: HTML, truncated or malformed."""
    size = len(reply.text.encode())
    if not reply.text.strip():
        detail = f"an empty body (HTTP {reply.status})"
    elif looks_like_html(reply):
        title = html_title(reply.text)
        detail = f"an HTML page instead of {what} (HTTP {reply.status}" + (
            f", title {title!r})" if title else ")")
    else:
        try:
            jsonio.loads(reply.text)
            detail = f"JSON that is not the expected shape (HTTP {reply.status}, {size} bytes)"
        except ValueError as exc:
            detail = (f"malformed or truncated {what} (HTTP {reply.status}, {size} bytes: {exc}; "
                      f"starts {snippet(reply.text, 60)!r})")
    message = scrub(f"{reply.where} returned {detail}")
    if reply.status >= 500:
        return BackendError(reply.status, "SERVER_ERROR", message, where=reply.where)
    if reply.status >= 400:
        return BackendError(reply.status, code_for_status(reply.status), message,
                            where=reply.where)
    return BackendError(reply.status, "BAD_RESPONSE", message, where=reply.where)

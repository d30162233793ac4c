"""HTTP transport shared by the live clients: one httpx client, timeouts, retries for reads,
one replay after a 401 that new credentials may cure, and a request-log entry for every
attempt. Network failures come out as `BackendError`; callers never see httpx exceptions.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urljoin, urlsplit

import httpx

from .. import jsonio
from ..profile_values import backoff_problem, retries_problem, timeout_problem
from ..redact import redact_data, redact_text, redact_url
from .deadline import Deadline, budget
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
    # "1.2s in all over 3 attempts" when retries were spent on it, for the error message.
    spent: str = ""

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
        for name, value, problem in (("timeout", timeout, timeout_problem),
                                     ("retries", retries, retries_problem),
                                     ("backoff", backoff, backoff_problem)):
            if (why := problem(value)) is not None:
                raise BackendError(400, "VALIDATION", f"{name} = {value!r} {why}")
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = float(backoff)
        self.connect_timeout = connect_timeout or min(self.timeout, 10.0)
        # A handful of connections: one httpx client collapses with dozens in flight.
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
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
        """Send one request within the operation's budget (`timeout`, see deadline.py).
        Reads (GET) are retried with bounded backoff on network errors, timeouts and 5xx while
        the budget allows; anything else is sent exactly once (plus one replay after a cured
        401). `sensitive`: the response carries credentials (a token endpoint); secret-named
        JSON fields are masked before the body reaches the log."""
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
        with budget(self.timeout) as deadline:
            return await self._attempts(method, url, extra, body, authenticate, sensitive,
                                        deadline)

    async def _attempts(self, method: str, url: str, extra: dict[str, str], body: str | None,
                        authenticate: bool, sensitive: bool, deadline: Deadline) -> Reply:
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        replayed = False
        attempt = 0
        while True:
            attempt += 1
            sent = {**self.headers, **extra}
            if authenticate:
                sent.update(await self.auth.headers(self))  # a token fetch shares the budget
            try:
                reply = await self._once(method, url, sent, body, sensitive, deadline)
            except _AttemptFailed as failed:
                wait = deadline.pause(self.backoff, attempt) if attempt < attempts else None
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
                raise failed.error(deadline) from None
            if reply.status == 401 and authenticate and not replayed:
                replayed = True
                if await self.auth.refresh(self):
                    attempt -= 1  # the replay is not a retry
                    continue
            if reply.status in RETRY_STATUSES and attempt < attempts:
                wait = deadline.pause(self.backoff, attempt)
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
            if 300 <= reply.status < 400:
                raise redirect_error(reply, self.scrub)
            if reply.status in RETRY_STATUSES and deadline.attempts > 1:
                reply.spent = deadline.spent()
            return reply

    async def _once(self, method: str, url: str, headers: dict[str, str],
                    body: str | None, sensitive: bool, deadline: Deadline) -> Reply:
        where = f"{method} {redact_url(url)}"
        started = time.perf_counter()
        deadline.attempts += 1

        def failed(code: str, reason: str) -> _AttemptFailed:
            self.log.record(method, url, status=None,
                            duration_ms=(time.perf_counter() - started) * 1000,
                            request_headers=headers, request_body=body,
                            error=f"{reason}: {where}")
            return _AttemptFailed(code, reason, where, self.timeout)

        left = deadline.left
        if left <= 0:
            raise failed("TIMEOUT", "the budget was used up before this request (opening the "
                         "backend or earlier calls)")
        try:
            # asyncio.timeout bounds the whole attempt, the body included: a server that
            # dribbles a byte at a time never resets it, as httpx's per-read timeout would.
            async with asyncio.timeout(left):
                response = await self.client.request(
                    method, url, headers=headers,
                    content=body.encode("utf-8") if body is not None else None,
                    timeout=httpx.Timeout(left, connect=min(left, self.connect_timeout)))
                text = response.text
        except (TimeoutError, httpx.TimeoutException) as exc:
            kind = {"ConnectTimeout": "connecting", "PoolTimeout": "waiting for a free "
                    "connection", "WriteTimeout": "sending the request"}.get(
                type(exc).__name__, "waiting for the response")
            raise failed("TIMEOUT", f"the last attempt was {kind}") from None
        except httpx.ConnectError as exc:
            raise failed("NETWORK", f"could not connect "
                         f"({self.scrub(str(exc)) or 'connection failed'})") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise failed("NETWORK", f"connection dropped before the response was complete "
                         f"({self.scrub(str(exc)) or type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise failed("NETWORK", f"HTTP failure ({type(exc).__name__}: "
                         f"{self.scrub(str(exc))})") from None
        self.log.record(method, url, status=response.status_code,
                        duration_ms=(time.perf_counter() - started) * 1000,
                        request_headers=headers, request_body=body,
                        response_body=_masked(text) if sensitive else text)
        return Reply(method, url, response.status_code, response.headers, text)


class _AttemptFailed(Exception):
    """One attempt that got no answer; becomes a BackendError once no retry is left."""

    def __init__(self, code: str, reason: str, where: str, budget_s: float) -> None:
        super().__init__(reason)
        self.code, self.reason, self.where, self.budget_s = code, reason, where, budget_s

    def error(self, deadline: Deadline) -> BackendError:
        if self.code == "TIMEOUT":
            message = (f"timed out: no complete answer within the {self.budget_s:g}s budget "
                       f"({deadline.spent()}; {self.reason}): {self.where}")
        else:
            message = f"{self.reason} ({deadline.spent()}): {self.where}"
        return BackendError(0, self.code, message, where=self.where)


def redirect_error(reply: Reply, scrub: Callable[[str], str]) -> BackendError:
    """A redirect is never followed (it could hand credentials to another host): say where
    it points, so the person can fix base_url or auth_url."""
    target = reply.headers.get("location", "")
    if target:
        absolute = urljoin(reply.url, target)
        same = urlsplit(absolute).netloc == urlsplit(reply.url).netloc
        detail = (f"a redirect (HTTP {reply.status}) to {redact_url(absolute)}, not followed"
                  + ("" if same else " (another host)"))
    else:
        detail = f"a redirect (HTTP {reply.status}) with no Location, not followed"
    return BackendError(reply.status, "REDIRECT",
                        scrub(f"{reply.where} answered with {detail}; check the profile's URL"),
                        where=reply.where)


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
    if reply.spent:
        detail += f" ({reply.spent})"
    message = scrub(f"{reply.where} returned {detail}")
    if reply.status >= 500:
        return BackendError(reply.status, "SERVER_ERROR", message, where=reply.where)
    if reply.status >= 400:
        return BackendError(reply.status, code_for_status(reply.status), message,
                            where=reply.where)
    return BackendError(reply.status, "BAD_RESPONSE", message, where=reply.where)

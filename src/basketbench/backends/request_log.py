"""The request log: every backend call, with secrets already redacted when it is recorded."""

from __future__ import annotations

import itertools
import shlex
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ..redact import redact_headers, redact_text, redact_url

_ids = itertools.count(1)


@dataclass
class LoggedCall:
    """One call. For the local engine `method` is the operation name and `url` the basket."""

    method: str
    url: str
    status: int | None = None
    duration_ms: float = 0.0
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    response_body: str | None = None
    request_size: int = 0
    response_size: int = 0
    error: str | None = None
    started: float = field(default_factory=time.time)
    id: int = field(default_factory=lambda: next(_ids))
    # Unredacted headers for an explicit "copy with secrets"; never shown or written.
    _secret_headers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None and (self.status is None or self.status < 400)


class RequestLog:
    """A bounded list of calls plus listeners (the inspector subscribes)."""

    def __init__(self, limit: int = 1000) -> None:
        self.calls: deque[LoggedCall] = deque(maxlen=limit)
        self._listeners: list[Callable[[LoggedCall], None]] = []
        self.secrets: list[str] = []  # known secret values, scrubbed from bodies too

    def subscribe(self, listener: Callable[[LoggedCall], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def record(self, method: str, url: str, *, status: int | None, duration_ms: float,
               request_headers: dict[str, str] | None = None, request_body: str | None = None,
               response_body: str | None = None, error: str | None = None) -> LoggedCall:
        headers = dict(request_headers or {})
        call = LoggedCall(
            method=method, url=redact_url(url), status=status, duration_ms=duration_ms,
            request_headers=redact_headers(headers),
            request_body=redact_text(request_body, self.secrets) if request_body else request_body,
            response_body=redact_text(response_body, self.secrets) if response_body
            else response_body,
            request_size=len(request_body.encode()) if request_body else 0,
            response_size=len(response_body.encode()) if response_body else 0,
            error=redact_text(error, self.secrets) if error else None,
            _secret_headers=headers,
        )
        self.calls.append(call)
        for listener in list(self._listeners):
            listener(call)
        return call

    def clear(self) -> None:
        self.calls.clear()


def as_curl(call: LoggedCall, *, include_secrets: bool = False) -> str:
    """The call as a curl command line; redacted unless `include_secrets` is asked for."""
    headers = call._secret_headers if include_secrets else call.request_headers
    parts = ["curl", "--request", call.method, shlex.quote(call.url)]
    for name, value in headers.items():
        parts += ["--header", shlex.quote(f"{name}: {value}")]
    if call.request_body:
        parts += ["--data-raw", shlex.quote(call.request_body)]
    return " ".join(parts)

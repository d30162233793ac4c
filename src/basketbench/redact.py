"""The one redaction function: every path that shows or writes a request goes through here
(request log, copy-as-curl, error dialogs, exports, recorded fixtures, `config show`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"
# Header, field and query names whose values are secrets (compared case-insensitively,
# ignoring '-' and '_').
SECRET_NAMES = frozenset({
    "authorization", "proxyauthorization", "cookie", "setcookie", "usertoken", "token",
    "accesstoken", "refreshtoken", "idtoken", "clientsecret", "secret", "password", "passwd",
    "apikey", "xapikey", "sessiontoken",
})
# "Bearer token is required" is prose, not a credential: the word "token" is left alone.
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+(?!tokens?\b)[A-Za-z0-9._~+/=-]+")
_PAIR = re.compile(
    r"(?i)((?:client_secret|password|access_token|refresh_token|token|secret)=)[^&\s\"']+")


# Names that end like these are secrets too: X-Auth-Token, X-Access-Token, private_key...
SECRET_SUFFIXES = ("token", "secret", "password", "passwd", "apikey", "privatekey")


def is_secret_name(name: str) -> bool:
    folded = re.sub(r"[-_\s]", "", name).lower()
    return folded in SECRET_NAMES or folded.endswith(SECRET_SUFFIXES)


def redact_headers(headers: Mapping[str, str] | list[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if is_secret_name(k) else v) for k, v in items}


def redact_text(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Mask bearer tokens, `name=value` secret pairs, and any known secret value."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PAIR.sub(lambda m: m.group(1) + REDACTED, text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query and "@" not in parts.netloc:
        return url
    query = urlencode([(k, REDACTED if is_secret_name(k) else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_data(value: Any, secrets: list[str] | tuple[str, ...] = ()) -> Any:
    """A copy of a JSON-like value with secret-named fields masked, strings scrubbed."""
    if isinstance(value, Mapping):
        return {k: (REDACTED if isinstance(k, str) and is_secret_name(k) and v not in (None, "")
                    else redact_data(v, secrets)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(v, secrets) for v in value]
    if isinstance(value, str):
        return redact_text(value, secrets)
    return value

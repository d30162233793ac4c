"""The values a profile may set, and their bounds: checked by the config when it is read and
by the backends when they are built. A leaf module (imports nothing of basketbench), so the
config and the backends both depend on it and not on each other."""

from __future__ import annotations

MAX_TIMEOUT_S = 600.0
MAX_RETRIES = 10
MAX_BACKOFF_S = 2.0  # one pause between attempts never exceeds this
# The storefront's headers (spec/storefront.md), in the spelling the API expects.
KNOWN_HEADERS = ("Currency", "Language", "Country", "DeviceId", "SessionId", "CompanyId",
                 "MicrositeId", "DomainId", "UserToken")


def timeout_problem(value: object) -> str | None:
    """Why `value` is not a usable timeout, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number of seconds"
    if not 0 < value <= MAX_TIMEOUT_S:
        return f"must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds"
    return None


def retries_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    if not 0 <= value <= MAX_RETRIES:
        return f"must be between 0 and {MAX_RETRIES}"
    return None


def backoff_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number of seconds"
    if not 0 <= value <= MAX_BACKOFF_S:
        return f"must be between 0 and {MAX_BACKOFF_S:g} seconds"
    return None


def canonical_header(name: str) -> str:
    """`usertoken`, `USER_TOKEN`, `User-Token` -> `UserToken`; other names kept as given."""
    flat = name.replace("-", "").replace("_", "").lower()
    for known in KNOWN_HEADERS:
        if known.lower() == flat:
            return known
    return name

"""The headers real BetterCommerce storefronts send, in the spelling the API expects."""

from __future__ import annotations

KNOWN_HEADERS = ("DeviceId", "SessionId", "Currency", "Country", "Language", "UserToken",
                 "DomainId")


def canonical_header(name: str) -> str:
    """`usertoken`, `USER_TOKEN`, `User-Token` -> `UserToken`; other names kept as given."""
    flat = name.replace("-", "").replace("_", "").lower()
    for known in KNOWN_HEADERS:
        if known.lower() == flat:
            return known
    return name

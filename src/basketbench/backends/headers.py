"""The headers the storefront sends with every basket API call (spec/storefront.md), in the
spelling the API expects, with the defaults a profile may override."""

from __future__ import annotations

import uuid

from ..profile_values import canonical_header

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# DeviceId and SessionId identify this workbench or CLI session: minted once per process,
# so every call of one session (and every backend it opens) sends the same pair.
SESSION_HEADERS = {"DeviceId": str(uuid.uuid4()), "SessionId": str(uuid.uuid4())}
DEFAULTS = {"Currency": "GBP", "Language": "en-GB", "Country": "GB", **SESSION_HEADERS,
            "CompanyId": ZERO_GUID, "MicrositeId": "", "DomainId": ""}


def storefront_headers(profile_headers: dict[str, str] | None = None) -> dict[str, str]:
    """The header set of every call: the defaults, then the profile's own (a profile may
    blank a default with ""); UserToken only when the profile gives one."""
    sent = dict(DEFAULTS)
    for name, value in (profile_headers or {}).items():
        if value is None:
            continue
        name = canonical_header(name)
        if name == "UserToken" and value == "":
            continue
        sent[name] = str(value)
    return sent


def without_domain(headers: dict[str, str]) -> dict[str, str]:
    """The storefront sends DomainId on basket calls except promo apply and remove."""
    return {k: v for k, v in headers.items() if k != "DomainId"}

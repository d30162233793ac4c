"""Short basket ids: the CLI accepts the 8 characters the workbench shows (any unique prefix
of a basket id), resolved against the backend's listing of every basket."""

from __future__ import annotations

import re
from typing import Any

import click

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}$")
_PREFIX = re.compile(r"^[0-9a-fA-F][0-9a-fA-F-]{0,34}$")
MAX_CANDIDATES = 10


def is_guid(text: str) -> bool:
    return bool(_GUID.match(text.strip()))


def is_short_id(text: str) -> bool:
    """A prefix of a GUID (hex digits and dashes), not a whole one."""
    return not is_guid(text) and bool(_PREFIX.match(text.strip()))


class AmbiguousId(click.UsageError):
    """More than one basket starts with the prefix: a usage error (exit 2) listing them."""


async def resolve_basket_id(backend: Any, text: str) -> str:
    """The full id of the one basket whose id starts with `text`; a whole GUID (or anything
    that is not a hex prefix) as given. An unknown prefix is NOT_FOUND; an ambiguous one an
    AmbiguousId naming the candidates."""
    from ..backends.errors import BackendError  # only here: a whole id needs no backend

    text = text.strip()
    if not is_short_id(text):
        return text
    if not backend.capabilities.list_all:
        raise BackendError(400, "VALIDATION",
                           f"basket id {text!r} is a short id, and the {backend.kind} backend "
                           f"at {backend.label} cannot list baskets to find it: give the full id")
    prefix = text.lower()
    page = await backend.list_baskets(query=prefix, limit=1000)
    found = sorted({r.id for r in page.rows if str(r.id).lower().startswith(prefix)})
    if not found:
        raise BackendError(404, "NOT_FOUND", f"no basket id starts with {text!r}")
    if len(found) > 1:
        shown = "\n".join(f"  {i}" for i in found[:MAX_CANDIDATES])
        more = f"\n  ... and {len(found) - MAX_CANDIDATES} more" if len(
            found) > MAX_CANDIDATES else ""
        raise AmbiguousId(f"basket id {text!r} is ambiguous: {len(found)} baskets start with "
                          f"it; give more characters:\n{shown}{more}")
    return found[0]

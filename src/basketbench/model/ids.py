"""The zero GUID: how the API says "none" for an id (a top-level line's parent, a guest)."""

from __future__ import annotations

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def is_none_id(value: str | None) -> bool:
    """None, empty and the zero GUID all mean "no id" (quirks.md: the API sends all three)."""
    # The first two tests answer almost every call (this runs per line per keypress).
    return not value or value == ZERO_GUID or value.strip() in ("", ZERO_GUID)


def id_or_none(value: str | None) -> str | None:
    """An id in lower case (ids compare case-insensitively), or None for "no id"."""
    return None if is_none_id(value) else (value or "").strip().lower()

"""GUIDs as the API uses them: lower-case strings, the zero GUID meaning 'none'."""

from __future__ import annotations

import re
import uuid

from ..model.ids import ZERO_GUID
from .errors import field_error

__all__ = ["ZERO_GUID", "new_guid", "normalise_guid", "optional_guid", "stable_guid"]
# Already canonical (what every client that read an id from us sends): no parsing needed.
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch


def normalise_guid(value: object, field: str) -> str:
    """A GUID string in canonical lower-case form, or a 400 naming the field and the value."""
    if isinstance(value, str) and _CANONICAL(value):
        return value
    if not isinstance(value, str) or not value.strip():
        raise field_error(field, f"is required (got {value!r})")
    text = value.strip()
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        raise field_error(field, f"{text!r} is not a valid GUID") from None
    # uuid.UUID accepts 32-hex and braced forms too; require the dashed 36-char form.
    if len(text.strip("{}")) != 36:
        raise field_error(field, f"{text!r} is not a valid GUID")
    return str(parsed)


def optional_guid(value: object, field: str) -> str:
    """Empty, None and the zero GUID all mean 'none' and give the zero GUID."""
    if value is None or (isinstance(value, str) and value.strip() in ("", ZERO_GUID)):
        return ZERO_GUID
    return normalise_guid(value, field)


def new_guid() -> str:
    return str(uuid.uuid4())


def stable_guid(kind: str, key: str) -> str:
    """A deterministic id for demo records, so tests and screenshots are stable."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"basketbench:{kind}:{key}"))

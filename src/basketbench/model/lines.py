"""What makes two lines the same line (engine-rules §2), and which lines are children.

A line is keyed by (productId, parentProductId); a child line (a personalisation under a
parent) carrying text in any of customInfo1..5 is keyed by that text too, so two engravings
under one wallet are two lines and the same text again is the same line.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from .ids import ZERO_GUID, is_none_id

# (product id, parent product id or "", personalisation text or "")
LineKey = tuple[str, str, str]
TEXT_SEPARATOR = "\x1f"  # between the five texts: "a","" and "","a" stay apart


def is_child(parent_product_id: str | None) -> bool:
    """A line under another line: its parent is set (not None, empty or the zero GUID)."""
    return not is_none_id(parent_product_id)


def parent_key(parent_product_id: str | None) -> str:
    """The parent as a key: lower case, "" for a top-level line."""
    return "" if is_none_id(parent_product_id) else (parent_product_id or "").strip().lower()


def text_key(parent_product_id: str | None, texts: Sequence[str | None]) -> str:
    """The personalisation text part of a line's key: customInfo1..5 of a child line, ""
    for a top-level line or a child without text."""
    return _joined(texts) if is_child(parent_product_id) else ""


def _joined(texts: Sequence[str | None]) -> str:
    parts = [t or "" for t in texts[:5]]
    parts += [""] * (5 - len(parts))
    return TEXT_SEPARATOR.join(parts) if any(parts) else ""


def line_key(product_id: str | None, parent_product_id: str | None,
             texts: Sequence[str | None]) -> LineKey:
    """The key the engine finds a line by; ids in lower case (they compare so)."""
    product = (product_id or "").strip().lower()
    if not is_child(parent_product_id):
        return (product, "", "")
    return (product, (parent_product_id or "").strip().lower(), _joined(texts))


_TEXTS = attrgetter("custom_info1", "custom_info2", "custom_info3", "custom_info4",
                    "custom_info5")


def line_key_of(line: Any) -> LineKey:
    """`line_key` of a wire line model (attributes product_id, parent_product_id,
    custom_info1..5), reading the texts only for a child line: the workbench keys every
    line of a 2,000-line basket on each change."""
    parent = line.parent_product_id
    if not parent or parent == ZERO_GUID or not is_child(parent):  # the common case first
        return ((line.product_id or "").strip().lower(), "", "")
    return line_key(line.product_id, parent, _TEXTS(line))


def key_text(key: LineKey) -> str:
    """A line key as one string (a table's row key): the ids hold no "|", so it is unique."""
    return "|".join(key)


def key_text_of(line: Any) -> str:
    """`key_text(line_key_of(line))`, a top-level line's in one step (the lines pane keys
    every line of the basket on each change)."""
    parent = line.parent_product_id
    if not parent or parent == ZERO_GUID:
        return f"{(line.product_id or '').strip().lower()}||"
    return key_text(line_key_of(line))


def custom_texts(line: object) -> tuple[str | None, ...]:
    """customInfo1..5 of a wire line model (attributes custom_info1..5)."""
    return tuple(_TEXTS(line))


def wire_texts(line: dict) -> tuple[str | None, ...]:
    """customInfo1..5 of a wire line dict (camelCase keys)."""
    return tuple(line.get(f"customInfo{n}") for n in range(1, 6))


__all__ = [
    "ZERO_GUID",
    "LineKey",
    "custom_texts",
    "is_child",
    "key_text",
    "key_text_of",
    "line_key",
    "line_key_of",
    "parent_key",
    "text_key",
    "wire_texts",
]

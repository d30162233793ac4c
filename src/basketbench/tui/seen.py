"""What the person saw when they pressed a key: the basket (id and version) and the line.

An action captures a `Seen` at key time and its change is bound to it: the change goes to
that basket, names that line, and carries that version as its precondition (the backend
refuses it with CONFLICT if the basket moved on since), whatever is shown by the time a
dialog closes or the backend answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ..model.basket import Basket
    from ..model.basket import Line as LineItem


@dataclass(frozen=True)
class Seen:
    basket_id: str  # lower case: ids compare case-insensitively
    version: int | None  # None: no precondition (a new, unsaved basket)
    line: LineItem | None = None


def seen_of(basket: Basket, line: LineItem | None = None) -> Seen:
    # A basket not saved yet has no version to hold the change to.
    version = None if basket.is_new else basket.version
    return Seen((basket.id or "").lower(), version, line)

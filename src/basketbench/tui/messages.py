"""Messages that workers post to the app. Workers never touch widgets: they call the backend
and post one of these; the app's handlers update the panes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ..backends import BackendError, BasketPage

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ..model.basket import Basket


@dataclass
class BasketLoaded(Message):
    """A fresh read of a basket (opening it, or refresh)."""

    basket: Basket


@dataclass
class BasketChanged(Message):
    """A mutation finished: `basket` is what the backend returned (or read back after it)."""

    basket: Basket
    label: str  # what was done, e.g. "qty +1 POLO-NAVY-L"
    before: Basket | None = None
    result: Any = None
    after: Callable[[Any, BackendError | None], None] | None = None


@dataclass
class BasketsPageLoaded(Message):
    page: BasketPage
    query: str
    user_id: str | None
    append: bool
    note: str = ""  # e.g. why the list is empty on a backend that cannot list every basket


@dataclass
class BasketDeleted(Message):
    basket_id: str
    existed: bool


@dataclass
class CallFailed(Message):
    """A backend call failed. `error` is a BackendError, or any other exception (a bug)."""

    what: str
    error: BaseException
    basket_id: str | None = None
    after: Callable[[Any, BackendError | None], None] | None = None
    expected: int | None = None  # the basket version the change was based on


@dataclass
class MutationFinished(Message):
    """Posted last by every mutation worker, success or not: the basket is free again."""

    basket_id: str
    ok: bool = True  # False: the change failed (queued +/- presses are then dropped)
    extra: dict = field(default_factory=dict)


@dataclass
class BasketExplained(Message):
    """The explanation of a basket (or, on a backend without rules, its audit) as text."""

    basket_id: str
    title: str
    text: str


@dataclass
class BasketAudited(Message):
    """The audit of a basket's own numbers (basketbench.model.audit findings)."""

    basket_id: str
    version: int | None
    findings: list

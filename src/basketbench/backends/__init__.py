"""Backends: one async protocol (base.Backend) over the local engine and live APIs."""

from .base import Backend, BasketPage, BasketSummary, Capabilities, PromoCheck
from .errors import BackendError

__all__ = ["Backend", "BackendError", "BasketPage", "BasketSummary", "Capabilities", "PromoCheck"]

"""Promotion entries of `promotionsApplied` (api.md §2.5), at basket and at line level."""

from __future__ import annotations

from typing import ClassVar

from basketbench.wire.base import WireModel
from basketbench.wire.price import PriceAny
from basketbench.wire.types import WireDecimal


class Promotion(WireModel):
    voucher_code: str | None = None
    discount_pct: WireDecimal | None = None
    # PriceEx at line level in the seeds; a plain Price is accepted too.
    discount_amt: PriceAny | None = None
    auto_apply: bool | None = None
    promo_code: str | None = None
    name: str | None = None
    # Extensions (engine-rules §4): why a listed code no longer gives a discount.
    is_applicable: bool | None = None
    reason: str | None = None

    omit_when_default: ClassVar[frozenset[str]] = frozenset({"is_applicable", "reason"})

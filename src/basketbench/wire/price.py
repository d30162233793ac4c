"""Price (api.md §2.0) and the extended PriceEx of promotions and variant products."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from basketbench.money import Amount, Currency, price_ex_object, price_object
from basketbench.wire.base import WireModel
from basketbench.wire.types import Money, WireDecimal


class FormattedAmounts(WireModel):
    """Display strings; kept as sent ("€.00000" in the seeds), never recomputed on read."""

    with_tax: str | None = None
    without_tax: str | None = None
    tax: str | None = None


class RawAmounts(WireModel):
    with_tax: Money | None = None
    without_tax: Money | None = None
    tax: Money | None = None


class Price(WireModel):
    currency_symbol: str | None = None
    formatted: FormattedAmounts | None = None
    raw: RawAmounts | None = None

    @classmethod
    def from_amount(cls, amount: Amount, cur: Currency) -> Price:
        return cls.model_validate(price_object(amount, cur))


class PriceEx(WireModel):
    """Not a Price subclass: its six extra keys come *before* currencySymbol on the wire."""

    min_price: Money | None = None
    min_price_without_tax: Money | None = None
    max_price: Money | None = None
    max_price_without_tax: Money | None = None
    currency_decimal_separator: str | None = None
    currency_digits_after_decimal: int | None = None
    currency_symbol: str | None = None
    formatted: FormattedAmounts | None = None
    raw: RawAmounts | None = None

    @classmethod
    def from_amount(cls, amount: Amount, cur: Currency) -> PriceEx:
        return cls.model_validate(price_ex_object(amount, cur))

    def to_price(self) -> Price:
        return Price(currency_symbol=self.currency_symbol, formatted=self.formatted, raw=self.raw)


# Keys only a PriceEx has, by wire name and by Python name.
_EX_KEYS = frozenset(
    key
    for name, field in PriceEx.model_fields.items()
    if name not in Price.model_fields
    for key in (name, field.alias)
)


def _price_kind(value: Any) -> str:
    # A plain Price would swallow PriceEx keys as extras and write them in the wrong order,
    # so pick the model by the keys present.
    if isinstance(value, PriceEx):
        return "ex"
    if isinstance(value, dict) and _EX_KEYS.intersection(value):
        return "ex"
    return "plain"


# Where the seeds show either shape (Promotion.discountAmt).
PriceAny = Annotated[
    Annotated[PriceEx, Tag("ex")] | Annotated[Price, Tag("plain")],
    Discriminator(_price_kind),
]

# Product prices are documented as strings and never shown filled in: take a price object,
# a bare number or any text, in that order of preference.
LoosePrice = Annotated[
    PriceAny | WireDecimal | str | None, Field(union_mode="left_to_right")
]

"""Money: currencies, minor units and the Price object of the wire format.

Amounts are integers of minor units inside the engine and in SQLite, and `Decimal` at the edges.
No float ever holds money. Rounding is ROUND_HALF_UP, and only where the rules say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    symbol: str
    decimals: int

    def __hash__(self) -> int:  # cheaper than hashing all three fields; codes are unique
        return hash(self.code)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)


CURRENCIES: dict[str, Currency] = {
    "GBP": Currency("GBP", "£", 2),
    "EUR": Currency("EUR", "€", 2),
    "USD": Currency("USD", "$", 2),
    "JPY": Currency("JPY", "¥", 0),
}


def currency(code: str) -> Currency:
    """The currency for an ISO code; unknown codes are a ValueError naming the code."""
    try:
        return CURRENCIES[code.upper()]
    except KeyError:
        raise ValueError(f"unknown currency {code!r} (known: {', '.join(CURRENCIES)})") from None


def parse_decimal(value: object) -> Decimal:
    """Parse a wire number or decimal string into a Decimal; never via float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return result
    # A float here comes from a JSON parser that was not told parse_float=Decimal; its repr
    # is the shortest string that round-trips, so going through str() keeps the digits.
    if isinstance(value, float):
        return parse_decimal(repr(value))
    raise ValueError(f"not a number: {value!r}")


def to_minor(amount: Decimal | str | int, cur: Currency) -> int:
    """A decimal amount in major units to integer minor units, rounded half up."""
    d = parse_decimal(amount)
    return int((d.scaleb(cur.decimals)).to_integral_value(rounding=ROUND_HALF_UP))


# Rendering a basket formats the same few amounts (zeros above all) again and again; Decimal
# and str results are immutable, so caching them is safe and halves the cost of a render.
@lru_cache(maxsize=65536)
def from_minor(minor: int, cur: Currency) -> Decimal:
    """Integer minor units to a Decimal with exactly the currency's decimals."""
    return Decimal(minor).scaleb(-cur.decimals).quantize(cur.quantum)


@lru_cache(maxsize=65536)
def format_amount(minor: int, cur: Currency) -> str:
    """Symbol, thousands separators, exactly the currency's decimals: '£1,234.50', '-£0.50'."""
    sign = "-" if minor < 0 else ""
    text = f"{from_minor(abs(minor), cur):,.{cur.decimals}f}"
    return f"{sign}{cur.symbol}{text}"


def tax_of(gross_minor: int, rate_bp: int) -> int:
    """Tax inside a tax-inclusive gross amount: round(gross x r / (1 + r)), half up.

    `rate_bp` is the rate in basis points (2000 = 20%). Integer arithmetic keeps it exact.
    """
    if rate_bp == 0 or gross_minor == 0:
        return 0
    numerator = gross_minor * rate_bp
    denominator = 10000 + rate_bp
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


def allocate(total: int, weights: list[int]) -> list[tuple[int, bool]]:
    """Split `total` minor units pro rata by `weights` with the largest-remainder method.

    Each part first gets its exact share rounded down; the units left over go one each to the
    parts with the largest fractional remainders (ties: the larger weight, then the earlier
    part). Returns (amount, received a remainder unit) per part. The parts add up to `total`
    exactly and each is within one unit of its exact share. Callers order the parts so that
    "earlier" is the tie-break they want (display order, stacking order).
    """
    if len(weights) == 1 and weights[0] > 0:
        return [(total, False)]  # the one part is the whole (the common case: one promotion)
    base = sum(weights)
    if base <= 0 or total == 0:
        return [(0, False)] * len(weights)
    parts = [divmod(total * w, base) for w in weights]
    left = total - sum([q for q, _ in parts])
    if not left:
        return [(q, False) for q, _ in parts]
    ranked = sorted(range(len(weights)), key=lambda i: (-parts[i][1], -weights[i], i))
    bonus = set(ranked[:left])
    return [(q + 1, True) if i in bonus else (q, False) for i, (q, _) in enumerate(parts)]


def rate_to_bp(rate: Decimal | str) -> int:
    """A tax rate given as a fraction ('0.20') to basis points (2000)."""
    return int((parse_decimal(rate) * 10000).to_integral_value(rounding=ROUND_HALF_UP))


def bp_to_percent(rate_bp: int) -> Decimal:
    return (Decimal(rate_bp) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Amount:
    """A tax-inclusive amount split into gross, net and tax, all in minor units.

    Invariant: gross == net + tax. Sums and differences keep it.
    """

    gross: int
    tax: int

    @property
    def net(self) -> int:
        return self.gross - self.tax

    @classmethod
    def of(cls, gross: int, rate_bp: int) -> Amount:
        return cls(gross, tax_of(gross, rate_bp))

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.gross + other.gross, self.tax + other.tax)

    def __sub__(self, other: Amount) -> Amount:
        return Amount(self.gross - other.gross, self.tax - other.tax)


ZERO_AMOUNT = Amount(0, 0)


@lru_cache(maxsize=65536)
def _price_parts(gross: int, tax: int, cur: Currency) -> tuple:
    net = gross - tax
    return (format_amount(gross, cur), format_amount(net, cur), format_amount(tax, cur),
            from_minor(gross, cur), from_minor(net, cur), from_minor(tax, cur))


def price_object(amount: Amount, cur: Currency) -> dict:
    """The wire Price object: currencySymbol, formatted strings and raw Decimals.

    A fresh dict every time (callers may keep or change it); the immutable parts are cached.
    """
    fg, fn, ft, rg, rn, rt = _price_parts(amount.gross, amount.tax, cur)
    return {
        "currencySymbol": cur.symbol,
        "formatted": {"withTax": fg, "withoutTax": fn, "tax": ft},
        "raw": {"withTax": rg, "withoutTax": rn, "tax": rt},
    }


def price_ex_object(amount: Amount, cur: Currency) -> dict:
    """The extended price (PriceEx): Price preceded by min/max and currency digit fields."""
    gross = from_minor(amount.gross, cur)
    net = from_minor(amount.net, cur)
    return {
        "minPrice": gross,
        "minPriceWithoutTax": net,
        "maxPrice": gross,
        "maxPriceWithoutTax": net,
        "currencyDecimalSeparator": ".",
        "currencyDigitsAfterDecimal": cur.decimals,
        **price_object(amount, cur),
    }

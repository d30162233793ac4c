"""Scalar types shared by the wire models."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from basketbench.money import parse_decimal

# Any wire number that may carry a fraction (money, rates, percentages). Input may be
# int, float, str or Decimal; it goes through parse_decimal (via str, never float arithmetic)
# and stays a Decimal, so jsonio.dumps writes exactly the digits that came in.
# Documented as a JSON number (how it is written), never as pydantic's default string.
WireDecimal = Annotated[Decimal, BeforeValidator(parse_decimal),
                        WithJsonSchema({"type": "number"})]
Money = WireDecimal

# A GUID string, kept as sent (upper case included; the engine normalises, not the wire).
Guid = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
# Dates come in several shapes (no zone, 7-digit fraction + Z, the 0001-01-01 default):
# they are kept as text and never parsed here.
DateText = str
# Fields documented with one type and shown with the other (number vs string): smart union
# keeps whichever arrived, so writing back gives the same JSON.
IntOrStr = int | str

"""BasketAddress (api.md §2.7) and the customer Address returned by endpoint 03 (§2.8)."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from basketbench.wire.base import WireModel
from basketbench.wire.types import Guid, IntOrStr


def normalise_country_code(value: Any) -> Any:
    """The seeds write the United Kingdom as "UK"; ISO 3166 (and the engine) say "GB"."""
    if isinstance(value, str) and value.strip().upper() == "UK":
        return "GB"
    return value


class BasketAddress(WireModel):
    id: IntOrStr | None = None  # number 0 in the examples, a string in the doc
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    country_code: str | None = None
    post_code: str | None = None
    phone_no: str | None = None
    mobile_no: str | None = None
    company_name: str | None = None

    @field_validator("country_code", mode="before")
    @classmethod
    def _uk_is_gb(cls, value: Any) -> Any:
        return normalise_country_code(value)


class _AddressHead(WireModel):
    customer_id: Guid | None = None
    is_default: bool | None = None
    is_default_delivery: bool | None = None
    is_default_for_subscription: bool | None = None
    is_default_billing: bool | None = None


# Base order matters: pydantic lays out fields from the last base first, so the customer
# fields come before the address lines, as in the 03 example. Address is-a BasketAddress.
class Address(BasketAddress, _AddressHead):
    pass

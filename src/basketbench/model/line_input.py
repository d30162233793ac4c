"""Fields the add-item bodies spell two ways (api.md §11, quirks.md: `itemType` and
`lineItemType`, `userPricingType` and `userSubscriptionPricing`): which value counts.

Clients fill every field they do not use with Swagger's default 0, so a 0 under one name
must not hide a real value sent under the other: the first non-zero value counts, else 0 if
either name was sent, else nothing was sent (None). The engine (which validates the raw
values) and the wire request models both ask this one function.
"""

from __future__ import annotations

# (the documented name, the other name the example sends)
ITEM_TYPE_NAMES = ("itemType", "lineItemType")
USER_PRICING_NAMES = ("userPricingType", "userSubscriptionPricing")


def first_set(*values: int | None) -> int | None:
    """The first non-zero value, else 0 if any value was given, else None."""
    sent = [v for v in values if v is not None]
    return next((v for v in sent if v != 0), sent[0] if sent else None)

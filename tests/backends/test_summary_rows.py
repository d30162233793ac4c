"""A user's basket list reads the same through endpoint 01 (any BetterCommerce API) as
through the listing extension: one summary rule (model/summary.py).

Before the model package HttpBackend's endpoint-01 rows dropped the basket version the
sandbox sends (and the workbench's own copy of the rule kept it)."""

from __future__ import annotations

from basketbench.backends.http import HttpBackend
from basketbench.engine import demo

ALICE = next(u["userId"] for u in demo.reference_data()["users"] if u["email"].startswith("alice"))


async def test_endpoint_01_rows_equal_the_listing_extensions_rows(sandbox):
    plain = HttpBackend(sandbox.base_url, extensions=False)
    listing = HttpBackend(sandbox.base_url, extensions=True)
    try:
        by_01 = (await plain.list_baskets(user_id=ALICE)).rows
        by_ext = (await listing.list_baskets(user_id=ALICE, limit=100)).rows
    finally:
        await plain.close()
        await listing.close()
    assert by_01 and all(row.version for row in by_01)
    ext = {row.id: row for row in by_ext}
    for row in by_01:
        other = ext[row.id]
        assert (row.version, row.line_count, row.grand_total, row.grand_total_formatted,
                row.user_id, row.currency_code) == \
            (other.version, other.line_count, other.grand_total, other.grand_total_formatted,
             other.user_id, other.currency_code), row.id

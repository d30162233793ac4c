"""HttpBackend without the sandbox extensions, as against a real BetterCommerce environment:
capabilities say so, extension calls are refused before any request, and the documented
routes still cover what they can (a user's baskets through endpoint 01, campaign's Address)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from basketbench.backends import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.model.requests import ItemInput

from .conftest import PRODUCTS, new_id
from .fault_server import BASKET_ID, FaultServer


@pytest.fixture
async def plain(sandbox):
    b = HttpBackend(sandbox.base_url, extensions=False)
    yield b
    await b.close()


def test_capabilities_are_truthful(sandbox):
    caps = HttpBackend(sandbox.base_url).capabilities
    assert caps.merge_strategies == ("sum",)
    assert not any([caps.lock, caps.catalogue, caps.promotions, caps.list_all, caps.reference,
                    caps.merge_preview, caps.read_only])


async def test_extension_calls_are_unsupported_and_never_sent(plain):
    bid = new_id()
    calls = [plain.set_locked(bid, True), plain.search_products("polo"),
             plain.list_promotions(), plain.list_shipping_methods("GB"), plain.list_stores(),
             plain.list_users(), plain.list_baskets(query="x"),
             plain.merge(bid, new_id(), strategy="max"), plain.merge(bid, new_id(), dry_run=True)]
    for call in calls:
        with pytest.raises(BackendError) as err:
            await call
        assert (err.value.status, err.value.code) == (501, "UNSUPPORTED")
    assert len(plain.log.calls) == 0


async def test_a_users_baskets_through_endpoint_01(plain):
    user, bid = new_id(), new_id()
    await plain.add_item(bid, ItemInput(product_id=PRODUCTS["LINEN-WHT-M"], qty=2))
    await plain.assign_user(bid, user)
    page = await plain.list_baskets(user_id=user)
    assert page.total == 1 and page.rows[0].id == bid
    assert (page.rows[0].line_count, page.rows[0].grand_total) == (1, Decimal("118.00"))
    assert page.rows[0].grand_total_formatted == "£118.00"
    assert any("/user/" in c.url and c.url.endswith("/all") for c in plain.log.calls)


async def test_campaign_answered_with_an_address_reads_the_basket_back():
    with FaultServer() as srv:
        srv.mode = "address"
        b = HttpBackend(srv.base_url)
        basket = await b.set_campaign(BASKET_ID, "SPRING")
        assert basket.id == BASKET_ID
        assert [(r["method"], r["path"].split("?")[0].rsplit("/", 1)[-1])
                for r in srv.requests] == [("PUT", "campaign"), ("GET", BASKET_ID)]
        await b.close()

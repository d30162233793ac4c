"""The Nexudus client against the sandbox's Nexudus routes (real server, loopback port):
create, list, get, update, delete, baskets as sessions, validation errors and auth errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from basketbench import jsonio
from basketbench.backends import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.backends.nexudus import NexudusClient, session_basket
from basketbench.model.requests import ItemInput
from basketbench.wire import BasketSession, BasketSessionPage
from basketbench.wirejson.to_wire import to_wire

from .conftest import PRODUCTS, new_id


@pytest.fixture
async def client(sandbox_auth):
    c = NexudusClient(sandbox_auth.base_url, username=sandbox_auth.username,
                      password=sandbox_auth.password, business_id=7)
    yield c
    await c.close()


async def test_crud(client):
    session_id = new_id()
    record_id = await client.create_session(None, session_id, json.dumps({"a": 1}))
    assert isinstance(record_id, int) and record_id > 0

    got = await client.get_session(record_id)
    assert isinstance(got, BasketSession)
    assert (got.id, got.business_id, got.session_id, got.json_contents) == (
        record_id, 7, session_id, '{"a": 1}')

    page = await client.list_sessions(session_id=session_id)
    assert isinstance(page, BasketSessionPage)
    assert [r.id for r in page.records] == [record_id] and page.total_items == 1

    updated = await client.update_session(record_id, json_contents='{"a": 2}')
    assert updated.json_contents == '{"a": 2}' and updated.session_id == session_id

    assert await client.delete_session(record_id) is True
    with pytest.raises(BackendError) as err:
        await client.get_session(record_id)
    assert (err.value.status, err.value.code) == (404, "NOT_FOUND")
    assert err.value.field_errors == ["Id: was not found"]


async def test_paging(client):
    session_id = new_id()
    ids = [await client.create_session(3, session_id) for _ in range(3)]
    first = await client.list_sessions(page=1, size=2, session_id=session_id)
    second = await client.list_sessions(page=2, size=2, session_id=session_id)
    assert (first.total_items, first.total_pages, first.has_next_page) == (3, 2, True)
    assert sorted(r.id for r in first.records + second.records) == sorted(ids)


async def test_validation_errors_become_field_errors(client):
    with pytest.raises(BackendError) as err:
        await client.create_session(7, "")
    assert (err.value.status, err.value.code) == (400, "VALIDATION")
    assert err.value.message == "SessionId: is a required field"
    assert err.value.field_errors == ["SessionId: is a required field"]

    with pytest.raises(BackendError) as err:
        await client.create_session(7, new_id(), "{not json")
    assert err.value.field_errors == ["JsonContents: is not valid JSON"]


async def test_business_id_is_required_before_sending(sandbox_auth):
    c = NexudusClient(sandbox_auth.base_url, username=sandbox_auth.username,
                      password=sandbox_auth.password)
    with pytest.raises(BackendError) as err:
        await c.create_session(None, new_id())
    assert err.value.code == "VALIDATION" and "BusinessId" in err.value.message
    assert len(c.log.calls) == 0
    await c.close()


async def test_a_basket_travels_as_a_session(client, sandbox_auth):
    shop = HttpBackend(sandbox_auth.base_url, auth_url=sandbox_auth.base_url,
                       client_id=sandbox_auth.client_id, client_secret=sandbox_auth.client_secret)
    bid = new_id()
    await shop.add_item(bid, ItemInput(product_id=PRODUCTS["POLO-NAVY-L"], qty=2))
    basket = await shop.apply_promo(bid, "SAVE10")
    basket = basket.basket
    await shop.close()

    session_id = new_id()
    record_id = await client.send_basket(basket, None, session_id)
    session = await client.get_session(record_id)
    # JsonContents is the basket's exact wire JSON, Decimals written as exact numbers.
    assert session.json_contents == jsonio.dumps(to_wire(basket))
    back = session_basket(session)
    assert to_wire(back) == to_wire(basket)
    assert back.grand_total.with_tax == Decimal("43.20")


async def test_a_session_without_a_basket_says_so(client):
    record_id = await client.create_session(7, new_id(), '{"items": []}')
    session = await client.get_session(record_id)
    with pytest.raises(BackendError) as err:
        session_basket(session)
    assert err.value.code == "BAD_RESPONSE" and "not a basket" in err.value.message


async def test_wrong_password_is_an_auth_error(sandbox_auth):
    c = NexudusClient(sandbox_auth.base_url, username=sandbox_auth.username,
                      password="not-the-password")
    with pytest.raises(BackendError) as err:
        await c.list_sessions()
    # OAuth answers a bad password with 400 invalid_grant; either way it is an auth error.
    assert err.value.status in (400, 401) and err.value.code == "UNAUTHORIZED"
    assert "token request for user" in err.value.message
    assert "not-the-password" not in err.value.message
    assert not any("/basketsessions" in call.url for call in c.log.calls)
    await c.close()


async def test_no_token_is_an_auth_error(sandbox_auth):
    c = NexudusClient(sandbox_auth.base_url)
    with pytest.raises(BackendError) as err:
        await c.list_sessions()
    assert (err.value.status, err.value.code) == (401, "UNAUTHORIZED")
    assert "bearer token is required" in err.value.message.lower()
    await c.close()


async def test_a_revoked_token_is_renewed_with_the_refresh_token(client):
    await client.list_sessions()
    flow = client.transport.auth
    first_refresh = flow.refresh_token
    flow.access_token = "revoked-token-value"  # as if the server had forgotten it
    await client.list_sessions()
    forms = [c.request_body for c in client.log.calls if c.url.endswith("/api/token")]
    assert len(forms) == 2 and "grant_type=refresh_token" in forms[1]
    assert flow.refresh_token != first_refresh  # rotated
    statuses = [c.status for c in client.log.calls]
    assert statuses == [200, 200, 401, 200, 200]


async def test_read_only_refuses_writes(sandbox_auth):
    c = NexudusClient(sandbox_auth.base_url, username=sandbox_auth.username,
                      password=sandbox_auth.password, business_id=1, read_only=True)
    with pytest.raises(BackendError) as err:
        await c.create_session(None, new_id())
    assert err.value.code == "READ_ONLY"
    with pytest.raises(BackendError):
        await c.delete_session(1)
    assert len(c.log.calls) == 0
    await c.close()


async def test_without_auth_on_an_open_sandbox(sandbox):
    c = NexudusClient(sandbox.base_url, business_id=5)
    record_id = await c.create_session(None, "open-session")
    assert (await c.get_session(record_id)).business_id == 5
    await c.close()

"""Faults from a real HTTP server made to misbehave (tests/backends/fault_server.py): each
gives the expected typed BackendError, reads are retried, and a mutation is never sent twice
(counted server-side)."""

from __future__ import annotations

import socket

import pytest

from basketbench.backends import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.model.requests import ItemInput

from .fault_server import BASKET_ID, FaultServer

ADD = f"/api/v2/commerce/basket/{BASKET_ID}/items/add"
GET = f"/api/v2/commerce/basket/{BASKET_ID}"
ITEM = ItemInput(product_id="c999d6f4-4bf1-5807-89fc-b546ac07bdda", qty=1)


def backend(srv: FaultServer, **kw) -> HttpBackend:
    kw.setdefault("timeout", 0.3)
    kw.setdefault("retries", 2)
    kw.setdefault("backoff", 0.01)
    return HttpBackend(srv.base_url, **kw)


async def failure(coro) -> BackendError:
    with pytest.raises(BackendError) as err:
        await coro
    return err.value


async def test_a_healthy_server_answers(srv):
    b = backend(srv)
    basket = await b.get_basket(BASKET_ID)
    assert basket.id == BASKET_ID and srv.count("GET", GET) == 1
    await b.close()


async def test_slow_read_times_out_within_the_budget(srv):
    srv.mode, srv.delay = "slow", 0.8
    b = backend(srv)
    err = await failure(b.get_basket(BASKET_ID))
    assert (err.status, err.code) == (0, "TIMEOUT")
    assert "within the 0.3s budget" in err.message and f"GET {srv.base_url}{GET}" in err.message
    assert srv.count("GET", GET) == 1  # the one attempt used the whole budget
    assert [c.error for c in b.log.calls] == [
        f"the last attempt was waiting for the response: GET {srv.base_url}{GET}"]
    await b.close()


async def test_slow_mutation_is_sent_exactly_once(srv):
    srv.mode, srv.delay = "slow", 0.8
    b = backend(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert err.code == "TIMEOUT" and f"PUT {srv.base_url}{ADD}" in err.message
    assert srv.count("PUT", ADD) == 1
    await b.close()


@pytest.mark.parametrize("mode", ["error500", "error500-html"])
async def test_500_is_a_server_error_and_mutations_are_not_retried(srv, mode):
    srv.mode = mode
    b = backend(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert (err.status, err.code) == (500, "SERVER_ERROR")
    assert srv.count("PUT", ADD) == 1
    if mode == "error500":
        assert "Object reference not set" in err.message
    else:
        assert "HTML" in err.message and "502 Bad Gateway" in err.message
    err = await failure(b.get_basket(BASKET_ID))
    assert err.code == "SERVER_ERROR" and srv.count("GET", GET) == 3
    await b.close()


async def test_a_flaky_read_is_cured_by_a_retry(srv):
    srv.mode, srv.failures = "flaky", 1
    b = backend(srv)
    assert (await b.get_basket(BASKET_ID)).id == BASKET_ID
    assert srv.count("GET", GET) == 2
    assert [c.status for c in b.log.calls] == [503, 200]
    await b.close()


async def test_html_instead_of_json(srv):
    srv.mode = "html"
    b = backend(srv)
    err = await failure(b.get_basket(BASKET_ID))
    assert (err.status, err.code) == (200, "BAD_RESPONSE")
    assert "HTML page instead of JSON" in err.message and "502 Bad Gateway" in err.message
    assert srv.base_url in err.message
    assert srv.count("GET", GET) == 1  # a 200 is an answer: not retried
    await b.close()


async def test_truncated_json(srv):
    srv.mode = "truncated"
    b = backend(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert err.code == "BAD_RESPONSE"
    assert "malformed or truncated JSON" in err.message and ADD in err.message
    assert srv.count("PUT", ADD) == 1
    await b.close()


async def test_json_that_is_not_an_envelope(srv):
    srv.mode = "not-json"
    b = backend(srv)
    err = await failure(b.get_basket(BASKET_ID))
    assert err.code == "BAD_RESPONSE" and "not the expected shape" in err.message
    await b.close()


async def test_a_result_that_is_not_a_basket_names_the_field_and_value(srv):
    srv.mode = "malformed"
    b = backend(srv)
    err = await failure(b.get_basket(BASKET_ID))
    assert (err.status, err.code) == (200, "BAD_RESPONSE")
    assert "returned a result that is not a Basket" in err.message
    assert "lineItems[0].qty: 'three' is not an integer" in err.message
    assert err.where == f"GET {srv.base_url}{GET}"
    await b.close()


async def test_success_false_on_http_200_is_an_error(srv):
    srv.mode = "refused"
    b = backend(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert (err.status, err.code, err.message) == (404, "NOT_FOUND", "Product 123 not found")
    assert err.field_errors == ["productId: product 123 not found"]
    assert err.where == f"PUT {srv.base_url}{ADD}"
    await b.close()


async def test_connection_dropped_mid_response(srv):
    srv.mode = "drop"
    b = backend(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert (err.status, err.code) == (0, "NETWORK")
    assert "connection dropped" in err.message and ADD in err.message
    assert srv.count("PUT", ADD) == 1
    await b.close()


async def test_connection_refused():
    with socket.socket() as s:  # a port that was free a moment ago and has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    b = HttpBackend(f"http://127.0.0.1:{port}", timeout=1, retries=1, backoff=0.01)
    err = await failure(b.get_basket(BASKET_ID))
    assert (err.status, err.code) == (0, "NETWORK")
    assert "could not connect" in err.message and f"127.0.0.1:{port}" in err.message
    assert len(b.log.calls) == 2 and all(c.status is None for c in b.log.calls)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert err.code == "NETWORK" and len(b.log.calls) == 3  # the mutation: one attempt
    await b.close()


# -- auth -----------------------------------------------------------------------------------

def authed(srv: FaultServer, **kw) -> HttpBackend:
    return backend(srv, auth_url=srv.base_url, client_id="cid",
                   client_secret=srv.client_secret, **kw)


async def test_token_is_fetched_once_and_cached(srv):
    srv.require_auth = True
    b = authed(srv)
    await b.get_basket(BASKET_ID)
    await b.add_item(BASKET_ID, ITEM)
    assert srv.count("POST", "/oAuth/Token") == 1
    assert srv.token_forms == [{"client_id": "cid", "client_secret": srv.client_secret,
                                "grant_type": "client_credentials"}]
    assert {r["headers"].get("Authorization") for r in srv.requests[1:]} == {"Bearer tok-1"}
    await b.close()


async def test_token_is_renewed_when_it_expires(srv):
    srv.require_auth = True
    b = authed(srv)
    now = [1000.0]
    b.transport.auth.clock = lambda: now[0]
    await b.get_basket(BASKET_ID)
    now[0] += 3600 - 29  # within the renewal margin
    await b.get_basket(BASKET_ID)
    assert srv.count("POST", "/oAuth/Token") == 2
    assert srv.requests[-1]["headers"]["Authorization"] == "Bearer tok-2"
    await b.close()


async def test_a_401_cured_by_a_token_refresh(srv):
    srv.require_auth = True
    srv.rejected_tokens = {"tok-1"}  # the first token is revoked server-side
    b = authed(srv)
    basket = await b.add_item(BASKET_ID, ITEM)
    assert basket.id == BASKET_ID
    assert srv.count("POST", "/oAuth/Token") == 2
    puts = [r["headers"]["Authorization"] for r in srv.requests if r["method"] == "PUT"]
    assert puts == ["Bearer tok-1", "Bearer tok-2"]  # refused once, replayed once
    assert [c.status for c in b.log.calls] == [200, 401, 200, 200]
    await b.close()


async def test_a_401_that_a_refresh_does_not_cure(srv):
    srv.require_auth = True
    srv.rejected_tokens = {"*"}
    b = authed(srv)
    err = await failure(b.add_item(BASKET_ID, ITEM))
    assert (err.status, err.code) == (401, "UNAUTHORIZED")
    assert "not valid" in err.message
    assert srv.count("POST", "/oAuth/Token") == 2  # one refresh, no loop
    assert srv.count("PUT", ADD) == 2
    await b.close()


async def test_refused_client_credentials(srv):
    srv.require_auth = True
    b = backend(srv, auth_url=srv.base_url, client_id="cid", client_secret="wrong-secret-x")
    err = await failure(b.get_basket(BASKET_ID))
    assert (err.status, err.code) == (401, "UNAUTHORIZED")
    assert "token request for client 'cid' refused" in err.message
    assert "bad client credentials" in err.message and "/oAuth/Token" in err.message
    assert "wrong-secret-x" not in err.message
    assert srv.count("GET", GET) == 0
    await b.close()


async def test_static_token_401_is_not_retried(srv):
    srv.rejected_tokens = {"static-abc"}
    b = backend(srv, token="static-abc")
    err = await failure(b.get_basket(BASKET_ID))
    assert err.code == "UNAUTHORIZED" and srv.count("GET", GET) == 1
    assert srv.count("POST", "/oAuth/Token") == 0
    await b.close()


async def test_configured_headers_are_sent(srv):
    headers = {"DeviceId": "dev-1", "SessionId": "sess-1", "Currency": "EUR", "Country": "IE",
               "Language": "en-IE", "usertoken": "user-token-secret", "DomainId": "dom-9"}
    b = backend(srv, headers=headers)
    await b.get_basket(BASKET_ID)
    sent = srv.requests[0]["headers"]
    for name, value in {**headers, "UserToken": headers["usertoken"]}.items():
        if name != "usertoken":
            assert sent[name] == value
    assert b.log.calls[0].request_headers["UserToken"] == "***"
    assert b.log.calls[0].request_headers["DeviceId"] == "dev-1"
    await b.close()


async def test_bad_base_url_is_a_clear_error():
    with pytest.raises(BackendError) as err:
        HttpBackend("api.example.com")
    assert err.value.code == "VALIDATION" and "'api.example.com'" in err.value.message

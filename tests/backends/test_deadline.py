"""The deadline (issue 12): `timeout` is the whole budget of one operation, retries, backoff,
token request and body included, measured against real misbehaving servers on loopback ports
(tests/backends/fault_server.py). Budgets are small (1 s) with a tolerance for a busy machine.
"""

from __future__ import annotations

import socket
import time

import pytest

from basketbench.backends import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.backends.nexudus import NexudusClient

from .fault_server import BASKET_ID

GET = f"/api/v2/commerce/basket/{BASKET_ID}"
BUDGET = 1.0
TOLERANCE = 0.6  # scheduling on a shared machine; far below one more attempt's worth


async def timed_failure(coro) -> tuple[BackendError, float]:
    started = time.monotonic()
    with pytest.raises(BackendError) as err:
        await coro
    return err.value, time.monotonic() - started


async def test_a_slow_server_costs_one_budget_not_one_per_attempt(srv):
    srv.mode, srv.delay = "slow", 3.0
    b = HttpBackend(srv.base_url, timeout=BUDGET, retries=2, backoff=0.01)
    err, took = await timed_failure(b.get_basket(BASKET_ID))
    assert took < BUDGET + TOLERANCE
    assert (err.status, err.code) == (0, "TIMEOUT")
    assert "within the 1s budget" in err.message and "1 attempt;" in err.message
    assert f"GET {srv.base_url}{GET}" in err.message
    await b.close()


async def test_a_dribbling_body_counts_against_the_same_budget(srv):
    srv.mode, srv.delay, srv.dribble_for = "dribble", 0.2, 4.0
    b = HttpBackend(srv.base_url, timeout=BUDGET, retries=2, backoff=0.01)
    err, took = await timed_failure(b.get_basket(BASKET_ID))
    assert took < BUDGET + TOLERANCE
    assert err.code == "TIMEOUT" and "s in all over" in err.message
    await b.close()


async def test_retries_stop_when_the_budget_is_spent(srv):
    srv.mode, srv.failures = "flaky", 1000  # 503 every time, at once
    b = HttpBackend(srv.base_url, timeout=BUDGET, retries=10, backoff=0.3)
    err, took = await timed_failure(b.get_basket(BASKET_ID))
    assert took < BUDGET + TOLERANCE
    assert err.code == "SERVER_ERROR"
    # 0.3 + 0.6 s of backoff fit in 1 s; the next pause (capped at 2 s) does not.
    assert srv.count("GET", GET) == 3
    assert "HTTP 503, " in err.message and "s in all over 3 attempts" in err.message
    await b.close()


async def test_a_server_that_is_down_with_many_retries_gives_up_within_the_budget():
    with socket.socket() as s:  # a port that was free a moment ago and has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    b = HttpBackend(f"http://127.0.0.1:{port}", timeout=BUDGET, retries=10, backoff=0.05)
    err, took = await timed_failure(b.get_basket(BASKET_ID))
    assert took < BUDGET + TOLERANCE
    assert err.code == "NETWORK" and "could not connect" in err.message
    attempts = len(b.log.calls)
    assert 2 <= attempts <= 11 and f"over {attempts} attempts" in err.message
    await b.close()


async def test_the_token_request_shares_the_operation_budget(srv):
    srv.mode, srv.delay = "slow", 0.6
    srv.require_auth = True
    b = HttpBackend(srv.base_url, auth_url=srv.base_url, client_id="cid",
                    client_secret=srv.client_secret, timeout=BUDGET, retries=0)
    # The token comes at once; the basket call is slow: both fit in the budget.
    assert (await b.get_basket(BASKET_ID)).id == BASKET_ID
    srv.delay = 3.0
    err, took = await timed_failure(b.get_basket(BASKET_ID))
    assert took < BUDGET + TOLERANCE and err.code == "TIMEOUT"
    await b.close()


async def test_a_redirect_to_another_host_is_reported_with_its_target_and_not_followed(srv):
    srv.mode = "redirect"
    b = HttpBackend(srv.base_url, timeout=BUDGET)
    with pytest.raises(BackendError) as err:
        await b.get_basket(BASKET_ID)
    assert (err.value.status, err.value.code) == (302, "REDIRECT")
    assert "https://elsewhere.example.net/api/v2/commerce/basket/x" in err.value.message
    assert "another host" in err.value.message and "not followed" in err.value.message
    assert srv.count("GET", GET) == 1 and len(b.log.calls) == 1
    await b.close()


async def test_a_redirect_target_never_shows_a_secret(srv):
    srv.mode = "redirect"
    srv.location = "https://login.example.net/sso?access_token=abc123456&next=static-token-value"
    b = HttpBackend(srv.base_url, timeout=BUDGET, token="static-token-value")
    with pytest.raises(BackendError) as err:
        await b.get_basket(BASKET_ID)
    assert "https://login.example.net/sso?" in err.value.message
    assert "abc123456" not in err.value.message and "static-token-value" not in err.value.message
    await b.close()


async def test_a_redirect_on_the_token_request_is_reported_too(srv):
    srv.mode = "redirect"
    srv.location = "/login"
    b = HttpBackend(srv.base_url, timeout=BUDGET, token="static-token-value")
    with pytest.raises(BackendError) as err:
        await b.get_basket(BASKET_ID)
    assert err.value.code == "REDIRECT" and f"{srv.base_url}/login" in err.value.message
    assert "another host" not in err.value.message
    await b.close()


async def test_the_nexudus_client_has_the_same_deadline(srv):
    srv.mode, srv.delay = "slow", 3.0
    c = NexudusClient(srv.base_url, timeout=BUDGET, retries=5, backoff=0.01)
    err, took = await timed_failure(c.get_session(7))
    assert took < BUDGET + TOLERANCE and err.code == "TIMEOUT"
    assert "within the 1s budget" in err.message
    srv.mode = "redirect"
    with pytest.raises(BackendError) as redirect:
        await c.get_session(7)
    assert redirect.value.code == "REDIRECT" and "elsewhere.example.net" in redirect.value.message
    await c.close()


@pytest.mark.parametrize("field,value,expected", [
    ("timeout", 0, "timeout = 0 must be more than 0"),
    ("timeout", -5, "timeout = -5 must be more than 0"),
    ("retries", 100000, "retries = 100000 must be between 0 and 10"),
    ("retries", -1, "retries = -1 must be between 0 and 10"),
    ("backoff", 60, "backoff = 60 must be between 0 and 2"),
])
def test_absurd_limits_are_refused_with_the_field_and_value(field, value, expected):
    with pytest.raises(BackendError) as err:
        HttpBackend("http://127.0.0.1:9", **{field: value})
    assert err.value.code == "VALIDATION" and expected in err.value.message
    with pytest.raises(BackendError) as err:
        NexudusClient("http://127.0.0.1:9", **{field: value})
    assert expected in err.value.message

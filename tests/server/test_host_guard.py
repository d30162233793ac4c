"""Without auth, the sandbox answers loopback hosts only (DNS-rebinding defence)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.sandbox import start_sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("host") / "h.db") as sb:
        yield sb


@pytest.mark.parametrize("host", ["127.0.0.1:1", "localhost", "[::1]:8765", "127.8.9.10"])
def test_loopback_hosts_are_served(sandbox, host):
    resp = httpx.get(sandbox.base_url + "/api/v2/commerce/basket/catalogue/stores",
                     headers={"Host": host})
    assert resp.status_code == 200


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:8765", "10.0.0.1"])
def test_other_hosts_are_refused_with_an_envelope(sandbox, host):
    resp = httpx.get(sandbox.base_url + "/api/v2/commerce/basket/catalogue/stores",
                     headers={"Host": host})
    assert resp.status_code == 403
    body = resp.json()
    assert body["messageCode"] == "FORBIDDEN" and "loopback" in body["message"]

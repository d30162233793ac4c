"""Tokens as a real auth server keeps them: in the database (hashed), shared by every server
process on the file, refreshable, revocable, expiring; failed token requests rate-limited with
lock-out per client id / user and per address; a token flood does not starve basket calls."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from basketbench.server.auth import config_toml
from tests.support.sandbox import start_sandbox

from .conftest import BASKET, demo_basket, new_id

NX = "/api/billing/basketsessions"
LOCKOUT = 2
ALICE = demo_basket("alice-main")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tokens")
    (folder / "auth.toml").write_text(config_toml(
        [("shop", "shop-secret"), ("other", "other-secret"), ("spare", "spare-secret")],
        [("full@example.com", "pw-full", ["admin"])])
        + f"\n[limits]\nper_name = 3\nper_address = 8\nwindow = 60\nlockout = {LOCKOUT}\n",
        "utf-8")
    return folder


@pytest.fixture(scope="module")
def pair(folder):
    """Two server processes on one database file."""
    first = start_sandbox(folder / "tokens.db", auth=True, auth_config=folder / "auth.toml")
    second = start_sandbox(folder / "tokens.db", auth=True, auth_config=folder / "auth.toml",
                           seed_demo=False)
    yield first, second
    second.stop()
    first.stop()


def client_for(sb, address: str = "127.0.0.1") -> httpx.Client:
    """A client; `address` is the loopback source address, so rate-limit tests that lock an
    address out do not lock out the others."""
    return httpx.Client(base_url=sb.base_url, timeout=30,
                        transport=httpx.HTTPTransport(local_address=address))


def bc_token(c: httpx.Client, cid: str = "shop", secret: str = "shop-secret") -> httpx.Response:
    return c.post("/oAuth/Token", data={"grant_type": "client_credentials", "client_id": cid,
                                         "client_secret": secret})


def nx_token(c: httpx.Client) -> httpx.Response:
    return c.post("/api/token", data={"grant_type": "password", "username": "full@example.com",
                                      "password": "pw-full"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get_basket(c: httpx.Client, token: str) -> int:
    return c.get(f"{BASKET}/{ALICE}", headers=bearer(token)).status_code


def test_tokens_are_shared_by_every_process_on_the_file(pair):
    first, second = pair
    with client_for(first) as a, client_for(second) as b:
        bc = bc_token(a).json()
        assert get_basket(a, bc["access_token"]) == 200
        assert get_basket(b, bc["access_token"]) == 200  # issued by the other process
        nx = nx_token(b).json()
        assert a.get(NX, headers=bearer(nx["access_token"])).status_code == 200
        # A refresh token issued by one process is used on the other.
        fresh = a.post("/api/token", data={"grant_type": "refresh_token",
                                           "refresh_token": nx["refresh_token"]})
        assert fresh.status_code == 200, fresh.text
        assert b.get(NX, headers=bearer(fresh.json()["access_token"])).status_code == 200


def test_tokens_are_stored_hashed_never_in_clear(pair, folder):
    first, _ = pair
    with client_for(first) as c:
        body = bc_token(c).json()
    conn = sqlite3.connect(folder / "tokens.db")
    try:
        rows = conn.execute("SELECT token_hash, kind FROM auth_tokens").fetchall()
    finally:
        conn.close()
    hashes = {h for h, _ in rows}
    for token in (body["access_token"], body["refresh_token"]):
        assert hashlib.sha256(token.encode()).hexdigest() in hashes
    raw = b"".join(p.read_bytes() for p in folder.glob("tokens.db*"))
    for secret in (body["access_token"], body["refresh_token"], "shop-secret", "pw-full"):
        assert secret.encode() not in raw


def test_bettercommerce_refresh_grant_rotates(pair):
    first, second = pair
    with client_for(first) as a, client_for(second) as b:
        tokens = bc_token(a).json()
        resp = b.post("/oAuth/Token", data={"grant_type": "refresh_token",
                                            "refresh_token": tokens["refresh_token"]})
        assert resp.status_code == 200, resp.text
        fresh = resp.json()
        assert set(fresh) == {"access_token", "token_type", "expires_in", "refresh_token"}
        assert fresh["refresh_token"] != tokens["refresh_token"]
        assert get_basket(a, fresh["access_token"]) == 200
        reused = a.post("/oAuth/Token", data={"grant_type": "refresh_token",
                                              "refresh_token": tokens["refresh_token"]})
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
        # Sent with a client_id, the refresh token must be that client's; refused, it stays
        # usable by its own client.
        tokens = bc_token(a).json()
        other = a.post("/oAuth/Token", data={"grant_type": "refresh_token", "client_id": "other",
                                             "refresh_token": tokens["refresh_token"]})
        assert other.status_code == 400 and other.json()["error"] == "invalid_grant"
        own = a.post("/oAuth/Token", data={"grant_type": "refresh_token", "client_id": "shop",
                                           "refresh_token": tokens["refresh_token"]})
        assert own.status_code == 200, own.text
        # A Nexudus refresh token is not a BetterCommerce one.
        nx = nx_token(a).json()
        wrong_api = a.post("/oAuth/Token", data={"grant_type": "refresh_token",
                                                 "refresh_token": nx["refresh_token"]})
        assert wrong_api.status_code == 400 and wrong_api.json()["error"] == "invalid_grant"


def test_revoke_is_seen_by_every_process(pair):
    first, second = pair
    with client_for(first) as a, client_for(second) as b:
        tokens = bc_token(a).json()
        assert get_basket(b, tokens["access_token"]) == 200
        resp = b.post("/oAuth/revoke", data={"token": tokens["access_token"]})
        assert resp.status_code == 200 and resp.json() == {}
        assert resp.headers["cache-control"] == "no-store"
        denied = a.get(f"{BASKET}/{ALICE}", headers=bearer(tokens["access_token"]))
        assert denied.status_code == 401 and "not valid" in denied.json()["message"]

        # Revoking a refresh token revokes its grant: the refresh and its access token.
        tokens = bc_token(a).json()
        assert b.post("/oAuth/revoke", data={"token": tokens["refresh_token"],
                                             "token_type_hint": "refresh_token"}
                      ).status_code == 200
        assert get_basket(a, tokens["access_token"]) == 401
        refused = a.post("/oAuth/Token", data={"grant_type": "refresh_token",
                                               "refresh_token": tokens["refresh_token"]})
        assert refused.status_code == 400

        # Unknown tokens are answered 200 (RFC 7009); a missing token is 400.
        assert a.post("/oAuth/revoke", data={"token": "no-such-token"}).status_code == 200
        missing = a.post("/oAuth/revoke", data={})
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_nexudus_refresh_names_its_user(pair):
    first, _ = pair
    with client_for(first) as a:
        refresh = nx_token(a).json()["refresh_token"]
        wrong = a.post("/api/token", data={"grant_type": "refresh_token",
                                           "username": "nobody@example.com",
                                           "refresh_token": refresh})
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
        right = a.post("/api/token", data={"grant_type": "refresh_token",
                                           "username": "FULL@example.com",  # any case
                                           "refresh_token": refresh})
        assert right.status_code == 200, right.text


def test_nexudus_revoke(pair):
    first, second = pair
    with client_for(first) as a, client_for(second) as b:
        tokens = nx_token(a).json()
        assert b.get(NX, headers=bearer(tokens["access_token"])).status_code == 200
        assert b.post("/api/token/revoke", data={"token": tokens["refresh_token"]}
                      ).status_code == 200
        resp = a.get(NX, headers=bearer(tokens["access_token"]))
        assert resp.status_code == 401 and resp.json()["WasSuccessful"] is False
        missing = a.post("/api/token/revoke", data={})
        assert missing.status_code == 400 and missing.json()["WasSuccessful"] is False


def test_wrong_secrets_lock_the_client_out_with_429(pair):
    first, second = pair
    with client_for(first, "127.0.0.2") as a, client_for(second, "127.0.0.2") as b:
        for _ in range(3):  # per_name = 3, spread over both processes
            assert bc_token(a, "other", "wrong").status_code == 401
            a, b = b, a
        locked = bc_token(a, "other", "other-secret")  # even the right secret, now
        assert locked.status_code == 429, locked.text
        body = locked.json()
        assert body["success"] is False and body["messageCode"] == "TOO_MANY_REQUESTS"
        assert body["error"] == "temporarily_unavailable"
        assert "client_id" in body["message"] and "locked out" in body["message"]
        assert 1 <= int(locked.headers["retry-after"]) <= LOCKOUT
        assert bc_token(b, "other", "other-secret").status_code == 429  # the other process
        assert bc_token(a).status_code == 200  # another client id from the same address
        time.sleep(int(locked.headers["retry-after"]) + 0.2)
        assert bc_token(b, "other", "other-secret").status_code == 200


def test_failures_from_one_address_lock_the_address_out(pair):
    first, _ = pair
    with client_for(first, "127.0.0.3") as c, client_for(first, "127.0.0.4") as elsewhere:
        names = ["ghost-1", "ghost-2", "ghost-3", "ghost-4"]
        statuses = [bc_token(c, names[i % 4], "wrong").status_code for i in range(8)]
        assert statuses == [401] * 8  # per_address = 8; no name reached per_name = 3
        locked = bc_token(c, "spare", "spare-secret")
        assert locked.status_code == 429 and "address" in locked.json()["message"]
        nx = c.post("/api/token", data={"grant_type": "password",
                                        "username": "full@example.com", "password": "pw-full"})
        assert nx.status_code == 429 and nx.json()["WasSuccessful"] is False  # both routes
        assert "retry-after" in nx.headers
        assert bc_token(elsewhere, "spare", "spare-secret").status_code == 200


def test_wrong_passwords_lock_the_nexudus_user_out(pair):
    first, _ = pair
    with client_for(first, "127.0.0.5") as c:
        for _ in range(3):
            resp = c.post("/api/token", data={"grant_type": "password",
                                              "username": "FULL@example.com", "password": "x"})
            assert resp.status_code == 400
        resp = nx_token(c)
        assert resp.status_code == 429 and "username" in resp.json()["Message"]
        time.sleep(int(resp.headers["retry-after"]) + 0.2)
        assert nx_token(c).status_code == 200


def test_token_flood_does_not_starve_basket_calls(pair):
    first, _ = pair
    with client_for(first) as c:
        token = bc_token(c).json()["access_token"]
    stop = threading.Event()
    statuses: list[int] = []

    def flood(_: int) -> None:
        with client_for(first, "127.0.0.6") as f:
            while not stop.is_set() and len(statuses) < 400:
                statuses.append(bc_token(f, "spare", "spare-secret").status_code)

    latencies = []
    with ThreadPoolExecutor(24) as pool:
        for i in range(24):
            pool.submit(flood, i)
        time.sleep(0.5)
        with client_for(first) as c:
            for _ in range(20):
                started = time.monotonic()
                assert c.get(f"{BASKET}/{new_id()}", headers=bearer(token)).status_code == 200
                latencies.append(time.monotonic() - started)
        stop.set()
    assert set(statuses) <= {200, 429} and 200 in statuses
    latencies.sort()
    # Hashing runs on one thread per process, so basket calls keep a core and their pool.
    assert latencies[len(latencies) // 2] < 0.15, latencies  # it was 0.28 s before


def test_limits_config_is_checked():
    from basketbench.server.auth import AuthConfigError, config_from_dict
    from basketbench.server.rate_limit import Limits

    assert config_from_dict({}).limits == Limits()
    limits = config_from_dict({"limits": {"per_name": 3, "lockout": 1.5}}).limits
    assert limits.per_name == 3 and limits.lockout == 1.5 and limits.per_address == 20
    with pytest.raises(AuthConfigError, match=r"limits\.per_nam is not a known limit"):
        config_from_dict({"limits": {"per_nam": 3}})
    with pytest.raises(AuthConfigError, match=r"limits\.lockout must be a positive number"):
        config_from_dict({"limits": {"lockout": 0}})
    with pytest.raises(AuthConfigError, match=r"\[limits\] must be a table"):
        config_from_dict({"limits": 5})


def test_secret_checks_wait_in_a_bounded_queue():
    import asyncio

    from basketbench.server.secret_check import Overloaded, SecretChecker

    release = threading.Event()
    checker = SecretChecker(threads=1, max_waiting=2)

    async def main() -> None:
        first = asyncio.ensure_future(checker.run(release.wait, 5))
        second = asyncio.ensure_future(checker.run(lambda: "second"))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(Overloaded):  # refused at once, not queued behind the other two
            await checker.run(lambda: "third")
        assert time.monotonic() - started < 0.05
        release.set()
        assert await first is True and await second == "second"
        assert await checker.run(lambda: "again") == "again"  # room again once they ran

    asyncio.run(main())

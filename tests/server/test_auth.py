"""Auth (`serve --auth token`): token endpoints, 401 for no/wrong/expired tokens, 403 for a
missing role, the bind refusal, config errors, and secrets kept out of the log."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from basketbench.server.auth import (
    AuthConfigError,
    config_from_dict,
    config_toml,
    hash_secret,
    verify_secret,
)
from tests.support.sandbox import ROOT, free_port, start_sandbox

from .conftest import BASKET, PRODUCTS, new_id

NX = "/api/billing/basketsessions"
TTL = 2


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth")
    config = folder / "auth.toml"
    config.write_text(config_toml(
        [("shop", "shop-secret-1")],
        [("full@example.com", "pw-full", ["BasketSession-Create", "BasketSession-Read",
                                          "BasketSession-Update", "BasketSession-Delete"]),
         ("reader@example.com", "pw-reader", ["BasketSession-Read"]),
         ("boss@example.com", "pw-boss", ["admin"])]), "utf-8")
    sb = start_sandbox(folder / "auth.db", auth=True, auth_config=config, token_ttl=TTL)
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def client(secured):
    with httpx.Client(base_url=secured.base_url, timeout=15) as c:
        yield c


def bc_token(client, cid="shop", secret="shop-secret-1") -> httpx.Response:
    return client.post("/oAuth/Token", data={"grant_type": "client_credentials",
                                             "client_id": cid, "client_secret": secret})


def nx_token(client, user="full@example.com", password="pw-full") -> httpx.Response:
    return client.post("/api/token", data={"grant_type": "password", "username": user,
                                           "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bettercommerce_token_and_use(client):
    resp = bc_token(client)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    # The storefront reads refresh_token too (storefront.md, "Every call").
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == TTL
    assert resp.headers["cache-control"] == "no-store"
    bid = new_id()
    ok = client.put(f"{BASKET}/{bid}/items/add", headers=bearer(body["access_token"]),
                    json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1})
    assert ok.status_code == 200 and ok.json()["success"] is True


@pytest.mark.parametrize("headers, words", [
    ({}, "bearer token is required"),
    ({"Authorization": "Bearer not-a-real-token"}, "not valid"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer <token>"),
    ({"Authorization": "Bearer"}, "Bearer <token>"),
])
def test_bettercommerce_401(client, headers, words):
    resp = client.get(f"{BASKET}/{new_id()}", headers=headers)
    assert resp.status_code == 401
    body = resp.json()
    assert body["messageCode"] == "UNAUTHORIZED" and body["success"] is False
    assert words.lower() in body["message"].lower()
    assert resp.headers["www-authenticate"].startswith("Bearer")


def test_token_endpoint_errors(client):
    wrong = bc_token(client, secret="nope")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.json()["success"] is False
    assert bc_token(client, cid="ghost").status_code == 401
    grant = client.post("/oAuth/Token", data={"grant_type": "password", "client_id": "shop",
                                              "client_secret": "shop-secret-1"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = client.post("/oAuth/Token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    bad_pw = nx_token(client, password="wrong")
    assert bad_pw.status_code == 400 and bad_pw.json()["error"] == "invalid_grant"
    assert bad_pw.json()["WasSuccessful"] is False


def test_expired_token(client):
    token = bc_token(client).json()["access_token"]
    url = f"{BASKET}/{new_id()}"
    assert client.get(url, headers=bearer(token)).status_code == 200
    time.sleep(TTL + 0.3)
    resp = client.get(url, headers=bearer(token))
    assert resp.status_code == 401 and "expired" in resp.json()["message"]


def test_nexudus_roles(client):
    full = nx_token(client).json()
    assert set(full) == {"access_token", "token_type", "expires_in", "refresh_token"}
    created = client.post(NX, headers=bearer(full["access_token"]),
                          json={"BusinessId": 1, "SessionId": "auth-test"})
    assert created.status_code == 200
    assert created.json()["UpdatedBy"] == "full@example.com"
    record = created.json()["Value"]["Id"]

    reader = nx_token(client, "reader@example.com", "pw-reader").json()["access_token"]
    assert client.get(f"{NX}/{record}", headers=bearer(reader)).status_code == 200
    denied = client.post(NX, headers=bearer(reader), json={"BusinessId": 1, "SessionId": "x"})
    assert denied.status_code == 403
    assert denied.json()["WasSuccessful"] is False and denied.json()["Status"] == 403
    assert "BasketSession-Create" in denied.json()["Message"]
    assert client.delete(f"{NX}/{record}", headers=bearer(reader)).status_code == 403
    assert client.put(NX, headers=bearer(reader), json={"Id": record}).status_code == 403

    boss = nx_token(client, "BOSS@example.com", "pw-boss").json()["access_token"]
    assert client.delete(f"{NX}/{record}", headers=bearer(boss)).status_code == 200


def test_nexudus_401_and_token_kinds(client):
    resp = client.get(NX)
    assert resp.status_code == 401 and resp.json()["WasSuccessful"] is False
    bc = bc_token(client).json()["access_token"]
    assert client.get(NX, headers=bearer(bc)).status_code == 401
    nx = nx_token(client).json()["access_token"]
    resp = client.get(f"{BASKET}/{new_id()}", headers=bearer(nx))
    assert resp.status_code == 401 and "not issued for this API" in resp.json()["message"]


def test_refresh_token_rotates(client):
    tokens = nx_token(client).json()
    resp = client.post("/api/token", data={"grant_type": "refresh_token",
                                           "refresh_token": tokens["refresh_token"]})
    assert resp.status_code == 200
    fresh = resp.json()
    assert fresh["access_token"] != tokens["access_token"]
    assert client.get(NX, headers=bearer(fresh["access_token"])).status_code == 200
    reused = client.post("/api/token", data={"grant_type": "refresh_token",
                                             "refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_open_routes_and_openapi_security(client):
    doc = client.get("/openapi.json").json()
    assert doc["paths"][f"{BASKET}/{{id}}"]["get"]["security"] == [{"bettercommerce": []}]
    assert doc["paths"][NX]["post"]["security"] == [{"nexudus": []}]


def test_secrets_never_in_the_log(client, secured):
    bc_token(client)
    nx_token(client)
    token = bc_token(client).json()["access_token"]
    client.get(f"{BASKET}/{new_id()}?access_token={token}&client_secret=shop-secret-1",
               headers=bearer(token))
    time.sleep(0.2)
    log = secured.log()
    assert "POST /oAuth/Token 200" in log and "POST /api/token 200" in log
    for secret in ("shop-secret-1", "pw-full", token):
        assert secret not in log
    assert "access_token=***" in log or "access_token=%2A%2A%2A" in log


def test_demo_credentials_printed_and_work(tmp_path):
    # --demo with --auth token and no config prints fresh credentials on stdout.
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "basketbench", "serve", "--port", str(port),
                             "--db", str(tmp_path / "demo.db"), "--demo", "--auth", "token"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=str(ROOT),
                            text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        text = "".join(lines)
        client_line = next(ln for ln in lines if "client_id=" in ln)
        user_line = next(ln for ln in lines if "username=" in ln)
        cid = client_line.split("client_id=")[1].split()[0]
        secret = client_line.split("client_secret=")[1].split()[0]
        user = user_line.split("username=")[1].split()[0]
        password = user_line.split("password=")[1].split()[0]
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/__ready", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        with httpx.Client(base_url=base) as c:
            assert bc_token(c, cid, secret).status_code == 200, text
            assert nx_token(c, user, password).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "basketbench", "serve", *args],
                          capture_output=True, text=True, timeout=60, cwd=str(ROOT))


def test_non_loopback_bind_refused_without_auth(tmp_path):
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        result = run_serve("--host", host, "--db", str(tmp_path / "x.db"))
        assert result.returncode == 2
        assert "Refusing to serve" in result.stderr and "--auth token" in result.stderr


def test_auth_token_needs_a_config(tmp_path):
    result = run_serve("--auth", "token", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "--auth-config" in result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[[clients]]\nid = "a"\nsecret = "plain"\n')
    result = run_serve("--auth", "token", "--auth-config", str(bad), "--db",
                       str(tmp_path / "x.db"))
    assert result.returncode == 2 and "plain secrets are not accepted" in result.stderr


def test_hashing_and_config_checks():
    stored = hash_secret("s3cret", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$") and "s3cret" not in stored
    assert verify_secret("s3cret", stored) and not verify_secret("s3creT", stored)
    with pytest.raises(AuthConfigError, match="secret_hash is not"):
        config_from_dict({"clients": [{"id": "a", "secret_hash": "md5$x"}]})
    with pytest.raises(AuthConfigError, match="username is required"):
        config_from_dict({"users": [{"password_hash": stored}]})
    with pytest.raises(AuthConfigError, match="token_ttl"):
        config_from_dict({"token_ttl": -1})
    config = config_from_dict({"users": [{"username": "A@x", "password_hash": stored,
                                          "roles": ["admin"]}]})
    assert config.users["a@x"][1].has_role("BasketSession-Delete")

"""Secrets never leak: send real credentials to the sandbox, then search every request-log
entry, every default curl export, every error text and `config show` for them."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from basketbench.backends import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.backends.nexudus import NexudusClient
from basketbench.backends.request_log import as_curl
from basketbench.cli import cli
from basketbench.model.requests import ItemInput

from .conftest import PRODUCTS, new_id

USER_TOKEN = "usertoken-5e1f-secret-value"


def texts_of_log(log) -> list[str]:
    out = []
    for call in log.calls:
        out += [call.url, call.request_body or "", call.response_body or "", call.error or "",
                repr(call.request_headers), as_curl(call)]
    return out


def texts_of_error(err: BackendError) -> list[str]:
    return [err.message, str(err), repr(err), err.where or "", *err.field_errors]


def assert_clean(texts: list[str], secrets: list[str]) -> None:
    assert secrets and all(len(s) >= 8 for s in secrets)
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked into: {text[:200]}"


async def test_no_secret_in_logs_curl_or_errors(sandbox_auth):
    sb = sandbox_auth
    shop = HttpBackend(sb.base_url, auth_url=sb.base_url, client_id=sb.client_id,
                       client_secret=sb.client_secret, headers={"UserToken": USER_TOKEN})
    errors: list[BackendError] = []
    bid = new_id()
    await shop.add_item(bid, ItemInput(product_id=PRODUCTS["POLO-NAVY-L"], qty=1))
    await shop.get_basket(bid)
    with pytest.raises(BackendError) as err:
        await shop.set_qty(bid, PRODUCTS["MUG-WHITE"], 2)
    errors.append(err.value)
    shop.transport.auth.access_token = "stale-token-0001"  # forces a 401 and a refresh
    await shop.get_basket(bid)

    wrong = HttpBackend(sb.base_url, auth_url=sb.base_url, client_id=sb.client_id,
                        client_secret="wrong-client-secret-xyz")
    with pytest.raises(BackendError) as err:
        await wrong.get_basket(bid)
    errors.append(err.value)

    token = httpx.post(f"{sb.base_url}/oAuth/Token", data={
        "grant_type": "client_credentials", "client_id": sb.client_id,
        "client_secret": sb.client_secret}).json()["access_token"]
    static = HttpBackend(sb.base_url, token=token)
    await static.get_basket(bid)

    nexudus = NexudusClient(sb.base_url, username=sb.username, password=sb.password,
                            business_id=1)
    await nexudus.create_session(None, new_id(), '{"x": 1}')
    nexudus.transport.auth.access_token = "stale-nexudus-0001"
    await nexudus.list_sessions()  # 401, then a refresh-token grant
    with pytest.raises(BackendError) as err:
        await nexudus.get_session(999_999)
    errors.append(err.value)
    bad_nexudus = NexudusClient(sb.base_url, username=sb.username,
                                password="wrong-password-xyz")
    with pytest.raises(BackendError) as err:
        await bad_nexudus.list_sessions()
    errors.append(err.value)

    flows = [shop.transport.auth, nexudus.transport.auth]
    secrets = [sb.client_secret, sb.password, USER_TOKEN, token, "wrong-client-secret-xyz",
               "wrong-password-xyz", "stale-token-0001", "stale-nexudus-0001",
               *(f.access_token for f in flows), nexudus.transport.auth.refresh_token]
    # every token the clients were ever given, taken from the servers' replies themselves
    assert shop.transport.auth.access_token != "stale-token-0001"

    texts = []
    for client in (shop, wrong, static, nexudus, bad_nexudus):
        texts += texts_of_log(client.log)
        await client.close()
    for e in errors:
        texts += texts_of_error(e)
    assert_clean(texts, secrets)

    # The test can see a secret when one is there: an explicit "with secrets" export shows
    # the bearer token, and the token request really carried the client secret.
    explicit = [as_curl(c, include_secrets=True) for c in static.log.calls]
    assert any(token in text for text in explicit)
    token_calls = [c for c in shop.log.calls if c.url.endswith("/oAuth/Token")]
    assert len(token_calls) == 2 and "client_secret=***" in token_calls[0].request_body
    assert '"access_token":"***"' in token_calls[0].response_body


def test_config_show_redacts_every_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("BC_STAGING_SECRET", "env-held-client-secret")
    monkeypatch.setenv("BASKETBENCH_PROD_PASSWORD", "env-override-password")
    (tmp_path / "config.toml").write_text("""
default_profile = "staging"
[profiles.staging]
kind = "bettercommerce"
base_url = "https://api.example.com"
client_id = "cid"
client_secret = "env:BC_STAGING_SECRET"
[profiles.staging.headers]
UserToken = "plain-user-token-value"
[profiles.static]
kind = "bettercommerce"
base_url = "https://api.example.com"
token = "plain-static-bearer-token"
[profiles.prod]
kind = "nexudus"
base_url = "https://spaces.nexudus.com"
username = "me@example.com"
password = "plain-file-password"
""")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert "BC_STAGING_SECRET" in result.output  # the reference is shown, not its value
    assert "cid" in result.output
    assert_clean([result.output], ["env-held-client-secret", "plain-user-token-value",
                                   "plain-static-bearer-token", "plain-file-password",
                                   "env-override-password"])
    json_out = CliRunner().invoke(cli, ["config", "show", "--json"]).output
    assert_clean([json_out], ["env-held-client-secret", "plain-user-token-value",
                              "plain-static-bearer-token", "env-override-password"])

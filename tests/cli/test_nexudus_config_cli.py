"""`basketbench nexudus session ...` against the sandbox's Nexudus routes (with auth, through
a profile), and `basketbench config show|init|path`."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from basketbench import jsonio
from basketbench.engine import demo
from tests.support.sandbox import start_sandbox

from .conftest import Run


@pytest.fixture(scope="module")
def sandbox_auth(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("cli-nx") / "sandbox.db", auth=True) as sb:
        yield sb


@pytest.fixture
def nx(sandbox_auth, tmp_path, monkeypatch) -> Run:
    """A config with a Nexudus profile (password from the environment) and a basket profile."""
    sb = sandbox_auth
    config = Path(tmp_path / "config" / "config.toml")
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"""
default_profile = "shop"
[profiles.shop]
kind = "bettercommerce"
base_url = "{sb.base_url}"
client_id = "{sb.client_id}"
client_secret = "env:SHOP_SECRET"
[profiles.nx]
kind = "nexudus"
base_url = "{sb.base_url}"
username = "{sb.username}"
password = "env:NX_PASSWORD"
business_id = 42
""")
    monkeypatch.setenv("SHOP_SECRET", sb.client_secret)
    monkeypatch.setenv("NX_PASSWORD", sb.password)
    return Run(["nexudus"])


def test_session_create_list_get_delete_human(nx):
    sid = f"browser-{uuid.uuid4()}"
    out = nx.ok("session", "create", sid, "--contents", '{"hello": 1}').stdout
    assert out.startswith("Created BasketSession ") and sid in out
    record_id = int(out.split()[2])

    out = nx.ok("session", "list", "--session-id", sid).stdout
    assert "1 session(s)" in out and sid in out and str(record_id) in out
    out = nx.ok("session", "get", record_id).stdout
    assert f"BasketSession {record_id}" in out and "BusinessId: 42" in out
    assert "JsonContents: 12 chars (not a basket)" in out
    assert nx.ok("session", "delete", record_id).stdout.strip() == \
        f"BasketSession {record_id} deleted."
    gone = nx("session", "get", record_id)
    assert gone.exit_code == 1 and "was not found" in gone.stderr


def test_session_commands_json(nx):
    sid = f"browser-{uuid.uuid4()}"
    created = nx.json("session", "create", sid, "--business-id", 7)
    record_id = created["Id"]
    page = nx.json("session", "list", "--session-id", sid)
    assert page["TotalItems"] == 1 and page["Records"][0]["Id"] == record_id
    record = nx.json("session", "get", record_id)
    assert (record["Id"], record["BusinessId"], record["SessionId"]) == (record_id, 7, sid)
    assert nx("session", "delete", record_id, "--json").stdout.strip() == "true"


def test_send_a_basket_and_open_it_again(nx, sandbox_auth):
    bid = demo.basket_id("alice-main")
    sid = f"checkout-{uuid.uuid4()}"
    out = nx.ok("session", "create", sid, "--basket", bid).stdout  # from the default profile
    assert f"carrying basket {bid}" in out
    record_id = int(out.split()[2])
    shown = nx.ok("session", "get", record_id).stdout
    assert f"Basket {bid}" in shown and "POLO-NAVY-L" in shown
    basket = nx.json("session", "get", record_id, "--basket")
    direct = jsonio.loads(Run([])("basket", "get", bid, "--json", prefix=False).stdout)
    assert basket["lineItems"] == direct["lineItems"]
    assert basket["grandTotal"] == direct["grandTotal"]


def test_session_update(nx):
    sid = f"browser-{uuid.uuid4()}"
    record_id = nx.json("session", "create", sid, "--business-id", 7,
                        "--contents", '{"a": 1}')["Id"]
    out = nx.ok("session", "update", record_id, "--session-id", f"{sid}-2").stdout
    assert out.strip() == f"BasketSession {record_id} updated (SessionId)."
    record = nx.json("session", "update", record_id, "--business-id", 8)
    assert (record["SessionId"], record["BusinessId"], record["JsonContents"]) == (
        f"{sid}-2", 8, '{"a": 1}')  # fields not given keep their values

    bid = demo.basket_id("alice-main")
    nx.ok("session", "update", record_id, "--basket", bid[:8])  # the workbench's short id
    basket = nx.json("session", "get", record_id, "--basket")
    assert basket["id"] == bid and basket["lineItems"]

    nothing = nx("session", "update", record_id)
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    bad = nx("session", "update", record_id, "--contents", "{nope")
    assert bad.exit_code == 2 and "not valid JSON" in bad.stderr
    gone = nx("session", "update", 999999, "--session-id", "x")
    assert gone.exit_code == 1 and "Traceback" not in gone.stderr
    nx.ok("session", "delete", record_id)


def test_nexudus_errors_and_usage(nx, monkeypatch):
    bad = nx("session", "create", "s", "--contents", "{nope")
    assert bad.exit_code == 2 and "not valid JSON" in bad.stderr
    both = nx("session", "create", "s", "--contents", "{}", "--basket", "x")
    assert both.exit_code == 2
    missing = nx("session", "create", "")
    assert missing.exit_code == 1 and "SessionId: is a required field" in missing.stderr
    monkeypatch.setenv("NX_PASSWORD", "wrong-password-value")
    denied = nx("session", "list")
    assert denied.exit_code == 1 and "refused" in denied.stderr
    assert "wrong-password-value" not in denied.stderr
    wrong_kind = nx("--profile", "shop", "session", "list")
    assert wrong_kind.exit_code == 1 and "not a Nexudus profile" in wrong_kind.stderr


def test_config_show_init_path():
    run = Run(["config"])
    path = Path(run.ok("path").stdout.strip())
    assert not path.exists()
    shown = run.ok("show").stdout
    assert "not created yet" in shown
    assert "Wrote" in run.ok("init").stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = run("init")
    assert again.exit_code == 1 and "already exists" in again.stderr
    shown = run.ok("show").stdout
    assert "default_profile" in shown and f"[file {path}]" in shown
    assert "profiles.local.db" in shown and "[default]" in shown
    rows = jsonio.loads(run.ok("show", "--json").stdout)
    assert {"name": "profiles.local.kind", "value": "'local'", "source": f"file {path}"} in rows


def test_config_show_reports_the_command_line_and_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BASKETBENCH_API", "http://127.0.0.1:8000")
    out = Run([])("--db", str(tmp_path / "x.db"), "config", "show", prefix=False)
    assert out.exit_code == 0
    assert "[env BASKETBENCH_API]" in out.stdout and "[command line]" in out.stdout


def test_config_show_of_a_broken_file_exits_1(tmp_path):
    path = Path(tmp_path / "config" / "config.toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[profiles.a]\nkind = "mystery"\n')
    out = Run(["config"])("show")
    assert out.exit_code == 1 and "kind = 'mystery'" in out.stderr

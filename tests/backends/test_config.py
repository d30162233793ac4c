"""Configuration (profiles, env overrides, env:VAR secrets, 0600 files, provenance) and the
factory that turns a choice (--api, --profile, --db, environment, default) into a backend."""

from __future__ import annotations

import os
import stat

import pytest

from basketbench.backends.factory import open_backend, open_nexudus, probe_extensions
from basketbench.backends.http import HttpBackend
from basketbench.backends.local import LocalBackend
from basketbench.backends.nexudus import NexudusClient
from basketbench.config import (
    ConfigError,
    describe,
    init_config,
    load_config,
    save_setting,
)

STAGING = """
default_profile = "staging"
theme = "basketbench-dark"

[profiles.local]
kind = "local"
db = "{db}"

[profiles.staging]
kind = "bettercommerce"
base_url = "https://api.example.com"
auth_url = "https://auth.example.com"
client_id = "cid"
client_secret = "env:BC_STAGING_SECRET"
read_only = true
sandbox = false
[profiles.staging.headers]
Currency = "GBP"
Country = "GB"

[profiles.nx]
kind = "nexudus"
base_url = "https://spaces.nexudus.com"
username = "me@example.com"
password = "env:NEXUDUS_PASSWORD"
business_id = 123

[keys]
"basket.merge" = "M"
"""


@pytest.fixture
def cfg_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))
    for var in list(os.environ):
        if var.startswith("BASKETBENCH_") and var not in ("BASKETBENCH_CONFIG_DIR",
                                                          "BASKETBENCH_DATA_DIR"):
            monkeypatch.delenv(var)
    (tmp_path / "cfg").mkdir()
    return tmp_path / "cfg"


def write(cfg_dir, text: str, db: str = "/tmp/x.db"):
    path = cfg_dir / "config.toml"
    path.write_text(text.replace("{db}", db))
    path.chmod(0o600)
    return path


def test_profiles_values_and_sources(cfg_dir):
    path = write(cfg_dir, STAGING)
    cfg = load_config(env={})
    assert cfg.default_profile.value == "staging" and cfg.theme.value == "basketbench-dark"
    assert cfg.keys == {"basket.merge": "M"}
    staging = cfg.profile()
    assert staging.kind == "bettercommerce" and staging.read_only is True
    assert staging.settings["base_url"].source == f"file {path}"
    assert staging.settings["timeout"].value == 15.0
    assert staging.settings["timeout"].source == "default"
    assert staging.header_values() == {"Currency": "GBP", "Country": "GB"}
    assert cfg.profile("nx").get("business_id") == 123
    assert cfg.warnings == []


def test_env_var_secret_references(cfg_dir, monkeypatch):
    write(cfg_dir, STAGING)
    staging = load_config().profile("staging")
    with pytest.raises(ConfigError) as err:
        staging.get("client_secret")
    assert "env:BC_STAGING_SECRET" in str(err.value) and "not set" in str(err.value)
    monkeypatch.setenv("BC_STAGING_SECRET", "s3cr3t-value")
    assert staging.get("client_secret") == "s3cr3t-value"


def test_environment_overrides_and_env_only_profiles(cfg_dir):
    write(cfg_dir, STAGING)
    env = {"BASKETBENCH_STAGING_CLIENT_SECRET": "from-env", "BASKETBENCH_STAGING_READ_ONLY": "no",
           "BASKETBENCH_STAGING_TIMEOUT": "2.5", "BASKETBENCH_STAGING_HEADERS_DEVICEID": "d1",
           "BASKETBENCH_STAGING_HEADERS_X_TRACE": "t1", "BASKETBENCH_PROFILE": "ci",
           "BASKETBENCH_CI_KIND": "bettercommerce", "BASKETBENCH_CI_BASE_URL": "http://ci:8000",
           "BASKETBENCH_DB": "/tmp/env.db"}
    cfg = load_config(env=env)
    staging = cfg.profile("staging")
    assert staging.get("client_secret") == "from-env"
    assert staging.settings["client_secret"].source == "env BASKETBENCH_STAGING_CLIENT_SECRET"
    assert staging.read_only is False and staging.get("timeout") == 2.5
    assert staging.header_values()["DeviceId"] == "d1"
    assert staging.header_values()["x-trace"] == "t1"
    assert cfg.default_profile.value == "ci" and cfg.default_profile.source == \
        "env BASKETBENCH_PROFILE"
    assert cfg.profile().get("base_url") == "http://ci:8000"
    assert cfg.db.value == "/tmp/env.db"


@pytest.mark.parametrize("text, expected", [
    ('[profiles.a]\nkind = "cloud"\n', "kind = 'cloud' must be one of local, bettercommerce"),
    ('[profiles.a]\nkind = "local"\nbase_url = "http://x"\n', "unknown field 'base_url'"),
    ('[profiles.a]\nkind = "bettercommerce"\nbase_url = "api.example.com"\n',
     "base_url = 'api.example.com' must start with http://"),
    ('[profiles.a]\nkind = "bettercommerce"\n', "base_url is required"),
    ('[profiles.a]\nkind = "local"\nread_only = "yes"\n',
     "read_only = 'yes' must be true or false"),
    ('[profiles.a]\nkind = "nexudus"\nbase_url = "https://n"\nbusiness_id = "12"\n',
     "business_id = '12' must be an integer"),
    ('default_profile = "nope"\n', "default_profile = 'nope'"),
    ('colour = "red"\n', "unknown top-level key 'colour'"),
    ('[profiles.a\nkind = "local"\n', "not valid TOML"),
    ('[profiles.a]\nkind = "bettercommerce"\nbase_url = "https://x"\ntimeout = 0\n',
     "timeout = 0 must be more than 0"),
    ('[profiles.a]\nkind = "bettercommerce"\nbase_url = "https://x"\nretries = 100000\n',
     "retries = 100000 must be between 0 and 10"),
    ('[profiles.a]\nkind = "nexudus"\nbase_url = "https://x"\ntimeout = 100000\n',
     "timeout = 100000 must be more than 0 and at most 600"),
])
def test_bad_config_names_the_field_and_value(cfg_dir, text, expected):
    write(cfg_dir, text)
    with pytest.raises(ConfigError) as err:
        load_config(env={})
    assert expected in str(err.value)
    if "TOML" in expected:
        assert str(cfg_dir / "config.toml") in str(err.value)


def test_bad_environment_override_names_the_variable(cfg_dir):
    write(cfg_dir, STAGING)
    with pytest.raises(ConfigError) as err:
        load_config(env={"BASKETBENCH_STAGING_RETRIES": "many"})
    assert "BASKETBENCH_STAGING_RETRIES" in str(err.value) and "'many'" in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_config(env={"BASKETBENCH_STAGING_USERNAME": "x"})
    assert "'username' is not a field of bettercommerce profile 'staging'" in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_config(env={"BASKETBENCH_STAGING_TIMEOUT": "0"})
    assert "timeout = 0 must be more than 0" in str(err.value)
    assert "BASKETBENCH_STAGING_TIMEOUT" in str(err.value)


def test_init_writes_a_private_file_that_loads(cfg_dir):
    path = init_config()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cfg = load_config(env={})
    assert cfg.profile().kind == "local"
    with pytest.raises(ConfigError):
        init_config()  # never overwrites without force


def test_save_setting_keeps_comments_and_mode(cfg_dir):
    path = write(cfg_dir, "# my comment\n" + STAGING)
    path.chmod(0o644)
    save_setting("theme", "basketbench-light")
    text = path.read_text()
    assert "# my comment" in text and 'theme = "basketbench-light"' in text
    assert text.count("theme =") == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config(env={}).theme.value == "basketbench-light"


def test_save_setting_creates_the_file(cfg_dir):
    path = save_setting("theme", "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config(env={}).theme.value == "x"
    with pytest.raises(ConfigError):
        save_setting("profiles", "x")


def test_a_world_readable_file_gives_a_warning(cfg_dir):
    write(cfg_dir, STAGING).chmod(0o644)
    cfg = load_config(env={})
    assert cfg.warnings and "chmod 600" in cfg.warnings[0]


def test_describe_shows_sources_and_hides_secrets(cfg_dir, monkeypatch):
    write(cfg_dir, STAGING)
    monkeypatch.setenv("NEXUDUS_PASSWORD", "pw-value-123")
    rows = {name: (value, source) for name, value, source in describe(load_config())}
    assert rows["profiles.staging.client_secret"][0] == "(env:BC_STAGING_SECRET: NOT SET)"
    assert rows["profiles.nx.password"][0] == "*** (from env:NEXUDUS_PASSWORD)"
    assert rows["profiles.staging.timeout"] == ("15.0", "default")
    assert rows["profiles.staging.headers.Currency"][0] == "'GBP'"


# -- the factory ----------------------------------------------------------------------------

async def test_nothing_given_is_the_local_demo_engine(cfg_dir):
    backend = open_backend()
    assert isinstance(backend, LocalBackend)
    assert backend.label.startswith(os.environ["BASKETBENCH_DATA_DIR"])
    await backend.close()


async def test_profiles_become_backends(cfg_dir, tmp_path, monkeypatch):
    write(cfg_dir, STAGING, db=str(tmp_path / "p.db"))
    monkeypatch.setenv("BC_STAGING_SECRET", "s3cr3t-value")
    staging = open_backend()  # the default profile
    assert isinstance(staging, HttpBackend) and staging.capabilities.read_only
    assert staging.label == "https://api.example.com" and staging.extensions is False
    assert staging.headers["Currency"] == "GBP" and staging.headers["Country"] == "GB"
    assert staging.transport.auth.token_url == "https://auth.example.com/oAuth/Token"
    assert "s3cr3t-value" in staging.log.secrets
    await staging.close()
    local = open_backend(profile="local")
    assert isinstance(local, LocalBackend) and local.label == str(tmp_path / "p.db")
    await local.close()
    override = open_backend(profile="local", db=tmp_path / "q.db")
    assert override.label == str(tmp_path / "q.db")
    await override.close()


def test_bad_choices_are_config_errors(cfg_dir, monkeypatch):
    write(cfg_dir, STAGING)
    with pytest.raises(ConfigError) as err:
        open_backend(profile="nx")
    assert "Nexudus profile" in str(err.value)
    with pytest.raises(ConfigError) as err:
        open_backend(profile="nope")
    assert "'nope' is not defined" in str(err.value) and "local, nx, staging" in str(err.value)
    with pytest.raises(ConfigError):
        open_backend(profile="local", api="http://x")


async def test_api_url_probes_for_sandbox_extensions(cfg_dir, sandbox, monkeypatch):
    assert probe_extensions(sandbox.base_url) is True
    backend = open_backend(api=sandbox.base_url)
    assert backend.extensions and backend.capabilities.catalogue
    await backend.close()
    monkeypatch.setenv("BASKETBENCH_API", sandbox.base_url)
    from_env = open_backend()
    assert isinstance(from_env, HttpBackend) and from_env.label == sandbox.base_url
    await from_env.close()


def test_probe_of_a_server_without_extensions_is_false():
    from .fault_server import FaultServer

    with FaultServer() as srv:
        srv.mode = "html"
        assert probe_extensions(srv.base_url) is False
    assert probe_extensions("http://127.0.0.1:9", timeout=0.5) is False


async def test_open_nexudus(cfg_dir, monkeypatch):
    write(cfg_dir, STAGING)
    monkeypatch.setenv("NEXUDUS_PASSWORD", "pw-value-123")
    client = open_nexudus()  # the only Nexudus profile
    assert isinstance(client, NexudusClient) and client.business_id == 123
    assert client.transport.auth.token_url == "https://spaces.nexudus.com/api/token"
    await client.close()
    with pytest.raises(ConfigError) as err:
        open_nexudus(profile="staging")
    assert "not a Nexudus profile" in str(err.value)


BC_CREDS = ('[profiles.{name}]\nkind = "bettercommerce"\nbase_url = "{url}"\n'
            'client_id = "cid"\nclient_secret = "s3cret-value"\n{extra}')


@pytest.mark.parametrize("url, extra, needed", [
    ("https://api.example.com", "", True),
    ("https://api.example.com", 'sandbox = "auto"\n', True),
    ("https://api.example.com", "sandbox = false\n", True),
    ("https://api.example.com", 'auth_url = "https://auth.example.com"\n', False),
    ("https://bench.example.com", "sandbox = true\n", False),  # a sandbox on another host
    ("http://127.0.0.1:8000", "", False),  # a loopback URL is a local sandbox
    ("http://localhost:8000", "", False),
])
async def test_client_credentials_need_the_auth_host_unless_a_sandbox(cfg_dir, url, extra,
                                                                      needed):
    write(cfg_dir, BC_CREDS.format(name="shop", url=url, extra=extra))
    config = load_config(env={})  # other profiles still load: a warning, not a failure
    warned = [w for w in config.warnings if "auth_url is required" in w]
    assert bool(warned) == needed
    if needed:
        with pytest.raises(ConfigError) as err:
            open_backend(profile="shop", config=config, sandbox=False)
        assert "profile 'shop': auth_url is required" in str(err.value)
        assert "sandbox = true" in str(err.value) and "s3cret-value" not in str(err.value)
    else:
        backend = open_backend(profile="shop", config=config, sandbox=False)
        assert backend.transport.auth.token_url.startswith(
            "https://auth.example.com" if "auth_url" in extra else url)
        await backend.close()


async def test_a_static_token_needs_no_auth_host(cfg_dir):
    write(cfg_dir, '[profiles.shop]\nkind = "bettercommerce"\n'
          'base_url = "https://api.example.com"\ntoken = "static-token"\n')
    backend = open_backend(profile="shop", config=load_config(env={}), sandbox=False)
    assert backend.label == "https://api.example.com"
    await backend.close()

"""Credentials inside URLs and mistyped secrets never reach `config show` or error text."""

from __future__ import annotations

import pytest

from basketbench.backends.http import HttpBackend
from basketbench.config import ConfigError, describe, load_config
from basketbench.redact import redact_headers


def test_config_show_masks_credentials_in_urls(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.stage]\nkind = "bettercommerce"\n'
        'base_url = "https://svc:hunter2pass@api.example.com/?access_token=abc123456"\n')
    shown = "\n".join(f"{n} {v} {s}" for n, v, s in describe(load_config(path, env={})))
    assert "hunter2pass" not in shown and "abc123456" not in shown
    assert "api.example.com" in shown


def test_a_mistyped_secret_is_not_echoed(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.n]\nkind = "nexudus"\nbase_url = "https://x.example"\n'
                    'username = "u"\npassword = 123456789\n')
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert "123456789" not in str(err.value) and "password" in str(err.value)


def test_backend_label_hides_url_credentials():
    backend = HttpBackend("https://svc:hunter2pass@api.example.com")
    assert "hunter2pass" not in backend.label and "api.example.com" in backend.label


def test_token_like_header_names_are_masked():
    masked = redact_headers({"X-Auth-Token": "t0ps3cret", "X-Api-Key": "k3y",
                             "private_key": "pk", "DeviceId": "dev-1"})
    assert masked == {"X-Auth-Token": "***", "X-Api-Key": "***", "private_key": "***",
                      "DeviceId": "dev-1"}

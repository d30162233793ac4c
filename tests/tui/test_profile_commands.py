"""Switching profile or backend from the command palette (the provider; the app's
`switch_backend` is recorded here, it is the integration's part)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.widgets import OptionList

from basketbench.tui.profile_commands import (
    BackendPromptScreen,
    ProfileCommands,
    check_api_url,
    check_db_path,
)

CONFIG = """
default_profile = "local"

[profiles.local]
kind = "local"

[profiles.staging]
kind = "bettercommerce"
base_url = "https://staging.example.com"
client_id = "bench"
client_secret = "env:STAGING_SECRET"

[profiles.production]
kind = "bettercommerce"
base_url = "https://api.example.com"
client_secret = "super-secret-value"
client_id = "bench"
read_only = true
description = "live shop"

[profiles.spaces]
kind = "nexudus"
base_url = "https://spaces.example.com"
"""


class Host(App):
    COMMANDS = {ProfileCommands}

    def __init__(self, with_switch: bool = True) -> None:
        super().__init__()
        self.profile_name = "local"
        self.switched: list[tuple] = []
        if with_switch:
            self.switch_backend = self._switch  # type: ignore[method-assign]

    def _switch(self, profile=None, *, db=None, api=None) -> None:
        self.switched.append((profile, db, api))


@pytest.fixture
def config_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, "utf-8")
    path.chmod(0o600)
    return tmp_path


async def palette_options(pilot, query: str) -> list[tuple[str, str]]:
    """Open the palette, type `query`, and return (command, help) for each result."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    options: list = []
    for _ in range(100):
        await pilot.pause(0.02)
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        now = list(palette.query_one(OptionList).options)
        if now and len(now) == len(options):  # results arrive in batches: wait until stable
            break
        options = now
    out = []
    for option in options:
        hit = option.hit  # textual.command.Command: the Hit behind the option
        out.append((str(hit.text), str(hit.help or "")))
    return out


async def test_every_backend_profile_is_offered_and_flagged(config_dir):
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        options = await palette_options(pilot, "profile: switch")
        texts = [t for t, _ in options]
        joined = "\n".join(texts)
        assert "profile: switch to local (current)" in joined
        assert "profile: switch to staging" in joined
        assert "profile: switch to production (read-only)" in joined
        assert "spaces" not in joined  # a Nexudus profile is not a backend
        helps = "\n".join(h for _, h in options)
        assert "READ-ONLY" in helps and "live shop" in helps
        assert "super-secret-value" not in helps and "env:STAGING_SECRET" not in helps


async def test_choosing_a_profile_calls_switch_backend(config_dir):
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await palette_options(pilot, "switch to staging")
        await pilot.press("enter")
        await pilot.pause()
        assert app.switched == [("staging", None, None)]


async def test_local_database_asks_for_a_path_and_checks_it(config_dir, tmp_path):
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await palette_options(pilot, "backend: local database")
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, BackendPromptScreen)
        box = prompt.query_one("#prompt-value")
        box.value = str(tmp_path / "missing-folder" / "x.db")
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in prompt.message and app.switched == []
        box.value = str(tmp_path / "other.db")
        await pilot.press("enter")
        await pilot.pause()
        assert app.switched == [(None, str(tmp_path / "other.db"), None)]


async def test_api_url_is_checked_then_switched_to(config_dir):
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await palette_options(pilot, "backend: API URL")
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        box = prompt.query_one("#prompt-value")
        box.value = "ftp://nope"
        await pilot.press("enter")
        await pilot.pause()
        assert prompt.message == "API URL: 'ftp://nope' must start with http:// or https://"
        box.value = "http://127.0.0.1:9999"
        await pilot.press("enter")
        await pilot.pause()
        assert app.switched == [(None, None, "http://127.0.0.1:9999")]


async def test_without_switch_backend_the_user_is_told(config_dir):
    app = Host(with_switch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await palette_options(pilot, "switch to staging")
        await pilot.press("enter")
        await pilot.pause()
        assert any("cannot switch backends" in n.message for n in app._notifications)


async def test_a_broken_config_is_shown_not_fatal(tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('[profiles.x]\nkind = "ftp"\n', "utf-8")
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        options = await palette_options(pilot, "profile")
        assert any("config file has a problem" in t for t, _ in options)
        assert any("kind = 'ftp'" in h for _, h in options)


def test_checks():
    assert check_api_url("https://x") is None
    assert "must start with" in check_api_url("x")
    assert check_db_path("") == "database file: a path is required"

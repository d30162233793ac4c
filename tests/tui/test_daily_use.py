"""The workbench in daily use, driven through the real start path (`prepare`, what `basketbench`
runs) with a temporary config directory: the backend opens after the first paint, themes
(switched from the palette, saved in the config), the request inspector (local engine, and an
authenticated sandbox: a call with its status and duration, curl without secrets), profile
switching from the palette, the Nexudus sessions view against the sandbox, key remapping, and a
2,000-line basket edited without redrawing the whole table."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.command import CommandPalette
from textual.widgets import OptionList

from basketbench.backends import BackendError
from basketbench.backends.nexudus import NexudusClient
from basketbench.cli import cli
from basketbench.engine import BasketEngine, demo
from basketbench.tui.app import BasketBench, prepare
from basketbench.tui.inspector import RequestInspector
from basketbench.tui.nexudus_view import NexudusSessionsScreen, SendBasketScreen
from basketbench.tui.screens import ErrorScreen
from tests.support.sandbox import start_sandbox

from .helpers import SIZE, basket_id, notices, open_basket, select_line, settle, stored

BUSINESS = 7


# -- set-up -----------------------------------------------------------------------------------

def use_config(tmp_path: Path, monkeypatch, text: str) -> Path:
    """A config directory of its own (and no profile, API or database from the environment)."""
    conf = tmp_path / "config"
    conf.mkdir(exist_ok=True)
    path = conf / "config.toml"
    path.write_text(text, "utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(conf))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))
    for name in ("BASKETBENCH_PROFILE", "BASKETBENCH_API", "BASKETBENCH_DB"):
        monkeypatch.delenv(name, raising=False)
    return path


def demo_db(path: Path, extra_baskets: int = 0) -> Path:
    with BasketEngine(path) as engine:
        demo.reset(engine)
        if extra_baskets:
            demo.generate(engine, extra_baskets)
    return path


async def connected(pilot) -> None:
    app = pilot.app
    for _ in range(200):
        await settle(pilot)
        if not app.connecting and app.baskets_pane.rows:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never connected: {app.status.plain}")


async def until(pilot, condition, what: str, tries: int = 250) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def palette_choose(pilot, query: str, expected: str | None = None) -> None:
    """Open the command palette, type `query`, wait for the results, press enter."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    palette = pilot.app.screen

    def first() -> str:
        options = palette.query_one(OptionList).options
        return str(options[0].hit.text) if options else ""

    await until(pilot, lambda: (expected or query).lower() in first().lower(),
                f"palette result {query!r}")
    await pilot.press("enter")
    await settle(pilot)


# -- start-up ---------------------------------------------------------------------------------

async def test_the_screen_opens_before_the_backend_and_keys_wait_for_it(backend):
    gate = threading.Event()

    def slow_open():
        assert gate.wait(20)
        return backend

    app = BasketBench(opener=slow_open, profile_name="slow")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert app.connecting and app.is_mounted
        assert "connecting" in app.status.plain and "profile slow" in app.status.plain
        await pilot.press("a")  # a change before the backend is there: refused, said why
        assert any("not connected to a backend yet" in n for n in notices(app, "warning"))
        gate.set()
        await connected(pilot)
        assert app.backend is backend and app.baskets_pane.total == 14
        assert f"local {backend.label}" in app.status.plain


async def test_a_backend_that_fails_to_open_is_shown_in_a_dialog(backend):
    def failing_open():
        raise BackendError(0, "UNAVAILABLE", "cannot reach http://127.0.0.1:9 (refused)")

    app = BasketBench(opener=failing_open, profile_name="staging")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the error dialog")
        assert app.screen.title_text == "open profile 'staging' failed"
        assert "cannot reach http://127.0.0.1:9" in app.screen.message
        assert "not connected" in app.status.plain
        await pilot.press("escape")
        await pilot.press("r")  # still usable: the list says why it is empty
        await settle(pilot)
        assert any("not connected (cannot reach" in n for n in notices(app, "error"))


async def test_a_bad_profile_is_refused_before_the_screen_opens(tmp_path, monkeypatch):
    use_config(tmp_path, monkeypatch, '[profiles.spaces]\nkind = "nexudus"\n'
               'base_url = "https://spaces.example.com"\n'
               '[profiles.staging]\nkind = "bettercommerce"\nbase_url = "https://x.example"\n'
               'client_id = "bench"\nclient_secret = "env:BB_TEST_UNSET_SECRET"\n')
    monkeypatch.delenv("BB_TEST_UNSET_SECRET", raising=False)
    from basketbench.config import ConfigError

    with pytest.raises(ConfigError, match="'nosuch' is not defined"):
        prepare(profile="nosuch")
    with pytest.raises(ConfigError, match="Nexudus profile"):
        prepare(profile="spaces")
    with pytest.raises(ConfigError, match="BB_TEST_UNSET_SECRET"):
        prepare(profile="staging")
    with pytest.raises(ConfigError, match="ftp://x"):
        prepare(api="ftp://x")


# -- themes -----------------------------------------------------------------------------------

async def test_the_theme_comes_from_the_config_and_a_change_is_saved(tmp_path, monkeypatch):
    config = use_config(tmp_path, monkeypatch, 'theme = "basketbench-light"\n\n'
                        '[profiles.local]\nkind = "local"\n')
    db = str(demo_db(tmp_path / "a.db"))
    app = prepare(db=db)
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        assert app.theme == "basketbench-light"
        assert "basketbench-high-contrast" in app.available_themes
        assert "textual-dark" in app.available_themes  # Textual's own stay available
        await palette_choose(pilot, "theme", "theme")  # Textual's "Theme" command
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the theme list")
        await pilot.press(*"high-contrast")
        await until(pilot, lambda: "high-contrast" in str(
            app.screen.query_one(OptionList).options[0].hit.text)
            if app.screen.query_one(OptionList).options else False, "the theme result")
        await pilot.press("enter")
        await until(pilot, lambda: 'theme = "basketbench-high-contrast"' in config.read_text(),
                    "the theme saved")
        assert app.theme == "basketbench-high-contrast"
    text = config.read_text()
    assert "[profiles.local]" in text and text.count("theme =") == 1  # the rest is kept
    again = prepare(db=db)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "basketbench-high-contrast"  # used at the next start


async def test_a_theme_that_does_not_exist_is_reported_and_not_saved(tmp_path, monkeypatch):
    config = use_config(tmp_path, monkeypatch, 'theme = "no-such-theme"\n')
    app = prepare(db=str(demo_db(tmp_path / "a.db")))
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        assert app.theme == "basketbench-dark"
        assert any("'no-such-theme'" in n for n in notices(app, "warning"))
    assert config.read_text() == 'theme = "no-such-theme"\n'  # untouched until one is chosen


# -- the request inspector --------------------------------------------------------------------

async def test_l_shows_engine_operations_with_status_and_duration(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        inspector = app.inspector
        assert not inspector.display
        await pilot.press("l")
        await settle(pilot)
        assert inspector.display and app.focused is inspector.table
        assert inspector.border_title == "Engine operations (l)"
        rows = inspector.table.get_row_at(inspector.table.row_count - 1)
        assert [str(c) for c in rows[1:4]] == ["get_basket", basket_id("alice-main"), "200"]
        assert str(rows[4]).endswith(" ms")
        await pilot.press("l")  # hide, change something meanwhile, show: it is listed
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        methods = [str(inspector.table.get_row_at(i)[1])
                   for i in range(inspector.table.row_count)]
        assert methods[-2:] == ["add_item", "get_basket"] or methods[-1] == "add_item"
        assert "engine operation add_item" in inspector.detail_text or \
            "engine operation get_basket" in inspector.detail_text


@pytest.fixture(scope="module")
def auth_sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("daily-use") / "sandbox.db", auth=True) as sb:
        alice = BasketEngine(sb.db_path).get_basket(demo.basket_id("alice-main"))

        async def seed() -> None:
            client = NexudusClient(sb.base_url, username=sb.username, password=sb.password,
                                   business_id=BUSINESS)
            try:
                await client.send_basket(alice, None, "alice-cart")
                for n in range(3):
                    await client.send_basket(alice, None, f"other-{n}")
            finally:
                await client.close()

        asyncio.run(seed())
        yield sb


def sandbox_config(sb, tmp_path: Path, monkeypatch, extra: str = "") -> Path:
    monkeypatch.setenv("BB_TEST_SANDBOX_SECRET", sb.client_secret)
    monkeypatch.setenv("BB_TEST_NEXUDUS_PASSWORD", sb.password)
    return use_config(tmp_path, monkeypatch, f"""
[profiles.sandbox]
kind = "bettercommerce"
base_url = "{sb.base_url}"
client_id = "{sb.client_id}"
client_secret = "env:BB_TEST_SANDBOX_SECRET"

[profiles.spaces]
kind = "nexudus"
base_url = "{sb.base_url}"
username = "{sb.username}"
password = "env:BB_TEST_NEXUDUS_PASSWORD"
business_id = {BUSINESS}
{extra}""")


async def test_the_inspector_over_http_copies_curl_without_secrets(auth_sandbox, tmp_path,
                                                                   monkeypatch):
    sb = auth_sandbox
    sandbox_config(sb, tmp_path, monkeypatch)
    app = prepare(profile="sandbox")
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        await open_basket(pilot, "alice-main")
        await pilot.press("l")
        await settle(pilot)
        inspector: RequestInspector = app.inspector
        assert inspector.border_title == "Requests (l)"
        calls = list(inspector.calls.values())
        token = next(c for c in calls if c.url.endswith("/oAuth/Token"))
        get = [c for c in calls if c.method == "GET"
               and c.url.endswith(f"/basket/{basket_id('alice-main')}")][-1]
        assert get.status == 200 and get.duration_ms > 0
        row = inspector.table.get_row(str(get.id))
        assert [str(c) for c in row[1:4]] == [
            "GET", f"/api/v2/commerce/basket/{basket_id('alice-main')}", "200"]
        assert str(row[4]).endswith(" ms") and str(row[5]).endswith("B")
        copied = []
        for call in (get, token):
            inspector.table.move_cursor(row=inspector.table.get_row_index(str(call.id)))
            await pilot.press("Y")
            await settle(pilot)
            copied.append(app.clipboard)
        assert copied[0].startswith("curl --request GET ")
        assert f"/basket/{basket_id('alice-main')}" in copied[0]
        assert "'Authorization: ***'" in copied[0]
        assert "/oAuth/Token" in copied[1] and "client_secret=***" in copied[1]
        for text in (*copied, inspector.detail_text):
            assert sb.client_secret not in text
            assert "Bearer ey" not in text


# -- profiles ---------------------------------------------------------------------------------

async def test_switching_profile_from_the_palette(tmp_path, monkeypatch):
    a = demo_db(tmp_path / "a.db")
    b = demo_db(tmp_path / "b.db", extra_baskets=6)
    use_config(tmp_path, monkeypatch, f"""
default_profile = "shop-a"

[profiles.shop-a]
kind = "local"
db = "{a}"

[profiles.shop-b]
kind = "local"
db = "{b}"
read_only = true
description = "the production copy"
""")
    app = prepare()
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        assert "profile shop-a" in app.status.plain and "READ-ONLY" not in app.status.plain
        assert app.baskets_pane.total == 14
        await open_basket(pilot, "alice-main")
        await palette_choose(pilot, "switch to shop-b", "shop-b")
        await connected(pilot)
        assert app.profile_name == "shop-b" and app.read_only
        assert app.status.plain.startswith(" READ-ONLY ")
        assert f"local {b} · profile shop-b" in app.status.plain
        assert app.status.has_class("-read-only")
        assert app.baskets_pane.total == 20  # the other database's list
        assert app.basket is None  # the basket of the old backend is closed
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        assert any("profile 'shop-b' is read-only" in n for n in notices(app, "warning"))
        await palette_choose(pilot, "switch to shop-a", "shop-a")
        await connected(pilot)
        assert app.profile_name == "shop-a" and not app.read_only
        assert "READ-ONLY" not in app.status.plain and not app.status.has_class("-read-only")
        assert app.baskets_pane.total == 14


async def test_a_switch_that_fails_keeps_the_current_backend(make_app, backend, tmp_path,
                                                             monkeypatch):
    use_config(tmp_path, monkeypatch, '[profiles.local]\nkind = "local"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        app.switch_backend("nosuch")
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the error dialog")
        assert "'nosuch' is not defined" in app.screen.message
        assert app.backend is backend and app.profile_name == "local"


# -- Nexudus sessions -------------------------------------------------------------------------

async def test_nexudus_sessions_in_the_workbench(auth_sandbox, tmp_path, monkeypatch):
    sb = auth_sandbox
    sandbox_config(sb, tmp_path, monkeypatch)
    app = prepare(db=str(demo_db(tmp_path / "local.db")))
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        await pilot.press("N")
        view = app.screen
        assert isinstance(view, NexudusSessionsScreen)
        await until(pilot, lambda: view.rows, "the sessions")
        assert view.total_items >= 4
        await pilot.press("slash", *"alice-cart", "enter")
        await until(pilot, lambda: [r.session_id for r in view.rows] == ["alice-cart"],
                    "the filtered list")
        await pilot.press("enter")  # open it: a read-only snapshot in the workbench
        await until(pilot, lambda: app.snapshot is not None, "the snapshot")
        await settle(pilot)
        assert app.basket is not None and app.basket.id == basket_id("alice-main")
        assert " SNAPSHOT " in app.status.plain
        assert "snapshot of Nexudus session" in app.lines_pane.border_title
        assert len(app.lines_pane.lines) == len(app.basket.line_items)
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        assert any("read-only snapshot" in n for n in notices(app, "warning"))
        await open_basket(pilot, "carol-account")  # a basket of the backend: editable again
        assert app.snapshot is None and "SNAPSHOT" not in app.status.plain
        await pilot.press("N")
        view = app.screen
        await until(pilot, lambda: view.rows, "the sessions")
        await pilot.press("s")
        send = app.screen
        assert isinstance(send, SendBasketScreen)
        assert send.default_business == str(BUSINESS)
        assert send.default_session == basket_id("carol-account")
        await pilot.press("enter")
        await until(pilot, lambda: view.last_sent is not None, "the basket sent")
    client = NexudusClient(sb.base_url, username=sb.username, password=sb.password,
                           business_id=BUSINESS)
    try:
        page = await client.list_sessions(session_id=basket_id("carol-account"))
        assert len(page.records) == 1
        sent = client.session_basket(await client.get_session(page.records[0].id))
        assert sent.id == basket_id("carol-account")
    finally:
        await client.close()


# -- key remapping ----------------------------------------------------------------------------

async def test_keys_from_the_config_remap_bindings(tmp_path, monkeypatch):
    use_config(tmp_path, monkeypatch, '[keys]\n"line.qty_inc" = "ctrl+up"\n'
               '"app.inspector" = "f2"\n"inspector.copy_curl" = "ctrl+k"\n')
    app = prepare(db=str(demo_db(tmp_path / "a.db")))
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        before = await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        qty = next(ln.qty for ln in before.line_items if ln.stock_code == "MUG-WHITE")
        await pilot.press("plus")  # the old key does nothing now
        await settle(pilot)
        after = await stored(app, "alice-main")
        assert after.version == before.version
        await pilot.press("ctrl+up")
        await settle(pilot)
        after = await stored(app, "alice-main")
        assert next(ln.qty for ln in after.line_items if ln.stock_code == "MUG-WHITE") == qty + 1
        await pilot.press("l")
        await settle(pilot)
        assert not app.inspector.display
        await pilot.press("f2")
        await settle(pilot)
        assert app.inspector.display
    result = CliRunner().invoke(cli, ["keys"])
    assert result.exit_code == 0, result.output
    lines = {ln.split()[0]: ln for ln in result.output.splitlines() if ln.strip()}
    assert "ctrl+up *" in lines["line.qty_inc"]
    assert "f2 *" in lines["app.inspector"]
    assert "ctrl+k *" in lines["inspector.copy_curl"]
    assert lines["app.nexudus"].split()[1] == "N"


# -- scale ------------------------------------------------------------------------------------

async def test_a_2000_line_basket_is_edited_without_redrawing_the_table(engine, make_app):
    big = demo.generate_big_basket(engine, 2000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, big)
        pane = app.lines_pane
        assert pane.table.row_count == 2000
        rebuilds = pane.rebuilds
        pane.table.focus()
        pane.table.move_cursor(row=0)
        first = pane.selected()
        await pilot.press("plus")
        await settle(pilot)
        after = app.basket
        assert after.version == before.version + 1
        qty = next(ln.qty for ln in after.line_items if ln.product_id == first.product_id)
        assert qty == first.qty + 1
        assert app.totals_pane.value("grand_total") != before.grand_total.formatted.with_tax
        assert pane.table.get_row_at(0)[2].plain == str(qty)
        await pilot.press("x", "y")  # y: yes, remove it
        await settle(pilot)
        assert pane.table.row_count == 1999
        assert pane.rebuilds == rebuilds  # updated in place: no full redraw

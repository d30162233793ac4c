"""The request inspector: real calls (the local engine, and HTTP to the sandbox server with
auth on) appear with status and duration; curl export and the shown text hold no secret."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from basketbench.backends.errors import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.backends.local import LocalBackend
from basketbench.backends.request_log import RequestLog
from basketbench.engine import demo
from basketbench.tui.inspector import (
    BODY_LINES,
    RequestInspector,
    cut,
    duration_text,
    format_call,
    pager_command,
    path_of,
    pretty,
    run_pager,
    size_text,
)
from tests.support.sandbox import start_sandbox

ALICE = demo.basket_id("alice-main")


class Host(App):
    def __init__(self, log: RequestLog, kind: str | None = None) -> None:
        super().__init__()
        self.log_ = log
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield RequestInspector(self.log_, kind=self.kind)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    @property
    def inspector(self) -> RequestInspector:
        return self.query_one(RequestInspector)


def rows(inspector: RequestInspector) -> list[tuple[str, ...]]:
    table = inspector.table
    return [tuple(getattr(c, "plain", str(c)) for c in table.get_row_at(i))
            for i in range(table.row_count)]


async def settle(pilot, inspector: RequestInspector, want: str = "") -> None:
    """Wait for the thread worker that formats the selected call."""
    for _ in range(100):
        await pilot.pause(0.02)
        if inspector.detail_text and want in inspector.detail_text:
            return
    raise AssertionError(f"detail never showed {want!r}: {inspector.detail_text[:300]!r}")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("inspector") / "sandbox.db", auth=True) as sb:
        yield sb


# -- the local engine ------------------------------------------------------------------------

async def test_local_engine_operations_are_listed_with_status_and_duration(db_path):
    backend = LocalBackend(db_path)
    try:
        app = Host(backend.log, kind="local")
        async with app.run_test(size=(120, 40)) as pilot:
            inspector = app.inspector
            await backend.get_basket(ALICE)
            with pytest.raises(BackendError):
                await backend.get_basket("not-a-basket")
            await pilot.pause()
            listed = rows(inspector)
            assert [r[1] for r in listed] == ["get_basket", "get_basket"]
            ok, failed = listed
            assert ok[2] == ALICE and ok[3] == "200" and ok[4].endswith(" ms")
            assert failed[3] in ("400", "404")
            assert inspector.border_title.startswith("Engine operations")
            await settle(pilot, inspector, "engine operation get_basket")
            assert f"status {failed[3]}" in inspector.detail_text
            await pilot.press("Y")  # no HTTP request behind an engine operation
            await pilot.pause()
            assert app.clipboard == ""
            assert any("engine operation" in n.message for n in app._notifications)
    finally:
        await backend.close()


# -- HTTP to the sandbox, with client credentials --------------------------------------------

async def test_http_call_appears_and_curl_export_holds_no_secret(sandbox):
    backend = HttpBackend(sandbox.base_url, client_id=sandbox.client_id,
                          client_secret=sandbox.client_secret, extensions=True)
    try:
        app = Host(backend.log)
        async with app.run_test(size=(120, 40)) as pilot:
            inspector = app.inspector
            basket = await backend.get_basket(ALICE)
            await pilot.pause()
            listed = rows(inspector)
            get = [r for r in listed if r[1] == "GET" and ALICE in r[2]]
            assert get, listed
            number, _method, path, status, took, size = get[-1]
            assert path == f"/api/v2/commerce/basket/{ALICE}" and status == "200"
            assert took.endswith(" ms") and float(took.split()[0].replace(",", "")) > 0
            assert size.endswith("B") and not size.startswith("0 ")
            # the newest call is selected and shown as pretty JSON
            assert inspector.selected().id == int(number)
            await settle(pilot, inspector, "Response body")
            assert '\n  "result": {' in inspector.detail_text
            secrets = [s for s in backend.log.secrets if s]
            assert sandbox.client_secret in secrets and len(secrets) >= 2  # + access token

            await pilot.press("Y")
            curl = app.clipboard
            assert curl.startswith("curl --request GET ") and ALICE in curl
            assert "Authorization: ***" in curl
            for secret in secrets:
                assert secret not in curl
                assert secret not in inspector.detail_text

            await pilot.press("R")
            assert app.clipboard == inspector.selected().response_body
            assert basket.id.lower() in app.clipboard.lower()

            # the token request is listed too, and shows no secret either
            token_rows = [i for i, r in enumerate(rows(inspector)) if r[1] == "POST"]
            assert token_rows
            inspector.table.move_cursor(row=token_rows[0])
            await settle(pilot, inspector, "POST ")
            await pilot.press("Y")
            for secret in secrets:
                assert secret not in app.clipboard
                assert secret not in inspector.detail_text
    finally:
        await backend.close()


# -- live updates, limits, switching ---------------------------------------------------------

async def test_calls_recorded_on_another_thread_appear_newest_last():
    log = RequestLog()
    app = Host(log)
    async with app.run_test() as pilot:
        inspector = app.inspector

        def record(n: int) -> None:
            log.record("GET", f"https://api.example.com/x/{n}", status=200, duration_ms=n)

        threads = [threading.Thread(target=record, args=(n,)) for n in range(1, 4)]
        for t in threads:
            t.start()
            t.join()  # one after the other: their order is known
        await pilot.pause(0.1)
        assert [r[2] for r in rows(inspector)] == ["/x/1", "/x/2", "/x/3"]
        assert inspector.table.cursor_row == 2  # follows the newest
        inspector.table.move_cursor(row=0)  # ...until the user moves up
        record(4)
        await pilot.pause(0.1)
        assert inspector.table.row_count == 4 and inspector.table.cursor_row == 0


async def test_list_is_bounded_like_the_log_and_can_switch_logs():
    small = RequestLog(limit=3)
    for n in range(5):
        small.record("GET", f"https://h/{n}", status=200, duration_ms=1)
    app = Host(small)
    async with app.run_test() as pilot:
        inspector = app.inspector
        assert [r[2] for r in rows(inspector)] == ["/2", "/3", "/4"]
        small.record("GET", "https://h/5", status=500, duration_ms=1, error="boom")
        await pilot.pause()
        assert [r[2] for r in rows(inspector)] == ["/3", "/4", "/5"]
        assert rows(inspector)[-1][3] == "500"

        other = RequestLog()
        other.record("get_basket", "b1", status=200, duration_ms=2)
        inspector.set_log(other, kind="local")
        await pilot.pause()
        assert [r[1] for r in rows(inspector)] == ["get_basket"]
        small.record("GET", "https://h/6", status=200, duration_ms=1)  # no longer listened to
        await pilot.pause()
        assert inspector.table.row_count == 1
        await pilot.press("C")
        assert inspector.table.row_count == 0 and not other.calls


async def test_inspector_keys_can_be_remapped_by_binding_id():
    log = RequestLog()
    log.record("GET", "https://h/remap", status=200, duration_ms=1,
               request_headers={"Authorization": "Bearer s3cr3t-value"})
    app = Host(log)
    async with app.run_test() as pilot:
        app.set_keymap({"inspector.copy_curl": "ctrl+k"})
        await pilot.press("Y")  # the default key no longer does it
        assert app.clipboard == ""
        await pilot.press("ctrl+k")
        assert app.clipboard.startswith("curl --request GET https://h/remap")
        assert "s3cr3t-value" not in app.clipboard


async def test_pager_without_a_terminal_says_so():
    log = RequestLog()
    log.record("GET", "https://h/p", status=200, duration_ms=1, response_body='{"a": 1}')
    app = Host(log)
    async with app.run_test() as pilot:
        await pilot.press("v")
        for _ in range(50):
            await pilot.pause(0.02)
            if app._notifications:
                break
        assert any("pager" in n.message for n in app._notifications)


# -- formatting ------------------------------------------------------------------------------

def test_long_bodies_are_cut_with_a_pointer_to_the_pager():
    log = RequestLog()
    body = "[" + ",".join(f'{{"n": {n}, "price": 1.10}}' for n in range(500)) + "]"
    call = log.record("GET", "https://h/big", status=200, duration_ms=3, response_body=body)
    short = format_call(call)
    assert short.truncated
    assert "more lines: press v" in short.text
    assert len(short.text.splitlines()) < BODY_LINES + 20
    whole = format_call(call, full=True)
    assert not whole.truncated and '"n": 499' in whole.text
    assert '"price": 1.10' in whole.text  # numbers exactly as sent, never via float


def test_small_helpers():
    assert pretty('{"a":1}') == '{\n  "a": 1\n}'
    assert pretty("<html>") == "<html>"
    assert cut("a\nb\nc", lines=2) == ("a\nb", 1)
    assert cut("x" * 50, lines=10, chars=20)[0] == "x" * 20
    assert duration_text(3.14159) == "3.1 ms" and duration_text(1234.5) == "1,234 ms"
    assert size_text(999) == "999 B" and size_text(1500) == "1.5 kB"
    assert size_text(2_500_000) == "2.5 MB"
    log = RequestLog()
    assert path_of(log.record("GET", "https://h/a/b?page=2", status=200,
                              duration_ms=1)) == "/a/b?page=2"
    assert path_of(log.record("set_qty", "basket-1", status=200, duration_ms=1)) == "basket-1"


def test_pager_command_and_run_pager(tmp_path: Path):
    assert pager_command({"PAGER": "less -S"}) == "less -S"
    out = tmp_path / "paged.txt"
    assert run_pager("hello\nworld\n", f"cat > {out}") == 0
    assert out.read_text() == "hello\nworld\n"

"""The Nexudus sessions view against the real sandbox server (auth on): paging, the SessionId
filter, opening a session as a read-only basket, sending the current basket."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App

from basketbench import jsonio
from basketbench.backends.nexudus import NexudusClient, basket_contents
from basketbench.engine import BasketEngine, demo
from basketbench.model.basket import Basket
from basketbench.tui.nexudus_view import (
    NexudusSessionsScreen,
    SendBasketScreen,
    SessionBasketOpened,
    open_sessions_view,
    parse_business_id,
)
from tests.support.sandbox import start_sandbox

BUSINESS = 7


@pytest.fixture(scope="module")
def baskets(tmp_path_factory) -> dict[str, Basket]:
    engine = BasketEngine(tmp_path_factory.mktemp("nexudus-baskets") / "b.db")
    demo.reset(engine)
    try:
        return {name: engine.get_basket(demo.basket_id(name))
                for name in ("alice-main", "carol-account")}
    finally:
        engine.close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, baskets):
    with start_sandbox(tmp_path_factory.mktemp("nexudus") / "sandbox.db", auth=True) as sb:
        async def seed() -> None:
            client = NexudusClient(sb.base_url, username=sb.username, password=sb.password,
                                   business_id=BUSINESS)
            try:
                await client.send_basket(baskets["alice-main"], None, "alice-cart")
                await client.send_basket(baskets["carol-account"], None, "carol-cart")
                for n in range(10):
                    await client.send_basket(baskets["alice-main"], None, f"bulk-{n}")
                await client.create_session(None, "not-basket", '{"hello": "world"}')
            finally:
                await client.close()

        asyncio.run(seed())
        yield sb


def client_for(sb, **kw) -> NexudusClient:
    return NexudusClient(sb.base_url, username=sb.username, password=sb.password,
                         business_id=BUSINESS, **kw)


class Host(App):
    def __init__(self, screen: NexudusSessionsScreen) -> None:
        super().__init__()
        self.view = screen
        self.opened: list[SessionBasketOpened] = []

    def on_mount(self) -> None:
        self.push_screen(self.view)

    def on_session_basket_opened(self, message: SessionBasketOpened) -> None:
        self.opened.append(message)


async def wait_for(pilot, condition, what: str, tries: int = 150) -> None:
    for _ in range(tries):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError(f"timed out waiting for {what}")


def session_ids(view: NexudusSessionsScreen) -> list[str]:
    return [row.session_id for row in view.rows]


async def test_sessions_are_listed_a_page_at_a_time(sandbox):
    client = client_for(sandbox)
    total = (await client.list_sessions(size=1)).total_items
    pages = -(-total // 5)
    view = NexudusSessionsScreen(client, page_size=5)
    async with Host(view).run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view.rows, "the first page")
        assert view.table.row_count == 5
        assert view.status_text == f"page 1 of {pages} · {total} session(s)"
        await pilot.press("n")
        await wait_for(pilot, lambda: view.page_no == 2, "page 2")
        assert view.table.row_count == 5
        for _ in range(pages - 2):
            await pilot.press("n")
        await wait_for(pilot, lambda: view.page_no == pages, "the last page")
        assert view.table.row_count == total - 5 * (pages - 1)
        await pilot.press("n")
        await pilot.pause()
        assert view.status_text == f"page {pages} is the last page"
        await pilot.press("p")
        await wait_for(pilot, lambda: view.page_no == pages - 1, "back one page")
    await client.close()


async def test_filter_by_session_id_and_peek_at_contents(sandbox, baskets):
    client = client_for(sandbox)
    view = NexudusSessionsScreen(client, page_size=5)
    async with Host(view).run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view.rows, "the first page")
        await pilot.press("slash", *"carol-cart", "enter")
        await wait_for(pilot, lambda: session_ids(view) == ["carol-cart"], "the filter")
        row = view.rows[0]
        assert row.business_id == str(BUSINESS)
        assert row.lines == str(len(baskets["carol-account"].line_items))
        assert row.total == baskets["carol-account"].grand_total.formatted.with_tax
        assert "with SessionId 'carol-cart'" in view.status_text
        await pilot.press("slash", *"nobody", "enter")
        await wait_for(pilot, lambda: "no sessions" in view.status_text, "an empty result")
        assert view.table.row_count == 0
    await client.close()


async def test_opening_a_session_posts_its_basket_read_only(sandbox, baskets):
    client = client_for(sandbox)
    view = NexudusSessionsScreen(client)
    app = Host(view)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view.rows, "the first page")
        await pilot.press("slash", *"alice-cart", "enter")
        await wait_for(pilot, lambda: session_ids(view) == ["alice-cart"], "the filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.opened, "the opened basket")
        opened = app.opened[0]
        want = baskets["alice-main"]
        assert opened.read_only and opened.session_id == "alice-cart"
        assert opened.basket.id == want.id
        assert [li.stock_code for li in opened.basket.line_items] == \
            [li.stock_code for li in want.line_items]
        assert opened.basket.grand_total.with_tax == want.grand_total.with_tax
        assert "Nexudus session" in opened.source and sandbox.base_url in opened.source
        await wait_for(pilot, lambda: app.screen is not view, "the view to close")
    await client.close()


async def test_a_session_that_holds_no_basket_is_reported_in_the_view(sandbox):
    client = client_for(sandbox)
    view = NexudusSessionsScreen(client)
    app = Host(view)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view.rows, "the first page")
        await pilot.press("slash", *"not-basket", "enter")
        await wait_for(pilot, lambda: session_ids(view) == ["not-basket"], "the filter")
        assert view.rows[0].lines == "not a basket"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "failed" in view.status_text, "the error")
        assert "JsonContents is not a basket" in view.status_text
        assert app.screen is view and not app.opened


async def test_send_the_current_basket_to_a_new_session(sandbox, baskets):
    client = client_for(sandbox)
    basket = baskets["alice-main"]
    view = NexudusSessionsScreen(client, current_basket=basket, page_size=5)
    app = Host(view)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view.rows, "the first page")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SendBasketScreen), "the dialog")
        dialog = app.screen
        business = dialog.query_one("#send-business")
        session = dialog.query_one("#send-session")
        assert business.value == str(BUSINESS)  # from the profile
        assert session.value == basket.id  # the basket id, until changed
        business.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.message == "BusinessId: '0' must be a positive whole number"
        business.value = "12"
        session.value = "sent-from-view"
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.last_sent is not None, "the send")
        await wait_for(pilot, lambda: view.rows and view.rows[0].id == view.last_sent,
                       "the list to show the new session first")
        assert view.rows[0].session_id == "sent-from-view"
        assert view.rows[0].business_id == "12"
    stored = await client.list_sessions(session_id="sent-from-view")
    assert stored.total_items == 1
    record = stored.records[0]
    assert record.business_id == 12
    assert record.json_contents == basket_contents(basket)  # the exact wire JSON
    assert jsonio.loads(record.json_contents)["id"] == basket.id
    await client.close()


async def test_send_is_refused_without_a_basket_or_on_a_read_only_profile(sandbox, baskets):
    for client, basket, expected in (
            (client_for(sandbox), None, "open a basket in the workbench first"),
            (client_for(sandbox, read_only=True), baskets["alice-main"], "is read-only")):
        view = NexudusSessionsScreen(client, current_basket=basket)
        app = Host(view)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda view=view: view.rows, "the first page")
            await pilot.press("s")
            await pilot.pause()
            assert expected in view.status_text
            assert app.screen is view
        await client.close()


async def test_open_sessions_view_from_the_config(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("TEST_NEXUDUS_PASSWORD", sandbox.password)
    (tmp_path / "config.toml").write_text(
        '[profiles.spaces]\nkind = "nexudus"\n'
        f'base_url = "{sandbox.base_url}"\nusername = "{sandbox.username}"\n'
        'password = "env:TEST_NEXUDUS_PASSWORD"\nbusiness_id = 3\n', "utf-8")
    (tmp_path / "config.toml").chmod(0o600)

    class Plain(App):
        pass

    app = Plain()
    async with app.run_test(size=(120, 40)) as pilot:
        view = open_sessions_view(app)
        assert view is not None and view.client.business_id == 3
        await wait_for(pilot, lambda: view.rows, "the first page")
        assert view.client.profile == "spaces"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not view, "the view to close")


async def test_open_sessions_view_without_a_nexudus_profile_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))

    class Plain(App):
        pass

    app = Plain()
    async with app.run_test() as pilot:
        assert open_sessions_view(app) is None
        await pilot.pause()
        assert any("no Nexudus profile" in n.message for n in app._notifications)


def test_parse_business_id():
    assert parse_business_id("") is None
    assert parse_business_id(" 42 ") == 42
    for bad in ("0", "-3", "x1"):
        with pytest.raises(ValueError, match=f"BusinessId: '{bad}'"):
            parse_business_id(bad)

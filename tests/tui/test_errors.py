"""Backend errors and slow responses: the app shows the error, stays responsive and keeps
running; nothing the user had is lost."""

from __future__ import annotations

import pytest

from basketbench.backends import BackendError
from basketbench.tui.app import BasketBench
from basketbench.tui.screens import ErrorScreen, HelpScreen

from .faulty import ERRORS, FaultyBackend
from .helpers import SIZE, line_of, notices, open_basket, select_line, settle, stored


@pytest.fixture
def faulty(backend) -> FaultyBackend:
    return FaultyBackend(backend)


@pytest.mark.parametrize("code", sorted(ERRORS))
async def test_each_error_kind_is_shown_and_the_app_carries_on(faulty, code):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        before = await open_basket(pilot, "alice-main")
        select_line(app, "POLO-NAVY-L")
        faulty.fail("add_item", ERRORS[code])
        await pilot.press("plus")
        await settle(pilot)
        shown = notices(app, "error")
        assert any(code in n and ERRORS[code].message in n for n in shown), shown
        assert f"failed: {code}" in app.status.plain
        assert app.is_running and not app.busy
        assert (await stored(app, "alice-main")).version == before.version
        await pilot.press("plus")  # the next press works: the basket is not stuck "busy"
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "POLO-NAVY-L").qty == 3


async def test_a_failed_open_and_a_failed_list_are_reported(faulty):
    faulty.fail("list_baskets", ERRORS["NETWORK"])
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("list baskets failed: NETWORK" in n for n in notices(app, "error"))
        assert not app.baskets_pane.has_class("-loading")
        await pilot.press("r")
        await settle(pilot)
        assert app.baskets_pane.table.row_count == 14
        faulty.fail("get_basket", ERRORS["UNAUTHORIZED"])
        app.baskets_pane.table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert any("open basket failed: UNAUTHORIZED 401" in n for n in notices(app, "error"))
        assert not app.lines_pane.has_class("-loading")
        await open_basket(pilot, "alice-main")  # and it opens once the API answers


async def test_an_unexpected_exception_gets_a_dialog_and_the_app_keeps_running(faulty):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        faulty.fail("add_item", RuntimeError("socket exploded"))
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "RuntimeError: socket exploded" in app.screen.message
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorScreen)
        await pilot.press("plus")
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "MUG-WHITE").qty == 4


async def test_a_long_error_with_many_field_errors_opens_a_dialog(faulty):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        errors = [f"items[{i}].qty: must be a whole number (got 'x')" for i in range(6)]
        faulty.fail("add_item", BackendError(400, "VALIDATION", "6 problems in the body",
                                             errors))
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert app.screen.details == errors
        await pilot.press("enter")
        assert not isinstance(app.screen, ErrorScreen)


async def test_secrets_in_an_error_message_are_masked(faulty):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        faulty.fail("add_item", BackendError(
            502, "BAD_RESPONSE", "proxy echoed Authorization: Bearer sk-live-abcdef123456"))
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        shown = " ".join(notices(app, "error"))
        assert "BAD_RESPONSE" in shown and "sk-live-abcdef123456" not in shown


async def test_slow_change_keeps_navigation_working_and_refuses_a_second_change(faulty):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "POLO-NAVY-L")
        gate = faulty.hold("add_item")
        await pilot.press("plus")
        assert app.busy and "saving" in app.lines_pane.border_subtitle
        assert "saving" in app.status.plain
        await pilot.press("1", "j", "j")  # navigation still works while the call is out
        assert app.baskets_pane.table.cursor_row == 2
        await pilot.press("question_mark")  # so do dialogs
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "2", "right_square_bracket")  # another change: busy
        assert any("busy" in n for n in notices(app, "warning"))
        await pilot.press("plus")  # another +: queued, sent when the first returns
        assert "POLO-NAVY-L +1 queued" in app.status.plain
        gate.set()  # the response arrives
        await settle(pilot)
        assert not app.busy and app.lines_pane.border_subtitle == ""
        assert line_of(await stored(app, "alice-main"), "POLO-NAVY-L").qty == 4


async def test_slow_open_shows_loading_and_the_list_stays_usable(faulty):
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        gate = faulty.hold("get_basket")
        app.baskets_pane.table.focus()
        await pilot.press("enter")
        assert app.lines_pane.has_class("-loading")
        assert app.lines_pane.border_subtitle == "loading…"
        await pilot.press("j")
        assert app.baskets_pane.table.cursor_row == 1
        gate.set()
        await settle(pilot)
        assert not app.lines_pane.has_class("-loading") and app.basket is not None


async def test_first_paint_does_not_wait_for_a_slow_list(faulty):
    app = BasketBench(faulty)
    gate = faulty.hold("list_baskets")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.baskets_pane.has_class("-loading")
        assert app.baskets_pane.table.row_count == 0
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        gate.set()
        await settle(pilot)
        assert app.baskets_pane.table.row_count == 14


async def test_a_slow_response_is_still_rendered(faulty):
    faulty.slow("add_item", 0.3)
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "MUG-WHITE").qty == 4
        assert "MUG-WHITE qty 3 -> 4" in app.status.plain

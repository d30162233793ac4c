"""The history view (`h`) and undo/redo (ctrl+z, ctrl+y) on the local engine, driven with the
real keys: list newest first, enter shows a version with its diff, space + d diffs two,
r restores (asks first), x exports a flow that replays to the same totals."""

from __future__ import annotations

import uuid

from basketbench.backends.local import LocalBackend
from basketbench.engine.demo import ZERO_GUID
from basketbench.flows.format import load_flow
from basketbench.flows.report import render_report
from basketbench.flows.runner import run_flow
from basketbench.tui.explain_actions import AUDIT_DELAY
from basketbench.tui.screens.confirm import ConfirmScreen
from basketbench.tui.screens.history import HistoryScreen, TextScreen
from basketbench.tui.screens.prompt import TextPromptScreen

from .helpers import SIZE, line_of, notices, open_basket, paste, select_line, settle, stored


async def quiet(pilot) -> None:
    """Before the app closes: the totals audit starts 0.4 s after a basket shows (a timer the
    worker wait cannot see); its answer must not arrive while the app is torn down."""
    await pilot.pause(AUDIT_DELAY + 0.3)
    await settle(pilot)


async def open_history(pilot) -> HistoryScreen:
    await pilot.press("h")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def export(pilot, path: str) -> None:
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TextPromptScreen)
    await pilot.press("ctrl+u")
    await paste(pilot, path)
    await pilot.press("enter")
    await settle(pilot)


async def test_history_lists_shows_diffs_restores_and_exports(make_app, tmp_path, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")  # v1-v7 written by the demo
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")  # v8
        await settle(pilot)
        screen = await open_history(pilot)
        assert [r["version"] for r in screen.rows] == [8, 7, 6, 5, 4, 3, 2, 1]
        first = screen.table.get_row_at(0)
        assert first[1] == "v8" and first[3] == screen.rows[0]["actor"] and first[4] == "add_item"
        assert screen.table.get_row_at(1)[3] == "demo"
        assert "MUG-WHITE qty 3 -> 4" in first[5]
        assert "8 versions, 8 shown" in screen.said

        await pilot.press("enter")  # v8, read-only, against v7
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, TextScreen)
        assert "MUG-WHITE  4 x" in shown.text and "Against version 7:" in shown.text
        assert "~ MUG-WHITE" in shown.text
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("space")  # mark v8
        await pilot.press("down", "down", "down")  # v5: before the code and the shipping
        await pilot.press("d")
        await settle(pilot)
        diff = app.screen
        assert isinstance(diff, TextScreen)
        assert "A version 5" in diff.text and "B version 8" in diff.text
        assert "SAVE10" in diff.text and "grandTotal" in diff.text
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("up", "up")  # v7: the basket before the +1
        await pilot.press("r")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "to version 7" in confirm.question and "new version after version 8" \
            in confirm.question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert [r["version"] for r in screen.rows][:2] == [9, 8]
        assert screen.rows[0]["op"] == "restore"
        assert "restored: now version 9" in screen.said
        now = await stored(app, "alice-main")
        assert now.version == 9 and line_of(now, "MUG-WHITE").qty == 3
        assert app.basket.version == 9  # the panes show it too

        path = tmp_path / "alice.toml"
        await export(pilot, str(path))
        assert app.screen is screen and f"to {path}" in screen.said

        # Back to v5 takes the shipping method off: no flow step does that, and export says so.
        await pilot.press("down", "down", "down", "down", "r", "y")
        await settle(pilot)
        assert (await stored(app, "alice-main")).shipping_method_id in (None, "", ZERO_GUID)
        await export(pilot, str(tmp_path / "refused.toml"))
        assert "not exported: v10 restore: takes the shipping method off" in screen.said
        assert not (tmp_path / "refused.toml").exists()
        await quiet(pilot)


    fresh = LocalBackend(tmp_path / "replay.db", clock=clock)
    try:
        result = await run_flow(load_flow(path), fresh)
    finally:
        await fresh.close()
    assert result.passed, render_report(result)
    assert result.steps[-1].basket.grand_total.with_tax == now.grand_total.with_tax


async def test_undo_and_redo_restore_versions_and_say_what(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        select_line(app, "TEA-SAMPLER")
        await pilot.press("plus")  # 2 -> 3
        await settle(pilot)
        select_line(app, "MUG-WHITE")
        await pilot.press("x", "y")  # remove the mug (asks first)
        await settle(pilot)
        assert line_of(await stored(app, "carol-account"), "MUG-WHITE") is None

        await pilot.press("ctrl+z")  # the removal
        await settle(pilot)
        back = await stored(app, "carol-account")
        assert line_of(back, "MUG-WHITE").qty == 1 and line_of(back, "TEA-SAMPLER").qty == 3
        assert "undo remove MUG-WHITE" in app.status.message
        assert "restored version" in app.status.message

        await pilot.press("ctrl+z")  # the +1
        await settle(pilot)
        assert line_of(await stored(app, "carol-account"), "TEA-SAMPLER").qty == 2
        await pilot.press("ctrl+z")  # nothing older in this session
        await settle(pilot)
        assert "nothing to undo" in app.status.message

        await pilot.press("ctrl+y")
        await settle(pilot)
        again = await stored(app, "carol-account")
        assert line_of(again, "TEA-SAMPLER").qty == 3 and line_of(again, "MUG-WHITE").qty == 1
        assert "redo" in app.status.message
        history = await app.backend.history(again.id, limit=3)
        assert [r["op"] for r in history["rows"]] == ["restore", "restore", "restore"]
        await quiet(pilot)


async def test_undo_refuses_when_the_basket_moved_on_and_on_a_read_only_profile(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "guest-2")
        select_line(app, "TEA-SAMPLER")
        await pilot.press("plus")
        await settle(pilot)
        # Someone else changes the basket; the workbench has not seen it.
        await app.backend.set_qty(basket.id, line_of(basket, "TEA-SAMPLER").product_id, 9)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert line_of(await stored(app, "guest-2"), "TEA-SAMPLER").qty == 9  # untouched
        assert any("Changed elsewhere" in n for n in notices(app, "warning"))
        await pilot.press("ctrl+z")  # reloaded now: the change is no longer the newest
        await settle(pilot)
        assert "undo refused" in app.status.message and "not" in app.status.message
        assert line_of(await stored(app, "guest-2"), "TEA-SAMPLER").qty == 9
        await quiet(pilot)


    ro = make_app(read_only=True)
    async with ro.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-3")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any("Undo refused" in n and "read-only" in n for n in notices(ro, "warning"))
        version = ro.basket.version
        screen = await open_history(pilot)  # looking back is fine; going back is not
        await pilot.press("r", "y")
        await settle(pilot)
        assert any("Restore refused" in n and "read-only" in n for n in notices(ro, "warning"))
        assert (await stored(ro, "guest-3")).version == version
        assert screen.rows[0]["version"] == version
        await quiet(pilot)


async def test_undo_of_a_new_basket_s_first_change_is_refused_with_the_reason(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"MUG-WHITE")
        await pilot.press("enter")
        await settle(pilot)
        bid = app.basket_id
        assert bid is not None and uuid.UUID(bid)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "created the basket" in app.status.message
        await quiet(pilot)


async def test_history_is_paged_and_loads_more_at_the_last_row(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        basket = await open_basket(pilot, "guest-1")
        pid = basket.line_items[0].product_id
        for qty in range(2, 62):  # 60 more versions, made elsewhere
            await app.backend.set_qty(basket.id, pid, qty)
        newest = basket.version + 60
        await pilot.press("r")  # refresh: the workbench sees the newest version
        await settle(pilot)
        screen = await open_history(pilot)
        assert len(screen.rows) == 50 and screen.total == newest
        assert f"{newest - 50} older: move to the last row" in screen.said
        await pilot.press("G")
        await settle(pilot)
        assert [r["version"] for r in screen.rows] == list(range(newest, 0, -1))
        assert f"{newest} versions, {newest} shown" in screen.said
        await quiet(pilot)


async def test_an_undo_while_recording_is_recorded_as_steps_that_replay(make_app, tmp_path,
                                                                       clock):
    from .test_flows_workbench import replay_local, save_as

    app = make_app()
    path = tmp_path / "undo.toml"
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-guest")
        await pilot.press("R")
        await settle(pilot)
        select_line(app, "MUG-WHITE")
        await pilot.press("x", "y")  # remove the mugs: HOME3FOR2 no longer applies
        await settle(pilot)
        await pilot.press("ctrl+z")  # a restore: rebuilt as steps in the flow
        await settle(pilot)
        assert "● REC 2 steps" in app.status.plain
        await pilot.press("R")
        await settle(pilot)
        await save_as(pilot, path)
        final = await stored(app, "carol-guest")
        await quiet(pilot)
    text = path.read_text("utf-8")
    assert 'name = "restore: rebuilt as steps"' in text
    result = await replay_local(path, tmp_path, clock)
    assert result.passed, render_report(result)
    assert result.steps[-1].basket.grand_total.with_tax == final.grand_total.with_tax
    assert line_of(result.steps[-1].basket, "MUG-WHITE").qty == line_of(final, "MUG-WHITE").qty


async def test_undo_of_a_merge_brings_back_both_baskets_and_redo_merges_again(make_app):
    from basketbench.tui.screens import MergeScreen

    from .helpers import basket_id, type_text

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        source = await stored(app, "carol-guest")
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert (await stored(app, "carol-guest")).is_new  # merged away
        assert line_of(await stored(app, "carol-account"), "CANDLE-FIG") is not None

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "source basket" in app.status.message and "restored" in app.status.message
        assert line_of(await stored(app, "carol-account"), "CANDLE-FIG") is None
        back = await stored(app, "carol-guest")
        assert not back.is_new
        assert back.grand_total.with_tax == source.grand_total.with_tax

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert (await stored(app, "carol-guest")).is_new
        assert line_of(await stored(app, "carol-account"), "CANDLE-FIG") is not None
        await quiet(pilot)

"""Checkout flows in the workbench: R records the changes made with the real keys (saved where
the user says), the saved file replays on a fresh local engine and on the sandbox server; the
palette replays a flow step by step in the panes; the diff dialog shows two baskets side by
side."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from basketbench.backends.http import HttpBackend
from basketbench.backends.local import LocalBackend
from basketbench.flows.diff import diff_baskets, render_diff
from basketbench.flows.format import load_flow
from basketbench.flows.report import render_report
from basketbench.flows.runner import run_flow
from basketbench.tui.screens import ChoiceScreen, ErrorScreen, PromoScreen
from basketbench.tui.screens.basket_diff import BasketDiffScreen
from basketbench.tui.screens.flow_replay import FlowReplayScreen
from basketbench.tui.screens.flow_save import SaveFlowScreen
from tests.support.sandbox import start_sandbox

from .helpers import (
    SIZE,
    basket_id,
    line_of,
    notices,
    open_basket,
    paste,
    select_line,
    settle,
    stored,
    type_text,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("flows-tui-sandbox") / "sandbox.db") as sb:
        yield sb


async def replay_local(path: Path, tmp_path: Path, clock):
    """Replay a flow file on a fresh demo database."""
    fresh = LocalBackend(tmp_path / f"replay-{uuid.uuid4().hex[:6]}.db", clock=clock)
    try:
        return await run_flow(load_flow(path), fresh)
    finally:
        await fresh.close()


async def replay_sandbox(path: Path, sandbox):
    http = HttpBackend(sandbox.base_url, extensions=True)
    try:
        return await run_flow(load_flow(path), http)
    finally:
        await http.close()


async def add_item(pilot, stock_code: str) -> None:
    await pilot.press("a")
    await settle(pilot)
    await type_text(pilot, stock_code)
    await pilot.press("enter")
    await settle(pilot)


async def promo(pilot, code: str) -> None:
    await pilot.press("p")
    await settle(pilot)
    await type_text(pilot, code)
    await pilot.press("enter")
    await settle(pilot)
    if isinstance(pilot.app.screen, PromoScreen):  # a refused code keeps the dialog open
        await pilot.press("escape")
        await settle(pilot)


async def save_as(pilot, path: Path) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SaveFlowScreen)
    await pilot.press("ctrl+u")
    await paste(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot)


async def test_record_with_keys_then_replay_locally_and_on_the_sandbox(
        make_app, tmp_path, clock, sandbox):
    app = make_app()
    path = tmp_path / "recorded" / "checkout.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        guest = app.basket_id
        await pilot.press("R")
        await settle(pilot)
        assert "● REC 0 steps" in app.status.plain
        await add_item(pilot, "POLO-NAVY-L")
        await add_item(pilot, "MUG-WHITE")
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        await promo(pilot, "SAVE10")
        await promo(pilot, "XMAS2020")  # refused: expired
        select_line(app, "POLO-NAVY-L")
        await pilot.press("e")
        await pilot.press("ctrl+u")
        await type_text(pilot, "1000")  # refused: at most 999 a line
        await pilot.press("enter")
        await settle(pilot)
        assert "● REC 6 steps" in app.status.plain
        await pilot.press("R")
        await settle(pilot)
        assert "REC" not in app.status.plain
        await save_as(pilot, path)
        assert not isinstance(app.screen, SaveFlowScreen)
        assert any("Saved the flow (6 steps)" in n for n in notices(app))
        final = await stored(app, guest)

    text = path.read_text("utf-8")
    assert guest not in text and 'basket = "$guest"' in text
    assert 'product = "POLO-NAVY-L"' in text and 'product = "MUG-WHITE"' in text
    assert 'error = "QUANTITY_LIMIT"' in text
    assert "promo_valid = false" in text
    assert 'promo_message = "Promo code XMAS2020 has expired"' in text
    flow = load_flow(path)
    assert [s.op for s in flow.steps] == ["add", "add", "add", "promo_apply", "promo_apply",
                                          "qty"]
    assert flow.steps[-1].expect.error == "QUANTITY_LIMIT"
    assert flow.steps[3].expect.grand_total == final.grand_total.with_tax

    local = await replay_local(path, tmp_path, clock)
    assert local.passed, render_report(local)
    remote = await replay_sandbox(path, sandbox)
    assert remote.passed, render_report(remote)
    assert remote.backend_label.startswith("bettercommerce http://127.0.0.1:")


async def test_recording_an_existing_basket_and_a_merge_replays_from_setup_steps(
        make_app, tmp_path, clock, sandbox):
    """alice-main already has lines, a user and SAVE10: the flow rebuilds them first; the
    merge source (carol-guest) is rebuilt too, read before the merge deletes it."""
    app = make_app()
    path = tmp_path / "merge.toml"
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("R")
        select_line(app, "MUG-WHITE")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "enter")  # strategies -> Merge
        await settle(pilot)
        assert line_of(await stored(app, "alice-main"), "CANDLE-FIG") is not None
        await pilot.press("R")
        await save_as(pilot, path)
    flow = load_flow(path)
    ops = [s.op for s in flow.steps]
    assert ops == ["bulk_add", "user", "promo_apply", "add", "bulk_add", "promo_apply", "get",
                   "merge"]
    assert flow.steps[-1].target == "$user" and flow.steps[-1].source == "$guest"
    assert flow.steps[-1].expect.lines == {"POLO-NAVY-L": 2, "LINEN-WHT-M": 1, "MUG-WHITE": 6,
                                           "CANDLE-FIG": 1}
    local = await replay_local(path, tmp_path, clock)
    assert local.passed, render_report(local)
    remote = await replay_sandbox(path, sandbox)
    assert remote.passed, render_report(remote)


async def test_delivery_and_text_fields_are_recorded_by_code_and_replay(make_app, tmp_path,
                                                                        clock):
    """s, i, o, t, c and d: shipping methods and stores are written as their codes."""
    app = make_app()
    path = tmp_path / "delivery.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("R")
        await add_item(pilot, "LINEN-WHT-M")
        await pilot.press("s")
        await settle(pilot)
        codes = [m.code for m in app.screen.methods]
        await pilot.press(*["down"] * codes.index("NEXT"), "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*["down"] * codes.index("NOM"), "enter", "ctrl+u")
        await type_text(pilot, "2026-11-28")
        await pilot.press("enter")
        await settle(pilot)
        for key, text in (("i", "Ring twice"), ("o", "PO-77"), ("t", "SPRING")):
            await pilot.press(key)
            await pilot.press("ctrl+u")
            await type_text(pilot, text)
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "MAN1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")  # a second basket, deleted: d asks first
        await settle(pilot)
        await add_item(pilot, "MUG-WHITE")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("R")
        await save_as(pilot, path)
    flow = load_flow(path)
    assert [s.op for s in flow.steps] == ["add", "ship", "ship", "instructions", "po",
                                          "campaign", "click_collect", "add", "delete"]
    ship, nominated, store = flow.steps[1], flow.steps[2], flow.steps[6]
    assert (ship.method, ship.country, store.store) == ("NEXT", "GB", "MAN1")
    assert str(ship.expect.shipping_charge) == "7.99"
    assert nominated.method == "NOM" and nominated.nominated.date.startswith("2026-11-28")
    assert nominated.nominated.day_text == "Saturday"
    assert flow.steps[4].reference == "PO-77" and flow.steps[3].text == "Ring twice"
    assert flow.steps[7].basket == flow.steps[8].basket == "$guest2"
    local = await replay_local(path, tmp_path, clock)
    assert local.passed, render_report(local)


async def test_lines_personalisation_order_custom_info_user_and_lock_are_recorded(
        make_app, tmp_path, clock):
    """b, [, f (line and basket), e, x, u, L, P: each becomes its flow step and replays."""
    app = make_app()
    path = tmp_path / "lines.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("R")
        for code in ("WALLET-BRN", "MUG-WHITE", "POLO-NAVY-L"):
            await add_item(pilot, code)
        select_line(app, "WALLET-BRN")
        await pilot.press("b")  # an engraving under the wallet, with its text
        await settle(pilot)
        codes = [p.stock_code for p in app.screen.products]
        await pilot.press(*["down"] * codes.index("ENGRAVE-TEXT"), "enter")
        await type_text(pilot, "A.B. 2026")
        await pilot.press("enter")
        await settle(pilot)
        select_line(app, "MUG-WHITE")
        await pilot.press("left_square_bracket")  # the mug moves above the wallet
        await settle(pilot)
        select_line(app, "ENGRAVE-TEXT")
        await pilot.press("f")  # the engraving's custom info 1
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "C.D. 2027")
        await pilot.press("enter")
        await settle(pilot)
        app.baskets_pane.table.focus()
        await pilot.press("f", "tab")  # the basket's custom info 2
        await type_text(pilot, "gift order")
        await pilot.press("enter")
        await settle(pilot)
        select_line(app, "POLO-NAVY-L")
        await pilot.press("e", "ctrl+u", "3", "enter")
        await settle(pilot)
        select_line(app, "MUG-WHITE")
        await pilot.press("x", "y")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await type_text(pilot, "dave@")
        await pilot.press("enter")
        await settle(pilot)
        await promo(pilot, "SAVE10")
        await pilot.press("P", "y")  # the only code: removed once confirmed
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("R")
        await save_as(pilot, path)
        final = await app.backend.get_basket(app.basket_id)
    flow = load_flow(path)
    assert [s.op for s in flow.steps] == [
        "add", "add", "add", "bulk_add", "display_order", "custom_info", "custom_info", "qty",
        "remove", "user", "promo_apply", "promo_remove", "lock", "unlock"]
    engraving = flow.steps[3].items[0]
    assert (engraving.product, engraving.parent, engraving.custom_info) == (
        "ENGRAVE-TEXT", "WALLET-BRN", {"1": "A.B. 2026"})
    assert flow.steps[4].order[0] == "MUG-WHITE"
    line_info = flow.steps[5].lines[0]
    assert (line_info.product, line_info.parent, line_info.info) == (
        "ENGRAVE-TEXT", "WALLET-BRN", {"1": "C.D. 2027"})
    assert flow.steps[6].info == {"2": "gift order"} and flow.steps[6].lines == []
    assert flow.steps[-1].basket == "$user"  # assigned to dave on the way
    assert flow.steps[-1].expect.lines == {"WALLET-BRN": 1, "WALLET-BRN/ENGRAVE-TEXT": 1,
                                           "POLO-NAVY-L": 3}
    assert flow.steps[-1].expect.grand_total == final.grand_total.with_tax
    local = await replay_local(path, tmp_path, clock)
    assert local.passed, render_report(local)


async def test_the_status_bar_counts_steps_and_unrecordable_changes_are_named(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "carol-account")
        await pilot.press("R")
        await settle(pilot)
        assert "● REC 0 steps" in app.status.plain
        select_line(app, "TEA-SAMPLER")
        await pilot.press("plus")
        await settle(pilot)
        assert "● REC 1 step " in app.status.plain + " "
        await pilot.press("c")  # click & collect off: no flow step can say that
        await settle(pilot)
        await type_text(pilot, "(none)")
        await pilot.press("enter")
        await settle(pilot)
        assert any("Not recorded" in n and "click & collect off" in n
                   for n in notices(app, "warning"))
        assert "● REC 1 step" in app.status.plain
        assert app.flow_tools.recording.step_count == 1 + 2  # setup (lines, user) + the step


async def test_a_network_failure_is_not_recorded_as_an_expected_error(backend):
    """Only refusals become `error` expectations: a network failure says nothing about the
    flow (the fault is injected: a real network cannot be made to fail on cue)."""
    from basketbench.tui.app import BasketBench

    from .faulty import ERRORS, FaultyBackend

    faulty = FaultyBackend(backend)
    faulty.fail("add_item", ERRORS["NETWORK"])
    app = BasketBench(faulty)
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-3")
        await pilot.press("R")
        select_line(app, app.lines_pane.lines[0].stock_code)
        await pilot.press("plus")  # fails: NETWORK
        await settle(pilot)
        assert any("Not recorded" in n and "NETWORK" in n for n in notices(app, "warning"))
        assert "● REC 0 steps" in app.status.plain
        await pilot.press("plus")  # goes through
        await settle(pilot)
        assert "● REC 1 step" in app.status.plain
        flow = app.flow_tools.recording.recorder.flow()
        assert all(s.expect is None or s.expect.error is None for s in flow.steps)


async def test_nothing_recorded_saves_nothing_and_escape_discards(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-1")
        await pilot.press("R", "R")
        await settle(pilot)
        assert not isinstance(app.screen, SaveFlowScreen)
        assert any("nothing to save" in n for n in notices(app))
        await pilot.press("R")
        select_line(app, app.lines_pane.lines[0].stock_code)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("R")
        assert isinstance(app.screen, SaveFlowScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert any("not saved" in n for n in notices(app, "warning"))
        assert "REC" not in app.status.plain
        assert list(tmp_path.glob("*.toml")) == []


async def test_save_errors_are_shown_in_the_dialog_and_an_existing_file_needs_a_second_enter(
        make_app, tmp_path):
    existing = tmp_path / "existing.toml"
    existing.write_text("# keep me\n", "utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "guest-2")
        await pilot.press("R")
        select_line(app, app.lines_pane.lines[0].stock_code)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, SaveFlowScreen)
        await save_as(pilot, tmp_path)  # a folder
        assert app.screen is screen and "is a folder" in screen.said
        blocker = tmp_path / "a-file"
        blocker.write_text("", "utf-8")
        await save_as(pilot, blocker / "flow.toml")  # a parent that is a file
        assert app.screen is screen and "could not save" in screen.said
        await save_as(pilot, existing)
        assert app.screen is screen and "enter again to overwrite" in screen.said
        assert existing.read_text("utf-8") == "# keep me\n"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveFlowScreen)
        assert load_flow(existing).steps[-1].op == "add"


async def test_a_read_only_profile_refuses_recording_and_replay(make_app):
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.press("F")
        await settle(pilot)
        assert "REC" not in app.status.plain
        assert not isinstance(app.screen, ChoiceScreen)
        refused = notices(app, "warning")
        assert any("Recording refused" in n for n in refused)
        assert any("Replay refused" in n for n in refused)


# -- replay from the palette ---------------------------------------------------------------------


@pytest.fixture
def flows_dir(tmp_path, monkeypatch):
    """A working directory with a flows/ folder holding one example flow."""
    (tmp_path / "flows").mkdir()
    shutil.copy(ROOT / "flows" / "guest-checkout-promo.toml", tmp_path / "flows")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "flows"


async def open_replay(pilot, choose: str) -> None:
    """ctrl+p, "flow: replay…", then filter the offered files (or type a path) and enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, "flow: replay")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChoiceScreen)
    await paste(pilot, choose)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_replay_step_by_step_then_to_the_end_shows_each_basket(make_app,
                                                                             flows_dir):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "flow: replay")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoiceScreen)
        assert [c.label for c in picker.shown] == ["flows/guest-checkout-promo.toml"]
        await type_text(pilot, "guest")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FlowReplayScreen)
        assert "6 steps: enter runs the first one" in screen.summary_text

        await pilot.press("enter")  # one step
        await settle(pilot)
        guest = screen.flow_run.ids["$guest"]
        assert app.basket is not None and app.basket.id == guest
        assert app.totals_pane.value("grand_total") == "£48.00"
        assert [ln.stock_code for ln in app.lines_pane.lines] == ["POLO-NAVY-L"]
        assert "step 1 of 6 done · 1 passed, 0 failed" in screen.summary_text
        assert "  1 ✓ ok" in screen.steps_text and "  2 ·" in screen.steps_text

        await pilot.press("a")  # the rest
        await settle(pilot)
        assert screen.finished
        assert "PASSED: 6 steps, 6 passed, 0 failed" in screen.summary_text
        assert screen.steps_text.count("✓ ok") == 6
        assert app.totals_pane.value("grand_total") == "£56.18"
        assert {ln.stock_code: ln.qty for ln in app.lines_pane.lines} == {
            "POLO-NAVY-L": 2, "MUG-WHITE": 3}
        assert "Leave with the neighbour" in app.delivery_pane.plain
        assert f"$guest = {guest}" in str(screen.query_one("#replay-header").content)

        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FlowReplayScreen)
        assert app.basket_id == guest  # the panes keep the last basket; the list has it
        assert guest[:8] in [r[0] for r in app.baskets_pane.table.plain_rows()]
        assert (await app.backend.get_basket(guest)).grand_total.with_tax == \
            load_flow(flows_dir / "guest-checkout-promo.toml").steps[-1].expect.grand_total


async def test_palette_replay_of_a_wrong_expectation_shows_expected_and_actual(make_app,
                                                                               flows_dir):
    text = (flows_dir / "guest-checkout-promo.toml").read_text("utf-8")
    wrong = flows_dir.parent / "wrong.toml"
    wrong.write_text(text.replace('discount = "5.80"', 'discount = "5.79"'), "utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_replay(pilot, str(wrong))  # a typed path, outside ./flows
        screen = app.screen
        assert isinstance(screen, FlowReplayScreen)
        await pilot.press("a")
        await settle(pilot)
        assert "FAILED: 6 steps, 5 passed, 1 failed" in screen.summary_text
        lines = screen.steps_text.splitlines()
        failed = next(i for i, ln in enumerate(lines) if "✗ FAILED" in ln)
        assert "apply promo SAVE10" in lines[failed]
        table = "\n".join(lines[failed + 1: failed + 3])
        assert "field" in table and "expected" in table and "actual" in table
        assert "discount" in table and "5.79" in table and "5.80" in table
        assert screen.steps_text.count("✓ ok") == 5  # later steps still ran


async def test_x_stops_a_replay_and_the_remaining_steps_do_not_run(make_app, flows_dir):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_replay(pilot, "guest")
        screen = app.screen
        assert isinstance(screen, FlowReplayScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "STOPPED after step 1 of 6" in screen.summary_text
        await pilot.press("a")  # nothing more runs
        await settle(pilot)
        assert len(screen.flow_run.results) == 1
        guest = screen.flow_run.ids["$guest"]
        assert [ln.stock_code for ln in (await app.backend.get_basket(guest)).line_items] == [
            "POLO-NAVY-L"]


async def test_a_malformed_flow_is_refused_with_its_lines_before_any_step(make_app,
                                                                          flows_dir):
    bad = flows_dir / "typos.toml"
    bad.write_text('name = "typos"\n\n[[steps]]\nop = "add"\nbasket = "$guest"\n'
                   'product = "MUG-WHITE"\nqty = "3"\n\n[[steps]]\nop = "apply_promo"\n'
                   'basket = "$guest"\ncode = "SAVE10"\n', "utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = (await app.backend.list_baskets(limit=500)).total
        await open_replay(pilot, "typos")
        screen = app.screen
        assert isinstance(screen, ErrorScreen)
        details = [str(w.content) for w in screen.query(".error-detail")]
        assert any("typos.toml:7" in d and "qty" in d for d in details)
        assert any("typos.toml:10" in d and "apply_promo" in d for d in details)
        assert "No step was run" in screen.message
        assert (await app.backend.list_baskets(limit=500)).total == before


# -- diff -----------------------------------------------------------------------------------------


async def test_diff_with_shows_both_baskets_side_by_side_literally(make_app, engine):
    # Text that would be markup if it were read as such must show as typed.
    engine.set_po(basket_id("carol-guest"), "[bold]PO[/bold]")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_basket(pilot, "alice-main")
        await pilot.press("D")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoiceScreen)
        assert all(basket_id("alice-main") not in str(c.value) for c in picker.choices)
        await type_text(pilot, basket_id("carol-guest")[:8])
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BasketDiffScreen)
        a = await stored(app, "alice-main")
        b = await stored(app, "carol-guest")
        expected = render_diff(diff_baskets(a, b))
        assert screen.text == expected
        shown = str(screen.query_one("#diff-text").content)
        assert shown == expected
        assert "- POLO-NAVY-L" in shown and "+ CANDLE-FIG" in shown
        assert "~ grandTotal" in shown and "£105.29" in shown and "£13.32" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BasketDiffScreen)


async def test_diff_needs_an_open_basket_and_a_basket_id(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        assert any("Open a basket first" in n for n in notices(app, "warning"))
        await open_basket(pilot, "alice-main")
        await pilot.press("D")
        await settle(pilot)
        await type_text(pilot, "no-such-basket")
        await pilot.press("enter")
        await settle(pilot)
        assert any("'no-such-basket' is not a basket id" in n for n in notices(app, "warning"))
        await pilot.press("D")
        await settle(pilot)
        await paste(pilot, str(uuid.uuid4()))  # a well-formed id nobody has
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BasketDiffScreen)
        # An unknown id reads as a new, empty basket (engine-rules): every line of A is gone.
        assert "- POLO-NAVY-L" in screen.text and "- MUG-WHITE" in screen.text


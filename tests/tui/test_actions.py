"""The action registry is the one source of keys, help, palette commands and remapping."""

from __future__ import annotations

import re

import pytest

from basketbench.tui import actions
from basketbench.tui.app import BasketBench
from basketbench.tui.panes import BenchTable

# Every key the issue lists, as Textual names it.
ISSUE_KEYS = {
    "1", "2", "3", "4", "tab", "shift+tab", "down", "j", "up", "k", "enter", "slash", "r", "n",
    "d", "plus", "minus", "e", "x", "a", "b", "left_square_bracket", "right_square_bracket",
    "p", "P", "m", "s", "c", "i", "o", "u", "t", "f", "g", "G", "L", "y", "question_mark", "f1",
    "ctrl+p", "q", "escape",
}


def test_every_key_of_the_issue_has_a_binding_with_an_id():
    bound = {key for spec in actions.ACTIONS for key in spec.keys.split(",")}
    assert bound >= ISSUE_KEYS
    ids = [spec.id for spec in actions.ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z_]+\.[a-z_]+", i) for i in ids)
    commands = [spec.command for spec in actions.ACTIONS]
    assert len(commands) == len(set(commands))


def test_every_action_has_a_handler():
    for spec in actions.ACTIONS:
        name = spec.action.split("(")[0]
        owner = {"app": BasketBench, "table": BenchTable}.get(spec.scope)
        if owner is None:
            continue  # dialog actions live on the dialog base class
        assert callable(getattr(owner, f"action_{name}", None)), spec.id


def test_bindings_carry_their_ids():
    app_bindings = BasketBench.BINDINGS
    assert {b.id for b in app_bindings} == {s.id for s in actions.specs("app")}
    assert {b.id for b in BenchTable.BINDINGS} == {s.id for s in actions.specs("table")}


def test_effective_bindings_apply_the_keymap():
    rows = dict((i, (k, d)) for i, k, d in actions.effective_bindings({"line.qty_inc": "="}))
    assert rows["line.qty_inc"][0] == "="
    assert rows["line.qty_dec"] == ("-", "Qty -1")
    assert rows["app.help"][0] == "? / f1"
    assert len(rows) == len(actions.ACTIONS)


def test_an_unknown_binding_id_is_refused_by_name():
    with pytest.raises(ValueError, match=r"line\.qty_up"):
        actions.normalise_keymap({"line.qty_up": "u"})
    with pytest.raises(ValueError, match="non-empty"):
        actions.normalise_keymap({"line.qty_inc": " "})
    assert actions.normalise_keymap({"line.qty_inc": "+, ="}) == {"line.qty_inc":
                                                                   "plus,equals_sign"}


async def test_the_palette_offers_every_action_and_runs_it(make_app):
    from basketbench.tui.commands import BasketCommands

    from .helpers import SIZE, settle

    app = make_app(keymap={"basket.merge": "M"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = BasketCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        offered = {hit.text for hit in hits}
        wanted = {s.command for s in actions.ACTIONS} - {"app: command palette", "dialog: close"}
        assert offered == wanted
        merge = next(hit for hit in hits if hit.text == "basket: merge…")
        assert "(key: M)" in merge.help  # the key in effect, after the keymap
        found = [hit async for hit in provider.search("cursor: last")]
        assert found and found[0].text == "cursor: last row"
        found[0].command()
        await pilot.pause()
        table = app.baskets_pane.table
        assert table.cursor_row == table.row_count - 1

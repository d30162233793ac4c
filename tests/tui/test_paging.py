"""The basket list is paged: 200 rows at a time, the next page when the cursor nears the end,
and the filter is sent to the backend rather than applied to loaded rows."""

from __future__ import annotations

from basketbench.engine import demo
from basketbench.tui.app import BasketBench
from basketbench.tui.panes.baskets import PAGE_SIZE

from .faulty import FaultyBackend
from .helpers import SIZE, settle, type_text


async def test_the_list_loads_page_by_page_and_filters_in_the_backend(engine, backend):
    demo.generate(engine, 450)
    spy = FaultyBackend(backend)
    app = BasketBench(spy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.baskets_pane
        assert pane.table.row_count == PAGE_SIZE == 200 and pane.total == 464
        assert "200 of 464 baskets" in str(pane.query_one("#baskets-info").content)
        await pilot.press("G")  # the last row of the list: the rest is loaded in one call
        await settle(pilot)
        assert pane.table.row_count == 464 == len({r[0] for r in pane.table.plain_rows()})
        assert pane.table.cursor_row == 463
        pages = [kw for name, _, kw in spy.calls if name == "list_baskets"]
        assert [(kw["offset"], kw["limit"]) for kw in pages] == [(0, PAGE_SIZE), (200, 264)]
        await pilot.press("slash")
        await type_text(pilot, "erin@")
        await pilot.press("enter")
        await settle(pilot)
        assert spy.calls[-1][0] == "list_baskets" and spy.calls[-1][2]["query"] == "erin@"
        assert pane.total < 464
        assert {r[3] for r in pane.table.plain_rows()} == {"erin@example.com"}

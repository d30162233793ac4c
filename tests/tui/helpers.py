"""Shared steps of the workbench tests: wait for the app to settle, open a demo basket with
the real enter key, find lines, read the stored basket back through the backend."""

from __future__ import annotations

import re
from html import unescape

from textual import events
from textual.pilot import Pilot

from basketbench.engine import demo
from basketbench.model.basket import Basket
from basketbench.model.basket import Line as LineItem
from basketbench.tui.app import BasketBench

SIZE = (160, 50)


def basket_id(name_or_id: str) -> str:
    """A demo basket's id from its name ('alice-main'), or the id itself."""
    return name_or_id if len(name_or_id) == 36 else demo.basket_id(name_or_id)


async def settle(pilot: Pilot, rounds: int = 30) -> None:
    """Until no worker runs and the messages they posted are handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


async def open_basket(pilot: Pilot, name_or_id: str) -> Basket:
    """Put the list cursor on the basket and press enter (the real key)."""
    app: BasketBench = pilot.app
    await settle(pilot)
    bid = basket_id(name_or_id)
    app.baskets_pane.select(bid)
    app.baskets_pane.table.focus()
    await pilot.press("enter")
    await settle(pilot)
    assert app.basket is not None and app.basket.id == bid, f"{name_or_id} did not open"
    return app.basket


def select_line(app: BasketBench, stock_code: str, *, focus: bool = True) -> LineItem:
    pane = app.lines_pane
    for index, line in enumerate(pane.lines):
        if line.stock_code == stock_code:
            pane.table.move_cursor(row=index)
            if focus:
                pane.table.focus()
            return line
    raise AssertionError(f"no line {stock_code} in {[ln.stock_code for ln in pane.lines]}")


def line_of(basket: Basket, stock_code: str, *, child: bool | None = None) -> LineItem | None:
    for line in basket.line_items or []:
        if line.stock_code != stock_code:
            continue
        is_child = line.parent_product_id not in (None, "", demo.ZERO_GUID)
        if child is None or child == is_child:
            return line
    return None


async def stored(app: BasketBench, name_or_id: str) -> Basket:
    return await app.backend.get_basket(basket_id(name_or_id))


def pane_row(app: BasketBench, stock_code: str) -> tuple[str, ...]:
    for row in app.lines_pane.table.plain_rows():
        if row[1] == stock_code:
            return row
    raise AssertionError(f"no row {stock_code} in the lines pane")


def notices(app: BasketBench, severity: str | None = None) -> list[str]:
    return [f"{title}: {message}" for sev, title, message in app.notices
            if severity is None or sev == severity]


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[c for c in text])


async def paste(pilot: Pilot, text: str) -> None:
    """Paste into the focused widget, as a terminal's bracketed paste does (long ids)."""
    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()


def screen_text(app: BasketBench) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return unescape("".join(parts)).replace("\xa0", " ")

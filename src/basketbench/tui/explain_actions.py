"""Why is this total what it is, in the workbench: key `w` explains the open basket (the
selected line on the lines pane, else the whole basket), and the totals pane shows whether
the basket's own numbers foot (an audit that knows nothing of the rules, so it works on a
live API too). Work runs in workers that post messages; the handlers here touch the widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches

from .. import explanation
from .format import short_id
from .messages import BasketAudited, BasketExplained
from .screens.explain import ExplainScreen

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ..model.basket import Basket

AUDIT_DELAY = 0.4  # seconds a basket stands still before its numbers are audited
AUDIT_MAX_LINES = 500  # the API's line limit: larger (scale-test) baskets on `w` only


class ExplainActions:
    """Mixed into the app: `action_explain`, `audit_in_background` and their handlers."""

    def action_explain(self: Any) -> None:
        basket = self.basket
        if basket is None:
            self.notify("Open a basket first.", severity="warning", markup=False)
            return
        line = self.lines_pane.selected() if self.focused is self.lines_pane.table else None
        line_id = int(line.id) if line is not None and str(line.id or "").isdigit() else None
        self.run_worker(self._explain(basket, line_id), group="explain", exclusive=True,
                        exit_on_error=False)

    async def _explain(self: Any, basket: Basket, line_id: int | None) -> None:
        from .messages import CallFailed

        bid = (basket.id or "").lower()
        backend = self.backend
        if not getattr(backend.capabilities, "explain", False):
            from ..model import audit

            findings = audit.audit(basket)
            text = "\n".join([f"{backend.label} cannot explain its rules; the audit of the "
                              f"basket's own numbers: {audit.summary(findings)}", ""]
                             + [f"{f.severity}: {f.path}: {f.message}" for f in findings])
            self.post_message(BasketExplained(bid, f"Audit of {short_id(bid)}", text))
            return
        try:
            why = await backend.explain(bid)
        except Exception as exc:  # noqa: BLE001 - shown like every failed call
            self.post_message(CallFailed("explain", exc, bid))
            return
        what = f"line {line_id}" if line_id is not None else "basket"
        self.post_message(BasketExplained(
            bid, f"Why: {what} of {short_id(bid)} (version {why['version']})",
            explanation.text(why, line_id=line_id)))

    def on_basket_explained(self: Any, message: BasketExplained) -> None:
        self.push_screen(ExplainScreen(message.title, message.text))

    def audit_in_background(self: Any, basket: Basket) -> None:
        """Audit the shown basket off the event loop, once it has stood still for a moment:
        the audit of a large basket takes a while (about 60 ms at 200 lines), and a burst of
        keys should pay for it once, after the burst, not on every change. Baskets past the
        API's 500 lines (scale tests) are audited on `w` only."""
        timer = getattr(self, "_audit_timer", None)
        if timer is not None:
            timer.stop()
        if len(basket.line_items or []) > AUDIT_MAX_LINES:
            self.totals_pane.set_audit(basket.id, basket.version, None)
            return
        self._audit_timer = self.set_timer(AUDIT_DELAY, lambda: self._audit_now(basket))

    def _audit_now(self: Any, basket: Basket) -> None:
        shown = self.basket
        if shown is None or shown.id != basket.id or shown.version != basket.version:
            return  # it moved on; its own audit is on its way
        if self.busy or getattr(self, "_auditing", False):
            # A change is in flight (its basket is audited when it lands), or an audit still
            # runs: try again when things are still.
            self._audit_timer = self.set_timer(AUDIT_DELAY, lambda: self._audit_now(basket))
            return
        self._auditing = True

        def work() -> None:
            from ..model import audit

            try:
                findings = audit.audit(basket)
            finally:
                self._auditing = False
            self.post_message(BasketAudited((basket.id or "").lower(), basket.version,
                                            findings))

        self.run_worker(work, thread=True, group="audit", exit_on_error=False)

    def on_basket_audited(self: Any, message: BasketAudited) -> None:
        shown = self.basket
        if shown is None or (shown.id or "").lower() != message.basket_id or \
                shown.version != message.version:
            return  # the basket moved on since
        try:
            pane = self.totals_pane
        except NoMatches:  # it landed as the app closes: nothing left to show it on
            return
        pane.set_audit(shown.id, shown.version, message.findings)

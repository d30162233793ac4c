"""Basket models from the local engine's wire dicts, validating only the lines that changed.

Validating a whole basket with pydantic costs about 0.3 ms a line (150-180 ms at 2,000 lines,
on every keypress), though a change usually touches one or two lines. So the local backend
remembers, for the last few baskets it returned, each line's wire dict and the `LineItem`
validated from it; a line whose new dict is equal to the remembered one gets the same
`LineItem` object back, and only the others are validated. The result is exactly what
`Basket.model_validate` gives (same input, same model), and unchanged lines are the *same
objects* in both versions, so the workbench can tell them apart by identity instead of
comparing every field (tui/diff.py, tui/panes/lines.py).

Limits (docs/workbench.md#performance): the models are shared between versions, so nobody
may mutate a returned `LineItem` (nothing does: the workbench only reads them); the engine
must hand out fresh dicts, never mutate one it has returned (it renders a new dict per call);
the remembered dicts cost memory (about 6 KB a line: 13 MB for a 2,000-line basket), so only
`KEEP` baskets are remembered, and baskets under `SMALL` lines are validated whole (cheap).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..wire import Basket, LineItem

KEEP = 2  # baskets remembered: the one open, and one more (switching back and forth)
SMALL = 20  # lines: below this, validating the whole basket costs under ~6 ms

Remembered = dict[tuple[Any, Any, Any], tuple[dict, LineItem]]


def _key(raw: dict) -> tuple[Any, Any, Any]:
    # Only finds the candidate to compare with; equality of the whole dict decides.
    return (raw.get("productId"), raw.get("parentProductId"), raw.get("customInfo1"))


class LineReuse:
    def __init__(self) -> None:
        self._baskets: OrderedDict[str, Remembered] = OrderedDict()
        self._lock = threading.Lock()  # engine calls run in worker threads

    def basket(self, data: Any) -> Basket:
        lines = data.get("lineItems") if isinstance(data, dict) else None
        if not isinstance(lines, list) or len(lines) < SMALL:
            return Basket.model_validate(data)
        bid = str(data.get("id") or "").lower()
        with self._lock:
            before = self._baskets.pop(bid, {})
        remembered: Remembered = {}
        models = []
        for raw in lines:
            key = _key(raw) if isinstance(raw, dict) else None
            hit = before.get(key) if key is not None else None
            if hit is not None and hit[0] is not raw and hit[0] == raw:
                model = hit[1]
            else:
                model = LineItem.model_validate(raw)
            if key is not None:
                remembered.setdefault(key, (raw, model))
            models.append(model)
        basket = Basket.model_validate({**data, "lineItems": []})
        basket.line_items = models  # no validate_assignment: the list is kept as it is
        with self._lock:
            self._baskets[bid] = remembered
            while len(self._baskets) > KEEP:
                self._baskets.popitem(last=False)
        return basket

    def forget(self, basket_id: str) -> None:
        with self._lock:
            self._baskets.pop(basket_id.lower(), None)

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
must never mutate a dict it has returned (its render cache shares an unchanged line's dict
between versions, so the same dict object is the same line);
the remembered dicts cost memory, so only `KEEP` baskets are remembered, and baskets under
`SMALL` lines are validated whole (cheap).

Memory: most of a line is its nested objects (nine prices of three models each, category and
subscription objects), and most of those are equal across lines (every zero discount, a
price and its list price, a category). A newly validated line's nested values are shared:
one object per distinct wire value (keyed by the exact text of the wire value, so 0.00 and 0
stay apart), in the models and in the remembered dicts alike. Same limit as above: nobody
modifies them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..wire import Basket, LineItem

KEEP = 2  # baskets remembered: the one open, and one more (switching back and forth)
SMALL = 20  # lines: below this, validating the whole basket costs under ~6 ms

SHARED_MAX = 50_000  # distinct nested values kept for sharing; then the table starts afresh

Remembered = dict[tuple[Any, Any, Any], tuple[dict, LineItem]]

# LineItem fields that hold models or lists of them: (name, wire key, kind)
_NESTED = [(name, field.alias or name, str(field.annotation))
           for name, field in LineItem.model_fields.items()
           if "wire." in str(field.annotation) or str(field.annotation).startswith("list")]


def _key(raw: dict) -> tuple[Any, Any, Any]:
    # Only finds the candidate to compare with; equality of the whole dict decides.
    return (raw.get("productId"), raw.get("parentProductId"), raw.get("customInfo1"))


class LineReuse:
    def __init__(self) -> None:
        self._baskets: OrderedDict[str, Remembered] = OrderedDict()
        self._lock = threading.Lock()  # engine calls run in worker threads
        # (kind, repr of the wire value) -> (that wire value, its validated value)
        self._shared: dict[tuple[str, str], tuple[Any, Any]] = {}

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
            # The engine's render cache hands an unchanged line back as the very same dict
            # (engine/renders.py): identity is equality there, and cheaper.
            if hit is not None and (hit[0] is raw or hit[0] == raw):
                model = hit[1]
            else:
                model = LineItem.model_validate(raw)
                self._share(raw, model)
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

    def _share(self, raw: dict, model: LineItem) -> None:
        """Point the new line's nested values (and its wire dict's) at equal ones seen
        before. Equal wire text validates to equal models, so the line is unchanged."""
        values = model.__dict__
        shared = self._shared
        with self._lock:
            if len(shared) > SHARED_MAX:
                shared.clear()
            for name, key, kind in _NESTED:
                wire = raw.get(key)
                if wire is None or name not in values:
                    continue
                seen = shared.setdefault((kind, repr(wire)), (wire, values[name]))
                raw[key] = seen[0]
                values[name] = seen[1]  # not setattr: the set of fields given stays as it is

    def forget(self, basket_id: str) -> None:
        with self._lock:
            self._baskets.pop(basket_id.lower(), None)

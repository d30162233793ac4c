"""Garbage collection tuned for the workbench: a keypress should not pay for a full collection.

The workbench keeps a large, long-lived heap (Textual, Rich, pydantic, the open basket's models)
and every change allocates many short-lived objects (a 500-line basket is ~20,000 Decimals and
models, plus the cells redrawn). With CPython's default thresholds (700, 10, 10) that triggers
collections of the old generations in the middle of a change, each walking the whole heap: on
a 500-line basket that more than doubled the keypress-to-totals time (bench/tui.py).

So, once, before the screen opens: everything alive after start-up is frozen (moved out of the
collector's sight: it lives as long as the app anyway), and collections run less often. Objects
are still freed by reference counting as usual; only unreachable cycles wait a little longer.

The first threshold counts tracked objects allocated minus those freed. A change on a 2,000-line
basket grows that count by ~80,000 before the previous version is freed (the engine's new wire
dict, the new line models), so at 20,000 it ran ~4 young collections a keypress (30-40 ms on
this machine) walking objects that are freed by reference counting a moment later anyway. At
200,000 the growth of one change stays under it and the count falls back as the old version is
freed: no collection runs during a keypress, yet steady growth (real cyclic garbage) is still
collected (bench/tui.py; docs/workbench.md#performance).
"""

from __future__ import annotations

import gc

THRESHOLDS = (200_000, 20, 50)


def tune() -> None:
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

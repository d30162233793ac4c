"""Garbage collection tuned for the workbench: a keypress should not pay for a full collection.

The workbench keeps a large, long-lived heap (Textual, Rich, pydantic, the open basket's models)
and every change allocates many short-lived objects (a 500-line basket is ~20,000 Decimals and
models, plus the cells redrawn). With CPython's default thresholds (700, 10, 10) that triggers
collections of the old generations in the middle of a change, each walking the whole heap: on
a 500-line basket that more than doubled the keypress-to-totals time (bench/tui.py).

So, once, before the screen opens: everything alive after start-up is frozen (moved out of the
collector's sight: it lives as long as the app anyway), and collections run less often. Objects
are still freed by reference counting as usual; only unreachable cycles wait a little longer.
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 20, 50)


def tune() -> None:
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

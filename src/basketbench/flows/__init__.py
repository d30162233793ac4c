"""Checkout flows: record a walk through a basket, replay it on any backend, and diff baskets.

- `format`: the flow file (TOML) and its validation: `load_flow`, `parse_flow`, `Flow`,
  `FlowFormatError`.
- `runner`: `run_flow(flow, backend, on_step=...)` and the step-at-a-time `FlowRun`.
- `report`: the text report and the JUnit XML writer.
- `recorder`: `FlowRecorder`, which turns performed operations into a flow file.
- `diff`: `diff_baskets(a, b)` and its side-by-side text rendering.
- `schema`: the JSON Schema of the format, generated from the models.

This package never imports textual; the workbench builds on it. The format (pydantic) is
imported on first use only: the workbench's undo and recording use `steps`, on the local
keypress path, which must not import pydantic (issue #14).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .format import Flow, FlowFormatError, load_flow, parse_flow

__all__ = ["Flow", "FlowFormatError", "load_flow", "parse_flow"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import format as flow_format

        return getattr(flow_format, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

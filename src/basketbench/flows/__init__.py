"""Checkout flows: record a walk through a basket, replay it on any backend, and diff baskets.

- `format`: the flow file (TOML) and its validation: `load_flow`, `parse_flow`, `Flow`,
  `FlowFormatError`.
- `runner`: `run_flow(flow, backend, on_step=...)` and the step-at-a-time `FlowRun`.
- `report`: the text report and the JUnit XML writer.
- `recorder`: `FlowRecorder`, which turns performed operations into a flow file.
- `diff`: `diff_baskets(a, b)` and its side-by-side text rendering.
- `schema`: the JSON Schema of the format, generated from the models.

This package never imports textual; the workbench builds on it.
"""

from .format import Flow, FlowFormatError, load_flow, parse_flow

__all__ = ["Flow", "FlowFormatError", "load_flow", "parse_flow"]

"""Reports of a flow run: readable text for people, JUnit XML for CI systems.

`render_report(result)` lists each step with its duration; under a failed step a small table
puts each failed expectation's expected and actual values side by side. `junit_xml(results)`
/ `write_junit(results, path)` write one <testsuite> per flow and one <testcase> per step,
with <failure> (an expectation did not hold), <error> (the operation failed) or <skipped>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .runner import ERROR, FAILED, PASSED, SKIPPED, FlowResult, StepResult

LABEL_WIDTH = 56
_STATUS_WORD = {PASSED: "ok", FAILED: "FAILED", ERROR: "ERROR", SKIPPED: "skipped"}


def render_report(result: FlowResult) -> str:
    flow = result.flow
    out = [f"Flow     {flow.name}"]
    if flow.source:
        out.append(f"File     {flow.source}")
    out.append(f"Backend  {result.backend_label}")
    if result.ids:
        out.append("Baskets  " + ", ".join(f"{sym} = {gid}" for sym, gid in result.ids.items()))
    out.append("")
    for step in result.steps:
        out.extend(_step_lines(step, flow.source))
    out.append("")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def summary_line(result: FlowResult) -> str:
    total = len(result.steps)
    parts = [f"{result.count(PASSED)} passed", f"{result.count(FAILED)} failed"]
    if result.count(ERROR):
        parts.append(f"{result.count(ERROR)} errors")
    if result.count(SKIPPED):
        parts.append(f"{result.count(SKIPPED)} skipped")
    verdict = "PASSED" if result.passed else "FAILED"
    return (f"{verdict}: {total} step{'s' if total != 1 else ''}, {', '.join(parts)} "
            f"in {result.duration:.2f} s")


def _step_lines(step: StepResult, source: str | None) -> list[str]:
    label = step.label if len(step.label) <= LABEL_WIDTH else step.label[: LABEL_WIDTH - 3] + "..."
    word = _STATUS_WORD[step.status]
    time_text = "" if step.status == SKIPPED else _ms(step.duration)
    lines = [f"{step.index:>4}  {label.ljust(LABEL_WIDTH, ' ')}  {word:<7} {time_text:>8}".rstrip()]
    where = f"{source}:{step.line}" if source and step.line else (
        f"line {step.line}" if step.line else "")
    pad = " " * 8
    if step.status == FAILED:
        if where:
            lines.append(f"{pad}at {where}")
        lines.extend(pad + row for row in side_by_side(step))
    elif step.status == ERROR:
        lines.append(f"{pad}{step.message}" + (f"  (at {where})" if where else ""))
    return lines


def side_by_side(step: StepResult) -> list[str]:
    """The failed expectations of a step as a field | expected | actual table."""
    rows = [("field", "expected", "actual")] + [(c.field, c.expected, c.actual)
                                                 for c in step.failures]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return [f"{f.ljust(widths[0])}   {e.ljust(widths[1])}   {a}".rstrip() for f, e, a in rows]


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


# -- JUnit XML --------------------------------------------------------------------------------


def junit_xml(results: list[FlowResult]) -> str:
    suites = ET.Element("testsuites", name="basketbench flows")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for result in results:
        suite = ET.SubElement(suites, "testsuite", name=result.flow.name)
        counts = {"tests": len(result.steps), "failures": result.count(FAILED),
                  "errors": result.count(ERROR), "skipped": result.count(SKIPPED)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{result.duration:.3f}")
        total_time += result.duration
        if result.flow.source:
            suite.set("file", result.flow.source)
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="backend", value=result.backend_label)
        for sym, gid in result.ids.items():
            ET.SubElement(props, "property", name=f"basket {sym}", value=gid)
        classname = f"flows.{_slug(result.flow.source or result.flow.name)}"
        for step in result.steps:
            case = ET.SubElement(suite, "testcase", classname=classname,
                                 name=f"{step.index:02d} {step.label}",
                                 time=f"{step.duration:.3f}")
            if result.flow.source:
                case.set("file", result.flow.source)
            if step.line:
                case.set("line", str(step.line))
            if step.status == FAILED:
                message = "; ".join(f"{c.field}: expected {c.expected}, actual {c.actual}"
                                    for c in step.failures)
                failure = ET.SubElement(case, "failure", message=message,
                                        type="ExpectationFailed")
                failure.text = "\n".join(side_by_side(step))
            elif step.status == ERROR:
                code = step.error.code if step.error is not None else "StepError"
                error = ET.SubElement(case, "error", message=step.message, type=code)
                error.text = step.message
            elif step.status == SKIPPED:
                ET.SubElement(case, "skipped", message=step.message)
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("time", f"{total_time:.3f}")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(results: list[FlowResult], path: str | Path) -> None:
    Path(path).write_text(junit_xml(results), "utf-8")


def _slug(text: str) -> str:
    stem = Path(text).stem if text.endswith(".toml") else text
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower() or "flow"

"""Step-by-step replay of a flow file against the workbench's backend.

The dialog sits on the left, over the baskets list, so the lines, totals and delivery panes
stay in view: after every step the app shows the basket the step left there (`show`). `enter`
runs the next step, `a` runs the rest (with a short pause between steps, to watch), `x` stops
after the step in flight, `esc` stops and closes. Each step is run by `FlowRun.next_step()` in
a worker, which posts the result as a message; the list shows every step of the flow with its
outcome, and under a failed one each failed expectation with its expected and actual values.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.widgets import Static

from ...backends import Backend
from ...flows.format import Flow
from ...flows.report import side_by_side, summary_line
from ...flows.runner import ERROR, FAILED, PASSED, SKIPPED, FlowRun, StepResult
from ..format import literal
from .base import Dialog

MARKS = {PASSED: "✓", FAILED: "✗", ERROR: "!", SKIPPED: "-"}
WORDS = {PASSED: "ok", FAILED: "FAILED", ERROR: "ERROR", SKIPPED: "skipped"}


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def step_lines(flow: Flow, results: list[StepResult], *, running: int | None = None
               ) -> list[str]:
    """Every step of the flow: its outcome when run, under a failure the side-by-side
    expected/actual table, under an error its message; `…` for steps not run yet."""
    out = []
    for index, step in enumerate(flow.steps):
        label = step.name or step.describe()  # last: a long one scrolls, never hides the rest
        if index < len(results):
            r = results[index]
            time_text = "" if r.status == SKIPPED else _ms(r.duration)
            out.append(f"{index + 1:>3} {MARKS[r.status]} {WORDS[r.status]:<7} "
                       f"{time_text:>8}  {label}")
            if r.status == FAILED:
                out += ["        " + row for row in side_by_side(r)]
            elif r.status in (ERROR, SKIPPED) and r.message:
                out.append(f"        {r.message}")
        else:
            mark, word = ("▶", "running") if running == index else ("·", "")
            out.append(f"{index + 1:>3} {mark} {word:<7} {'':>8}  {label}")
    return out


class FlowReplayScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "next_step", "Next step"),
        Binding("a", "run_all", "Run to the end"),
        Binding("x", "stop", "Stop"),
    ]
    # A panel over the baskets list, not the usual centred dialog: the other panes stay in
    # view. (App CSS outranks DEFAULT_CSS, so the screen's own placement is set in on_mount.)
    DEFAULT_CSS = """
    FlowReplayScreen .replay-panel {
        width: 33%;  /* the baskets pane's width: lines, totals, delivery stay whole */
        min-width: 50;
        height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    FlowReplayScreen #replay-steps {
        height: 1fr;
    }
    FlowReplayScreen #replay-steps > Static {
        width: auto;
    }
    FlowReplayScreen #replay-summary {
        text-style: bold;
        margin-top: 1;
    }
    """
    AUTO_DELAY = 0.2  # seconds between steps when running to the end, to watch the panes

    @dataclass
    class StepReplayed(Message):
        step: StepResult

    @dataclass
    class Paused(Message):
        """The worker stopped asking for steps (one step done, the end, or a stop)."""

    def __init__(self, flow: Flow, backend: Backend, show: Callable[[StepResult], None],
                 on_end: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.flow = flow
        self.flow_run = FlowRun(flow, backend)
        self.show = show
        self.on_end = on_end
        self.running = False
        self.auto = False
        self.stop_requested = False
        self.stopped = False
        self._ended = False

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-panel"):
            yield self.title_line(f"Replay: {self.flow.name}")
            yield Static(literal(self._header()), markup=False, id="replay-header")
            with ScrollableContainer(id="replay-steps"):
                yield Static(literal(""), markup=False, id="replay-list")
            yield Static(literal(""), markup=False, id="replay-summary")
            yield self.message_line()
            yield self.hint_line("enter: next step · a: run to the end · x: stop · "
                                 "esc: stop and close")

    def on_mount(self) -> None:
        self.styles.align = ("left", "top")
        self.styles.background = "transparent"
        self._refresh()
        self.query_one("#replay-steps").focus()

    def _header(self) -> str:
        backend = self.flow_run.backend
        lines = [f"File     {self.flow.source or '(not saved)'}",
                 f"Backend  {getattr(backend, 'kind', '')} {getattr(backend, 'label', '')}"]
        ids = self.flow_run.ids
        if ids:
            lines.append("Baskets  " + ", ".join(f"{s} = {g}" for s, g in ids.items()))
        return "\n".join(lines)

    # -- what the tests and the user read ---------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.flow_run.done or self.stopped

    @property
    def steps_text(self) -> str:
        return str(self.query_one("#replay-list", Static).content)

    @property
    def summary_text(self) -> str:
        return str(self.query_one("#replay-summary", Static).content)

    def _summary(self) -> str:
        results = self.flow_run.results
        total = len(self.flow.steps)
        if self.flow_run.done:
            return summary_line(self.flow_run.result())
        counts = f"{sum(r.status == PASSED for r in results)} passed, " \
                 f"{sum(r.status == FAILED for r in results)} failed"
        if self.stopped:
            return f"STOPPED after step {len(results)} of {total}: {counts}"
        if self.running:
            return f"running step {len(results) + 1} of {total} · {counts}"
        if not results:
            return f"{total} step{'s' if total != 1 else ''}: enter runs the first one"
        return f"step {len(results)} of {total} done · {counts}"

    def _refresh(self) -> None:
        running = len(self.flow_run.results) if self.running else None
        text = "\n".join(step_lines(self.flow, self.flow_run.results, running=running))
        self.query_one("#replay-list", Static).update(literal(text))
        self.query_one("#replay-header", Static).update(literal(self._header()))
        summary = self._summary()
        self.query_one("#replay-summary", Static).update(Text(summary))
        self.query_one("#replay-steps", ScrollableContainer).scroll_end(animate=False)

    # -- running ----------------------------------------------------------------------------

    def action_next_step(self) -> None:
        if self.finished and not self.running:
            self.action_close()
            return
        self._start(auto=False)

    def action_run_all(self) -> None:
        self._start(auto=True)

    def action_stop(self) -> None:
        if self.finished:
            return
        if self.running:
            self.stop_requested = True
            self.say("stopping after the step in flight…")
        else:
            self._stop()

    def action_close(self) -> None:
        if not self.finished:
            self.stopped = True
        self._end()
        self.dismiss(None)

    def _start(self, *, auto: bool) -> None:
        if self.running or self.finished:
            return
        self.running, self.auto, self.stop_requested = True, auto, False
        self.say("")
        self._refresh()
        self.run_worker(self._steps(), group="flow-replay", exclusive=True, exit_on_error=False)

    async def _steps(self) -> None:
        try:
            while True:
                step = await self.flow_run.next_step()
                if step is None:
                    break
                self.post_message(self.StepReplayed(step))
                if not self.auto or self.stop_requested or self.flow_run.done:
                    break
                await asyncio.sleep(self.AUTO_DELAY)
        finally:
            self.post_message(self.Paused())

    def on_flow_replay_screen_step_replayed(self, message: StepReplayed) -> None:
        try:
            self.show(message.step)
        except Exception as exc:  # noqa: BLE001 - the replay goes on; the panes may lag
            self.say(f"could not show the basket: {type(exc).__name__}: {exc}", kind="error")
        self._refresh()

    def on_flow_replay_screen_paused(self, message: Paused) -> None:
        self.running = False
        if self.stop_requested and not self.flow_run.done:
            self._stop()
            return
        if self.flow_run.done:
            self._end()
            self.say("done: enter or esc closes; the panes keep the last basket",
                     kind="ok" if self.flow_run.result().passed else "error")
        self._refresh()

    def _stop(self) -> None:
        self.stopped = True
        self.say("stopped: the remaining steps were not run (esc closes)", kind="error")
        self._end()
        self._refresh()

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            if self.on_end is not None:
                self.on_end()

    def result(self) -> Any:
        """The run so far as a FlowResult."""
        return self.flow_run.result()

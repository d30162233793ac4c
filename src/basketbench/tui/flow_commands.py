"""Checkout flows in the workbench: record (`R`), replay from the palette, diff two baskets.

The app holds one `FlowCommands` (`app.flow_tools`) and calls it from three actions and from
the one place it runs basket changes (`backend_for`). Everything else lives here and in the
dialogs it opens, so the app only needs a few hook lines:

- `toggle_recording()`: start; or stop and ask where to save (`SaveFlowScreen`).
- `backend_for(backend, before)`: the backend a change runs through (recorded while on).
- `replay()`: pick a flow file (those in ./flows, or a typed path), validate it, and open
  `FlowReplayScreen`, which shows each step's basket in the panes.
- `diff()`: pick another basket and show both side by side (`BasketDiffScreen`).

The flows package (pydantic models, runner) is imported only when one of these is used, so it
costs nothing at start-up. The app is reached through `FlowHost`, the few things these commands
read and call; they never assign the app's state (and this module never imports the app).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..backends import Backend
from .format import short_id, user_label
from .screens import Choice, ChoiceScreen, ErrorScreen, Picked

if TYPE_CHECKING:  # pragma: no cover
    from ..model.basket import Basket
    from .panes import StatusBar
    from .recording import FlowRecording

FLOWS_DIR = Path("flows")  # where flow files are offered from (relative to the current dir)
GUID_LENGTH = 36


class FlowHost(Protocol):
    """What the flow commands need of the workbench (the app implements it)."""

    @property
    def read_only(self) -> bool: ...
    @property
    def profile_name(self) -> str: ...
    @property
    def backend(self) -> Backend: ...
    @property
    def basket(self) -> Basket | None: ...
    @property
    def basket_id(self) -> str | None: ...
    @property
    def status(self) -> StatusBar: ...

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...
    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...
    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...
    def load_baskets(self) -> None: ...
    def show_replayed_basket(self, basket: Basket) -> None: ...


class FlowCommands:
    def __init__(self, app: FlowHost) -> None:
        self.app = app
        self.recording: FlowRecording | None = None

    # -- recording --------------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        return self.recording is not None and self.recording.active

    def backend_for(self, backend: Backend, before: Basket | None = None) -> Any:
        if self.recording is None:
            return backend
        return self.recording.backend_for(backend, before)

    def toggle_recording(self) -> None:
        if self.is_recording:
            self._stop_recording()
        else:
            self._start_recording()

    def _start_recording(self) -> None:
        from .recording import FlowRecording

        app = self.app
        if app.read_only:
            app.notify(f"Recording refused: profile {app.profile_name!r} is read-only (a flow "
                       "records changes).", title="Read-only", severity="warning", markup=False)
            return
        if self.recording is None:
            self.recording = FlowRecording(self._recorded)
        self.recording.start()
        app.status.set_recording(self.recording.marker())
        app.status.say("recording a flow: every change is a step · R stops and saves")
        app.notify("Recording: every change you make is a step, with the basket's totals as "
                   "its expectations. Press R again to stop and save.", title="Flow recording",
                   markup=False)

    def _recorded(self, marker: str, notice: str | None) -> None:
        """From the recorder (in a mutation worker): update the app on its own loop turn."""
        self.app.call_later(self._show_recorded, marker, notice)

    def _show_recorded(self, marker: str, notice: str | None) -> None:
        if self.is_recording:
            self.app.status.set_recording(marker)
        if notice:
            self.app.notify(notice, title="Flow recording", severity="warning", markup=False)

    def _stop_recording(self) -> None:
        from .recording import default_flow_path
        from .screens.flow_save import SaveFlowScreen

        assert self.recording is not None
        app = self.app
        count = self.recording.stop()
        app.status.set_recording("")
        if count == 0:
            app.status.say("recording stopped: nothing was recorded")
            app.notify("Recording stopped: no change was made, so there is nothing to save.",
                       markup=False)
            return
        recorder = self.recording.recorder

        def save(path: str, name: str) -> Path:
            recorder.name = name
            return recorder.save(path)

        def saved(path: str | None) -> None:
            if path is None:
                app.status.say(f"recording discarded ({count} steps not saved)")
                app.notify(f"The recording was not saved ({count} steps discarded).",
                           severity="warning", markup=False)
                return
            app.status.say(f"flow saved: {path} ({count} steps)")
            app.notify(f"Saved the flow ({count} steps) to {path}. Replay it with "
                       f"`basketbench flow run {path}` or \"flow: replay…\".",
                       title="Flow saved", markup=False)

        app.push_screen(SaveFlowScreen(count, default_flow_path(), recorder.name, save), saved)

    # -- replay -----------------------------------------------------------------------------

    def replay(self) -> None:
        app = self.app
        if app.read_only:
            app.notify(f"Replay refused: profile {app.profile_name!r} is read-only (a flow "
                       "changes baskets).", title="Read-only", severity="warning", markup=False)
            return
        files = sorted(FLOWS_DIR.glob("*.toml")) if FLOWS_DIR.is_dir() else []
        choices = [Choice(str(p), str(p)) for p in files]

        def chosen(picked: Picked | None) -> None:
            if picked is not None and str(picked.value).strip():
                self.replay_file(str(picked.value).strip())

        app.push_screen(ChoiceScreen(
            "Replay which flow?", choices, allow_text=True,
            placeholder="filter the flows in ./flows, or type a path",
            hint="enter: replay · down: the list · esc: cancel · or type a path and enter"),
            chosen)

    def replay_file(self, path: str) -> None:
        """Validate the file (every problem with its line, before any step runs), then open
        the replay dialog."""
        from ..flows.format import FlowFormatError, load_flow
        from .screens.flow_replay import FlowReplayScreen

        app = self.app
        try:
            flow = load_flow(Path(path).expanduser())
        except FlowFormatError as exc:
            problems = [p.render(exc.source) for p in exc.problems]
            app.push_screen(ErrorScreen(f"{path}: not a valid flow", "No step was run: fix "
                                        "the flow file first.", problems))
            app.status.say(f"replay refused: {path} is not a valid flow")
            return
        app.status.say(f"replaying {path}: enter runs a step, a runs to the end")
        app.push_screen(FlowReplayScreen(flow, app.backend, self.show_step, self._replay_ended))

    def show_step(self, step: Any) -> None:
        """Show the basket a replayed step left, as if it had been opened."""
        basket: Basket | None = step.basket
        if basket is None or not basket.id:
            return
        self.app.show_replayed_basket(basket)
        self.app.status.say(f"replay step {step.index}: {step.label}: {step.status}")

    def _replay_ended(self) -> None:
        self.app.load_baskets()  # the baskets the flow made (or deleted)

    # -- diff -------------------------------------------------------------------------------

    def diff(self) -> None:
        app = self.app
        if app.basket_id is None:
            app.notify("Open a basket first: it is A, and you pick B.", severity="warning",
                       markup=False)
            return
        a_id = app.basket_id
        backend = app.backend
        user_id = app.basket.user_id if app.basket is not None else None

        async def loader() -> list[Choice]:
            if backend.capabilities.list_all:
                page = await backend.list_baskets(limit=500)
                rows = page.rows
            elif user_id:
                from ..model.summary import summary_of

                rows = [summary_of(b) for b in await backend.list_user_baskets(user_id)]
            else:
                rows = []
            return [Choice(r.id, f"{r.id}  {user_label(r.user_email, r.user_id)}  "
                            f"{r.line_count} lines  {r.grand_total_formatted}")
                    for r in rows if r.id.lower() != a_id]

        def chosen(picked: Picked | None) -> None:
            if picked is None:
                return
            b_id = str(picked.value).strip().lower()
            if picked.typed and len(b_id) != GUID_LENGTH:
                app.notify(f"basket: {b_id!r} is not a basket id (a GUID of 36 characters)",
                           severity="warning", markup=False)
                return
            from .screens.basket_diff import BasketDiffScreen

            app.status.say(f"diff {short_id(a_id)} with {short_id(b_id)}")
            app.push_screen(BasketDiffScreen(backend, a_id, b_id))

        app.push_screen(ChoiceScreen(
            f"Diff basket {short_id(a_id)} (A) with which basket (B)?", loader=loader,
            allow_text=True, placeholder="filter by id or user, or type a basket id"), chosen)

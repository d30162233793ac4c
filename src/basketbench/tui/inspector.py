"""The request inspector: every backend call of one `RequestLog`, newest last, and the selected
call's request and response.

The app mounts one `RequestInspector(backend.log)` and toggles it (key `l`); everything else is
here: the live list (the log's listener may fire on any thread, so it only posts a message),
pretty JSON formatted in a thread worker (a 2,000-line basket is a megabyte of JSON), long
bodies cut short with the whole text one key away in `$PAGER`, copy as curl (redacted: the log
never holds a secret) and copy response. With the local engine the log holds engine operations
(`get_basket`, `set_qty` ...) and their durations; they have no HTTP request to copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static

from .. import jsonio
from ..backends.request_log import LoggedCall, RequestLog, as_curl
from .format import DASH, literal

BODY_LINES = 200  # lines of each body shown in the pane; the rest is in $PAGER
BODY_CHARS = 20_000  # and at most this many characters of it
COLUMNS = ("#", "method", "path", "status", "time", "size")


# -- formatting (pure functions: run in a thread worker, and tested directly) -----------------

def is_http(call: LoggedCall) -> bool:
    return call.url.startswith(("http://", "https://"))


def path_of(call: LoggedCall) -> str:
    """The path and query of an HTTP call; an engine operation's target as it is."""
    if not is_http(call):
        return call.url
    parts = urlsplit(call.url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def duration_text(ms: float) -> str:
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:,.0f} ms"


def size_text(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def status_text(call: LoggedCall) -> str:
    if call.status is not None:
        return str(call.status)
    return "ERR" if call.error else DASH


def pretty(body: str) -> str:
    """JSON indented (numbers kept exactly as sent); anything else as it came."""
    try:
        return jsonio.dumps(jsonio.loads(body), indent=2)
    except ValueError:
        return body


def cut(text: str, lines: int = BODY_LINES, chars: int = BODY_CHARS) -> tuple[str, int]:
    """At most `lines` lines and `chars` characters of `text`; and how many lines were left
    out (0 when nothing was)."""
    all_lines = text.splitlines()
    kept = all_lines[:lines]
    shown = "\n".join(kept)
    if len(shown) > chars:
        shown = shown[:chars]
        kept = shown.splitlines()
    return shown, len(all_lines) - len(kept)


@dataclass
class Detail:
    call_id: int
    text: str
    truncated: bool


def format_call(call: LoggedCall, *, full: bool = False) -> Detail:
    """The call as text: request line, outcome, headers, bodies (pretty JSON). Unless `full`,
    each body is cut to BODY_LINES lines."""
    out: list[str] = []
    truncated = False
    if is_http(call):
        out.append(f"{call.method} {call.url}")
    else:
        out.append(f"engine operation {call.method} on {call.url}")
    outcome = [f"status {status_text(call)}", duration_text(call.duration_ms)]
    if is_http(call):
        outcome += [f"request {size_text(call.request_size)}",
                    f"response {size_text(call.response_size)}"]
    out.append(" · ".join(outcome))
    if call.error:
        out.append(f"error: {call.error}")
    if call.request_headers:
        out += ["", "Request headers"]
        out += [f"  {name}: {value}" for name, value in call.request_headers.items()]
    for title, body in (("Request body", call.request_body),
                        ("Response body", call.response_body)):
        if not body:
            continue
        text = pretty(body)
        if not full:
            text, left_out = cut(text)
            if left_out:
                truncated = True
                text += (f"\n… {left_out:,} more lines: press v to read the whole call "
                         "in $PAGER")
        out += ["", title, text]
    if not is_http(call) and not call.request_body and not call.response_body:
        out += ["", "(an engine operation: no HTTP request or response)"]
    return Detail(call.id, "\n".join(out), truncated)


def pager_command(environ: dict[str, str] | None = None) -> str | None:
    """The user's $PAGER, else `less -R` or `more` when installed; None when there is none."""
    env = os.environ if environ is None else environ
    if env.get("PAGER", "").strip():
        return env["PAGER"]
    for candidate in ("less -R", "more"):
        if shutil.which(candidate.split()[0]):
            return candidate
    return None


def run_pager(text: str, command: str) -> int:
    """Feed `text` to the pager; run through the shell like git does, since $PAGER may carry
    options ("less -S"). Returns the pager's exit status."""
    return subprocess.run(command, shell=True, input=text.encode("utf-8"),
                          check=False).returncode


# -- the widget ------------------------------------------------------------------------------

class RequestInspector(Vertical):
    """Mount it with the backend's log; `set_log` when the backend changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("Y", "copy_curl", "Copy as curl", id="inspector.copy_curl",
                tooltip="Copy the selected call as a curl command (secrets redacted)."),
        Binding("R", "copy_response", "Copy response", id="inspector.copy_response",
                tooltip="Copy the selected call's response body exactly as received."),
        Binding("v", "open_pager", "Open in $PAGER", id="inspector.pager",
                tooltip="Read the whole selected call (untruncated) in $PAGER."),
        Binding("C", "clear", "Clear", id="inspector.clear",
                tooltip="Forget the calls listed so far."),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"inspector--failed"}
    DEFAULT_CSS = """
    RequestInspector {
        height: 45%;
        border: round $primary;
        border-title-color: $primary;
        background: $surface;
    }
    RequestInspector > #inspector-calls { height: 1fr; min-height: 4; }
    RequestInspector > #inspector-detail {
        height: 2fr;
        border-top: solid $panel;
    }
    RequestInspector > #inspector-detail > Static { width: auto; }
    RequestInspector .inspector--failed { color: $error; text-style: bold; }
    """

    class CallRecorded(Message, bubble=False):
        def __init__(self, call: LoggedCall) -> None:
            super().__init__()
            self.call = call

    class DetailReady(Message, bubble=False):
        def __init__(self, detail: Detail, purpose: str) -> None:
            super().__init__()
            self.detail = detail
            self.purpose = purpose  # "show" | "pager"

    def __init__(self, log: RequestLog, *, kind: str | None = None, **kwargs) -> None:
        kwargs.setdefault("id", "inspector")
        super().__init__(**kwargs)
        self.request_log = log
        self.kind = kind
        self.calls: dict[int, LoggedCall] = {}
        self.shown: Detail | None = None
        # Calls recorded while hidden, listed when shown (no more than the log keeps).
        self._behind: deque[LoggedCall] = deque(maxlen=log.calls.maxlen)
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(id="inspector-calls", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="inspector-detail"):
            yield Static(id="inspector-text", markup=False)

    def on_mount(self) -> None:
        self._reset_table()
        self._set_titles()
        self._listen()

    def on_unmount(self) -> None:
        self._stop_listening()

    @property
    def table(self) -> DataTable:
        return self.query_one("#inspector-calls", DataTable)

    def _reset_table(self) -> None:
        """No rows, and columns as narrow as their titles again (clearing only the rows keeps
        the widths the old calls needed, e.g. a wide # column after a backend switch)."""
        table = self.table
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(name, key=name)

    @property
    def detail_text(self) -> str:
        """What the detail area shows (plain text; for tests and copy)."""
        return self.shown.text if self.shown else ""

    def selected(self) -> LoggedCall | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.calls.get(int(key)) if key is not None else None

    def set_log(self, log: RequestLog, *, kind: str | None = None) -> None:
        """Show another log (after a backend switch): the list starts again from its calls."""
        self._stop_listening()
        self.request_log, self.kind = log, kind
        self._behind = deque(maxlen=log.calls.maxlen)
        self._reset_table()
        self.calls.clear()
        self.shown = None
        self.query_one("#inspector-text", Static).update("")
        self._set_titles()
        self._listen()

    def _listen(self) -> None:
        for call in list(self.request_log.calls):
            self._add_row(call)
        self._unsubscribe = self.request_log.subscribe(self._on_log_record)
        if self.table.row_count:
            self.table.move_cursor(row=self.table.row_count - 1)

    def _stop_listening(self) -> None:
        if self._unsubscribe is not None:
            with contextlib.suppress(ValueError):  # already removed
                self._unsubscribe()
            self._unsubscribe = None

    def _set_titles(self) -> None:
        local = self.kind == "local"
        self.border_title = "Engine operations (l)" if local else "Requests (l)"
        self.border_subtitle = "Y curl · R response · v pager · C clear"

    def _on_log_record(self, call: LoggedCall) -> None:
        # Called by the backend on whatever thread made the call: never touch widgets here.
        self.post_message(self.CallRecorded(call))

    def _add_row(self, call: LoggedCall) -> None:
        failed = not call.ok
        style = self.get_component_rich_style("inspector--failed", partial=True) \
            if failed else ""
        self.calls[call.id] = call
        self.table.add_row(
            literal(call.id), literal(call.method), literal(path_of(call)),
            Text(status_text(call), style=style), literal(duration_text(call.duration_ms)),
            literal(size_text(call.response_size) if is_http(call) else DASH),
            key=str(call.id))
        limit = self.request_log.calls.maxlen
        while limit and self.table.row_count > limit:  # the log forgets the oldest: so do we
            oldest = self.table.coordinate_to_cell_key(Coordinate(0, 0)).row_key
            self.table.remove_row(oldest)
            if oldest.value is not None:  # rows are keyed by the call's number, as text
                self.calls.pop(int(oldest.value), None)

    @on(CallRecorded)
    def _recorded(self, message: CallRecorded) -> None:
        if not self.display:
            # Hidden: no rows, no formatting, no layout per call; `catch_up` when shown.
            self._behind.append(message.call)
            return
        self._show_calls([message.call])

    def catch_up(self) -> None:
        """List the calls recorded while the inspector was hidden."""
        calls = list(self._behind)
        self._behind.clear()
        if calls:
            self._show_calls(calls)

    def _show_calls(self, calls: list[LoggedCall]) -> None:
        table = self.table
        following = not table.row_count or table.cursor_row >= table.row_count - 1
        for call in calls:
            self._add_row(call)
        if following:  # keep showing the newest call unless the user moved up the list
            table.move_cursor(row=table.row_count - 1)

    @on(DataTable.RowHighlighted, "#inspector-calls")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        call = self.calls.get(int(event.row_key.value)) if event.row_key.value else None
        if call is not None:
            self._format_in_thread(call, "show")

    def _format_in_thread(self, call: LoggedCall, purpose: str) -> None:
        full = purpose == "pager"

        def work() -> None:
            self.post_message(self.DetailReady(format_call(call, full=full), purpose))

        self.run_worker(work, thread=True, exclusive=True, group=f"inspector-{purpose}",
                        exit_on_error=False)

    @on(DetailReady)
    def _detail_ready(self, message: DetailReady) -> None:
        if message.purpose == "pager":
            self._show_in_pager(message.detail.text)
            return
        current = self.selected()
        if current is None or current.id != message.detail.call_id:
            return  # the user moved on while it was formatted
        self.shown = message.detail
        self.query_one("#inspector-text", Static).update(Text(message.detail.text))

    # -- actions ----------------------------------------------------------------------------

    def _need_call(self) -> LoggedCall | None:
        call = self.selected()
        if call is None:
            self.app.notify("No call selected (the list is empty).", severity="warning",
                            markup=False)
        return call

    def action_copy_curl(self) -> None:
        call = self._need_call()
        if call is None:
            return
        if not is_http(call):
            self.app.notify(f"{call.method} is an engine operation: there is no HTTP request "
                            "to copy.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(as_curl(call))
        self.app.notify(f"Copied call #{call.id} as curl (secrets redacted).", markup=False)

    def action_copy_response(self) -> None:
        call = self._need_call()
        if call is None:
            return
        if not call.response_body:
            self.app.notify(f"Call #{call.id} has no response body.", severity="warning",
                            markup=False)
            return
        self.app.copy_to_clipboard(call.response_body)
        self.app.notify(f"Copied the response of call #{call.id} "
                        f"({size_text(call.response_size)}).", markup=False)

    def action_open_pager(self) -> None:
        call = self._need_call()
        if call is not None:
            self._format_in_thread(call, "pager")

    def _show_in_pager(self, text: str) -> None:
        command = pager_command()
        if command is None:
            self.app.notify("No pager found: set $PAGER (e.g. PAGER=less).", severity="warning",
                            markup=False)
            return
        try:
            with self.app.suspend():
                status = run_pager(text, command)
        except SuspendNotSupported:
            self.app.notify("This terminal cannot hand the screen to a pager; use R to copy "
                            "the response instead.", severity="warning", markup=False)
            return
        if status not in (0, None):
            self.app.notify(f"{command.split()[0]} exited with status {status}.",
                            severity="warning", markup=False)

    def action_clear(self) -> None:
        self.request_log.clear()
        self._behind.clear()
        self._reset_table()
        self.calls.clear()
        self.shown = None
        self.query_one("#inspector-text", Static).update("")

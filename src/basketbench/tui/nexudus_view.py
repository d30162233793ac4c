"""The Nexudus sessions view: the BasketSessions of the configured Nexudus profile, a page at a
time, filtered by SessionId; open one as a read-only basket; send the current basket to a new
session.

The app pushes `NexudusSessionsScreen(client, current_basket=...)` (or calls
`open_sessions_view(app, basket)`, which builds the client from the config) and handles
`SessionBasketOpened`, which carries the domain `Basket` parsed from the session's JsonContents.

`client` is a `basketbench.backends.nexudus.NexudusClient`; what this view uses of it is the
`SessionsClient` protocol below. Workers make the calls and post messages; only the message
handlers touch the widgets.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from .. import jsonio
from ..backends import BackendError
from ..model.basket import Basket
from ..wire import BasketSession, BasketSessionPage
from . import actions
from .format import DASH, literal, when

PAGE_SIZE = 25


class SessionsClient(Protocol):
    """What the view needs of `NexudusClient` (backends/nexudus.py)."""

    label: str  # base URL
    profile: str
    business_id: int | None
    read_only: bool

    async def list_sessions(self, *, page: int = 1, size: int = 25,
                            session_id: str | None = None) -> BasketSessionPage: ...
    async def get_session(self, record_id: int) -> BasketSession: ...
    async def send_basket(self, basket: Basket, business_id: int | None,
                          session_id: str) -> int: ...
    def session_basket(self, session: BasketSession) -> Basket: ...
    async def close(self) -> None: ...


class SessionBasketOpened(Message):
    """Posted to the app: show `basket` read-only (it is a snapshot parked in Nexudus, not a
    basket of the current backend). Handler: `on_session_basket_opened`."""

    def __init__(self, basket: Basket, record_id: int, session_id: str | None,
                 source: str) -> None:
        super().__init__()
        self.basket = basket
        self.record_id = record_id
        self.session_id = session_id
        self.source = source  # "Nexudus session 12 (SessionId abc) at https://..."
        self.read_only = True


@dataclass
class SessionRow:
    id: int
    session_id: str
    business_id: str
    lines: str
    total: str
    updated: str


def summarise(session: BasketSession) -> SessionRow:
    """One table row; JsonContents is only peeked at (line count, grand total)."""
    lines, total = DASH, DASH
    if session.json_contents:
        try:
            data = jsonio.loads(session.json_contents)
        except ValueError:
            data, lines = None, "not JSON"
        if isinstance(data, dict) and isinstance(data.get("result"), dict):
            data = data["result"]
        if isinstance(data, dict) and isinstance(data.get("lineItems"), list):
            lines = str(len(data["lineItems"]))
            grand = data.get("grandTotal") or {}
            formatted = (grand.get("formatted") or {}) if isinstance(grand, dict) else {}
            total = str(formatted.get("withTax") or DASH) if isinstance(formatted, dict) \
                else DASH
        elif data is not None:
            lines = "not a basket"
    return SessionRow(session.id or 0, session.session_id or "",
                      DASH if session.business_id is None else str(session.business_id),
                      lines, total, when(session.updated_on))


def parse_business_id(text: str) -> int | None:
    """'' -> None (the profile's business); else a positive whole number, or ValueError with a
    message naming the field and the value."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"BusinessId: {text!r} must be a positive whole number")
    return int(text)


# -- the send dialog -------------------------------------------------------------------------

@dataclass
class SendRequest:
    business_id: int | None
    session_id: str


class SendBasketScreen(ModalScreen[SendRequest | None]):
    """Ask BusinessId and SessionId (defaults from the profile and the basket)."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("dialog")
    DEFAULT_CSS = """
    SendBasketScreen { align: center middle; }
    SendBasketScreen > Vertical {
        width: 70; height: auto; padding: 1 2;
        border: round $primary; background: $surface;
    }
    SendBasketScreen Input { margin-bottom: 1; }
    SendBasketScreen .send-label { color: $text-muted; }
    SendBasketScreen #send-message { color: $error; height: auto; }
    SendBasketScreen Horizontal { height: auto; }
    """

    def __init__(self, basket_id: str, business_id: int | None, session_id: str) -> None:
        super().__init__()
        self.basket_id = basket_id
        self.default_business = "" if business_id is None else str(business_id)
        self.default_session = session_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal(f"Send basket {self.basket_id} to a new Nexudus session"),
                         markup=False)
            yield Static("BusinessId", classes="send-label")
            yield Input(self.default_business, id="send-business", restrict=r"[0-9]*",
                        placeholder="the business the session belongs to")
            yield Static("SessionId", classes="send-label")
            yield Input(self.default_session, id="send-session", max_length=200,
                        placeholder="the checkout session id")
            yield Static("", id="send-message", markup=False)
            with Horizontal():
                yield Button("Send", id="send-ok", variant="primary")
                yield Button("Cancel", id="send-cancel")

    def on_mount(self) -> None:
        self.query_one("#send-session", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def message(self) -> str:
        return str(self.query_one("#send-message", Static).content)

    def _submit(self) -> None:
        business_text = self.query_one("#send-business", Input).value
        session_id = self.query_one("#send-session", Input).value.strip()
        line = self.query_one("#send-message", Static)
        try:
            business_id = parse_business_id(business_text)
        except ValueError as exc:
            line.update(literal(str(exc)))
            return
        if business_id is None:
            line.update("BusinessId: is required (this profile has no business_id)")
            return
        if not session_id:
            line.update("SessionId: is required")
            return
        self.dismiss(SendRequest(business_id, session_id))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    @on(Button.Pressed, "#send-ok")
    def _ok(self) -> None:
        self._submit()

    @on(Button.Pressed, "#send-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


# -- the sessions view -----------------------------------------------------------------------

class NexudusSessionsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *actions.bindings("dialog"),
        Binding("n,right_square_bracket", "next_page", "Next page", id="nexudus.next_page"),
        Binding("p,left_square_bracket", "previous_page", "Previous page",
                id="nexudus.previous_page"),
        Binding("slash", "filter", "Filter by SessionId", id="nexudus.filter"),
        Binding("s", "send", "Send current basket", id="nexudus.send"),
        Binding("r", "refresh", "Refresh", id="nexudus.refresh"),
    ]
    DEFAULT_CSS = """
    NexudusSessionsScreen { align: center middle; }
    NexudusSessionsScreen > #nexudus-box {
        width: 90%; height: 85%; padding: 0 1;
        border: round $primary; border-title-color: $primary; background: $surface;
    }
    NexudusSessionsScreen #nexudus-filter { margin: 0 0 1 0; }
    NexudusSessionsScreen #nexudus-sessions { height: 1fr; }
    NexudusSessionsScreen #nexudus-status { height: auto; color: $text-muted; }
    NexudusSessionsScreen #nexudus-status.-error { color: $error; }
    NexudusSessionsScreen #nexudus-hint { color: $text-muted; }
    """

    class PageLoaded(Message, bubble=False):
        def __init__(self, page: BasketSessionPage, rows: list[SessionRow], page_no: int,
                     session_filter: str) -> None:
            super().__init__()
            self.page, self.rows = page, rows
            self.page_no, self.session_filter = page_no, session_filter

    class CallFailed(Message, bubble=False):
        def __init__(self, what: str, error: BaseException) -> None:
            super().__init__()
            self.what, self.error = what, error

    class Opened(Message, bubble=False):
        def __init__(self, opened: SessionBasketOpened) -> None:
            super().__init__()
            self.opened = opened

    class Sent(Message, bubble=False):
        def __init__(self, record_id: int, request: SendRequest) -> None:
            super().__init__()
            self.record_id, self.request = record_id, request

    def __init__(self, client: SessionsClient, *, current_basket: Basket | None = None,
                 page_size: int = PAGE_SIZE, owns_client: bool = False) -> None:
        super().__init__()
        self.client = client
        self.current_basket = current_basket
        self.page_size = page_size
        self.owns_client = owns_client  # close it when the view closes
        self.page_no = 1
        self.total_pages = 0
        self.total_items = 0
        self.session_filter = ""
        self.rows: list[SessionRow] = []
        self.last_sent: int | None = None  # the Id of the last session sent from here

    def compose(self) -> ComposeResult:
        with Vertical(id="nexudus-box"):
            yield Input(placeholder="SessionId filter (exact; enter to apply, empty for all)",
                        id="nexudus-filter")
            table: DataTable = DataTable(id="nexudus-sessions", cursor_type="row",
                                         zebra_stripes=True)
            yield table
            yield Static("loading…", id="nexudus-status", markup=False)
            yield Static("enter open (read-only) · n/p page · / filter · s send current "
                         "basket · r refresh · esc close", id="nexudus-hint", markup=False)

    def on_mount(self) -> None:
        box = self.query_one("#nexudus-box")
        box.border_title = f"Nexudus basket sessions · profile {self.client.profile}"
        box.border_subtitle = self.client.label
        table = self.table
        for name in ("Id", "SessionId", "BusinessId", "lines", "total", "updated"):
            table.add_column(name, key=name)
        table.focus()
        self.load()

    def on_unmount(self) -> None:
        if self.owns_client:
            self.app.run_worker(self.client.close(), exit_on_error=False)

    @property
    def table(self) -> DataTable:
        return self.query_one("#nexudus-sessions", DataTable)

    @property
    def status_text(self) -> str:
        return str(self.query_one("#nexudus-status", Static).content)

    def _status(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#nexudus-status", Static)
        line.update(literal(text))
        line.set_class(error, "-error")

    # -- loading ----------------------------------------------------------------------------

    def load(self, page_no: int | None = None) -> None:
        page_no = self.page_no if page_no is None else page_no
        self._status("loading…")
        self.run_worker(self._load(page_no, self.session_filter), group="nexudus-list",
                        exclusive=True, exit_on_error=False)

    async def _load(self, page_no: int, session_filter: str) -> None:
        try:
            page = await self.client.list_sessions(page=page_no, size=self.page_size,
                                                   session_id=session_filter or None)
            # JsonContents may be large: peek at them off the event loop.
            rows = await asyncio.to_thread(lambda: [summarise(s) for s in page.records or []])
        except Exception as exc:  # noqa: BLE001 - shown in the view, never a crash
            self.post_message(self.CallFailed("list sessions", exc))
            return
        self.post_message(self.PageLoaded(page, rows, page_no, session_filter))

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        page = message.page
        self.page_no = page.current_page or message.page_no
        self.total_pages = page.total_pages or 0
        self.total_items = page.total_items or 0
        self.rows = message.rows
        table = self.table
        table.clear()
        for row in message.rows:
            table.add_row(literal(row.id), literal(row.session_id), literal(row.business_id),
                          literal(row.lines), literal(row.total), literal(row.updated),
                          key=str(row.id))
        shown = f" with SessionId {message.session_filter!r}" if message.session_filter else ""
        if not self.total_items:
            self._status(f"no sessions{shown}")
        else:
            self._status(f"page {self.page_no} of {max(self.total_pages, 1)} · "
                         f"{self.total_items} session(s){shown}")

    @on(CallFailed)
    def _failed(self, message: CallFailed) -> None:
        error = message.error
        if isinstance(error, BackendError):
            details = "; ".join(d for d in error.field_errors if d and d not in error.message)
            text = f"{message.what} failed: {error.code} {error.status}: {error.message}"
            if details:
                text += f" ({details})"
        else:
            text = f"{message.what} failed: {type(error).__name__}: {error}"
        self._status(text, error=True)

    # -- actions ----------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next_page(self) -> None:
        if self.page_no < self.total_pages:
            self.load(self.page_no + 1)
        else:
            self._status(f"page {self.page_no} is the last page")

    def action_previous_page(self) -> None:
        if self.page_no > 1:
            self.load(self.page_no - 1)
        else:
            self._status("this is the first page")

    def action_refresh(self) -> None:
        self.load()

    def action_filter(self) -> None:
        self.query_one("#nexudus-filter", Input).focus()

    @on(Input.Submitted, "#nexudus-filter")
    def _filter_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.session_filter = event.value.strip()
        self.page_no = 1
        self.table.focus()
        self.load(1)

    def selected(self) -> SessionRow | None:
        table = self.table
        if not table.row_count:
            return None
        return self.rows[table.cursor_row] if table.cursor_row < len(self.rows) else None

    @on(DataTable.RowSelected, "#nexudus-sessions")
    def _open_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.selected()
        if row is None:
            return
        self._status(f"opening session {row.id}…")
        self.run_worker(self._open(row.id), group="nexudus-open", exclusive=True,
                        exit_on_error=False)

    async def _open(self, record_id: int) -> None:
        try:
            session = await self.client.get_session(record_id)
            basket = self.client.session_basket(session)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.CallFailed(f"open session {record_id}", exc))
            return
        source = (f"Nexudus session {record_id} (SessionId {session.session_id}) at "
                  f"{self.client.label}")
        self.post_message(self.Opened(SessionBasketOpened(basket, record_id,
                                                          session.session_id, source)))

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        self.app.post_message(message.opened)
        self.dismiss(None)

    def action_send(self) -> None:
        basket = self.current_basket
        if basket is None:
            self._status("send: open a basket in the workbench first", error=True)
            return
        if getattr(self.client, "read_only", False):
            self._status(f"send refused: profile {self.client.profile!r} is read-only",
                         error=True)
            return
        basket_id = basket.id or ""
        self.app.push_screen(SendBasketScreen(basket_id, self.client.business_id, basket_id),
                             self._send_answered)

    def _send_answered(self, request: SendRequest | None) -> None:
        if request is None or self.current_basket is None:
            return
        self._status(f"sending basket as SessionId {request.session_id!r}…")
        self.run_worker(self._send(self.current_basket, request), group="nexudus-send",
                        exit_on_error=False)

    async def _send(self, basket: Basket, request: SendRequest) -> None:
        try:
            record_id = await self.client.send_basket(basket, request.business_id,
                                                      request.session_id)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.CallFailed("send basket", exc))
            return
        self.post_message(self.Sent(record_id, request))

    @on(Sent)
    def _sent(self, message: Sent) -> None:
        text = (f"sent as session {message.record_id} (SessionId "
                f"{message.request.session_id!r}, BusinessId {message.request.business_id})")
        self.app.notify(text, title="Nexudus", markup=False)
        self.session_filter = ""
        self.query_one("#nexudus-filter", Input).value = ""
        self.page_no = 1
        self.load(1)  # newest first: the new session is on the first page
        self.last_sent = message.record_id


def open_sessions_view(app: Any, current_basket: Basket | None = None, *,
                       profile: str | None = None,
                       api: str | None = None) -> NexudusSessionsScreen | None:
    """Build a client for the Nexudus profile (the named one, else the configured one), or
    for `api` (the workbench's --api URL: the sandbox serves the BasketSession API too, as
    `basketbench nexudus --api` uses it), and push the view; a configuration problem becomes
    a notification. Returns the screen."""
    from ..backends.factory import open_nexudus
    from ..config import ConfigError

    try:
        client = open_nexudus(None if api else profile, api=api)
    except (ConfigError, BackendError) as exc:
        app.notify(str(getattr(exc, "message", None) or exc), title="Nexudus sessions",
                   severity="warning", markup=False, timeout=8)
        return None
    screen = NexudusSessionsScreen(client, current_basket=current_basket, owns_client=True)
    app.push_screen(screen)
    return screen


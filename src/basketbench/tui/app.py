"""The workbench app: four panes (baskets, lines, totals, delivery) and a status bar over one
`Backend`.

Data flow of a key: binding -> action -> worker (calls the backend) -> message -> handler
renders the panes from the one `wire.Basket` the backend returned. Loads may cancel older
loads; mutations are never cancelled and run one at a time per basket, and every error becomes
a notification or an error dialog.

A change is bound to what the person saw when they pressed the key (`Seen`: basket, version,
line), checked in one place from the action registry's `mutates` (read-only, snapshot, not
connected), held while another basket is loading and applied once it has, and sent with the
version it was based on, so a basket changed elsewhere is refused, never silently overwritten.
`+`/`-` pressed while a change is in flight add up into one more change.
"""

from __future__ import annotations

import contextlib
import functools
import time
import traceback
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import DataTable, Footer

from .. import jsonio
from ..backends import Backend, BackendError, BasketPage
from ..backends.precondition import expecting_version
from ..model.ids import ZERO_GUID
from ..model.lines import custom_texts, is_child, parent_key
from ..model.requests import (
    COLLECT_OFF,
    CustomInfo,
    CustomTexts,
    DisplayOrder,
    ItemInput,
    LineInfo,
    StoreChoice,
)
from ..model.summary import summary_of
from ..redact import redact_text
from . import actions, diff
from .commands import BasketCommands
from .connect import (
    BackendOpened,
    BackendOpenFailed,
    EarlyOpen,
    Opener,
    PendingBackend,
    open_backend_worker,
)
from .diff import line_key
from .explain_actions import ExplainActions
from .flow_commands import FlowCommands
from .follow import FollowMode
from .format import plural, price, raw, short_id, user_label
from .guard import guarded
from .history_actions import HistoryActions
from .inspector import RequestInspector
from .messages import (
    BasketChanged,
    BasketDeleted,
    BasketLoaded,
    BasketsPageLoaded,
    CallFailed,
    MutationFinished,
)
from .panes import BasketsPane, BenchTable, DeliveryPane, LinesPane, StatusBar, TotalsPane
from .panes.baskets import PAGE_SIZE
from .screens import (
    AddItemScreen,
    ChildLineScreen,
    Choice,
    ChoiceScreen,
    ConfirmScreen,
    CustomInfoScreen,
    ErrorScreen,
    HelpScreen,
    MergeScreen,
    Picked,
    PromoScreen,
    QuantityScreen,
    ShippingScreen,
    TextPromptScreen,
)
from .screens.add_item import GUID
from .screens.promo import promo_ok
from .seen import Seen, seen_of
from .themes import ThemePersistence, choose_theme, register_themes
from .too_small import TooSmall, too_small

if TYPE_CHECKING:  # imported on first use: the Nexudus view is not needed to start
    from ..model.basket import Basket
    from .nexudus_view import SessionBasketOpened

HIGHLIGHT_SECONDS = 2.0  # how long changed lines and totals stay highlighted
FILTER_DELAY = 0.2  # seconds of quiet typing before the basket list is filtered
LONG_ERROR = 240  # longer messages (or many field errors) get a dialog, not a toast
BUSY_NOTICE_GAP = 3.0  # seconds: a burst of refused keys gives one "busy" toast, not many
HELD_KEYS = 20  # at most this many changes wait for a basket that is loading
REFRESHING = "refreshing…"

# A mutation: given the backend and the basket id, make one call and return its result.
Call = Callable[[Backend, str], Awaitable[Any]]
After = Callable[[Any, BackendError | None], None]


def checked_change(method: Callable) -> Callable:
    """A changing action (`mutates` in the registry) runs only when a change may be made now:
    the one place that refuses it (read-only, snapshot, not connected, no basket) or holds
    it until the basket being opened has loaded."""
    action = method.__name__.removeprefix("action_")

    @functools.wraps(method)
    def wrapper(self: BasketBench, *args: Any, **kwargs: Any) -> Any:
        if not self.may_change(action):
            return None
        return method(self, *args, **kwargs)

    return wrapper


def guard_handlers(cls: type) -> type:
    """Apply `guarded` to every action_* and on_* method the class defines, and
    `checked_change` to every action the registry marks as changing data."""
    for name, value in list(vars(cls).items()):
        if not callable(value) or name in ("on_mount", "on_unmount"):
            continue
        if name.startswith("action_") and name.removeprefix("action_") in actions.MUTATING:
            value = checked_change(value)
        if name.startswith(("action_", "on_")):
            setattr(cls, name, guarded(value))
    return cls


def basket_in(result: Any) -> Basket | None:
    """The basket a mutation returned, if it returned one (PromoResult carries one)."""
    from ..model.basket import Basket
    from ..model.results import PromoResult

    if isinstance(result, Basket):
        return result
    if isinstance(result, PromoResult) and isinstance(result.basket, Basket):
        return result.basket
    return None


def _profile_commands() -> type:
    """The palette's profile provider, imported when the palette first opens (start-up)."""
    from .profile_commands import ProfileCommands

    return ProfileCommands


@guard_handlers
class BasketBench(FollowMode, HistoryActions, ExplainActions, App):
    CSS_PATH = "app.tcss"
    TITLE = "basketbench"
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("app")
    COMMANDS = App.COMMANDS | {BasketCommands, _profile_commands}
    # Keys typed while the screen starts go to the basket list, never to the filter box.
    AUTO_FOCUS = "#baskets-table"

    def __init__(self, backend: Backend | None = None, *, profile_name: str = "local",
                 keymap: dict[str, str] | None = None, read_only: bool | None = None,
                 user_id: str | None = None, opener: Opener | None = None,
                 theme: str | None = None, persist_theme: bool = False,
                 config_dir: str | Path | None = None, api: str | None = None) -> None:
        """`backend`, or an `opener` that returns one: it is then opened in a thread, and
        the screen does not wait for it. `theme` is the configured theme (None: the default);
        with `persist_theme` a theme chosen while running is saved in the config file.
        `config_dir` holds the user's themes (default: the config directory)."""
        super().__init__()
        if backend is None and opener is None:
            raise ValueError("BasketBench needs a backend or an opener")
        self.keymap = actions.normalise_keymap(keymap)  # a bad id: ValueError before opening
        # Opened in a thread once the first paint is done; a worker waits for it.
        self._opener = EarlyOpen(opener) if backend is None and opener is not None else None
        self.backend = backend if backend is not None else PendingBackend(profile_name,
                                                                          profile_name)
        self.profile_name = profile_name
        self.api = api  # the --api URL: N opens its BasketSessions too
        self._read_only_override = read_only
        self.read_only = self.backend.capabilities.read_only if read_only is None else read_only
        self._open_token = 0  # the newest backend open; older ones are dropped
        self.snapshot: str | None = None  # a Nexudus session's basket shown read-only
        # Themes: ours and the user's registered up front, chosen on mount.
        self.theme_problems: list[str] = []
        register_themes(self, config_dir, problems=self.theme_problems)
        self._wanted_theme = theme
        self._persist_theme = persist_theme
        self.user_id = user_id  # list only this user's baskets
        self.basket: Basket | None = None
        self.basket_id: str | None = None
        self.busy: set[str] = set()
        self.loading_id: str | None = None  # another basket being opened: changes wait
        self.held: list[str] = []  # changing actions pressed meanwhile, applied once it shows
        # +/- pressed while a change to the basket is in flight: (basket, line key) ->
        # [line, units], sent as one change when the basket is free again.
        self.queued: dict[tuple[str, str], list] = {}
        self.versions: dict[str, int | None] = {}  # the newest version each change returned
        self._busy_noticed = 0.0
        self.backend_closed = False
        self._filter_timer: Timer | None = None
        self._highlight_timer: Timer | None = None
        self._last_table: str = "baskets-table"
        self._list_query: str | None = None  # the filter of the last list load started
        # Every notification shown (severity, title, message), newest last: tests and the
        # error history read it; toasts themselves disappear.
        self.notices: deque[tuple[str, str, str]] = deque(maxlen=200)
        self.flow_tools = FlowCommands(self)  # R recording, flow replay, basket diff

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        self.notices.append((severity, title, message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def show_bug(self, where: str, error: BaseException) -> None:
        """An exception that is not a BackendError: log it, show it, keep running."""
        self.log.error("".join(traceback.format_exception(error)))
        secrets = getattr(self.backend.log, "secrets", [])
        text = redact_text(f"{type(error).__name__}: {error}", secrets)
        self.status.say(f"{where} failed: unexpected {type(error).__name__}")
        self.push_screen(ErrorScreen(f"{where}: unexpected error", text,
                                     ["The workbench keeps running; nothing was lost.",
                                      "Please report this with the steps that led here."]))

    def push_screen(self, screen: Any, callback: Callable | None = None,
                    wait_for_dismiss: bool = False, *, mode: str | None = None) -> Any:
        # Dialog callbacks run app code: guard them like actions.
        guarded = None
        if callback is not None:
            inner = callback

            def guarded(result: Any) -> Any:
                try:
                    return inner(result)
                except Exception as exc:  # noqa: BLE001 - a bug in a dialog's answer is shown
                    self.show_bug("dialog", exc)
                    return None

        if wait_for_dismiss:
            return super().push_screen(screen, guarded, wait_for_dismiss=True, mode=mode)
        return super().push_screen(screen, guarded, mode=mode)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BasketsPane(id="baskets")
            with Vertical(id="right"):
                yield LinesPane(id="lines")
                with Horizontal(id="bottom"):
                    yield TotalsPane(id="totals")
                    yield DeliveryPane(id="delivery")
        # Hidden until `l`; it follows the backend's request log.
        yield RequestInspector(self.backend.log, kind=self.backend.kind, id="inspector")
        yield StatusBar(id="status")
        yield Footer()
        yield TooSmall(id="too-small")  # over everything when the terminal is too small

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self._start_theme()
        self.status.set_basket(None, None)
        self.lines_pane.show(None)
        self.baskets_pane.table.focus()
        # First paint never waits for the backend: it is opened, and the list loaded, in
        # workers, started once the screen is painted (connect.EarlyOpen says why).
        if self._opener is not None:
            self.status.set_backend("connecting", "…", self.profile_name, self.read_only)
            self.call_after_refresh(self._open_backend, self._opener,
                                    what=f"open profile {self.profile_name!r}",
                                    profile_name=self.profile_name, switching=False)
        else:
            self.status.set_backend(self.backend.kind, self.backend.label, self.profile_name,
                                    self.read_only)
            self.load_baskets()

    def on_resize(self, event) -> None:
        small = too_small(event.size.width, event.size.height)
        self.set_class(small, "-too-small")
        for screen in self.screen_stack:  # the message shows the size: redraw it
            for widget in screen.query(TooSmall):
                widget.refresh()

    async def on_unmount(self) -> None:
        """Close the backend here, in the app's own event loop: an HTTP client closed from
        another loop after the app has gone fails with "Event loop is closed"."""
        try:
            await self.backend.close()
        except Exception as exc:  # noqa: BLE001 - quitting goes on; say what went wrong
            self.log.error(f"closing the backend failed: {type(exc).__name__}: {exc}")
        self.backend_closed = True

    def _start_theme(self) -> None:
        name, note = choose_theme(self._wanted_theme, self.available_themes)
        self.theme = name
        if self._persist_theme:
            # Saved only when it changes from the one just chosen (the palette's "theme").
            ThemePersistence(saved=name, on_error=self._theme_not_saved).attach(self)
        for problem in ([note] if note else []) + self.theme_problems:
            self.notify(problem, title="Themes", severity="warning", markup=False, timeout=10)

    def _theme_not_saved(self, message: str) -> None:
        self.notify(message, title="Themes", severity="warning", markup=False)

    @property
    def inspector(self) -> RequestInspector:
        return self.query_one(RequestInspector)

    # -- backends: opened after the first paint, switched without a restart ------------------

    @property
    def connecting(self) -> bool:
        return isinstance(self.backend, PendingBackend)

    def _open_backend(self, opener: Opener, *, what: str, profile_name: str,
                      switching: bool) -> None:
        self._open_token += 1
        open_backend_worker(self, opener, what=what, profile_name=profile_name,
                            switching=switching, token=self._open_token)

    def switch_backend(self, profile: str | None = None, *, db: str | None = None,
                       api: str | None = None) -> None:
        """Open another profile, local database or API URL (in a thread) and swap it in when
        it is open; the current backend stays in use until then, and if opening fails."""
        self.api = api
        where = api or (str(db) if db else None) or profile or "the default backend"
        name = api or profile or ("local" if db else "default")
        self.status.say(f"connecting to {where}…")
        self._open_backend(functools.partial(_open_backend, db, profile, api),
                           what=f"switch to {where}", profile_name=name, switching=True)

    def on_backend_opened(self, message: BackendOpened) -> None:
        new = message.backend
        if message.token != self._open_token:  # a newer switch was asked for meanwhile
            self.run_worker(new.close(), exit_on_error=False)
            return
        old = self.backend
        self.backend = new
        self.profile_name = str(getattr(new, "profile", None) or message.profile_name)
        override = None if message.switching else self._read_only_override
        self.read_only = new.capabilities.read_only if override is None else override
        # Results still on their way from the old backend are no longer wanted.
        self.workers.cancel_group(self, "baskets")
        self.workers.cancel_group(self, "basket")
        self._stop_loading(f"the backend changed to {new.label}")
        self.inspector.set_log(new.log, kind=new.kind)
        self.status.set_backend(new.kind, new.label, self.profile_name, self.read_only)
        self._leave_snapshot()
        if message.switching:
            self.basket_id = None
            self.render_basket(None)
            self.baskets_pane.set_new(None)
            self.status.say(f"switched to profile {self.profile_name} ({new.kind} "
                            f"{new.label})")
            self.notify(f"Now on profile {self.profile_name}: {new.kind} {new.label}"
                        + (" (read-only)" if self.read_only else ""), markup=False)
        self.load_baskets()
        if old is not new:
            self.run_worker(old.close(), exit_on_error=False)

    def on_backend_open_failed(self, message: BackendOpenFailed) -> None:
        if message.token != self._open_token:
            return
        if isinstance(self.backend, PendingBackend):  # nothing open: say so where it shows
            self.backend.problem = message.message
            self.status.set_backend("not connected", "", self.profile_name, self.read_only)
        self.status.say(f"{message.what} failed")
        hints = ["Switch profile or backend from the command palette (ctrl+p, then "
                 "\"profile\" or \"backend\"), or quit with q."]
        if message.switching and not isinstance(self.backend, PendingBackend):
            hints.insert(0, f"Still on profile {self.profile_name} ({self.backend.label}).")
        self.push_screen(ErrorScreen(f"{message.what} failed", message.message, hints))

    @property
    def baskets_pane(self) -> BasketsPane:
        return self.query_one(BasketsPane)

    @property
    def lines_pane(self) -> LinesPane:
        return self.query_one(LinesPane)

    @property
    def totals_pane(self) -> TotalsPane:
        return self.query_one(TotalsPane)

    @property
    def delivery_pane(self) -> DeliveryPane:
        return self.query_one(DeliveryPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    # -- loading ----------------------------------------------------------------------------

    def load_baskets(self, *, append: bool = False, offset: int = 0,
                     limit: int = PAGE_SIZE) -> None:
        pane = self.baskets_pane
        query = pane.filter_input.value.strip()
        self._list_query = query
        if not append:
            pane.loading_more = pane.to_last = False
        self._loading(pane, True)
        self.run_worker(self._load_baskets(query, self.user_id, offset, append, limit),
                        group="baskets", exclusive=True, exit_on_error=False)

    async def _load_baskets(self, query: str, user_id: str | None, offset: int,
                            append: bool, limit: int = PAGE_SIZE) -> None:
        note = ""
        try:
            if self.backend.capabilities.list_all:
                page = await self.backend.list_baskets(user_id=user_id, query=query or None,
                                                       offset=offset, limit=limit)
            else:
                # Endpoint 01 lists one user's baskets: the user is the profile's, or the
                # filter when it is a user id.
                uid = query if GUID.match(query) else user_id
                rows = []
                if uid:
                    rows = [summary_of(b) for b in await self.backend.list_user_baskets(uid)]
                    if query and query != uid:
                        rows = [r for r in rows if query.lower() in r.id.lower()]
                else:
                    note = "this backend lists one user's baskets: / then a user id"
                page = BasketPage(total=len(rows), offset=0, rows=rows)
        except Exception as exc:  # noqa: BLE001 - BackendError or a bug: shown, app carries on
            self.post_message(CallFailed("list baskets", exc))
            return
        self.post_message(BasketsPageLoaded(page, query, user_id, append, note))

    def open_basket(self, basket_id: str) -> None:
        self._leave_snapshot()
        if self.loading_id is not None and self.loading_id != basket_id.lower():
            self._drop_held(f"basket {short_id(self.loading_id)} was left before it loaded")
        self.basket_id = basket_id.lower()
        shown = (self.basket.id or "").lower() if self.basket is not None else None
        # Until this basket shows, the panes show another one: changes pressed now wait.
        self.loading_id = self.basket_id if shown != self.basket_id else None
        for pane in (self.lines_pane, self.totals_pane, self.delivery_pane):
            self._loading(pane, True)
        self.status.set_basket(self.basket_id, None, busy=self.basket_id in self.busy)
        self.run_worker(self._load_basket(self.basket_id), group="basket", exclusive=True,
                        exit_on_error=False)

    async def _load_basket(self, basket_id: str) -> None:
        try:
            basket = await self.backend.get_basket(basket_id)
        except Exception as exc:  # noqa: BLE001 - BackendError or a bug: shown, app carries on
            self.post_message(CallFailed("open basket", exc, basket_id))
            return
        self.post_message(BasketLoaded(basket))

    def _loading(self, pane, on: bool) -> None:
        pane.set_class(on, "-loading")
        pane.border_subtitle = "loading…" if on else ""

    # -- mutations --------------------------------------------------------------------------

    def may_change(self, action: str) -> bool:
        """Whether a changing action may run now (see `checked_change`): refused with a
        message on read-only profiles, snapshots, before the backend is open and with no
        basket; held (and applied later) while another basket is loading."""
        what = actions.BY_ACTION[action].description
        if self.has_class("-too-small"):
            self.notify(f"{what} refused: the terminal is too small to show what it would "
                        "change; enlarge it first", severity="warning", markup=False)
            return False
        if self.connecting:
            self.notify(f"{what} refused: not connected to a backend yet",
                        severity="warning", markup=False)
            return False
        if self.read_only:
            self.notify(f"{what} refused: profile {self.profile_name!r} is read-only",
                        title="Read-only", severity="warning", markup=False)
            return False
        on_list = action == "delete_basket" and self.focused is self.baskets_pane.table \
            and self.baskets_pane.highlighted_id() is not None
        if self.snapshot and not on_list:
            self.notify(f"{what} refused: the basket shown is a read-only snapshot of "
                        f"{self.snapshot}; open a basket in pane 1 to change it",
                        title="Read-only", severity="warning", markup=False)
            return False
        if self.loading_id is not None and not on_list:
            if len(self.held) < HELD_KEYS:
                self.held.append(action)
                self.status.say(f"{what}: held until basket {short_id(self.loading_id)} "
                                "has loaded")
            else:
                self.status.say(f"{what} dropped: too many keys held")
            return False
        if self.basket is None and not on_list:
            self.notify("Open a basket first (enter in pane 1, or n for a new one).",
                        severity="warning", markup=False)
            return False
        return True

    def seen(self, line=None) -> Seen:
        """What is shown now: the change about to be made is bound to it."""
        assert self.basket is not None
        return seen_of(self.basket, line)

    def _busy(self, what: str, basket_id: str) -> bool:
        """True (and said, without a burst of toasts) while a change to the basket is in
        flight."""
        if basket_id not in self.busy:
            return False
        text = f"{what} refused: a change to basket {short_id(basket_id)} is still in flight"
        self.status.say(text)
        now = time.monotonic()
        if now - self._busy_noticed > BUSY_NOTICE_GAP:
            self._busy_noticed = now
            self.notify(f"busy: {text}", severity="warning", markup=False)
        return True

    def mutate(self, label: str, call: Call, seen: Seen, *, after: After | None = None) -> bool:
        """Start one change of the basket the person saw, in a worker; False if refused."""
        bid = seen.basket_id
        if self._busy(label, bid):
            return False
        self.busy.add(bid)
        self._show_busy(bid)
        before = self.basket if self.basket is not None and \
            (self.basket.id or "").lower() == bid else None
        self.run_worker(self._mutation(seen, label, call, before, after),
                        group=f"mutate-{bid}", exit_on_error=False)
        return True

    async def _mutation(self, seen: Seen, label: str, call: Call, before: Basket | None,
                        after: After | None) -> None:
        bid, ok = seen.basket_id, False
        try:
            # While a flow is recorded, the change runs through the recorder (a pass-through);
            # the undo log notes every change.
            with expecting_version(seen.version):
                result = await call(self.undo_watch(
                    self.flow_tools.backend_for(self.backend, before)), bid)
            basket = basket_in(result)
            if basket is None:  # RecordResult / bool: read the basket the change left
                basket = await self.backend.get_basket(bid)
        except Exception as exc:  # noqa: BLE001 - BackendError or a bug: shown, app carries on
            self.post_message(CallFailed(label, exc, bid, after, expected=seen.version))
        else:
            ok = True
            self.post_message(BasketChanged(basket, label, before, result, after))
        finally:
            self.post_message(MutationFinished(bid, ok=ok))

    def delete(self, seen: Seen) -> None:
        basket_id = seen.basket_id
        if self._busy("delete", basket_id):
            return
        self.busy.add(basket_id)
        self._show_busy(basket_id)
        self.run_worker(self._delete(seen), group=f"mutate-{basket_id}", exit_on_error=False)

    async def _delete(self, seen: Seen) -> None:
        basket_id, ok = seen.basket_id, False
        try:
            with expecting_version(seen.version):
                existed = await self.flow_tools.backend_for(self.backend).delete_basket(
                    basket_id)
        except Exception as exc:  # noqa: BLE001 - BackendError or a bug: shown, app carries on
            self.post_message(CallFailed("delete basket", exc, basket_id,
                                         expected=seen.version))
        else:
            ok = True
            self.post_message(BasketDeleted(basket_id, bool(existed)))
        finally:
            self.post_message(MutationFinished(basket_id, ok=ok))

    def _show_busy(self, basket_id: str) -> None:
        if basket_id == self.basket_id:
            # The subtitle only (in the warning colour): a class on the pane would restyle,
            # and so redraw, the whole lines table on every keypress.
            self.lines_pane.border_subtitle = "saving…"
            version = self.basket.version if self.basket is not None else None
            self.status.set_basket(basket_id, version, busy=True,
                                   new=bool(self.basket and self.basket.is_new))

    # -- message handlers: the only code that touches the panes -----------------------------

    def on_baskets_page_loaded(self, message: BasketsPageLoaded) -> None:
        pane = self.baskets_pane
        self._loading(pane, False)
        pane.show_page(message.page, query=message.query, user_id=message.user_id,
                       append=message.append, note=message.note)
        self._show_last_call()
        if self.status.message == REFRESHING:
            self.status.say(f"refreshed: {plural(pane.total, 'basket')} listed"
                            + (f", basket {short_id(self.basket_id)} read again"
                               if self.basket_id and not self.snapshot else ""))

    def on_basket_loaded(self, message: BasketLoaded) -> None:
        basket = message.basket
        if (basket.id or "").lower() != self.basket_id:
            return  # an older load finished after the user moved on
        self.render_basket(basket)
        self._show_last_call()
        self.loading_id = None
        self._replay_held()

    def _replay_held(self) -> None:
        """The changes pressed while this basket loaded, applied to it now that it shows
        (each one captures the basket, version and line as they are now on screen)."""
        held, self.held = self.held, []
        for action in held:
            self.call_later(self.run_action, action)

    def _stop_loading(self, why: str) -> None:
        """A basket load was cancelled: nothing waits for it any more."""
        if self.loading_id is not None:
            self._drop_held(why)
            self.loading_id = None

    def _drop_held(self, why: str) -> None:
        if self.held:
            names = ", ".join(actions.BY_ACTION[a].description for a in self.held)
            self.notify(f"Not done ({names}): {why}.", severity="warning", markup=False)
            self.held = []

    def on_basket_changed(self, message: BasketChanged) -> None:
        from ..model.results import PromoResult

        basket = message.basket
        bid = (basket.id or "").lower()
        result = message.result
        if isinstance(result, PromoResult) and not promo_ok(result):
            reason = result.message or "refused"
            self.status.say(f"{message.label} refused: {reason}")
            self.notify(reason, title=f"{message.label} refused", severity="warning",
                        markup=False)
        else:
            self.status.say(f"{message.label}: {diff.describe(message.before, basket)}")
        self.undo_note(message)  # filed for ctrl+z (history_actions.py)
        self.versions[bid] = None if basket.is_new else basket.version
        if bid == self.basket_id and self.loading_id is None:
            self.render_basket(basket, before=message.before)
        pane = self.baskets_pane
        if not pane.upsert(basket):
            if pane.new_id == bid:
                pane.new_id = None
            self.load_baskets()
        self._show_last_call()
        if message.after is not None:
            message.after(result, None)

    def on_basket_deleted(self, message: BasketDeleted) -> None:
        bid = message.basket_id
        self.baskets_pane.remove_basket(bid)
        if bid == self.basket_id:
            self.basket, self.basket_id = None, None
            self.render_basket(None)
        what = "deleted" if message.existed else "was not saved (nothing to delete)"
        self.status.say(f"basket {short_id(bid)} {what}")
        self.notify(f"Basket {short_id(bid)} {what}.", markup=False)
        self._show_last_call()

    def on_mutation_finished(self, message: MutationFinished) -> None:
        bid = message.basket_id
        self.busy.discard(bid)
        if bid == self.basket_id:
            self.lines_pane.border_subtitle = ""
            basket = self.basket
            self.status.set_basket(self.basket_id, basket.version if basket else None,
                                   new=bool(basket and basket.is_new))
        mine = [key for key in self.queued if key[0] == bid]
        if not mine:
            return
        if not message.ok:  # what the presses added to has failed: do not guess on
            dropped = ", ".join(f"{line.stock_code} {units:+d}" for line, units in
                                (self.queued.pop(key) for key in mine))
            self.status.say(f"queued changes dropped after the failure: {dropped}")
            return
        line, units = self.queued.pop(mine[0])
        if units:
            seen = Seen(bid, self.versions.get(bid), line)
            self._send_delta(seen, units)

    def on_call_failed(self, message: CallFailed) -> None:
        error = message.error
        if message.what == "list baskets":
            self._loading(self.baskets_pane, False)
            self.baskets_pane.loading_more = self.baskets_pane.to_last = False
        if message.what == "open basket":
            for pane in (self.lines_pane, self.totals_pane, self.delivery_pane):
                self._loading(pane, False)
            if message.basket_id == self.loading_id:
                self.loading_id = None
                self._drop_held(f"basket {short_id(message.basket_id)} did not open")
        if isinstance(error, BackendError) and error.code == "CONFLICT" and message.basket_id:
            self._stale(message, error)
            return
        secrets = getattr(self.backend.log, "secrets", [])
        if isinstance(error, BackendError):
            text = redact_text(error.message or error.code, secrets)
            details = [redact_text(d, secrets) for d in error.field_errors
                       if d and d not in text]
            status = f" {error.status}" if error.status else ""
            title = f"{message.what} failed: {error.code}{status}"
            self.status.say(f"{message.what} failed: {error.code}")
            if len(text) > LONG_ERROR or len(details) > 3:
                self.push_screen(ErrorScreen(title, text, details))
            else:
                body = "\n".join([text, *details])
                self.notify(body, title=title, severity="error", markup=False, timeout=8)
            backend_error = error
        else:
            # Not a backend error: a bug. Show it and keep running.
            self.show_bug(message.what, error)
            text = redact_text(f"{type(error).__name__}: {error}", secrets)
            backend_error = BackendError(0, "UNEXPECTED", text)
        self._show_last_call()
        if message.after is not None:
            message.after(None, backend_error)

    def _stale(self, message: CallFailed, error: BackendError) -> None:
        """The basket changed since it was shown (someone else, another window): nothing
        was changed; show it as it is now."""
        bid = message.basket_id
        assert bid is not None
        now = error.current_version
        moved = f"version {message.expected} -> {now}" if now is not None else \
            f"it is no longer version {message.expected}"
        text = (f"basket {short_id(bid)} changed since you saw it ({moved}); reloaded. "
                f"{message.what} was not applied: check the basket and try again")
        self.status.say(f"{message.what} refused: basket changed ({moved}); reloaded")
        self.notify(text, title="Changed elsewhere", severity="warning", markup=False,
                    timeout=8)
        if bid == self.basket_id:
            self.open_basket(bid)
        self._show_last_call()
        if message.after is not None:
            message.after(None, error)

    # -- rendering --------------------------------------------------------------------------

    def show_replayed_basket(self, basket: Basket) -> None:
        """Show the basket a replayed flow step left, as if it had been opened (FlowHost)."""
        bid = (basket.id or "").lower()
        current = self.basket
        before = current if current is not None and (current.id or "").lower() == bid else None
        self.basket_id = bid
        self.render_basket(basket, before=before)
        self.baskets_pane.upsert(basket)

    def render_basket(self, basket: Basket | None, *, before: Basket | None = None) -> None:
        self.basket = basket
        self.follow_shown()  # follow mode follows the basket on screen (follow.py)
        lines, totals, delivery = self.lines_pane, self.totals_pane, self.delivery_pane
        for pane in (lines, totals, delivery):
            self._loading(pane, False)
        if basket is None:
            lines.show(None)
            totals.show(None)
            delivery.show(None)
            self.status.set_basket(None, None)
            lines.border_title = "2 Lines"
            return
        changed_lines = diff.changed_lines(before, basket) if before is not None else set()
        changed_totals = diff.changed_totals(before, basket) if before is not None else set()
        delivery_changed = before is not None and (
            delivery.render_text(before).plain != delivery.render_text(basket).plain)
        lines.show(basket, changed_lines)
        self.audit_in_background(basket)  # first: a verdict known now is drawn with the totals
        totals.show(basket, changed_totals)
        delivery.show(basket, changed=delivery_changed)
        who = user_label(basket.user_email, basket.user_id)
        state = " · new, not saved" if basket.is_new else ""
        state += " · locked" if basket.is_locked else ""
        state += " · quote" if basket.is_quote else ""
        # Border titles are read as markup: the email is user data, so escape it.
        lines.border_title = escape(f"2 Lines · {short_id(basket.id)} · {who}{state}")
        self.status.set_basket(basket.id, basket.version, new=basket.is_new,
                               busy=(basket.id or "").lower() in self.busy)
        if changed_lines or changed_totals or delivery_changed:
            if self._highlight_timer is not None:
                self._highlight_timer.stop()
            self._highlight_timer = self.set_timer(HIGHLIGHT_SECONDS, self.clear_highlights)

    def clear_highlights(self) -> None:
        try:
            lines, totals, delivery = self.lines_pane, self.totals_pane, self.delivery_pane
        except NoMatches:  # the timer fired while the app was closing: the panes are gone
            return
        lines.clear_highlight()
        totals.clear_highlight()
        delivery.remove_class("-changed")

    def _show_last_call(self) -> None:
        calls = getattr(self.backend.log, "calls", None)
        if not calls:
            return
        call = calls[-1]
        result = f"{call.status}" if call.status is not None else "no response"
        if call.error:
            result += " error"
        self.status.set_call(f"{call.method} {result} {call.duration_ms:.0f} ms")

    # -- pane events ------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "baskets-table" and event.row_key.value:
            self.open_basket(event.row_key.value)

    def on_baskets_pane_need_more(self, message: BasketsPane.NeedMore) -> None:
        self.load_baskets(append=True, offset=message.offset, limit=message.limit)

    def on_baskets_pane_filter_changed(self, message: BasketsPane.FilterChanged) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        if message.immediate:
            self.load_baskets()
        else:
            self._filter_timer = self.set_timer(FILTER_DELAY, self._filter_due)

    def _filter_due(self) -> None:
        # Typing paused: load, unless enter (or escape) already loaded this very filter.
        try:
            typed = self.baskets_pane.filter_input.value.strip()
        except NoMatches:  # the timer fired while the app was closing: the panes are gone
            return
        if typed != self._list_query:
            self.load_baskets()

    def on_descendant_focus(self, event) -> None:
        if isinstance(event.widget, BenchTable) and event.widget.id:
            self._last_table = event.widget.id

    # -- actions: navigation ----------------------------------------------------------------

    def action_focus_pane(self, name: str) -> None:
        targets = {"baskets": "#baskets-table", "lines": "#lines-table",
                   "totals": "#totals", "delivery": "#delivery"}
        self.screen.set_focus(self.query_one(targets[name]))  # at once: see toggle_inspector

    def action_filter(self) -> None:
        self.baskets_pane.open_filter()

    def action_clear_filter(self) -> None:
        pane = self.baskets_pane
        if pane.filter_input.display or pane.query_text or pane.filter_input.value:
            pane.close_filter(clear=True)

    def action_refresh(self) -> None:
        # What was said before (an error, a refusal) is about the state being re-read:
        # it goes, and the outcome of the refresh replaces it.
        self.clear_notifications()
        self.status.say(REFRESHING)
        self.load_baskets()
        if self.basket_id and not self.snapshot:
            self.open_basket(self.basket_id)

    def run_palette_action(self, binding_id: str) -> None:
        """Run a registry action chosen in the command palette; cursor actions go to the
        table that last had focus."""
        spec = actions.BY_ID[binding_id]
        target = self.query_one(f"#{self._last_table}") if spec.scope == "table" else self
        self.call_later(self.run_action, spec.action, target)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))

    # -- actions: request inspector and Nexudus sessions -------------------------------------

    def action_toggle_inspector(self) -> None:
        """Show the inspector with the focus in it (so its keys, Y R v C, are its own), or
        hide it. Shown but not focused (after 2, or the palette): focus it, do not hide."""
        inspector = self.inspector
        # Focus moves at once (set_focus), not later (focus()): the next key, typed fast,
        # must find it where this one put it.
        if inspector.display and not inspector.has_focus_within:
            self.screen.set_focus(inspector.table)
            return
        inspector.display = not inspector.display
        if inspector.display:
            inspector.catch_up()
            self.screen.set_focus(inspector.table)
        else:
            self.screen.set_focus(self.query_one(f"#{self._last_table}"))

    def action_nexudus_sessions(self) -> None:
        from .nexudus_view import open_sessions_view  # imported on first use (start-up)

        open_sessions_view(self, self.basket, api=self.api)

    def on_session_basket_opened(self, message: SessionBasketOpened) -> None:
        """Show a Nexudus session's basket: a read-only snapshot, not a basket of the
        backend (changes are refused until a basket is opened from pane 1)."""
        self.workers.cancel_group(self, "basket")  # an older open must not replace it
        self._stop_loading("a Nexudus session is shown instead")
        self.basket_id = None
        self.render_basket(message.basket)
        self.snapshot = message.source
        self.status.set_snapshot(message.source)
        self.lines_pane.border_title = escape(
            f"2 Lines · {short_id(message.basket.id)} · snapshot of Nexudus session "
            f"{message.record_id} (read-only)")
        self.status.say(f"showing {message.source} (read-only)")
        self.notify(f"Showing {message.source}, read-only. Open a basket in pane 1 to "
                    "edit again.", title="Nexudus", markup=False)

    def _leave_snapshot(self) -> None:
        if self.snapshot:
            self.snapshot = None
            self.status.set_snapshot("")

    # -- actions: checkout flows (flow_commands.py) -----------------------------------------

    def action_flow_record(self) -> None:
        self.flow_tools.toggle_recording()

    def action_flow_replay(self) -> None:
        self.flow_tools.replay()

    def action_basket_diff(self) -> None:
        self.flow_tools.diff()

    # -- actions: baskets -------------------------------------------------------------------

    def action_new_basket(self) -> None:
        basket_id = str(uuid.uuid4())
        self.baskets_pane.set_new(basket_id)
        self.open_basket(basket_id)
        self.status.say(f"new basket {short_id(basket_id)}: not saved until the first change")

    def action_delete_basket(self) -> None:
        on_list = self.focused is self.baskets_pane.table
        target = self.baskets_pane.highlighted_id() if on_list else None
        if target is None or (self.basket is not None and
                              target == (self.basket.id or "").lower()):
            assert self.basket is not None
            seen, what = self.seen(), self._describe_basket(self.basket)
        else:
            row = self.baskets_pane.row(target)
            seen = Seen(target, row.version if row is not None else None)
            what = self._describe_row(target)

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(seen)

        self.push_screen(ConfirmScreen(
            "Delete basket", f"Delete basket {seen.basket_id} ({what})? The basket and all "
            "its lines are deleted; this cannot be undone.", yes="Delete"), answered)

    @staticmethod
    def _describe_basket(basket: Basket) -> str:
        return (f"{user_label(basket.user_email, basket.user_id)}, "
                f"{plural(len(basket.line_items or []), 'line')}, grand total "
                f"{price(basket.grand_total, code=basket.currency_code)}")

    def _describe_row(self, basket_id: str) -> str:
        row = self.baskets_pane.row(basket_id)
        if row is None:
            return "not loaded in the list"
        return (f"{user_label(row.user_email, row.user_id)}, {plural(row.line_count, 'line')}"
                f", grand total {row.grand_total_formatted}")

    def action_merge(self) -> None:
        target, seen = self.basket, self.seen()
        assert target is not None

        def chosen(answer: dict | None) -> None:
            if not answer:
                return
            source, strategy = answer["source"], answer["strategy"]

            def merged(result: Any, error: BackendError | None) -> None:
                if error is None:
                    self.baskets_pane.remove_basket(source)

            self.mutate(f"merge {short_id(source)} ({strategy})",
                        lambda b, bid: b.merge(bid, source, strategy=strategy), seen,
                        after=merged)

        self.push_screen(MergeScreen(self.backend, target), chosen)

    def action_assign_user(self) -> None:
        seen = self.seen()
        loader = None
        if self.backend.capabilities.reference:
            async def loader() -> list[Choice]:
                users = await self.backend.list_users()
                return [Choice(u.get("userId"), f"{u.get('email')}  {u.get('name') or ''}")
                        for u in users]

        def chosen(picked: Picked | None) -> None:
            if picked is None:
                return
            user_id = str(picked.value)
            # Named as the list showed it (the email), not as a raw GUID.
            label = picked.label.split("  ")[0] if picked.label else user_id
            self.mutate(f"assign user {label}", lambda b, bid: b.assign_user(bid, user_id),
                        seen)

        self.push_screen(ChoiceScreen("Assign the basket to a user", loader=loader,
                                      allow_text=True,
                                      placeholder="filter by email, or type a user id"),
                         chosen)

    def _text_field(self, what: str, title: str, current: str | None, max_length: int,
                    call: Callable[[Backend, str, str | None], Awaitable[Any]]) -> None:
        seen = self.seen()

        def entered(value: str | None) -> None:
            if value is None:
                return
            label = f"{what} {value!r}" if value else f"{what} cleared"
            self.mutate(label, lambda b, bid: call(b, bid, value or None), seen)

        self.push_screen(TextPromptScreen(title, current, max_length=max_length), entered)

    def action_campaign(self) -> None:
        current = getattr(self.basket, "campaign_code", None) if self.basket else None
        self._text_field("campaign", "Campaign code", current, 100,
                         lambda b, bid, v: b.set_campaign(bid, v))

    def action_po(self) -> None:
        current = self.basket.po_number if self.basket else None
        self._text_field("PO", "Purchase order number", current, 50,
                         lambda b, bid, v: b.set_po(bid, v))

    def action_instruction(self) -> None:
        current = self.basket.delivery_instruction if self.basket else None
        self._text_field("instruction", "Delivery instruction", current, 500,
                         lambda b, bid, v: b.set_delivery_instruction(bid, v))

    def action_custom_info(self) -> None:
        basket = self.basket
        assert basket is not None
        basket_values = CustomTexts.of([text or "" for text in custom_texts(basket)])
        line = self.lines_pane.selected() if self.focused is self.lines_pane.table else None
        seen = self.seen(line)
        if line is None:
            def saved(values: CustomTexts | None) -> None:
                if values is not None:
                    info = CustomInfo(texts=values)
                    self.mutate("basket custom info",
                                lambda b, bid: b.set_custom_info(bid, info), seen)

            self.push_screen(CustomInfoScreen("Custom info of the basket", basket_values),
                             saved)
            return
        line_values = CustomTexts.of(custom_texts(line))

        def saved_line(values: CustomTexts | None) -> None:
            if values is None:
                return
            # The endpoint replaces the line's additional charge: keep it.
            charge = raw(line.additional_charge) or None
            entry = LineInfo(line_id=line.id, product_id=line.product_id,
                             parent_product_id=line.parent_product_id or ZERO_GUID,
                             texts=values, additional_charge=charge)
            # ...and replaces the basket's own custom info: send it unchanged.
            info = CustomInfo(texts=basket_values, lines=(entry,))
            self.mutate(f"custom info {line.stock_code}",
                        lambda b, bid: b.set_custom_info(bid, info), seen)

        self.push_screen(CustomInfoScreen(f"Custom info of line {line.stock_code} "
                                          f"({line.name})", line_values), saved_line)

    def action_lock(self) -> None:
        assert self.basket is not None
        if not self.backend.capabilities.lock:
            self.notify(f"The {self.backend.kind} backend cannot lock baskets.",
                        severity="warning", markup=False)
            return
        locked = not bool(self.basket.is_locked)
        self.mutate("lock" if locked else "unlock", lambda b, bid: b.set_locked(bid, locked),
                    self.seen())

    def action_copy_json(self) -> None:
        if self.basket is None:
            self.notify("Open a basket first.", severity="warning", markup=False)
            return
        from ..wirejson.to_wire import to_wire

        text = jsonio.dumps(to_wire(self.basket), indent=2)
        self.copy_to_clipboard(text)
        self.status.say(f"copied basket {short_id(self.basket.id)} JSON ({len(text)} chars)")
        self.notify(f"Copied the basket's JSON ({len(text)} characters).", markup=False)

    def action_copy_id(self) -> None:
        """The full basket id (the list shows 8 characters): the open basket's, or in pane 1
        the one under the cursor."""
        basket_id = self.baskets_pane.highlighted_id() \
            if self.focused is self.baskets_pane.table else None
        basket_id = basket_id or (self.basket.id if self.basket is not None else None)
        if not basket_id:
            self.notify("No basket to copy the id of: open one, or move to one in pane 1.",
                        severity="warning", markup=False)
            return
        self.copy_to_clipboard(basket_id)
        self.status.say(f"copied basket id {basket_id}")
        self.notify(f"Copied basket id {basket_id}.", markup=False)

    # -- actions: lines ---------------------------------------------------------------------

    def _selected_line(self):
        line = self.lines_pane.selected()
        if line is None:
            self.notify("Select a line first (pane 2).", severity="warning", markup=False)
        return line

    def _qty_delta(self, delta: int) -> None:
        line = self._selected_line()
        if line is None:
            return
        seen = self.seen(line)
        if seen.basket_id in self.busy:
            # A change is in flight: add this press to the next one instead of refusing it.
            entry = self.queued.setdefault((seen.basket_id, line_key(line)), [line, 0])
            entry[1] += delta
            self.status.say(f"{line.stock_code} {entry[1]:+d} queued: sent when the change "
                            "in flight returns")
            return
        self._send_delta(seen, delta)

    def _send_delta(self, seen: Seen, delta: int) -> None:
        line = seen.line
        assert line is not None  # a quantity change is bound to the line it was pressed on
        body = ItemInput.for_line(line, delta)
        self.mutate(f"qty {delta:+d} {line.stock_code}", lambda b, bid: b.add_item(bid, body),
                    seen)

    def action_qty_inc(self) -> None:
        self._qty_delta(1)

    def action_qty_dec(self) -> None:
        self._qty_delta(-1)

    def action_qty_set(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        seen = self.seen(line)

        def entered(qty: int | None) -> None:
            if qty is None:
                return
            current = line.qty or 0
            if qty == current:
                self.status.say(f"{line.stock_code} qty unchanged ({qty})")
                return
            if not is_child(line.parent_product_id):
                call = lambda b, bid: b.set_qty(bid, line.product_id, qty)  # noqa: E731
            else:  # child lines have no absolute endpoint: send the difference
                body = ItemInput.for_line(line, qty - current)
                call = lambda b, bid: b.add_item(bid, body)  # noqa: E731
            self.mutate(f"qty {current} -> {qty} {line.stock_code}", call, seen)

        self.push_screen(QuantityScreen(f"Quantity of {line.stock_code} ({line.name})",
                                        line.qty or 0), entered)

    def _children_of(self, line) -> list:
        pid = (line.product_id or "").lower()
        return [ln for ln in self.lines_pane.lines if parent_key(ln.parent_product_id) == pid]

    def action_remove_line(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        seen = self.seen(line)
        if not is_child(line.parent_product_id):
            call = lambda b, bid: b.remove_item(bid, line.product_id)  # noqa: E731
            children = self._children_of(line)
        else:
            body = ItemInput.for_line(line, -(line.qty or 0))
            call = lambda b, bid: b.add_item(bid, body)  # noqa: E731
            children = []
        what = f"Remove {line.stock_code} ({line.name}, qty {line.qty}) from basket " \
               f"{short_id(seen.basket_id)}"
        if children:
            names = ", ".join(ln.stock_code or ln.name or "?" for ln in children)
            what += f", with its {plural(len(children), 'child line')} ({names})"

        def answered(yes: bool | None) -> None:
            if yes:
                self.mutate(f"remove {line.stock_code}", call, seen)

        self.push_screen(ConfirmScreen("Remove line", what + "?", yes="Remove"), answered)

    def action_add_item(self) -> None:
        seen = self.seen()
        currency = self.basket.currency_code if self.basket else None

        def chosen(answer: dict | None) -> None:
            if not answer:
                return
            item: ItemInput = answer["item"]
            self.mutate(f"add {item.qty} {answer['label']}",
                        lambda b, bid: b.add_item(bid, item), seen)

        self.push_screen(AddItemScreen(self.backend, currency), chosen)

    def action_add_child(self) -> None:
        line = self._selected_line()
        if line is None or self.basket is None:
            return
        if is_child(line.parent_product_id):  # personalise the parent of a child
            parent_id = parent_key(line.parent_product_id)
            line = next((ln for ln in self.lines_pane.lines
                         if (ln.product_id or "").lower() == parent_id
                         and not is_child(ln.parent_product_id)), line)
        seen = self.seen(line)

        def chosen(answer: dict | None) -> None:
            if not answer:
                return
            item = answer["item"]
            self.mutate(f"add {answer['label']} under {line.stock_code}",
                        lambda b, bid: b.add_bulk(bid, [item]), seen)

        self.push_screen(ChildLineScreen(self.backend, line, self.basket.currency_code), chosen)

    def _move(self, step: int) -> None:
        line = self._selected_line()
        if line is None:
            return
        parent = parent_key(line.parent_product_id)  # "": top level
        siblings = [ln for ln in self.lines_pane.lines
                    if parent_key(ln.parent_product_id) == parent]
        index = siblings.index(line)
        if not 0 <= index + step < len(siblings):
            self.status.say(f"{line.stock_code} is already {'first' if step < 0 else 'last'}")
            return
        other = siblings[index + step]
        mine, theirs = line.display_order or 0, other.display_order or 0
        if mine == theirs:  # equal orders: push this line just past the other
            entries = [DisplayOrder(line.id or "", max(0, theirs + step))]
        else:
            entries = [DisplayOrder(line.id or "", theirs), DisplayOrder(other.id or "", mine)]
        self.mutate(f"move {line.stock_code} {'up' if step < 0 else 'down'}",
                    lambda b, bid: b.set_display_order(bid, entries), self.seen(line))

    def action_move_up(self) -> None:
        self._move(-1)

    def action_move_down(self) -> None:
        self._move(1)

    # -- actions: promotions ----------------------------------------------------------------

    def action_promo_apply(self) -> None:
        seen = self.seen()
        applied = [p.voucher_code for p in (self.basket.promotions_applied or [])
                   if p.voucher_code] if self.basket else []

        def apply(code: str, done: After) -> bool:
            return self.mutate(f"promo {code}", lambda b, bid: b.apply_promo(bid, code), seen,
                               after=done)

        self.push_screen(PromoScreen(self.backend, seen.basket_id, apply, applied))

    def action_promo_remove(self) -> None:
        basket = self.basket
        assert basket is not None
        seen = self.seen()
        promos = {p.voucher_code: p for p in (basket.promotions_applied or [])
                  if p.voucher_code}
        if not promos:
            self.notify("No promo code is applied to this basket.", markup=False)
            return

        def confirm(code: str) -> None:
            promo = promos[code]
            off = price(promo.discount_amt, code=basket.currency_code)
            effect = f"it takes {off} off now" if promo.is_applicable is not False else \
                "it does not apply now"
            self.push_screen(ConfirmScreen(
                "Remove promo code", f"Remove promo code {code} from basket "
                f"{short_id(seen.basket_id)} ({effect})?", yes="Remove"),
                lambda yes: yes and self.mutate(f"remove promo {code}",
                                                lambda b, bid: b.remove_promo(bid, code),
                                                seen))

        if len(promos) == 1:
            confirm(next(iter(promos)))
            return
        def picked_one(picked: Picked | None) -> None:
            if picked is not None:
                confirm(str(picked.value))

        self.push_screen(ChoiceScreen("Remove which promo code?",
                                      [Choice(c, c) for c in promos]), picked_one)

    # -- actions: delivery ------------------------------------------------------------------

    def action_shipping(self) -> None:
        seen = self.seen()

        def chosen(answer: dict | None) -> None:
            if not answer:
                return
            method, country, nominated = answer["method"], answer["country"], answer["nominated"]
            self.mutate(f"shipping {answer['label']} ({country})",
                        lambda b, bid: b.set_shipping_method(bid, method, country, nominated),
                        seen)

        assert self.basket is not None  # as seen() above
        self.push_screen(ShippingScreen(self.backend, self.basket), chosen)

    def action_store(self) -> None:
        seen = self.seen()
        off = Choice("__off__", "(none) turn click & collect off")
        loader = None
        if self.backend.capabilities.reference:
            async def loader() -> list[Choice]:
                stores = await self.backend.list_stores()
                return [Choice(s.get("id"), f"{s.get('code')}  {s.get('name')}  "
                               f"{s.get('city') or ''}") for s in stores] + [off]

        def chosen(picked: Picked | None) -> None:
            if picked is None:
                return
            body: StoreChoice
            if picked.value == "__off__":
                body, label = COLLECT_OFF, "click & collect off"
            else:
                body = StoreChoice(id=str(picked.value))
                label = f"click & collect {picked.value if picked.typed else 'store set'}"
            self.mutate(label, lambda b, bid: b.set_click_collect_store(bid, body), seen)

        self.push_screen(ChoiceScreen("Click & collect store", [off], loader=loader,
                                      allow_text=True,
                                      placeholder="filter by code or name, or type a store "
                                      "id or code"), chosen)


def _open_backend(db: str | None, profile: str | None, api: str | None):
    """The backend the command line asked for, through the profiles factory (which falls back
    to the local engine on the default database when nothing is chosen). Runs in a thread
    worker after the first paint."""
    try:
        from ..backends.factory import open_backend
    except ImportError:  # a build without the live backends: the local engine only
        from ..config import ConfigError

        if profile or api:
            raise ConfigError("--profile and --api need the live backends, which are not "
                              "installed in this build") from None
        from ..backends.local import LocalBackend
        from ..paths import default_db

        return LocalBackend(db or default_db())
    return open_backend(profile=profile, db=db, api=api)


def check_choice(config: Any, db: str | None, profile: str | None, api: str | None) -> str:
    """Check what can be checked without the network before the screen opens (both --api and
    --profile, an unknown or Nexudus profile, an unset env: secret, a URL that is not http);
    ConfigError naming it. Returns the profile name the status bar shows until connected."""
    from ..config import ConfigError

    if api and profile:
        raise ConfigError("give --api or --profile, not both")
    if not (api or profile or db):
        if config.api is not None:
            api = config.api.value
        elif config.default_profile is not None:
            profile = config.default_profile.value
    if api:
        if not api.startswith(("http://", "https://")):
            raise ConfigError(f"--api: {api!r} is not an http:// or https:// URL")
        return api
    if profile:
        chosen = config.profile(profile)
        if chosen.kind == "nexudus":
            raise ConfigError(f"profile {profile!r} is a Nexudus profile (basket sessions, "
                              "not a basket backend): press N in the workbench for its "
                              "sessions")
        for name in chosen.settings:  # env:VAR secrets: a missing variable is named now
            chosen.get(name)
        chosen.header_values()
        return profile
    return "local"


def prepare(db: str | None = None, profile: str | None = None, api: str | None = None,
            keymap: dict[str, str] | None = None) -> BasketBench:
    """The workbench `run` starts: config read and checked, keys and theme from it, and the
    backend left to open in a worker after the first paint. ConfigError or ValueError for a
    bad choice."""
    from ..config import load_config

    config = load_config()
    if keymap is None:
        keymap = {str(k): str(v) for k, v in (config.keys or {}).items()}
    actions.normalise_keymap(keymap)  # refuse a bad [keys] table before the screen opens
    name = check_choice(config, db, profile, api)
    if not (api or profile or db) and config.api is not None:
        api = config.api.value  # BASKETBENCH_API / `api =` in the config
    return BasketBench(opener=functools.partial(_open_backend, db, profile, api),
                       profile_name=name, keymap=keymap, api=api,
                       theme=config.theme.value if config.theme else None,
                       persist_theme=True)


def run(db: str | None = None, profile: str | None = None, api: str | None = None,
        keymap: dict[str, str] | None = None) -> None:
    """Open the workbench (`basketbench` with no command). Bad choices (an unknown profile, a
    bad URL, an unknown binding id in [keys]) end with a one-line message, not a traceback;
    a backend that fails to open (a server that does not answer) is shown in a dialog."""
    import asyncio

    import click

    from ..config import ConfigError

    try:
        app = prepare(db, profile, api, keymap)
    except BackendError as exc:
        raise click.ClickException(exc.message) from None
    except (ConfigError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    from .gc_tuning import tune

    tune()  # fewer, cheaper collections: see gc_tuning.py
    try:
        app.run()
    finally:
        if not app.backend_closed:  # the app never got as far as closing it itself
            with contextlib.suppress(Exception):  # quitting; nothing is left to save
                asyncio.run(app.backend.close())

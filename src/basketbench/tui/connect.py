"""Opening a backend without holding up the screen.

The workbench paints first and connects afterwards: until the backend is open, the app holds a
`PendingBackend`, whose every call fails with a clear "still connecting" error (so a key pressed
early gets a message, not a crash). `open_backend_worker` opens the real one in a thread (the
local engine opens SQLite, a live profile may probe the server) and posts `BackendOpened` or
`BackendOpenFailed` to the app. The same path serves switching profile or backend while the
workbench runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.message import Message

from ..backends import BackendError, Capabilities
from ..backends.request_log import RequestLog

Opener = Callable[[], Any]  # returns a Backend; may raise ConfigError or BackendError


class EarlyOpen:
    """An opener run in its own thread, started by `start()` (or by the first call), and
    calling it waits for that thread and returns its backend or raises its error. Opening
    the local engine is mostly imports (pydantic, the wire models, the engine) and SQLite.

    The workbench starts it right after its first paint (app.py `on_mount`): started as the
    app was made, those imports competed for the interpreter with Textual's own start and
    delayed the first paint by a third, while the full paint (a basket shown) came no
    sooner (bench/tui.py, docs/workbench.md#performance)."""

    def __init__(self, opener: Opener) -> None:
        self._opener = opener
        self._done = threading.Event()
        self._backend: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="basketbench-open", daemon=True)
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread.ident is None:
                self._thread.start()

    def _run(self) -> None:
        try:
            self._backend = self._opener()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
            self._error = exc
        finally:
            self._done.set()

    def __call__(self) -> Any:
        self.start()
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._backend


class PendingBackend:
    """Stands in for the backend while it is being opened (or after opening it failed)."""

    kind = "connecting"

    def __init__(self, label: str, profile: str) -> None:
        self.label = label
        self.profile = profile
        # list_all: the basket list asks it (and so says why it is empty) like any backend.
        self.capabilities = Capabilities(list_all=True)
        self.log = RequestLog()
        self.problem: str | None = None  # why opening failed, once it has

    async def close(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        async def not_connected(*args: Any, **kwargs: Any) -> Any:
            if self.problem:
                raise BackendError(0, "NOT_CONNECTED",
                                   f"{name}: not connected ({self.problem}); switch profile "
                                   "from the command palette (ctrl+p)")
            raise BackendError(0, "NOT_CONNECTED",
                               f"{name}: still connecting to {self.label}; try again in a "
                               "moment")

        return not_connected


class BackendOpened(Message):
    """The backend is open: the app swaps it in (handler `on_backend_opened`)."""

    def __init__(self, backend: Any, profile_name: str, switching: bool, token: int) -> None:
        super().__init__()
        self.token = token  # only the newest open counts; an older one is closed unused
        self.backend = backend
        self.profile_name = profile_name
        self.switching = switching


class BackendOpenFailed(Message):
    """Opening failed; `message` is one readable line (handler `on_backend_open_failed`)."""

    def __init__(self, what: str, message: str, switching: bool, token: int) -> None:
        super().__init__()
        self.token = token
        self.what = what
        self.message = message
        self.switching = switching


def describe_failure(error: BaseException) -> str:
    """One line for a failure to open a backend: the config's or the backend's own message,
    else the exception's type and text (a bug, still readable)."""
    from ..config import ConfigError

    if isinstance(error, BackendError):
        return error.message or error.code
    if isinstance(error, ConfigError | ValueError | OSError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def open_backend_worker(app: Any, opener: Opener, *, what: str, profile_name: str,
                        switching: bool, token: int) -> None:
    """Open a backend in a thread worker; the result arrives as a message on `app`."""

    def work() -> None:
        try:
            backend = opener()
        except Exception as exc:  # noqa: BLE001 - every failure is shown, none ends the app
            failure = BackendOpenFailed(what, describe_failure(exc), switching, token)
            app.post_message(failure)
            return
        app.post_message(BackendOpened(backend, profile_name, switching, token))

    app.run_worker(work, thread=True, group="open-backend", exclusive=False,
                   exit_on_error=False)

"""Command palette: switch profile or backend without restarting.

Offers "profile: switch to NAME" for every BetterCommerce and local profile in the config
(read-only ones say so), "backend: local database…" and "backend: API URL…". Choosing one calls
the app's

    def switch_backend(self, profile: str | None = None, *, db: str | None = None,
                       api: str | None = None) -> None

which opens the new backend in a worker (through `backends.factory.open_backend`, with the same
precedence as the command line: api, then profile, then db), swaps it in, closes the old one,
points the request inspector at the new log, updates the status bar, and reloads the panes. It
may also be a coroutine function; it is then run as a worker. Nexudus profiles are not
backends (they hold basket sessions): they are left to the Nexudus view.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..config import Config, ConfigError, Profile, load_config
from . import actions
from .format import literal


def profile_summary(profile: Profile) -> str:
    """What the palette's help line says about a profile (never a secret)."""
    settings = profile.settings
    where = ""
    for key in ("base_url", "db"):
        setting = settings.get(key)
        if setting is not None:
            where = setting.ref or str(setting.value)  # an env:VAR reference stays unresolved
            break
    parts = [profile.kind, where or ("default database" if profile.kind == "local" else "")]
    if profile.read_only:
        parts.append("READ-ONLY: changes are refused")
    description = settings.get("description")
    if description is not None:
        parts.append(str(description.value))
    return " · ".join(p for p in parts if p)


def profile_command(profile: Profile, current: str | None) -> str:
    text = f"profile: switch to {profile.name}"
    if profile.read_only:
        text += " (read-only)"
    if profile.name == current:
        text += " (current)"
    return text


def call_switch(app: Any, profile: str | None = None, **where: str) -> None:
    """Call `app.switch_backend` (see the module doc), or say why it cannot be done."""
    switch = getattr(app, "switch_backend", None)
    if switch is None:
        app.notify("This workbench cannot switch backends while running; restart it with "
                   "--profile, --db or --api.", severity="warning", markup=False)
        return
    result = switch(profile, **where)
    if inspect.isawaitable(result):
        app.run_worker(result, group="switch-backend", exclusive=True, exit_on_error=False)


class BackendPromptScreen(ModalScreen[str | None]):
    """One value: a database path or an API base URL, checked before it is used."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("dialog")
    DEFAULT_CSS = """
    BackendPromptScreen { align: center middle; }
    BackendPromptScreen > Vertical {
        width: 80; height: auto; padding: 1 2;
        border: round $primary; background: $surface;
    }
    BackendPromptScreen #prompt-message { color: $error; height: auto; }
    BackendPromptScreen #prompt-hint { color: $text-muted; }
    """

    def __init__(self, title: str, value: str, check: Callable[[str], str | None],
                 hint: str) -> None:
        super().__init__()
        self.title_text, self.value, self.check, self.hint = title, value, check, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal(self.title_text), markup=False)
            yield Input(self.value, id="prompt-value")
            yield Static("", id="prompt-message", markup=False)
            yield Static(literal(self.hint), id="prompt-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#prompt-value", Input).focus()

    @property
    def message(self) -> str:
        return str(self.query_one("#prompt-message", Static).content)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value)
        if problem:
            self.query_one("#prompt-message", Static).update(literal(problem))
            return
        self.dismiss(value)


def check_db_path(value: str) -> str | None:
    from pathlib import Path

    if not value:
        return "database file: a path is required"
    path = Path(value).expanduser()
    if path.is_dir():
        return f"database file: {value!r} is a folder, not a file"
    if not path.parent.exists():
        return f"database file: the folder {str(path.parent)!r} does not exist"
    return None


def check_api_url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return f"API URL: {value!r} must start with http:// or https://"
    return None


class ProfileCommands(Provider):
    """Palette entries for every profile, plus a local database and an API URL."""

    async def startup(self) -> None:
        self.config: Config | None = None
        self.problem: str | None = None
        try:
            self.config = await asyncio.to_thread(load_config)
        except ConfigError as exc:
            self.problem = str(exc)

    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        current = getattr(app, "profile_name", None)
        out: list[tuple[str, str, Callable[[], Any]]] = []
        if self.problem:
            out.append(("profile: the config file has a problem", self.problem,
                        partial(app.notify, self.problem, severity="error", markup=False)))
        if self.config is not None:
            for name, profile in sorted(self.config.profiles.items()):
                if profile.kind == "nexudus":
                    continue
                out.append((profile_command(profile, current), profile_summary(profile),
                            partial(call_switch, app, name)))
        out.append(("backend: local database…", "Open a local engine database file (it is "
                    "created, with the demo data, if it does not exist).", self._ask_db))
        out.append(("backend: API URL…", "Talk to a BetterCommerce-compatible basket API "
                    "(no credentials: use a profile for those).", self._ask_api))
        return out

    def _ask_db(self) -> None:
        from ..paths import default_db

        def chosen(value: str | None) -> None:
            if value:
                call_switch(self.app, None, db=value)

        self.app.push_screen(BackendPromptScreen(
            "Local engine database file", str(default_db()), check_db_path,
            "enter: open · esc: cancel"), chosen)

    def _ask_api(self) -> None:
        def chosen(value: str | None) -> None:
            if value:
                call_switch(self.app, None, api=value)

        self.app.push_screen(BackendPromptScreen(
            "Basket API base URL", "http://127.0.0.1:8000", check_api_url,
            "enter: connect · esc: cancel"), chosen)

    async def discover(self) -> Hits:
        for text, help_text, callback in self._entries():
            yield DiscoveryHit(text, callback, text=text, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text,
                          help=escape(help_text))

"""Themes as files: one TOML file per theme, registered with Textual's theme system.

Our own themes ship in the top-level `themes/` folder, installed as the package data of
`basketbench.themes`; a user's themes live in `<config dir>/themes/*.toml` and are loaded the
same way (a user theme with the name of a shipped one replaces it). A bad user file is
reported, never fatal: the workbench still starts with the other themes.

A theme file:

    name = "my-theme"          # required: lower-case letters, digits and dashes
    dark = true                # optional, default true
    primary = "#5FA8D3"        # required; the other colours are optional:
    secondary = "..."          # accent, foreground, background, surface, panel, boost,
                               # warning, error, success ("#RGB", "#RRGGBB[AA]", "rgb(...)",
                               # or a colour name)
    luminosity_spread = 0.15   # optional numbers between 0 and 1
    text_alpha = 0.95
    [variables]                # optional: Textual design variables, e.g.
    "footer-key-foreground" = "#F2A65A"

NO_COLOR: Textual honours it itself. `App.__init__` reads `NO_COLOR` from the environment and,
when it is set (to anything), adds a `Monochrome` line filter (or `NoColor` with native ANSI
colours) that turns every rendered colour into grey levels; it also sets `App.no_color` and the
`:nocolor` pseudo-class. So nothing here maps NO_COLOR to a theme: any theme is shown without
colour. `no_color_active()` only tells the UI (e.g. the theme picker) that this is so.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

DEFAULT_THEME = "basketbench-dark"
BUNDLED_PACKAGE = "basketbench.themes"
CONFIG_KEY = "theme"

COLOUR_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface",
                 "panel", "boost", "warning", "error", "success")
NUMBER_FIELDS = ("luminosity_spread", "text_alpha")
BOOL_FIELDS = ("dark", "ansi")
KNOWN_FIELDS = ("name", *COLOUR_FIELDS, *BOOL_FIELDS, *NUMBER_FIELDS, "variables")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VARIABLE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the field."""


def load_theme_file(path: str | Path | Traversable) -> Theme:
    """One theme from one TOML file; ThemeFileError naming the file and the bad field."""
    where = str(path)
    try:
        text = (Path(path) if isinstance(path, str) else path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ThemeFileError(f"{where}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ThemeFileError(f"{where}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{where}: not valid TOML ({exc})") from None
    return theme_from_table(data, where)


def theme_from_table(data: dict[str, Any], where: str) -> Theme:
    unknown = sorted(set(data) - set(KNOWN_FIELDS))
    if unknown:
        raise ThemeFileError(f"{where}: unknown field {unknown[0]!r} "
                             f"(known: {', '.join(KNOWN_FIELDS)})")
    name = data.get("name")
    if name is None:
        raise ThemeFileError(f"{where}: name is missing (e.g. name = \"my-theme\")")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ThemeFileError(f"{where}: name = {name!r} must be lower-case letters, digits "
                             "and dashes (e.g. \"my-theme\")")
    if "primary" not in data:
        raise ThemeFileError(f"{where}: primary is missing (every theme needs a primary "
                             "colour, e.g. primary = \"#5FA8D3\")")
    kwargs: dict[str, Any] = {"name": name}
    for fname in COLOUR_FIELDS:
        if fname in data:
            kwargs[fname] = _colour(where, fname, data[fname])
    for fname in BOOL_FIELDS:
        if fname in data:
            if not isinstance(data[fname], bool):
                raise ThemeFileError(f"{where}: {fname} = {data[fname]!r} must be true or false")
            kwargs[fname] = data[fname]
    for fname in NUMBER_FIELDS:
        if fname in data:
            value = data[fname]
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0 <= value <= 1:
                raise ThemeFileError(f"{where}: {fname} = {value!r} must be a number from "
                                     "0 to 1")
            kwargs[fname] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{where}: variables must be a table ([variables])")
    for vname, value in variables.items():
        if not VARIABLE_RE.match(vname):
            raise ThemeFileError(f"{where}: variables.{vname} is not a variable name "
                                 "(lower-case letters, digits and dashes, no $)")
        if not isinstance(value, str) or not value.strip():
            raise ThemeFileError(f"{where}: variables.{vname} = {value!r} must be a "
                                 "non-empty string")
    kwargs["variables"] = dict(variables)
    theme = Theme(**kwargs)
    try:  # what Textual does when the theme is applied: fail here, naming the file
        theme.to_color_system().generate()
    except Exception as exc:  # noqa: BLE001 - any failure means the theme is unusable
        raise ThemeFileError(f"{where}: the theme cannot be built ({exc})") from None
    return theme


def _colour(where: str, fname: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where}: {fname} = {value!r} must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{where}: {fname} = {value!r} is not a colour (use \"#RRGGBB\", "
                             "\"rgb(r, g, b)\" or a colour name)") from None
    return value


def _theme_files(folder: Traversable | Path) -> list[Any]:
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()),
                  key=lambda f: f.name)


def bundled_themes() -> list[Theme]:
    """Our own themes, from the installed `basketbench.themes` package data. A broken one is
    a packaging bug, so it raises."""
    return [load_theme_file(f) for f in _theme_files(resources.files(BUNDLED_PACKAGE))]


def bundled_theme_names() -> list[str]:
    return [theme.name for theme in bundled_themes()]


@dataclass
class UserThemes:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one message per bad file


def load_user_themes(config_dir: str | Path | None = None) -> UserThemes:
    """Every `<config_dir>/themes/*.toml`; bad files become messages in `.problems`."""
    if config_dir is None:
        from ..paths import config_dir as default_config_dir

        config_dir = default_config_dir()
    folder = Path(config_dir) / "themes"
    found = UserThemes()
    if not folder.is_dir():
        return found
    for path in _theme_files(folder):
        try:
            found.themes.append(load_theme_file(path))
        except ThemeFileError as exc:
            found.problems.append(str(exc))
    return found


def user_themes(config_dir: str | Path | None = None,
                problems: list[str] | None = None) -> list[Theme]:
    """The user's themes; messages about bad files are appended to `problems` if given."""
    found = load_user_themes(config_dir)
    if problems is not None:
        problems.extend(found.problems)
    return found.themes


def register_themes(app: Any, config_dir: str | Path | None = None, *,
                    problems: list[str] | None = None) -> list[str]:
    """Register our themes, then the user's (which may replace ours by name), with
    `app.register_theme`. Returns the names registered, in order; Textual's built-in themes
    stay available as they are. Bad user files go to `problems` (show them with notify)."""
    names: list[str] = []
    for theme in [*bundled_themes(), *user_themes(config_dir, problems)]:
        app.register_theme(theme)
        if theme.name not in names:
            names.append(theme.name)
    return names


def choose_theme(wanted: str | None, available: Iterable[str]) -> tuple[str, str | None]:
    """The theme to start with: the configured one if it exists, else the default. Returns
    (name, message) where message explains a configured theme that is not available."""
    available = set(available)
    if wanted and wanted in available:
        return wanted, None
    fallback = DEFAULT_THEME if DEFAULT_THEME in available else "textual-dark"
    if wanted:
        return fallback, (f"theme {wanted!r} from the config is not available; using "
                          f"{fallback!r} (themes: {', '.join(sorted(available))})")
    return fallback, None


class ThemePersistence:
    """Saves the theme in the config file whenever the app's theme changes (from the palette's
    "theme" command or anywhere else), once per actual change.

        self.theme_saver = ThemePersistence(save=config.save_setting, saved=config_theme)
        self.theme_saver.attach(self)          # in on_mount, after setting the first theme
    """

    def __init__(self, save: Callable[[str, Any], Any] | None = None,
                 saved: str | None = None,
                 on_error: Callable[[str], Any] | None = None) -> None:
        self._save = save
        self.saved = saved
        self.on_error = on_error

    def attach(self, app: Any) -> None:
        app.theme_changed_signal.subscribe(app, self.changed)

    def changed(self, theme: Theme) -> None:
        if theme.name == self.saved:
            return
        save = self._save
        if save is None:
            from ..config import save_setting

            save = save_setting
        try:
            save(CONFIG_KEY, theme.name)
        except Exception as exc:  # noqa: BLE001 - a config we cannot write must not crash
            if self.on_error is not None:
                self.on_error(f"could not save the theme: {exc}")
            return
        self.saved = theme.name


def no_color_active(environ: dict[str, str] | None = None) -> bool:
    """True when NO_COLOR is set (to anything, per no-color.org), as Textual reads it."""
    env = os.environ if environ is None else environ
    return "NO_COLOR" in env


def all_theme_names(app: Any) -> list[str]:
    """Every theme the app can show: ours first, then the user's and Textual's built-ins."""
    ours = [n for n in app.available_themes if n.startswith("basketbench-")]
    builtin = [n for n in app.available_themes if n in BUILTIN_THEMES]
    other = [n for n in app.available_themes if n not in ours and n not in builtin]
    return sorted(ours) + sorted(other) + sorted(builtin)

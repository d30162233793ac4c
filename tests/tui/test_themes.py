"""Themes as files: the shipped ones, user ones, bad ones, switching (saved in the config),
NO_COLOR, and a scan of every piece of workbench CSS for hard-coded colours."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.filter import Monochrome
from textual.widgets import Static

from basketbench.config import load_config
from basketbench.tui import themes
from basketbench.tui.themes import (
    ThemeFileError,
    ThemePersistence,
    bundled_themes,
    choose_theme,
    load_theme_file,
    load_user_themes,
    register_themes,
)

TUI = Path(__file__).resolve().parents[2] / "src" / "basketbench" / "tui"
OURS = {"basketbench-dark", "basketbench-light", "basketbench-high-contrast"}


class ThemedApp(App):
    CSS = "Static { background: $panel; color: $foreground; border: round $primary; }"

    def __init__(self, config_dir: Path, saver: ThemePersistence | None = None) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.registered = register_themes(self, config_dir, problems=self.problems)
        self.saver = saver

    def compose(self) -> ComposeResult:
        yield Static("hello", id="hello")

    def on_mount(self) -> None:
        self.theme = themes.DEFAULT_THEME
        if self.saver is not None:
            self.saver.attach(self)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# -- shipped themes --------------------------------------------------------------------------

def test_bundled_theme_files_are_package_data():
    files = {f.name for f in resources.files("basketbench.themes").iterdir()}
    assert {f"{name}.toml" for name in OURS} <= files


def test_every_bundled_theme_loads_with_its_own_name():
    loaded = bundled_themes()
    assert {t.name for t in loaded} >= OURS
    by_name = {t.name: t for t in loaded}
    assert by_name["basketbench-dark"].dark is True
    assert by_name["basketbench-light"].dark is False
    assert by_name["basketbench-high-contrast"].background.upper() == "#000000"
    for folder_file in resources.files("basketbench.themes").iterdir():
        if folder_file.name.endswith(".toml"):  # file name = theme name: easy to find
            assert load_theme_file(folder_file).name == folder_file.name[:-5]


async def test_every_bundled_theme_registers_and_applies(tmp_path):
    app = ThemedApp(tmp_path)
    async with app.run_test() as pilot:
        assert set(app.registered) >= OURS
        assert set(app.available_themes) >= OURS
        assert "textual-dark" in app.available_themes  # Textual's own stay available
        for name in sorted(OURS):
            app.theme = name
            await pilot.pause()
            theme = app.get_theme(name)
            assert app.current_theme is theme
            variables = app.get_css_variables()
            got, want = Color.parse(variables["primary"]), Color.parse(theme.primary)
            assert max(abs(a - b) for a, b in zip(got.rgb, want.rgb)) <= 2  # HSL rounding
            assert app.has_class(f"-theme-{name}")
            assert app.has_class("-dark-mode" if theme.dark else "-light-mode")


# -- user themes -----------------------------------------------------------------------------

USER_THEME = """
name = "office-green"
dark = false
primary = "#2E7D32"
background = "#FAFAF5"
[variables]
"footer-key-foreground" = "#2E7D32"
"""


async def test_user_theme_is_loaded_registered_and_applied(tmp_path):
    write(tmp_path / "themes" / "office.toml", USER_THEME)
    found = load_user_themes(tmp_path)
    assert [t.name for t in found.themes] == ["office-green"] and not found.problems
    app = ThemedApp(tmp_path)
    async with app.run_test() as pilot:
        assert "office-green" in app.registered
        app.theme = "office-green"
        await pilot.pause()
        assert app.current_theme.primary == "#2E7D32"
        assert app.has_class("-light-mode")


def test_user_theme_may_replace_a_shipped_one(tmp_path):
    write(tmp_path / "themes" / "mine.toml",
          'name = "basketbench-dark"\nprimary = "#FF8800"\n')

    class Recorder:
        def __init__(self):
            self.themes = {}

        def register_theme(self, theme):
            self.themes[theme.name] = theme

    recorder = Recorder()
    names = register_themes(recorder, tmp_path)
    assert names.count("basketbench-dark") == 1
    assert recorder.themes["basketbench-dark"].primary == "#FF8800"


def test_no_user_theme_folder_is_fine(tmp_path):
    found = load_user_themes(tmp_path / "nowhere")
    assert found.themes == [] and found.problems == []


BAD_FILES = [
    ("broken.toml", 'name = "x"\nprimary = "#fff', "not valid TOML"),
    ("noname.toml", 'primary = "#ffffff"\n', "name is missing"),
    ("badname.toml", 'name = "My Theme"\nprimary = "#ffffff"\n', "name = 'My Theme'"),
    ("noprimary.toml", 'name = "a"\n', "primary is missing"),
    ("colour.toml", 'name = "a"\nprimary = "#ffffff"\nwarning = "bluish"\n',
     "warning = 'bluish' is not a colour"),
    ("colourtype.toml", 'name = "a"\nprimary = 12\n', "primary = 12 must be a colour string"),
    ("field.toml", 'name = "a"\nprimary = "#ffffff"\nforground = "#000000"\n',
     "unknown field 'forground'"),
    ("dark.toml", 'name = "a"\nprimary = "#ffffff"\ndark = "yes"\n',
     "dark = 'yes' must be true or false"),
    ("spread.toml", 'name = "a"\nprimary = "#ffffff"\nluminosity_spread = 3\n',
     "luminosity_spread = 3 must be a number from 0 to 1"),
    ("vars.toml", 'name = "a"\nprimary = "#ffffff"\nvariables = 3\n',
     "variables must be a table"),
    ("varname.toml", 'name = "a"\nprimary = "#ffffff"\n[variables]\n"$border" = "#ffffff"\n',
     "variables.$border is not a variable name"),
]


@pytest.mark.parametrize("file_name,text,expected", BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_bad_theme_file_gives_a_clear_message(tmp_path, file_name, text, expected):
    path = write(tmp_path / file_name, text)
    with pytest.raises(ThemeFileError) as info:
        load_theme_file(path)
    message = str(info.value)
    assert message.startswith(str(path)), message  # names the file
    assert expected in message


def test_unreadable_theme_file_names_the_file(tmp_path):
    with pytest.raises(ThemeFileError, match=re.escape(str(tmp_path / "gone.toml"))):
        load_theme_file(tmp_path / "gone.toml")


async def test_a_bad_user_file_is_reported_not_fatal(tmp_path):
    write(tmp_path / "themes" / "a-good.toml", USER_THEME)
    write(tmp_path / "themes" / "b-bad.toml", 'name = "bad"\nprimary = "nope"\n')
    app = ThemedApp(tmp_path)
    async with app.run_test():
        assert "office-green" in app.registered and "bad" not in app.available_themes
        assert len(app.problems) == 1
        assert "b-bad.toml" in app.problems[0] and "primary = 'nope'" in app.problems[0]


# -- choosing and saving ---------------------------------------------------------------------

def test_choose_theme_prefers_the_configured_one_and_explains_a_missing_one():
    available = ["basketbench-dark", "basketbench-light", "textual-dark"]
    assert choose_theme("basketbench-light", available) == ("basketbench-light", None)
    assert choose_theme(None, available) == ("basketbench-dark", None)
    name, message = choose_theme("solarised", available)
    assert name == "basketbench-dark"
    assert "'solarised'" in message and "basketbench-light" in message


async def test_switching_theme_from_the_palette_is_saved_in_the_config(tmp_path, monkeypatch):
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path))
    config_file = write(tmp_path / "config.toml",
                        '# my settings\ndefault_profile = "local"\n\n'
                        '[profiles.local]\nkind = "local"\n')
    app = ThemedApp(tmp_path, ThemePersistence(saved=themes.DEFAULT_THEME))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "theme" not in tomllib.loads(config_file.read_text())  # start-up saves nothing
        app.action_change_theme()  # what the palette's "Theme" command does
        await pilot.pause()
        await pilot.press(*"basketbench-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "basketbench-light"
    config = load_config(config_file, env={})
    assert config.theme is not None and config.theme.value == "basketbench-light"
    text = config_file.read_text()
    assert text.startswith("# my settings")  # the rest of the file is kept
    assert config.profiles["local"].kind == "local"


async def test_theme_is_saved_once_per_change(tmp_path):
    saved: list[tuple[str, str]] = []
    app = ThemedApp(tmp_path, ThemePersistence(save=lambda k, v: saved.append((k, v)),
                                               saved=themes.DEFAULT_THEME))
    async with app.run_test() as pilot:
        for name in ("basketbench-high-contrast", "basketbench-high-contrast", "nord"):
            app.theme = name
            await pilot.pause()
    assert saved == [("theme", "basketbench-high-contrast"), ("theme", "nord")]


async def test_a_config_that_cannot_be_written_is_reported_not_fatal(tmp_path):
    errors: list[str] = []

    def refuse(key, value):
        raise OSError("read-only file system")

    app = ThemedApp(tmp_path, ThemePersistence(save=refuse, on_error=errors.append))
    async with app.run_test() as pilot:
        app.theme = "basketbench-light"
        await pilot.pause()
        assert app.theme == "basketbench-light"
    assert errors and "read-only file system" in errors[0]


# -- NO_COLOR --------------------------------------------------------------------------------

async def test_no_color_is_honoured_by_textual_itself(tmp_path, monkeypatch):
    """We rely on Textual: with NO_COLOR set, App adds a Monochrome filter to every line it
    renders, whatever the theme (see the module doc of basketbench.tui.themes)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = ThemedApp(tmp_path)
    assert themes.no_color_active()
    assert app.no_color is True
    assert any(isinstance(f, Monochrome) for f in app._filters)
    async with app.run_test() as pilot:
        app.theme = "basketbench-high-contrast"
        await pilot.pause()
        assert app.no_color is True
    monkeypatch.delenv("NO_COLOR")
    assert not themes.no_color_active()
    assert not any(isinstance(f, Monochrome) for f in ThemedApp(tmp_path)._filters)


# -- no hard-coded colours in the workbench's CSS --------------------------------------------

def _colour_names() -> set[str]:
    from textual._color_constants import COLOR_NAME_TO_RGB

    return {n.lower() for n in COLOR_NAME_TO_RGB} - {"transparent"}


COLOUR_NAMES = _colour_names()
HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
FUNCTIONS = re.compile(r"\b(rgba?|hsla?)\s*\(", re.IGNORECASE)
WORD = re.compile(r"(?<![$\w-])([a-zA-Z_][a-zA-Z0-9_]*)(?![\w-])")


def _declarations(css: str) -> list[tuple[str, str]]:
    """(property, value) for every declaration, selectors left out (so an id like `#add` is
    not taken for a colour); top-level `$variable: value;` definitions included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for segment, closer in re.findall(r"([^{}]*)([{}]|$)", css):
        pieces = segment.split(";")
        if closer == "{":
            pieces = pieces[:-1]  # the selector of the block that opens here
        for piece in pieces:
            if ":" in piece:
                prop, _, value = piece.partition(":")
                out.append((prop.strip(), value.strip()))
    return out


def hard_coded_colours(css: str) -> list[str]:
    found = []
    for prop, value in _declarations(css):
        hits = HEX.findall(value) + [m.group(0) for m in FUNCTIONS.finditer(value)]
        hits += [w for w in WORD.findall(value) if w.lower() in COLOUR_NAMES
                 or w.lower().startswith("ansi_")]
        found += [f"{prop}: {value}  ({hit})" for hit in hits]
    return found


def _css_sources() -> list[tuple[str, str]]:
    sources = [(str(p.relative_to(TUI.parent)), p.read_text("utf-8"))
               for p in sorted(TUI.rglob("*.tcss"))]
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                if names & {"DEFAULT_CSS", "CSS"} and isinstance(node.value, ast.Constant) \
                        and isinstance(node.value.value, str):
                    sources.append((f"{path.relative_to(TUI.parent)}:{node.lineno}",
                                    node.value.value))
    return sources


def test_the_colour_scan_catches_hard_coded_colours():
    css = """
    $mine: #ff0000;
    #add, Button:hover { color: $text; background: $panel 50%; }
    #bad > .x { border: round red; tint: rgb(10, 20, 30) 10%; }
    Static { color: ansi_bright_white; background: #abc; text-style: bold; }
    Row { &:hover { background: white 10%; } width: 1fr; }
    """
    found = hard_coded_colours(css)
    assert any("(#ff0000)" in f for f in found)
    assert any("(red)" in f for f in found)
    assert any("(rgb(" in f for f in found)
    assert any("(ansi_bright_white)" in f for f in found)
    assert any("(#abc)" in f for f in found)
    assert any("(white)" in f for f in found)
    assert not any("#add" in f or "#bad" in f or "$text" in f for f in found)
    assert hard_coded_colours("Screen { background: $surface; border: tall $primary; }") == []


def test_workbench_css_uses_only_theme_variables():
    sources = _css_sources()
    assert sources or not any(TUI.rglob("*.tcss")), "no CSS found to scan"
    problems = [f"{where}: {hit}" for where, css in sources for hit in hard_coded_colours(css)]
    assert not problems, "hard-coded colours (use theme variables):\n" + "\n".join(problems)

"""Smoke test: the INSTALLED `basketbench` in a real terminal (tmux, 120x40) on a fresh demo
database, driven by keys as a person types them, the screen read with `capture-pane` after each
step: open a basket, add an item, apply a promo code, change a quantity, quit. And a live-mode
session (`--api` against a sandbox started for real) that quits cleanly.

tmux is installed by .ci/run when missing; without it this test is skipped (and says so).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from basketbench.engine import BasketEngine, demo
from tests.support.wire import wire

pytestmark = pytest.mark.slow

COMMAND = Path(sys.executable).parent / "basketbench"
WIDTH, HEIGHT = 120, 40
STEP_TIMEOUT = 20.0  # seconds for one step to show on screen (a cold start compiles imports)
EXITED = "[basketbench exited with status"
SETTLE = 0.25  # seconds a screen must stay the same to count as drawn


def clean_env() -> dict[str, str]:
    """This environment without COLUMNS/LINES: a stale size there (pytest's process may carry
    one set with putenv, invisible in os.environ) would override the window's real size."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["COLUMNS"], env["LINES"] = str(WIDTH), str(HEIGHT)
    return env


class Terminal:
    """One tmux server of our own (its own socket), one 120x40 window."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"bb-smoke-{uuid.uuid4().hex[:8]}"
        self.target = "smoke"
        self.tmp = tmp
        self.screens: list[str] = []  # every capture, for the failure message

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True, timeout=10, env=clean_env()).stdout

    def start(self, command: str) -> None:
        # The shell keeps the window open after the app exits, so its last screen and exit
        # status can still be read.
        wrapped = f"{command}; echo '{EXITED} '$?']'; exec sleep 600"
        self.tmux("new-session", "-d", "-s", self.target, "-x", str(WIDTH), "-y", str(HEIGHT),
                  "sh", "-c", wrapped)

    def screen(self) -> str:
        text = self.tmux("capture-pane", "-p", "-t", self.target)
        self.screens.append(text)
        return text

    def keys(self, *keys: str) -> None:
        """Named keys (Enter, Escape) as tmux names them."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Literal characters (`-l`): '+' is the plus key, not a tmux key name."""
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def wait_for(self, what: str, check, timeout: float = STEP_TIMEOUT) -> str:
        """The screen once `check` holds and it has stopped changing (a capture can catch the
        app half-way through drawing an update)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if check(text):
                time.sleep(SETTLE)
                again = self.screen()
                if again == text:
                    return text
                continue
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed {what}; last screen:\n{text}")
            time.sleep(0.1)

    def wait_text(self, *needles: str, timeout: float = STEP_TIMEOUT) -> str:
        return self.wait_for(" and ".join(repr(n) for n in needles),
                             lambda text: all(n in text for n in needles), timeout)

    def close(self) -> None:
        found = subprocess.run(["tmux", "-L", self.socket, "display", "-p", "#{socket_path}"],
                               capture_output=True, text=True, timeout=10, env=clean_env())
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=10, env=clean_env())
        socket_path = found.stdout.strip()
        if found.returncode == 0 and socket_path:  # tmux leaves its socket file behind
            Path(socket_path).unlink(missing_ok=True)


def grand_total(screen: str) -> str:
    match = re.search(r"Grand total\s+(\S+)", screen)
    assert match, f"no grand total on screen:\n{screen}"
    return match.group(1)


@pytest.fixture
def terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it); the smoke test needs a real "
                    "terminal multiplexer to drive the installed command")
    if not COMMAND.exists():
        pytest.skip(f"the basketbench console script is not installed at {COMMAND}")
    term = Terminal(tmp_path)
    yield term
    term.close()


def test_a_person_opens_a_basket_adds_an_item_applies_a_promo_changes_a_qty_and_quits(
        terminal, tmp_path):
    db = tmp_path / "fresh-demo.db"
    config = tmp_path / "config"
    config.mkdir()
    env = (f"env -u COLUMNS -u LINES TERM=xterm-256color "
           f"BASKETBENCH_CONFIG_DIR={shlex.quote(str(config))} "
           f"BASKETBENCH_DATA_DIR={shlex.quote(str(tmp_path))}")
    terminal.start(f"{env} {shlex.quote(str(COMMAND))} --db {shlex.quote(str(db))}")
    alice = demo.basket_id("alice-main")

    # 1. The workbench starts on the fresh demo database: the basket list is filled.
    # (Waiting for the first row too: on a loaded machine the rows can be drawn a frame
    # after the count.)
    screen = terminal.wait_text("1 Baskets", "14 baskets", "no basket open", alice[:8])
    assert "alice@" in screen  # (the total comes first; the email
    # is cut at the pane's edge at 120 columns)

    # 2. enter opens the basket under the cursor (the newest: alice-main).
    terminal.keys("Enter")
    screen = terminal.wait_text(f"Lines · {alice[:8]}", "POLO-NAVY-L", "Grand total")
    assert "3 lines" in screen
    first_total = grand_total(screen)

    # 3. a: add an item by typing its stock code.
    terminal.keys("a")  # ("Add item" is in the footer too: wait for the dialog's own text)
    terminal.wait_for("the add-item dialog", lambda s: "name or stock code" in s
                      and re.search(r"\d+ products", s))
    terminal.type("CANDLE-FIG")
    terminal.wait_text("matching 'CANDLE-FIG'")
    terminal.keys("Enter")
    screen = terminal.wait_for(
        "the candle as a fourth line, the dialog closed",
        lambda s: "4 lines" in s and "name or stock code" not in s
        and re.search(r"Scented Candle, Fig\s+CANDLE-FIG\s+1\s", s))
    after_add = grand_total(screen)
    assert after_add != first_total

    # 4. p: apply a promo code (validated as typed, applied on enter).
    terminal.keys("p")
    terminal.wait_text("Apply a promo code")
    terminal.type("SUMMER20")
    terminal.wait_text("✓ SUMMER20")  # the code is checked as it is typed
    terminal.keys("Enter")
    screen = terminal.wait_for("SUMMER20 in the totals and the dialog closed",
                               lambda s: "SUMMER20" in s and "20% off" in s
                               and "Apply a promo code" not in s)
    after_promo = grand_total(screen)
    assert after_promo != after_add

    # 5. 2 then +: one more of the first line (POLO-NAVY-L, 2 -> 3).
    terminal.keys("2")
    terminal.type("+")
    screen = terminal.wait_for("POLO-NAVY-L with quantity 3",
                               lambda s: re.search(r"POLO-NAVY-L\s+3\s", s))
    after_qty = grand_total(screen)
    assert after_qty != after_promo

    # 6. q quits cleanly.
    terminal.keys("q")
    screen = terminal.wait_text(EXITED)
    assert f"{EXITED} 0]" in screen, screen
    assert "Traceback" not in screen

    # What the person did is in the database.
    with BasketEngine(db) as engine:
        basket = wire(engine.get_basket(alice))
    qty = {li["stockCode"]: li["qty"] for li in basket["lineItems"]}
    assert qty["CANDLE-FIG"] == 1 and qty["POLO-NAVY-L"] == 3
    assert "SUMMER20" in [p.get("voucherCode") for p in basket["promotionsApplied"]]
    assert basket["grandTotal"]["formatted"]["withTax"] == after_qty


def test_live_mode_against_a_real_sandbox_then_quit_cleanly(terminal, tmp_path):
    """`basketbench --api URL` on a sandbox started for real: keys typed during start-up go
    nowhere hidden, a quantity changes over HTTP, and q exits 0 with no traceback (quitting
    in --api mode used to fail with "Event loop is closed", exit 1)."""
    from tests.support.sandbox import start_sandbox

    config = tmp_path / "config"
    config.mkdir()
    env = (f"env -u COLUMNS -u LINES -u BASKETBENCH_PROFILE -u BASKETBENCH_DB "
           f"-u BASKETBENCH_API TERM=xterm-256color "
           f"BASKETBENCH_CONFIG_DIR={shlex.quote(str(config))} "
           f"BASKETBENCH_DATA_DIR={shlex.quote(str(tmp_path))}")
    alice = demo.basket_id("alice-main")
    with start_sandbox(tmp_path / "sandbox.db") as sb:
        terminal.start(f"{env} {shlex.quote(str(COMMAND))} --api {sb.base_url}")
        terminal.type("zz")  # typed while the screen starts: must not become a filter

        # 1. Connected: the status bar names the API, the list is filled and unfiltered.
        screen = terminal.wait_text("1 Baskets", "14 baskets", f"bettercommerce {sb.base_url}")
        assert "filter:" not in screen

        # 2. enter opens the newest basket; 2 then + changes the first line over HTTP.
        terminal.keys("Enter")
        screen = terminal.wait_text(f"Lines · {alice[:8]}", "POLO-NAVY-L", "Grand total")
        terminal.keys("2")
        terminal.type("+")
        screen = terminal.wait_for("POLO-NAVY-L with quantity 3",
                                   lambda s: re.search(r"POLO-NAVY-L\s+3\s", s)
                                   and "PUT 200" in s)

        # 3. q quits cleanly.
        terminal.keys("q")
        screen = terminal.wait_text(EXITED)
        assert f"{EXITED} 0]" in screen, screen
        assert "Traceback" not in screen and "Event loop is closed" not in screen

        basket = httpx.get(f"{sb.base_url}/api/v2/commerce/basket/{alice}").json()["result"]
    qty = {li["stockCode"]: li["qty"] for li in basket["lineItems"]}
    assert qty["POLO-NAVY-L"] == 3

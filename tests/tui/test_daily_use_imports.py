"""The daily-use pieces (themes, inspector, Nexudus view, profile palette) reach data only
through backends: importing them loads neither the engine, the server nor sqlite-utils."""

from __future__ import annotations

import subprocess
import sys


def test_daily_use_modules_never_import_engine_server_or_sqlite_utils():
    code = ("import sys, basketbench.tui.themes, basketbench.tui.inspector, "
            "basketbench.tui.nexudus_view, basketbench.tui.profile_commands\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'sqlite_utils' or "
            "m.startswith(('basketbench.engine', 'basketbench.server'))]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""

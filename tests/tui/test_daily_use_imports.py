"""What the local workbench loads when it starts (the import rules themselves are import-linter
contracts: tests/test_import_rules.py)."""

from __future__ import annotations

import subprocess
import sys


def test_the_local_workbench_starts_without_httpx(tmp_path):
    """Heavy imports wait until they are needed: httpx for live profiles only, the Nexudus view
    and the profile palette until first used."""
    code = ("import sys\n"
            "from basketbench.tui.app import prepare\n"
            f"app = prepare(db={str(tmp_path / 'x.db')!r})\n"
            "app._opener()  # the local engine, opened as the worker does\n"
            "late = ('httpx', 'basketbench.backends.http', 'basketbench.tui.nexudus_view',\n"
            "        'basketbench.tui.profile_commands')\n"
            "print(','.join(m for m in late if m in sys.modules))")
    env = {"BASKETBENCH_CONFIG_DIR": str(tmp_path), "BASKETBENCH_DATA_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    assert out == ""

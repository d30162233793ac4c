"""The workbench uses the flows package, so it must not pull in textual's opposite layers:
no engine, server or sqlite_utils (the TUI rule), and no textual (a core-layer rule)."""

from __future__ import annotations

import subprocess
import sys


def test_flows_package_imports_stay_light():
    code = ("import sys, basketbench.flows.runner, basketbench.flows.recorder, "
            "basketbench.flows.report, basketbench.flows.diff, basketbench.flows.schema; "
            "print('\\n'.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    for forbidden in ("textual", "basketbench.engine", "basketbench.server", "sqlite_utils"):
        assert not any(m == forbidden or m.startswith(forbidden + ".") for m in out), forbidden

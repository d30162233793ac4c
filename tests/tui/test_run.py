"""`basketbench` with no command: the backend comes from --db/--profile/--api through the
factory, [keys] from the config; bad choices end with a one-line message."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from basketbench.cli import cli
from basketbench.tui.app import BasketBench


def invoke(args, tmp_path, config: str = ""):
    conf = tmp_path / "config"
    conf.mkdir(exist_ok=True)
    if config:
        (conf / "config.toml").write_text(config)
    env = {"BASKETBENCH_CONFIG_DIR": str(conf), "BASKETBENCH_DATA_DIR": str(tmp_path / "data"),
           "BASKETBENCH_DB": "", "BASKETBENCH_API": "", "BASKETBENCH_PROFILE": ""}
    return CliRunner().invoke(cli, args, env=env)


def test_the_workbench_opens_on_the_chosen_database_with_the_config_keys(tmp_path,
                                                                          monkeypatch):
    seen = {}

    def fake_run(self):  # no terminal in tests: open what the worker would open
        assert self.backend.kind == "connecting"  # the screen opens before the backend
        backend = self._opener()
        seen.update(kind=backend.kind, label=backend.label, keymap=self.keymap)
        asyncio.run(backend.close())

    monkeypatch.setattr(BasketBench, "run", fake_run)
    db = tmp_path / "mine.db"
    result = invoke(["--db", str(db)], tmp_path, '[keys]\n"line.qty_inc" = "="\n')
    assert result.exit_code == 0, result.output
    assert seen == {"kind": "local", "label": str(db), "keymap": {"line.qty_inc": "equals_sign"}}
    assert db.exists()  # seeded with the demo data on first run


def test_bad_choices_end_with_a_message(tmp_path):
    result = invoke(["--profile", "nosuch"], tmp_path)
    assert result.exit_code == 1 and "nosuch" in result.output
    result = invoke(["--api", "ftp://example.com"], tmp_path)
    assert result.exit_code == 1 and "ftp://example.com" in result.output
    result = invoke(["--db", str(tmp_path / "x.db")], tmp_path, '[keys]\n"line.qty_up" = "u"\n')
    assert result.exit_code == 1 and "line.qty_up" in result.output
    assert "Traceback" not in result.output

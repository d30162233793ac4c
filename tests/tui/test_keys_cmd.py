"""`basketbench keys`: the effective bindings after the config's [keys] table."""

from __future__ import annotations

import json

from click.testing import CliRunner

from basketbench.cli import cli
from basketbench.cli.keys_cmd import effective_keys
from basketbench.tui import actions


def run(tmp_path, config: str | None, *args: str):
    if config is not None:
        path = tmp_path / "config.toml"
        path.write_text(config, "utf-8")
        path.chmod(0o600)
    return CliRunner().invoke(cli, ["keys", *args],
                              env={"BASKETBENCH_CONFIG_DIR": str(tmp_path)})


def test_lists_every_registry_and_widget_binding(tmp_path):
    result = run(tmp_path, None)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ids = [line.split()[0] for line in lines if line.strip()]
    assert set(actions.BY_ID) <= set(ids)
    assert {"inspector.copy_curl", "nexudus.send"} <= set(ids)
    qty = next(line for line in lines if line.startswith("line.qty_inc "))
    assert qty.split()[1] == "+" and "Qty +1" in qty
    assert "*" not in result.output


def test_remapped_keys_are_shown_and_marked(tmp_path):
    result = run(tmp_path, '[keys]\n"line.qty_inc" = "ctrl+up"\n'
                           '"inspector.copy_curl" = "ctrl+k, f5"\n')
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    qty = next(line for line in lines if line.startswith("line.qty_inc "))
    assert qty.split()[1:3] == ["ctrl+up", "*"]
    curl = next(line for line in lines if line.startswith("inspector.copy_curl "))
    assert "ctrl+k / f5 *" in curl
    assert "remapped in" in result.output and str(tmp_path) in result.output


def test_json_output(tmp_path):
    result = run(tmp_path, '[keys]\n"promo.apply" = "ctrl+o"\n', "--json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["promo.apply"] == {"id": "promo.apply", "keys": "ctrl+o",
                                   "description": "Promo code", "scope": "app",
                                   "remapped": True}
    assert rows["inspector.pager"]["scope"] == "inspector"


def test_unknown_binding_id_is_an_error_naming_it(tmp_path):
    result = run(tmp_path, '[keys]\n"line.qty_up" = "ctrl+up"\n')
    assert result.exit_code == 1
    assert "line.qty_up" in result.output and "Traceback" not in result.output


def test_empty_keys_value_is_an_error_naming_the_id(tmp_path):
    for config in ('[keys]\n"line.qty_inc" = ""\n', '[keys]\n"inspector.clear" = " "\n'):
        result = run(tmp_path, config)
        assert result.exit_code == 1
        assert "must be a non-empty string" in result.output


def test_effective_keys_without_a_keymap_matches_the_registry():
    rows = {r.id: r for r in effective_keys()}
    for spec in actions.ACTIONS:
        assert rows[spec.id].keys == actions.key_label(spec.keys)
        assert not rows[spec.id].remapped

"""`basketbench flow run|validate|schema`: exit codes, reports, refusing bad files early."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from basketbench.cli import cli
from basketbench.engine import BasketEngine
from basketbench.flows.schema import generate_schema
from tests.support.wire import wire

from .conftest import EXAMPLE_FLOWS, write

WRONG = '''name = "Wrong total"
[[steps]]
op = "add"
basket = "$guest"
product = "MUG-WHITE"
qty = 2
expect = { grand_total = "6.00" }
'''


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_run_passes_with_exit_0(tmp_path):
    db = tmp_path / "new.db"  # a new database gets the demo data
    result = invoke("flow", "run", str(EXAMPLE_FLOWS[0]), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "PASSED:" in result.output and f"local {db}" in result.output


def test_the_root_db_option_is_used_too(tmp_path):
    db = tmp_path / "root.db"
    result = invoke("--db", str(db), "flow", "run", str(EXAMPLE_FLOWS[0]))
    assert result.exit_code == 0, result.output
    assert f"local {db}" in result.output


def test_a_mismatch_exits_1_with_report_and_junit(tmp_path):
    path = write(tmp_path, WRONG)
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    result = invoke("flow", "run", str(path), "--db", str(tmp_path / "x.db"),
                    "--report", str(junit))
    assert result.exit_code == 1, result.output
    out = result.output
    assert "add 2 x MUG-WHITE to $guest" in out and "FAILED" in out
    assert f"at {path}:2" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("grand_total"))
    assert row.split() == ["grand_total", "6.00", "6.66"]
    assert f"JUnit report written to {junit}" in out
    failure = ET.parse(junit).getroot().find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "grand_total: expected 6.00, actual 6.66"


def test_a_malformed_file_exits_2_before_any_step_runs(tmp_path):
    literal = str(uuid.uuid4())
    good_then_bad = f'''name = "Half good"
[[steps]]
op = "add"
basket = "{literal}"
product = "MUG-WHITE"

[[steps]]
op = "add"
basket = "$guest"
product = "MUG-WHITE"
qty = "three"
'''
    bad = write(tmp_path, good_then_bad, "bad.toml")
    good = write(tmp_path, WRONG.replace('"$guest"', f'"{literal}"'), "good.toml")
    db = tmp_path / "untouched.db"
    result = invoke("flow", "run", str(good), str(bad), "--db", str(db))
    assert result.exit_code == 2
    assert f'{bad}:11: step 2 (add): qty must be a whole number (got "three")' in result.output
    assert "No step was run" in result.output and "Traceback" not in result.output
    # Neither file ran a step: the backend was not even opened (no database file).
    assert not db.exists()
    ran = invoke("flow", "run", str(good), "--db", str(db))
    assert ran.exit_code == 1  # the good file alone does run, and creates the basket
    with BasketEngine(db) as engine:
        assert wire(engine.get_basket(literal))["isNew"] is False


def test_validate_reports_each_file(tmp_path):
    bad = write(tmp_path, 'name = "x"\n[[steps]]\nop = "fly"\nbasket = "$a"\n', "bad.toml")
    result = invoke("flow", "validate", *map(str, EXAMPLE_FLOWS))
    assert result.exit_code == 0
    assert result.output.count(": ok (") == len(EXAMPLE_FLOWS)
    result = invoke("flow", "validate", str(EXAMPLE_FLOWS[0]), str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3: step 1 (fly): unknown operation" in result.output


def test_schema_prints_the_json_schema():
    result = invoke("flow", "schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == generate_schema()


def test_backend_choice_problems_exit_2(tmp_path):
    path = str(EXAMPLE_FLOWS[0])
    both = invoke("flow", "run", path, "--db", str(tmp_path / "a.db"), "--api", "http://x")
    assert both.exit_code == 2 and "only one of --profile, --api, --db" in both.output
    bad_url = invoke("flow", "run", path, "--api", "ftp://example.invalid")
    assert bad_url.exit_code == 2
    assert "cannot open the backend" in bad_url.output and "ftp://" in bad_url.output

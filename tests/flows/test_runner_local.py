"""Replaying flows against the local engine: the examples pass, mismatches and errors are
reported step by step, and the reports (text and JUnit) say what went wrong."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from basketbench.flows.format import load_flow, parse_flow
from basketbench.flows.report import junit_xml, render_report, write_junit
from basketbench.flows.runner import ERROR, FAILED, PASSED, SKIPPED, FlowRun, run_flow

from .conftest import EXAMPLE_FLOWS


@pytest.mark.parametrize("path", EXAMPLE_FLOWS, ids=lambda p: p.stem)
async def test_example_flow_passes_on_the_local_engine(path, backend):
    result = await run_flow(load_flow(path), backend)
    assert result.passed, render_report(result)
    assert all(s.status == PASSED for s in result.steps)
    assert len(result.steps) == len(load_flow(path).steps)


async def test_symbolic_baskets_are_fresh_on_every_run(backend):
    flow = load_flow(EXAMPLE_FLOWS[0])
    first = await run_flow(flow, backend)
    second = await run_flow(flow, backend)
    assert first.passed and second.passed
    assert set(first.ids) == set(second.ids)
    assert not set(first.ids.values()) & set(second.ids.values())


WRONG = '''\
name = "Wrong figures"

[[steps]]
op = "add"
basket = "$guest"
product = "POLO-NAVY-L"
qty = 2

[steps.expect]
grand_total = "50.00"
lines = { POLO-NAVY-L = 3, MUG-WHITE = 1 }

[[steps]]
name = "second step still runs"
op = "promo_apply"
basket = "$guest"
code = "SAVE10"

[steps.expect]
promo_valid = true
grand_total = "43.20"
promotions = ["SAVE10"]
'''


async def test_a_wrong_expectation_fails_naming_step_field_expected_and_actual(backend, tmp_path):
    flow = parse_flow(WRONG, source="wrong.toml")
    result = await run_flow(flow, backend)
    assert not result.passed
    first, second = result.steps
    assert first.status == FAILED and second.status == PASSED
    failed = {c.field: (c.expected, c.actual) for c in first.failures}
    assert failed == {"grand_total": ("50.00", "48.00"), "lines[POLO-NAVY-L]": ("3", "2"),
                      "lines[MUG-WHITE]": ("1", "absent")}

    report = render_report(result)
    assert "Flow     Wrong figures" in report
    step_line = next(line for line in report.splitlines() if line.strip().startswith("1  "))
    assert "add 2 x POLO-NAVY-L to $guest" in step_line and "FAILED" in step_line
    assert " ms" in step_line
    assert "at wrong.toml:3" in report
    rows = report.splitlines()
    header = next(i for i, line in enumerate(rows) if line.split() == ["field", "expected",
                                                                       "actual"])
    assert rows[header + 1].split() == ["grand_total", "50.00", "48.00"]
    # side by side: the expected and actual columns line up under their headings
    assert rows[header].index("expected") == rows[header + 1].index("50.00")
    assert rows[header].index("actual") == rows[header + 1].index("48.00")
    assert report.rstrip().endswith("s") and "FAILED: 2 steps, 1 passed, 1 failed" in report

    path = tmp_path / "junit.xml"
    write_junit([result], path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    suite = root.find("testsuite")
    assert suite.get("name") == "Wrong figures" and suite.get("file") == "wrong.toml"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["01 add 2 x POLO-NAVY-L to $guest",
                                              "02 second step still runs"]
    failure = cases[0].find("failure")
    assert "grand_total: expected 50.00, actual 48.00" in failure.get("message")
    assert "lines[MUG-WHITE]: expected 1, actual absent" in failure.get("message")
    assert "grand_total" in failure.text and cases[0].get("line") == "3"
    assert cases[1].find("failure") is None and float(cases[1].get("time")) >= 0


async def test_an_unexpected_error_stops_the_flow_and_skips_the_rest(backend):
    flow = parse_flow('''name = "Too many"
[[steps]]
op = "add"
basket = "$g"
product = "MUG-WHITE"
qty = 1000
[[steps]]
op = "get"
basket = "$g"
''')
    result = await run_flow(flow, backend)
    first, second = result.steps
    assert first.status == ERROR and "QUANTITY_LIMIT (422)" in first.message
    assert first.error is not None and first.error.code == "QUANTITY_LIMIT"
    assert second.status == SKIPPED
    report = render_report(result)
    assert "ERROR" in report and "skipped" in report and "1 errors, 1 skipped" in report
    root = ET.fromstring(junit_xml([result]))
    cases = root.find("testsuite").findall("testcase")
    assert cases[0].find("error").get("type") == "QUANTITY_LIMIT"
    assert cases[1].find("skipped") is not None
    assert root.get("errors") == "1" and root.get("skipped") == "1"


async def test_an_expected_error_that_does_not_happen_fails(backend):
    flow = parse_flow('''name = "x"
[[steps]]
op = "add"
basket = "$g"
product = "MUG-WHITE"
expect = { error = "OUT_OF_STOCK" }
[[steps]]
op = "add"
basket = "$g"
product = "MUG-WHITE"
qty = 999
expect = { error = "OUT_OF_STOCK", lines = { MUG-WHITE = 1 } }
''')
    result = await run_flow(flow, backend)
    first, second = result.steps
    assert first.status == FAILED
    assert [(c.field, c.expected, c.actual) for c in first.failures] == [
        ("error", "OUT_OF_STOCK", "no error")]
    # A different error is a failure that names both codes; the basket is still checked.
    assert second.status == FAILED
    assert second.failures[0].field == "error"
    assert second.failures[0].actual.startswith("QUANTITY_LIMIT: ")
    assert [c.field for c in second.checks] == ["error", "lines[MUG-WHITE]"]
    assert second.checks[1].ok


async def test_unknown_stock_code_is_a_step_error(backend):
    flow = parse_flow('name = "x"\n[[steps]]\nop = "add"\nbasket = "$g"\nproduct = "NOPE-1"\n')
    result = await run_flow(flow, backend)
    assert result.steps[0].status == ERROR
    assert "product 'NOPE-1' not found in the catalogue" in result.steps[0].message


async def test_on_step_sees_every_step_with_its_basket_and_may_pause(backend):
    flow = load_flow(EXAMPLE_FLOWS[0])
    seen = []

    async def on_step(step):
        seen.append((step.index, step.status, step.basket))

    result = await run_flow(flow, backend, on_step=on_step)
    assert [i for i, _, _ in seen] == list(range(1, len(flow.steps) + 1))
    assert all(basket is not None and basket.id == result.ids[flow.steps[i - 1].checked_basket]
               for i, _, basket in seen)


async def test_flow_run_goes_one_step_at_a_time(backend):
    flow = load_flow(next(p for p in EXAMPLE_FLOWS if p.stem == "guest-checkout-promo"))
    run = FlowRun(flow, backend)
    first = await run.next_step()
    assert first.index == 1 and first.basket.line_items[0].stock_code == "POLO-NAVY-L"
    assert len(run.results) == 1 and not run.done
    while await run.next_step() is not None:
        pass
    assert run.done and run.result().passed
    assert await run.next_step() is None


async def test_every_operation_runs(backend, ref):
    """One flow that uses each operation once (the examples do not need them all)."""
    alice = ref.users["alice"]
    flow = parse_flow('''name = "All operations"
[[steps]]
op = "add"
basket = "$a"
product = "POLO-NAVY-L"
qty = 3
[[steps]]
op = "qty"
basket = "$a"
product = "POLO-NAVY-L"
qty = 2
expect = { lines = { POLO-NAVY-L = 2 } }
[[steps]]
op = "bulk_add"
basket = "$a"
items = [ { product = "WALLET-BRN" }, { product = "MONOGRAM", parent = "WALLET-BRN" } ]
[[steps]]
op = "display_order"
basket = "$a"
order = ["WALLET-BRN", "POLO-NAVY-L"]
[[steps]]
op = "custom_info"
basket = "$a"
info = { 1 = "gift" }
lines = [ { product = "MONOGRAM", parent = "WALLET-BRN", info = { 1 = "ABC" } } ]
[[steps]]
op = "promo_validate"
basket = "$a"
code = "SAVE10"
expect = { promo_valid = true, promotions = [] }
[[steps]]
op = "promo_apply"
basket = "$a"
code = "save10"
expect = { promotions = ["SAVE10"] }
[[steps]]
op = "promo_remove"
basket = "$a"
code = "SAVE10"
expect = { promo_valid = true, promotions = [] }
[[steps]]
op = "ship"
basket = "$a"
method = "NOM"
nominated = { date = "2026-11-28T00:00:00.000Z", day_text = "Saturday", price = "11.99" }
expect = { shipping_charge = "11.99" }
[[steps]]
op = "po"
basket = "$a"
reference = "PO-1"
[[steps]]
op = "user"
basket = "$a"
user = "alice@example.com"
[[steps]]
op = "campaign"
basket = "$a"
code = "SPRING"
[[steps]]
op = "instructions"
basket = "$a"
text = "Ring twice"
[[steps]]
op = "click_collect"
basket = "$a"
store = "MAN1"
[[steps]]
op = "lock"
basket = "$a"
[[steps]]
op = "remove"
basket = "$a"
product = "POLO-NAVY-L"
expect = { error = "BASKET_LOCKED" }
[[steps]]
op = "unlock"
basket = "$a"
[[steps]]
op = "add"
basket = "$b"
product = "POLO-NAVY-L"
[[steps]]
op = "merge"
target = "$a"
source = "$b"
strategy = "max"
expect = { line_count = 3, lines = { POLO-NAVY-L = 2, WALLET-BRN = 1, "WALLET-BRN/MONOGRAM" = 1 } }
[[steps]]
op = "delete"
basket = "$a"
[[steps]]
op = "get"
basket = "$a"
expect = { line_count = 0 }
''')
    result = await run_flow(flow, backend)
    assert result.passed, render_report(result)
    # Each step's basket is the one read after it: the operations really took effect.
    assert result.steps[10].basket.user_id == alice
    assert result.steps[9].basket.po_number == "PO-1"
    assert result.steps[11].basket.campaign_code == "SPRING"
    assert result.steps[12].basket.delivery_instruction == "Ring twice"
    assert result.steps[4].basket.custom_info1 == "gift"
    assert result.steps[14].basket.is_locked is True
    assert [ln.stock_code for ln in result.steps[3].basket.line_items][:2] == [
        "WALLET-BRN", "POLO-NAVY-L"]
    assert result.steps[13].basket.shipping_address.company_name == "Manchester Arndale"
    assert result.steps[19].basket.is_new  # deleted: reading it gives an unsaved empty basket

"""The flow file format: valid files load with their step lines; malformed ones are refused
with every problem, each with its line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from basketbench.flows.format import (
    OPERATIONS,
    AddStep,
    FlowFormatError,
    MergeStep,
    load_flow,
    parse_flow,
)

from .conftest import EXAMPLE_FLOWS, write

GOOD = '''\
name = "Two polos"

[[steps]]
op = "add"
basket = "$guest"
product = "POLO-NAVY-L"
qty = 2

[steps.expect]
grand_total = "48.00"
sub_total = 48.00
lines = { POLO-NAVY-L = 2 }

[[steps]]
op = "merge"
target = "$user"
source = "$guest"
'''


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FlowFormatError) as info:
        parse_flow(text, source="bad.toml")
    return [(p.line, p.message) for p in info.value.problems]


def test_a_valid_flow_loads_with_models_and_step_lines():
    flow = parse_flow(GOOD)
    assert flow.name == "Two polos"
    add, merge = flow.steps
    assert isinstance(add, AddStep) and isinstance(merge, MergeStep)
    assert add.qty == 2 and add.expect.lines == {"POLO-NAVY-L": 2}
    # Money is Decimal whether written as a string or a TOML number (never a float).
    assert add.expect.grand_total == Decimal("48.00")
    assert add.expect.sub_total == Decimal("48.00") and type(add.expect.sub_total) is Decimal
    assert merge.strategy == "sum" and merge.checked_basket == "$user"
    assert [flow.step_line(0), flow.step_line(1)] == [3, 14]


def test_every_example_flow_is_valid():
    assert len(EXAMPLE_FLOWS) >= 5
    for path in EXAMPLE_FLOWS:
        flow = load_flow(path)
        assert flow.steps and flow.source == str(path)


def test_unknown_operation_names_the_line_and_the_known_operations():
    found = problems('name = "x"\n\n[[steps]]\nop = "teleport"\nbasket = "$guest"\n')
    assert len(found) == 1
    line, message = found[0]
    assert line == 4
    assert 'step 1 (teleport): unknown operation "teleport"' in message
    assert all(op in message for op in OPERATIONS)


def test_missing_argument_names_the_step_and_the_argument():
    found = problems('name = "x"\n[[steps]]\nop = "get"\nbasket = "$a"\n\n'
                     '[[steps]]\nop = "qty"\nbasket = "$a"\nproduct = "MUG-WHITE"\n')
    assert found == [(6, "step 2 (qty): missing argument 'qty'")]


def test_bad_types_name_the_field_the_value_and_the_line():
    text = '''name = "x"

[[steps]]
op = "add"
basket = "$guest"
product = "MUG-WHITE"
qty = "two"
expect = { grand_total = "lots", lines = { MUG-WHITE = 0 }, promotions = "SAVE10" }

[[steps]]
op = "merge"
target = "guest"
source = "$b"
strategy = "avg"
'''
    found = problems(text)
    messages = "\n".join(f"{line}: {m}" for line, m in found)
    assert '7: step 1 (add): qty must be a whole number (got "two")' in messages
    assert '8: step 1 (add): expect.grand_total must be an amount such as "105.29" (got "lots")' \
        in messages
    assert "8: step 1 (add): expect.lines.MUG-WHITE must be at least 1 (got 0)" in messages
    assert '8: step 1 (add): expect.promotions must be an array (got "SAVE10")' in messages
    assert '12: step 2 (merge): target must be a symbolic basket such as "$guest" or a basket ' \
           'GUID (got "guest")' in messages
    assert "14: step 2 (merge): strategy must be 'sum', 'max' or 'replace' (got \"avg\")" \
        in messages
    assert [line for line, _ in found] == sorted(line for line, _ in found)


def test_floats_bools_and_tables_are_not_quantities():
    found = problems('name = "x"\n[[steps]]\nop = "qty"\nbasket = "$a"\nproduct = "P"\n'
                     'qty = 2.5\n')
    assert found == [(6, "step 1 (qty): qty must be a whole number (got 2.5)")]
    found = problems('name = "x"\n[[steps]]\nop = "qty"\nbasket = "$a"\nproduct = "P"\n'
                     'qty = true\n')
    assert found == [(6, "step 1 (qty): qty must be a whole number (got true)")]


def test_unknown_arguments_and_expectations_list_the_allowed_ones():
    found = problems('name = "x"\n[[steps]]\nop = "remove"\nbasket = "$a"\nproduct = "P"\n'
                     'qty = 1\n[steps.expect]\ntotal = "1.00"\n')
    assert found[0] == (6, "step 1 (remove): unknown argument 'qty' for remove "
                           "(allowed: op, name, expect, basket, product)")
    assert found[1][0] == 8
    assert found[1][1].startswith("step 1 (remove): unknown expectation 'total' (allowed: "
                                  "grand_total, sub_total")


def test_toml_syntax_errors_carry_the_line():
    found = problems('name = "x"\n\n[[steps]]\nop = "add"\nbasket = $guest\n')
    assert len(found) == 1
    assert found[0][0] == 5
    assert found[0][1].startswith("TOML syntax error: ")


def test_file_level_problems():
    assert problems('name = "x"\n') == [(1, "no steps: add at least one [[steps]] table")]
    found = problems('colour = "red"\nname = ""\n[[steps]]\nop = "get"\nbasket = "$a"\n')
    assert (1, "unknown key 'colour' (allowed: version, name, description, steps)") in found
    assert (2, "name must not be empty") in found
    found = problems('[[steps]]\nop = "get"\nbasket = "$a"\n')
    assert found == [(1, "missing key 'name'")]
    found = problems('name = "x"\nversion = 2\n[[steps]]\nop = "get"\nbasket = "$a"\n')
    assert found == [(2, "version must be 1 (got 2)")]


def test_rules_beyond_types():
    text = '''name = "x"
[[steps]]
op = "add"
basket = "$a"
product = "P"
[steps.expect]
promo_valid = true

[[steps]]
op = "merge"
target = "$a"
source = "$a"

[[steps]]
op = "promo_apply"
basket = "$a"
code = "SAVE10"
expect = { error = "VALIDATION", promo_valid = false }
'''
    found = problems(text)
    assert (7, "step 1 (add): promo_valid applies only to promo_validate, promo_apply and "
               "promo_remove steps") in found
    assert (12, "step 2 (merge): source must differ from target (both $a)") in found
    assert any(line == 18 and "expect.error cannot be combined with promo_valid" in m
               for line, m in found)


def test_inline_steps_are_accepted_and_errors_fall_back_to_a_line():
    flow = parse_flow('name = "x"\nsteps = [ { op = "get", basket = "$a" } ]\n')
    assert flow.steps[0].op == "get"
    with pytest.raises(FlowFormatError) as info:
        parse_flow('name = "x"\nsteps = [ { op = "get" } ]\n')
    assert info.value.problems[0].message == "step 1 (get): missing argument 'basket'"


def test_unreadable_files_are_format_errors(tmp_path):
    with pytest.raises(FlowFormatError, match="cannot read"):
        load_flow(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(FlowFormatError, match="not UTF-8"):
        load_flow(path)


def test_error_text_starts_with_file_and_line(tmp_path):
    path = write(tmp_path, 'name = "x"\n[[steps]]\nop = "nope"\nbasket = "$a"\n')
    with pytest.raises(FlowFormatError) as info:
        load_flow(path)
    assert str(info.value).startswith(f"{path}:3: step 1 (nope): unknown operation")

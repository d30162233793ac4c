"""Basket diff: lines added, removed and changed, every total that differs, side by side."""

from __future__ import annotations

import uuid
from decimal import Decimal

from click.testing import CliRunner

from basketbench.cli import cli
from basketbench.engine import demo
from basketbench.flows.diff import diff_baskets, render_diff
from basketbench.model.basket import Basket
from basketbench.model.requests import ItemInput


async def test_identical_baskets_are_the_same(backend):
    a = await backend.get_basket(demo.basket_id("alice-main"))
    d = diff_baskets(a, a)
    assert d.same and not d.lines and not d.totals and d.unchanged_lines == 3
    assert "The baskets are the same." in render_diff(d)


async def test_lines_added_removed_changed_and_totals(backend, ref):
    a_id, b_id = str(uuid.uuid4()), str(uuid.uuid4())
    for bid in (a_id, b_id):
        await backend.add_item(bid, ItemInput(product_id=ref.product("POLO-NAVY-L"), qty=2))
        await backend.add_item(bid, ItemInput(product_id=ref.product("WALLET-BRN"), qty=1))
    await backend.add_item(a_id, ItemInput(product_id=ref.product("LINEN-WHT-M"), qty=1))
    await backend.add_item(a_id, ItemInput(product_id=ref.product("ENGRAVE-TEXT"), qty=1,
                                           parent_product_id=ref.product("WALLET-BRN")))
    await backend.set_qty(b_id, ref.product("POLO-NAVY-L"), 3)
    await backend.add_item(b_id, ItemInput(product_id=ref.product("MUG-WHITE"), qty=3))
    await backend.apply_promo(b_id, "SAVE10")
    a, b = await backend.get_basket(a_id), await backend.get_basket(b_id)

    d = diff_baskets(a, b)
    assert not d.same
    assert [c.key for c in d.removed] == ["LINEN-WHT-M", "WALLET-BRN/ENGRAVE-TEXT"]
    assert [c.key for c in d.added] == ["MUG-WHITE"]
    polo, wallet = d.changed
    assert polo.key == "POLO-NAVY-L" and polo.fields == ["qty", "line_total"]
    assert (polo.a.qty, polo.b.qty) == (2, 3)
    # Same quantity and unit price, but SAVE10 in B lowers the wallet's line total.
    assert wallet.key == "WALLET-BRN" and wallet.fields == ["line_total"]
    assert d.unchanged_lines == 0
    totals = {t.field: (t.a, t.b) for t in d.totals}
    assert totals["subTotal"] == (Decimal("160.49"), Decimal("127.49"))
    assert totals["grandTotal"][0] == Decimal("160.49")
    assert "discount" in totals and "shippingCharge" not in totals
    assert d.promotions_only_b == ["SAVE10"] and d.promotions_only_a == []

    text = render_diff(d)
    lines = text.splitlines()
    assert lines[0].strip().startswith(f"A {a_id}") and f"B {b_id}" in lines[0]
    row = next(line for line in lines if line.startswith("~ POLO-NAVY-L"))
    assert "2 x £24.00 = £48.00" in row and "3 x £24.00" in row
    assert row.index("3 x £24.00") == lines[0].index(f"B {b_id}")  # B is a column
    assert any(line.startswith("- LINEN-WHT-M") and line.rstrip().endswith("-")
               for line in lines)
    assert any(line.startswith("+ MUG-WHITE") for line in lines)
    subtotal = next(line for line in lines if line.startswith("~ subTotal"))
    assert "£160.49" in subtotal and "£127.49" in subtotal
    assert any(line.startswith("+ SAVE10") for line in lines)


def test_diff_of_bare_wire_baskets_tolerates_missing_fields():
    d = diff_baskets(Basket(id="a"), Basket(id="b"))
    assert d.same
    d = diff_baskets(Basket(id="a", user_id=str(uuid.uuid4())), Basket(id="b"))
    assert [label for label, _, _ in d.other] == ["user"]


def test_cli_diff_exit_status_and_output(engine, db_path):
    runner = CliRunner()
    a, b = demo.basket_id("alice-main"), demo.basket_id("carol-guest")
    result = runner.invoke(cli, ["basket", "diff", a, b, "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert "Lines" in result.output and "~ grandTotal" in result.output
    assert "- POLO-NAVY-L" in result.output and "+ CANDLE-FIG" in result.output
    same = runner.invoke(cli, ["basket", "diff", a, a.upper(), "--db", str(db_path)])
    assert same.exit_code == 0 and "The baskets are the same." in same.output
    group_option = runner.invoke(cli, ["basket", "--db", str(db_path), "diff", a, b])
    assert group_option.exit_code == 1 and "+ CANDLE-FIG" in group_option.output
    bad = runner.invoke(cli, ["basket", "diff", a, "not-a-guid", "--db", str(db_path)])
    assert bad.exit_code == 2
    assert "not-a-guid" in bad.output and "Traceback" not in bad.output

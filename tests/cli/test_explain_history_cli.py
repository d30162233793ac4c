"""`basket explain`, `basket audit`, `basket history` and `basket restore` from the CLI, on the
local engine and over the sandbox, which serves both as extensions."""

from __future__ import annotations

import uuid

from basketbench import jsonio
from tests.support.seed_server import BASKET, SeedBasketServer

from .conftest import PRODUCTS, Run

POLO, MUG = PRODUCTS["POLO-NAVY-L"], PRODUCTS["MUG-WHITE"]


def local(local_db) -> Run:
    return Run(["--db", local_db])


def test_explain_a_line_and_the_whole_basket(local_db):
    run = local(local_db)
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 3)
    run.ok("basket", "add", bid, "MUG-WHITE", 4)
    run.ok("basket", "promo", "apply", bid, "SAVE10")
    why = run.json("basket", "explain", bid)
    mug = next(line for line in why["lines"] if line["stockCode"] == "MUG-WHITE")
    text = run.ok("basket", "explain", bid, "--line", mug["lineId"]).stdout
    assert "4 x £3.33 = £13.32" in text and "SAVE10" in text and "POLO" not in text
    whole = run.ok("basket", "explain", bid[:8]).stdout  # the short id works too
    assert "Grand total" in whole and "code SAVE10" in whole


def test_audit_passes_an_engine_basket(local_db):
    run = local(local_db)
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 2)
    result = run.ok("basket", "audit", bid)
    assert "every figure foots" in result.stdout
    assert run.json("basket", "audit", bid)["findings"] == []


def test_audit_of_a_live_basket_that_does_not_foot_exits_4():
    """A live API's basket (the seed's example 02, over loopback) is audited as parsed, with
    the findings and wording of its wire JSON, and a figure that does not foot is exit 4."""
    server = SeedBasketServer()
    try:
        run = Run(["--api", server.url])
        result = run("basket", "audit", BASKET)
        assert result.exit_code == 4, (result.stdout, result.stderr, result.exception)
        assert f"Basket {BASKET}: 3 errors, 2 warnings" in result.stdout
        assert ("error: subTotal: 99.99 / 99.99 / 0 is not the sum of the lines' subTotal "
                "96 / 96 / 0") in result.stdout
        assert "error: shippingMethods[0].price: priced in '£' in a '€' basket" in result.stdout
        assert ("warning: grandTotal.formatted.withTax: formatted amounts with 5 decimals "
                "where EUR has 2 (54 places, e.g. '€99.99000')") in result.stdout
        as_json = run("basket", "audit", BASKET, "--json")
        assert as_json.exit_code == 4
        report = jsonio.loads(as_json.stdout)
        assert report["summary"] == "3 errors, 2 warnings"
        assert [f["check"] for f in report["findings"]] == [
            "currency", "totals", "totals", "formatted", "formatted"]
    finally:
        server.close()


def test_over_the_sandbox_history_and_explain_work(sandbox):
    run = Run(["--api", sandbox.base_url])
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 1)
    page = run.json("basket", "history", bid)
    assert page["rows"][0]["actor"] == "sandbox" and page["rows"][0]["op"] == "add_item"
    assert "1 x £24.00 = £24.00" in run.ok("basket", "explain", bid).stdout


def test_history_lists_versions_and_restore_goes_back(local_db):
    run = local(local_db)
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 2)
    run.ok("basket", "qty", bid, "POLO-NAVY-L", 5)
    page = run.json("basket", "history", bid)
    assert [r["version"] for r in page["rows"]] == [2, 1]
    assert {r["actor"] for r in page["rows"]} == {"cli"}
    assert "POLO-NAVY-L qty 2 -> 5" in run.ok("basket", "history", bid).stdout
    old = run.json("basket", "history", bid, "--version", 1)
    assert old["lineItems"][0]["qty"] == 2
    restored = run.json("basket", "restore", bid, "--version", 1)
    assert restored["lineItems"][0]["qty"] == 2 and restored["version"] == 3
    missing = run("basket", "restore", bid, "--version", 99)
    assert missing.exit_code == 1 and "no version 99" in missing.stderr

"""`basket explain`, `basket audit`, `basket history` and `basket restore` from the CLI, on the
local engine and over the sandbox, which serves both as extensions."""

from __future__ import annotations

import uuid

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

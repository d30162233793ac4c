"""`basket history ID --diff A B`: two versions of a basket side by side (the diff of
`basket diff`), as text and as JSON, on the local engine."""

from __future__ import annotations

import uuid

from .conftest import Run


def test_diff_two_versions_as_text_and_json(local_db):
    run = Run(["--db", local_db])
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 2)       # v1
    run.ok("basket", "add", bid, "MUG-WHITE", 3)         # v2
    run.ok("basket", "promo", "apply", bid, "SAVE10")    # v3
    text = run.ok("basket", "history", bid, "--diff", 1, 3).stdout
    assert "A version 1" in text and "B version 3" in text
    assert "+ MUG-WHITE" in text and "SAVE10" in text and "grandTotal" in text
    data = run.json("basket", "history", bid, "--diff", 1, 3)
    assert data["a"] == 1 and data["b"] == 3 and not data["same"]
    kinds = {c["key"]: c["kind"] for c in data["lines"]}
    assert kinds == {"MUG-WHITE": "added", "POLO-NAVY-L": "changed"}  # SAVE10 lowers it
    grand = next(t for t in data["totals"] if t["field"] == "grandTotal")
    assert (grand["a"], grand["b"]) == ("48.00", "52.19")
    assert data["promotionsOnlyB"] == ["SAVE10"]
    assert run.json("basket", "history", bid, "--diff", 2, 2)["same"] is True


def test_diff_of_a_version_that_is_not_kept_names_it(local_db):
    run = Run(["--db", local_db])
    bid = str(uuid.uuid4())
    run.ok("basket", "add", bid, "POLO-NAVY-L", 2)
    result = run("basket", "history", bid, "--diff", 1, 7)
    assert result.exit_code == 1
    said = result.stdout + result.stderr
    assert "no version 7" in said and "versions 1-1 are kept" in said


def test_diff_and_version_together_are_refused(local_db):
    run = Run(["--db", local_db])
    result = run("basket", "history", str(uuid.uuid4()), "--diff", 1, 2,
                 "--version", 1)
    assert result.exit_code != 0
    assert "--version and --diff cannot be used together" in (result.stdout + result.stderr)

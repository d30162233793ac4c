"""`basketbench basket ...`: every command in human and --json output, against the local engine
(--db) and the sandbox over HTTP (--api), and the exit codes (0 ok, 1 error, 2 usage, 3 promo
refused). One test runs the installed console script in a subprocess."""

from __future__ import annotations

import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

from basketbench import jsonio
from basketbench.backends.local import LocalBackend
from basketbench.engine import demo
from basketbench.wirejson.to_wire import to_wire

from .conftest import PRODUCTS

POLO, MUG = PRODUCTS["POLO-NAVY-L"], PRODUCTS["MUG-WHITE"]


def new_basket(run, *items: tuple[str, int]) -> str:
    bid = str(uuid.uuid4())
    for product, qty in items:
        run.ok("basket", "add", bid, product, qty)
    return bid


def test_get_human_and_json(run):
    bid = new_basket(run, ("POLO-NAVY-L", 2), ("MUG-WHITE", 3))
    text = run.ok("basket", "get", bid).stdout
    assert f"Basket {bid}" in text
    assert "POLO-NAVY-L" in text and "Polo Shirt, Navy, L" in text and "£48.00" in text
    assert "Grand total  £57.99" in text
    data = run.json("basket", "get", bid)
    assert data["id"] == bid and data["grandTotal"]["raw"]["withTax"] == Decimal("57.99")
    assert [(ln["stockCode"], ln["qty"]) for ln in data["lineItems"]] == [
        ("POLO-NAVY-L", 2), ("MUG-WHITE", 3)]


def test_json_is_the_exact_wire_json(local_db):
    import asyncio

    from .conftest import Run

    bid = demo.basket_id("alice-main")
    out = Run(["--db", local_db]).ok("basket", "get", bid, "--json").stdout

    async def read():
        backend = LocalBackend(local_db)
        try:
            return await backend.get_basket(bid)
        finally:
            await backend.close()

    expected = jsonio.dumps(to_wire(asyncio.run(read())), indent=2)
    strip = lambda text: [ln for ln in text.splitlines() if '"lastUpdated"' not in ln]  # noqa
    assert strip(out) == strip(expected)


def test_add_by_stock_code_or_id_and_qty_remove(run):
    bid = str(uuid.uuid4())
    out = run.ok("basket", "add", bid, "POLO-NAVY-L", 1).stdout
    assert "POLO-NAVY-L" in out
    data = run.json("basket", "add", bid, MUG, 2)
    assert [(ln["stockCode"], ln["qty"]) for ln in data["lineItems"]] == [
        ("POLO-NAVY-L", 1), ("MUG-WHITE", 2)]
    out = run.ok("basket", "qty", bid, "mug-white", 5).stdout  # stock code of a line
    assert "MUG-WHITE" in out and "£16.65" in out
    data = run.json("basket", "qty", bid, POLO, 3)
    assert data["lineItems"][0]["qty"] == 3
    out = run.ok("basket", "remove", bid, "POLO-NAVY-L").stdout
    assert "POLO-NAVY-L" not in out
    data = run.json("basket", "remove", bid, MUG)
    assert data["lineItems"] == []


def test_list_by_user_and_all(run):
    user = str(uuid.uuid4())
    bid = new_basket(run, ("LINEN-WHT-M", 1))
    run.ok("basket", "user", bid, user)
    out = run.ok("basket", "list", "--user", user).stdout
    assert f"1 basket(s) for user {user}" in out and bid in out and "£59.00" in out
    data = run.json("basket", "list", "--user", user)
    assert [b["id"] for b in data] == [bid] and "lineItems" in data[0]
    out = run.ok("basket", "list", "-q", bid[:18]).stdout
    assert out.startswith("1 basket(s)") and bid in out
    page = run.json("basket", "list", "-q", bid[:18])
    assert page["total"] == 1 and page["rows"][0]["grandTotal"] == Decimal("59.00")


def test_user_human_and_json(run):
    bid = new_basket(run, ("MUG-WHITE", 1))
    user = demo.USERS["alice"]
    assert "User: alice@example.com" in run.ok("basket", "user", bid, user).stdout
    assert run.json("basket", "user", bid, user)["userId"] == user


def test_merge_strategies_and_preview(run):
    target = new_basket(run, ("MUG-WHITE", 2))
    source = new_basket(run, ("MUG-WHITE", 3), ("POLO-NAVY-L", 1))
    preview = run.json("basket", "merge", target, source, "--strategy", "max", "--dry-run")
    assert [(ln["stockCode"], ln["qty"]) for ln in preview["lineItems"]] == [
        ("MUG-WHITE", 3), ("POLO-NAVY-L", 1)]
    out = run.ok("basket", "merge", target, source).stdout
    assert "MUG-WHITE" in out and "  5  " in out
    assert run.json("basket", "get", source)["isNew"] is True


def test_promo_validate_apply_remove_and_exit_codes(run):
    bid = new_basket(run, ("POLO-NAVY-L", 2))
    result = run("basket", "promo", "validate", bid, "SAVE10")
    assert result.exit_code == 0 and "SAVE10: valid" in result.stdout
    result = run("basket", "promo", "validate", bid, "NOPE", "--json")
    assert result.exit_code == 3
    assert jsonio.loads(result.stdout) == {"result": False, "message": "Promo code NOPE not found"}
    assert "NOPE not found" in result.stderr

    out = run.ok("basket", "promo", "apply", bid, "SAVE10").stdout
    assert out.startswith("OK: Promo code SAVE10 applied") and "Discount     -£4.80" in out
    refused = run("basket", "promo", "apply", bid, "XMAS2020", "--json")
    assert refused.exit_code == 3 and jsonio.loads(refused.stdout)["isVaild"] is False
    assert "expired" in refused.stderr
    data = run.json("basket", "promo", "remove", bid, "SAVE10")
    assert data["isVaild"] is True and data["basket"]["discount"]["raw"]["withTax"] == 0
    again = run("basket", "promo", "remove", bid, "SAVE10")
    assert again.exit_code == 3 and again.stdout.startswith("NOT APPLIED")


def test_ship_po_delete(run):
    bid = new_basket(run, ("POLO-NAVY-L", 1))
    out = run.ok("basket", "ship", bid, "NEXT", "GB").stdout
    assert "£7.99  (Next day delivery)" in out
    data = run.json("basket", "ship", bid, "STD", "GB")
    assert data["shippingCharge"]["raw"]["withTax"] == Decimal("3.99")

    assert "PO 'PO-77' set" in run.ok("basket", "po", bid, "PO-77").stdout
    record = run.json("basket", "po", bid, "PO-78")
    assert record == {"recordId": bid, "id": 0, "isValid": True}
    assert "PO: PO-78" in run.ok("basket", "get", bid).stdout

    assert run.ok("basket", "delete", bid).stdout.strip() == f"Basket {bid} deleted."
    assert run("basket", "delete", bid, "--json").stdout.strip() == "false"


def test_backend_errors_exit_1_with_the_message_on_stderr(run):
    bid = new_basket(run, ("POLO-NAVY-L", 1))
    result = run("basket", "qty", bid, PRODUCTS["LINEN-WHT-M"], 2)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: Product ") and "Traceback" not in result.stderr
    result = run("basket", "qty", bid, "NOT-IN-BASKET", 2)
    assert result.exit_code == 1 and "no line with stock code 'NOT-IN-BASKET'" in result.stderr
    result = run("basket", "get", "not-a-guid")
    assert result.exit_code == 1 and "not-a-guid" in result.stderr
    result = run("basket", "add", bid, "CARSEAT-G1", 9)
    assert result.exit_code == 1 and "3" in result.stderr


def test_usage_errors_exit_2(run):
    assert run("basket", "add", "x", "y").exit_code == 2
    result = run("basket", "qty", str(uuid.uuid4()), POLO, "many")
    assert result.exit_code == 2 and "'many' is not a valid integer" in result.stderr
    assert run("basket", "merge", "a", "b", "--strategy", "min").exit_code == 2


def test_unreachable_api_and_unknown_profile(tmp_path):
    from .conftest import Run

    result = Run([])("--api", "http://127.0.0.1:9", "basket", "get", str(uuid.uuid4()),
                     prefix=False)
    assert result.exit_code == 1 and "could not connect" in result.stderr
    result = Run([])("basket", "--profile", "nope", "get", str(uuid.uuid4()), prefix=False)
    assert result.exit_code == 1 and "profile 'nope' is not defined" in result.stderr


def test_options_at_every_level(local_db, sandbox):
    from .conftest import Run

    bid = demo.basket_id("alice-main")
    # root --db, group --json
    out = Run([])("--db", local_db, "basket", "--json", "get", bid, prefix=False)
    assert out.exit_code == 0 and jsonio.loads(out.stdout)["id"] == bid
    # a target on the subcommand replaces the root's entirely (no "--api and --profile")
    out = Run([])("--profile", "nope", "basket", "get", bid, "--api", sandbox.base_url,
                  prefix=False)
    assert out.exit_code == 0 and "alice@example.com" in out.stdout


def test_profile_from_the_config_file(tmp_path, sandbox, monkeypatch):
    from .conftest import Run

    config = Path(tmp_path / "config" / "config.toml")
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'default_profile = "sb"\n[profiles.sb]\nkind = "bettercommerce"\n'
                      f'base_url = "{sandbox.base_url}"\nread_only = true\n')
    bid = demo.basket_id("alice-main")
    out = Run([])("basket", "get", bid, prefix=False)
    assert out.exit_code == 0 and "alice@example.com" in out.stdout
    refused = Run([])("basket", "add", bid, "MUG-WHITE", 1, prefix=False)
    assert refused.exit_code == 1 and "read-only" in refused.stderr


def test_installed_console_script(local_db, tmp_path):
    script = Path(sys.executable).with_name("basketbench")
    assert script.exists()
    bid = demo.basket_id("bob-locked")
    done = subprocess.run([str(script), "--db", local_db, "basket", "get", bid, "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert jsonio.loads(done.stdout)["isLocked"] is True
    refused = subprocess.run([str(script), "--db", local_db, "basket", "add", bid,
                              "MUG-WHITE", "1"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "locked" in refused.stderr and "Traceback" not in refused.stderr
    usage = subprocess.run([str(script), "basket", "get"], capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode == 2

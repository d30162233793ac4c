"""The commands issue 12 added to `basketbench basket` (add-bulk, display-order, custom-info,
subscription, delivery-plans, line-plan, instructions, collect, campaign, related, lock,
unlock), the short ids of issue 13 (a unique prefix of a basket id), and a refused promo read
from engine-rules §4's shape; against the local engine and the sandbox over HTTP."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from basketbench import jsonio
from basketbench.engine import demo
from tests.backends.fault_server import BASKET_ID, FaultServer

from .conftest import PRODUCTS, Run

POLO, MUG, LINEN = PRODUCTS["POLO-NAVY-L"], PRODUCTS["MUG-WHITE"], PRODUCTS["LINEN-WHT-M"]
WALLET, ENGRAVE = PRODUCTS["WALLET-BRN"], PRODUCTS["ENGRAVE-TEXT"]
STORE = next(s for s in demo.reference_data()["stores"] if s["code"] == "LDN1")
ZERO = "00000000-0000-0000-0000-000000000000"


def new_basket(run, *items: tuple[str, int], basket_id: str | None = None) -> str:
    bid = basket_id or str(uuid.uuid4())
    for product, qty in items:
        run.ok("basket", "add", bid, product, qty)
    return bid


def stock_codes(data: dict) -> list[str]:
    return [ln["stockCode"] for ln in sorted(data["lineItems"],
                                             key=lambda ln: ln["displayOrder"] or 0)]


def test_add_bulk_with_a_child_line_and_display_order(run):
    bid = str(uuid.uuid4())
    items = jsonio.dumps([{"productId": WALLET, "qty": 1},
                          {"productId": ENGRAVE, "qty": 1, "parentProductId": WALLET,
                           "customInfo1": "A.B."}])
    data = run.json("basket", "add-bulk", bid, items)
    assert [(ln["stockCode"], ln["qty"]) for ln in data["lineItems"]] == [
        ("WALLET-BRN", 1), ("ENGRAVE-TEXT", 1)]
    assert data["grandTotal"]["raw"]["withTax"] == Decimal("53.49")

    run.ok("basket", "add", bid, "POLO-NAVY-L", 1)
    run.ok("basket", "add", bid, "MUG-WHITE", 1)
    out = run.ok("basket", "display-order", bid, "MUG-WHITE", POLO).stdout
    assert "MUG-WHITE" in out
    order = stock_codes(run.json("basket", "get", bid))
    tops = [c for c in order if c != "ENGRAVE-TEXT"]
    assert tops == ["MUG-WHITE", "POLO-NAVY-L", "WALLET-BRN"]
    assert run.json("basket", "display-order", bid, "WALLET-BRN") is True


def test_bad_json_is_a_usage_error_naming_the_value(run):
    result = run("basket", "add-bulk", str(uuid.uuid4()), "[{not json")
    assert result.exit_code == 2 and "'[{not json' is not valid JSON" in result.stderr
    result = run("basket", "custom-info", str(uuid.uuid4()), "[1]")
    assert result.exit_code == 2 and "must be an object (got list)" in result.stderr


def test_custom_info_subscription_campaign_related(run, tmp_path):
    bid = new_basket(run, ("POLO-NAVY-L", 1))
    info = tmp_path / "info.json"
    info.write_text(jsonio.dumps({"customInfo1": "gift",
                                  "lineInfo": [{"productId": POLO, "customInfo2": "wrap"}]}))
    data = run.json("basket", "custom-info", bid, f"@{info}")
    assert data["customInfo1"] == "gift" and data["lineItems"][0]["customInfo2"] == "wrap"

    plan = "1a2e9e33-a675-4e23-8dc9-e6c24491b04d"
    data = run.json("basket", "subscription", bid, "POLO-NAVY-L", jsonio.dumps({
        "subscriptionPlanId": plan, "subscriptionTermId": "83209399-0fa2-45ed-bb55-152d4b978897",
        "userPricingType": 1, "subscriptionJson": "{}", "authorizationAmount": 0}))
    assert data["lineItems"][0]["isSubscription"] is True

    assert run.json("basket", "campaign", bid, "SPRING 26")["campaignCode"] == "SPRING 26"
    assert "Campaign" not in run.ok("basket", "campaign", bid, "").stderr

    related = run.json("basket", "related", bid)
    assert {p["stockCode"] for p in related} == {"LINEN-WHT-M", "BS0010-DODGER-BLUE-M"}
    out = run.ok("basket", "related", bid).stdout
    assert out.startswith("2 related product(s)") and "LINEN-WHT-M" in out


def test_delivery_plans_line_plan_instructions_collect(run):
    bid = new_basket(run, ("POLO-NAVY-L", 1))
    plan = {"recordId": ZERO, "deliveryType": 1, "fulfilmentChannel": 1, "shippingType": 1,
            "shippingCharge": 3.99, "refStoreId": "",
            "deliveryCenter": {"recordId": ZERO, "code": "DC1", "name": "Main DC"},
            "items": [{"productId": POLO, "stockCode": "POLO-NAVY-L", "qty": 1}]}
    out = run.ok("basket", "delivery-plans", bid, jsonio.dumps([plan])).stdout
    assert out.startswith(f"1 delivery plan(s) set on {bid}: OK")
    record = run.json("basket", "line-plan", bid, jsonio.dumps({**plan, "poolCode": "P2"}))
    assert record["isValid"] is True and record["recordId"] != ZERO
    plans = run.json("basket", "get", bid)["deliveryPlans"]
    assert [p["cost"] for p in plans] == [Decimal("3.99"), Decimal("3.99")]

    assert run.json("basket", "instructions", bid, "Leave at no. 4")["isValid"] is True
    assert run.json("basket", "get", bid)["deliveryInstruction"] == "Leave at no. 4"

    out = run.ok("basket", "collect", bid, "LDN1").stdout
    assert out.startswith(f"click & collect LDN1 on {bid}: OK")
    basket = run.json("basket", "get", bid)
    assert basket["shippingAddress"]["companyName"] == STORE["name"]
    run.ok("basket", "collect", bid, "--off")
    assert run("basket", "collect", bid).exit_code == 2  # neither a store nor --off


def test_lock_and_unlock(run):
    bid = new_basket(run, ("POLO-NAVY-L", 1))
    assert run.json("basket", "lock", bid)["isLocked"] is True
    refused = run("basket", "add", bid, "MUG-WHITE", 1)
    assert refused.exit_code == 1 and "locked" in refused.stderr.lower()
    assert "locked" not in run.ok("basket", "unlock", bid).stdout.splitlines()[0]


def test_every_new_command_has_help_with_an_example():
    for name in ("add-bulk", "display-order", "custom-info", "subscription", "delivery-plans",
                 "line-plan", "instructions", "collect", "campaign", "related", "lock",
                 "unlock"):
        result = Run([])("basket", name, "--help", prefix=False)
        assert result.exit_code == 0 and "Example" in result.stdout, name
        assert f"basketbench basket {name} $B" in result.stdout and "--json" in result.stdout


# -- short ids (issue 13, item 5) ---------------------------------------------------------------

def test_short_ids_resolve_and_ambiguous_or_unknown_ones_say_so(run):
    prefix = uuid.uuid4().hex[:6]
    one = new_basket(run, ("POLO-NAVY-L", 1),
                     basket_id=f"{prefix}01-0000-4000-8000-{uuid.uuid4().hex[:12]}")
    two = new_basket(run, ("MUG-WHITE", 1),
                     basket_id=f"{prefix}02-0000-4000-8000-{uuid.uuid4().hex[:12]}")
    assert run.json("basket", "get", one[:8])["id"] == one
    assert run.json("basket", "add", two[:8], "MUG-WHITE", 1)["lineItems"][0]["qty"] == 2
    assert run("basket", "promo", "validate", one[:8], "SAVE10").exit_code == 0
    merged = run.json("basket", "merge", one[:8], two[:8].upper(), "--dry-run")
    assert merged["id"] == one

    ambiguous = run("basket", "get", prefix)
    assert ambiguous.exit_code == 2 and f"'{prefix}' is ambiguous" in ambiguous.stderr
    assert one in ambiguous.stderr and two in ambiguous.stderr
    unknown = run("basket", "get", "fffffff0")
    assert unknown.exit_code == 1 and "no basket id starts with 'fffffff0'" in unknown.stderr

    diff = run("basket", "diff", one[:8], two[:8])
    assert diff.exit_code == 1 and one in diff.stdout and two in diff.stdout


# -- a refused promo in engine-rules §4's shape ---------------------------------------------

@pytest.fixture(scope="module")
def fault():
    with FaultServer() as srv:
        yield srv


def test_a_refused_promo_exits_3_with_the_reason(fault):
    fault.reset()
    fault.mode = "promo-refused"
    run = Run(["--api", fault.base_url])
    for verb in ("apply", "remove"):
        result = run("basket", "promo", verb, BASKET_ID, "SAVE10")
        assert result.exit_code == 3, (result.stdout, result.stderr)
        assert "only valid for baskets over £50.00" in result.stderr
        assert "Traceback" not in result.stderr
    result = run("basket", "promo", "apply", BASKET_ID, "SAVE10", "--json")
    assert result.exit_code == 3 and jsonio.loads(result.stdout)["isVaild"] is False


# -- the deadline from a profile, end to end --------------------------------------------------

def slow_profile(tmp_path, url: str, sandbox: str = "false") -> Run:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[profiles.slow]\nkind = "bettercommerce"\nbase_url = "{url}"\n'
                      f'sandbox = {sandbox}\ntimeout = 1\nretries = 10\n')
    return Run(["--profile", "slow"])


def test_a_slow_server_fails_within_the_profiles_timeout(fault, tmp_path):
    import time

    fault.reset()
    fault.mode, fault.delay = "slow", 3.0
    run = slow_profile(tmp_path, fault.base_url)
    started = time.monotonic()
    result = run("basket", "get", BASKET_ID)
    assert time.monotonic() - started < 1.8
    assert result.exit_code == 1 and "within the 1s budget" in result.stderr
    assert "Traceback" not in result.stderr

    fault.mode = "redirect"
    result = run("basket", "get", BASKET_ID)
    assert result.exit_code == 1
    assert "redirect (HTTP 302) to https://elsewhere.example.net/" in result.stderr


def test_absurd_limits_in_a_profile_are_refused_with_the_field_and_value(fault, tmp_path):
    run = slow_profile(tmp_path, fault.base_url)
    config = tmp_path / "config" / "config.toml"
    config.write_text(config.read_text().replace("retries = 10", "retries = 100000"))
    result = run("basket", "get", BASKET_ID)
    assert result.exit_code == 1 and "retries = 100000 must be between 0 and 10" in result.stderr


def test_the_sandbox_probe_counts_against_the_commands_budget(fault, tmp_path):
    import time

    fault.reset()
    fault.mode, fault.delay = "slow", 3.0  # the probe of /openapi.json is slow too
    run = slow_profile(tmp_path, fault.base_url, sandbox='"auto"')
    started = time.monotonic()
    result = run("basket", "get", BASKET_ID)
    assert time.monotonic() - started < 1.8  # not a probe's 1 s plus the call's 1 s
    assert result.exit_code == 1 and "within the 1s budget" in result.stderr
    assert "used up before this request" in result.stderr

"""The same flows over HTTP: HttpBackend against the real sandbox server (one per module)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from basketbench.backends.http import HttpBackend
from basketbench.cli import cli
from basketbench.flows.format import load_flow
from basketbench.flows.recorder import FlowRecorder
from basketbench.flows.report import render_report
from basketbench.flows.runner import ERROR, PASSED, run_flow
from basketbench.model.requests import ItemInput
from tests.support.sandbox import start_sandbox

from .conftest import EXAMPLE_FLOWS


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("flows-sandbox") / "sandbox.db")
    yield sb
    sb.stop()


@pytest.fixture
async def http(sandbox):
    """The sandbox with its extensions (catalogue, reference data), as the factory finds it."""
    b = HttpBackend(sandbox.base_url, extensions=True)
    yield b
    await b.close()


@pytest.fixture
async def plain_http(sandbox):
    """The sandbox as a plain BetterCommerce API: no catalogue to resolve stock codes."""
    b = HttpBackend(sandbox.base_url, extensions=False)
    yield b
    await b.close()


@pytest.mark.parametrize("path", EXAMPLE_FLOWS, ids=lambda p: p.stem)
async def test_example_flow_passes_on_the_sandbox(path, http):
    result = await run_flow(load_flow(path), http)
    assert result.passed, render_report(result)
    assert result.backend_label.startswith("bettercommerce http://127.0.0.1:")


@pytest.mark.parametrize("name", ["guest-checkout-promo", "guest-merge-on-login",
                                  "click-and-collect", "expired-promo-refused"])
async def test_flows_pass_without_a_catalogue(name, plain_http):
    """Stock codes go out as `stockCode`; qty/remove find the product among the lines."""
    path = next(p for p in EXAMPLE_FLOWS if p.stem == name)
    result = await run_flow(load_flow(path), plain_http)
    assert result.passed, render_report(result)
    assert not plain_http.capabilities.catalogue


async def test_a_child_of_a_same_batch_parent_needs_a_catalogue(plain_http):
    path = next(p for p in EXAMPLE_FLOWS if p.stem == "engraved-wallet")
    result = await run_flow(load_flow(path), plain_http)
    first = result.steps[0]
    assert first.status == ERROR
    assert "parent product 'WALLET-BRN'" in first.message and "product GUID" in first.message


async def test_a_recording_from_the_local_engine_replays_on_the_sandbox(backend, http, ref,
                                                                       tmp_path):
    bid = str(uuid.uuid4())
    rec = FlowRecorder()
    rec.start("Local recording")
    basket = await backend.add_item(bid, ItemInput(product_id=ref.product("LINEN-WHT-M"), qty=2))
    rec.record("add", {"basket": bid, "product": ref.product("LINEN-WHT-M"), "qty": 2}, basket)
    result = await backend.apply_promo(bid, "FIVER")
    rec.record("promo_apply", {"basket": bid, "code": "FIVER"}, result.basket, promo_valid=True)
    basket = await backend.set_shipping_method(bid, "NEXT", "GB")
    rec.record("ship", {"basket": bid, "method": "NEXT", "country": "GB"}, basket)
    rec.stop()
    path = rec.save(tmp_path / "local.toml")
    replay = await run_flow(load_flow(path), http)
    assert replay.passed, render_report(replay)
    assert [s.status for s in replay.steps] == [PASSED] * 3
    assert replay.steps[-1].basket.grand_total.with_tax == \
        basket.grand_total.with_tax


def test_cli_runs_every_example_against_the_api_with_a_junit_report(sandbox, tmp_path):
    report = tmp_path / "junit.xml"
    result = CliRunner().invoke(cli, ["flow", "run", *map(str, EXAMPLE_FLOWS), "--api",
                                      sandbox.base_url, "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert result.output.count("PASSED:") == len(EXAMPLE_FLOWS)
    root = ET.parse(report).getroot()
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert len(root.findall("testsuite")) == len(EXAMPLE_FLOWS)

"""A flow from a basket's history (`basket history ID --as-flow FILE`): exported from the
versions the engine or the sandbox kept, replayed on a fresh basket, same totals."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import pytest
from click.testing import CliRunner

from basketbench.backends.http import HttpBackend
from basketbench.cli import cli
from basketbench.flows.format import load_flow
from basketbench.flows.history_export import ExportError, export_history
from basketbench.flows.report import render_report
from basketbench.flows.runner import run_flow
from basketbench.model.requests import CustomTexts, ItemInput
from tests.support.sandbox import start_sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("history-export") / "sandbox.db")
    yield sb
    sb.stop()


@pytest.fixture
async def http(sandbox):
    b = HttpBackend(sandbox.base_url, extensions=True)
    yield b
    await b.close()


async def _pid(backend, code: str) -> str:
    return next(str(p.record_id) for p in await backend.search_products(code)
                if p.stock_code == code)


async def busy_history(backend) -> str:
    """A basket with every kind of change a storefront makes, a merge and a restore."""
    wallet, engrave, gift, polo, mug, linen = [await _pid(backend, c) for c in (
        "WALLET-BRN", "ENGRAVE-TEXT", "GIFT-MSG", "POLO-NAVY-L", "MUG-WHITE", "LINEN-WHT-M")]
    bid, other = str(uuid.uuid4()), str(uuid.uuid4())
    await backend.add_bulk(bid, [ItemInput(product_id=wallet, qty=1),
                                 ItemInput(product_id=engrave, qty=1,
                                           parent_product_id=wallet,
                                           texts=CustomTexts("A.S. 2026"))])
    await backend.add_item(bid, ItemInput(product_id=polo, qty=2,
                                          texts=CustomTexts("gift for Sam")))
    await backend.add_item(bid, ItemInput(product_id=mug, qty=3))
    await backend.set_qty(bid, polo, 4)  # v4
    await backend.remove_item(bid, mug)
    assert (await backend.apply_promo(bid, "SAVE10")).basket is not None
    await backend.set_shipping_method(bid, "NEXT", "GB")
    await backend.set_po(bid, "PO-77")
    await backend.add_item(other, ItemInput(product_id=linen, qty=2))
    await backend.merge(bid, other)  # v9: no flow step; rebuilt
    await backend.restore(bid, 8)  # v10: no flow step; rebuilt (the merged lines go)
    await backend.add_item(bid, ItemInput(product_id=gift, qty=1, parent_product_id=wallet,
                                          texts=CustomTexts("Happy birthday!")))
    await backend.remove_promo(bid, "SAVE10")
    await backend.set_qty(bid, polo, 1)
    return bid


async def export_and_replay(backend, bid: str, tmp_path, **kw):
    recorder = await export_history(backend, bid, **kw)
    path = recorder.save(tmp_path / "history.toml")
    result = await run_flow(load_flow(path), backend)
    return path, result


def _grand(basket) -> Decimal:
    return basket.grand_total.with_tax


async def test_an_exported_history_replays_to_the_same_totals_locally(backend, tmp_path):
    await check_round_trip(backend, tmp_path)


async def test_an_exported_history_replays_to_the_same_totals_on_the_sandbox(http, tmp_path):
    await check_round_trip(http, tmp_path)


async def check_round_trip(target, tmp_path) -> None:
    bid = await busy_history(target)
    original = await target.get_basket(bid)
    path, result = await export_and_replay(target, bid, tmp_path)
    assert result.passed, render_report(result)
    text = path.read_text()
    assert "v9 merge: rebuilt as steps" in text and "v10 restore: rebuilt as steps" in text
    assert 'custom_info = { 1 = "A.S. 2026" }' in text and "gift for Sam" in text
    assert 'method = "NEXT"' in text and 'op = "remove"' in text
    final = result.steps[-1].basket
    assert final is not None and final.id.lower() != bid  # a fresh basket
    assert _grand(final) == _grand(original)
    assert _grand(original) > 0
    assert sorted((ln.stock_code, ln.qty, ln.custom_info1) for ln in final.line_items) == \
        sorted((ln.stock_code, ln.qty, ln.custom_info1) for ln in original.line_items)
    assert [p.promo_code for p in final.promotions_applied or []] == \
        [p.promo_code for p in original.promotions_applied or []]


async def test_a_range_starts_from_the_basket_as_it_was(backend, tmp_path):
    bid = await busy_history(backend)
    at_8 = await backend.basket_version(bid, 8)
    path, result = await export_and_replay(backend, bid, tmp_path, first=6, last=8)
    assert result.passed, render_report(result)
    assert "setup: the basket at version 5" in path.read_text()
    assert _grand(result.steps[-1].basket) == _grand(at_8)


async def test_a_deleted_basket_and_its_restore_replay(backend, tmp_path):
    polo = await _pid(backend, "POLO-NAVY-L")
    bid = str(uuid.uuid4())
    await backend.add_item(bid, ItemInput(product_id=polo, qty=2))
    await backend.delete_basket(bid)
    await backend.restore(bid, 1)
    _, result = await export_and_replay(backend, bid, tmp_path)
    assert result.passed, render_report(result)
    ops = [s.step.op for s in result.steps]
    assert ops == ["add", "delete", "bulk_add"]
    assert _grand(result.steps[-1].basket) == _grand(await backend.get_basket(bid))


async def test_a_restore_no_step_can_rebuild_is_refused_naming_it(backend):
    polo = await _pid(backend, "POLO-NAVY-L")
    bid = str(uuid.uuid4())
    await backend.add_item(bid, ItemInput(product_id=polo, qty=2))
    await backend.set_shipping_method(bid, "NEXT", "GB")
    await backend.restore(bid, 1)  # no flow step takes a shipping method off
    with pytest.raises(ExportError, match="v3 restore: takes the shipping method off"):
        await export_history(backend, bid)
    recorder = await export_history(backend, bid, last=2)  # the versions before it export
    assert recorder.step_count == 2


async def test_a_range_outside_the_history_is_refused_by_name(backend):
    polo = await _pid(backend, "POLO-NAVY-L")
    bid = str(uuid.uuid4())
    await backend.add_item(bid, ItemInput(product_id=polo, qty=2))
    with pytest.raises(ExportError, match=r"--to 9: basket .* has no version 9 \(versions 1-1"):
        await export_history(backend, bid, last=9)
    with pytest.raises(ExportError, match="has no history"):
        await export_history(backend, str(uuid.uuid4()))


def use_sandbox_profile(sandbox, tmp_path, monkeypatch) -> None:
    """A profile that says it is a sandbox: no probe of its extensions (which a loaded machine
    can time out), and no config or environment of the person running the tests."""
    for var in [v for v in os.environ if v.startswith("BASKETBENCH_")]:
        monkeypatch.delenv(var)
    conf = tmp_path / "config"
    conf.mkdir()
    (conf / "config.toml").write_text(f"""[profiles.sb]
kind = "bettercommerce"
base_url = "{sandbox.base_url}"
sandbox = true
""", "utf-8")
    (conf / "config.toml").chmod(0o600)
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(conf))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))


def test_the_cli_writes_the_flow_and_it_runs(sandbox, tmp_path, monkeypatch):
    import asyncio

    async def make() -> str:
        b = HttpBackend(sandbox.base_url, extensions=True)
        try:
            return await busy_history(b)
        finally:
            await b.close()

    use_sandbox_profile(sandbox, tmp_path, monkeypatch)
    bid = asyncio.run(make())
    out = tmp_path / "h.toml"
    runner = CliRunner()
    res = runner.invoke(cli, ["basket", "history", bid, "--profile", "sb",
                              "--as-flow", str(out), "--from", "2"])
    assert res.exit_code == 0, res.output
    assert f"to {out}" in res.output and "flow run" in res.output
    run = runner.invoke(cli, ["flow", "run", str(out), "--profile", "sb"])
    assert run.exit_code == 0, run.output
    bad = runner.invoke(cli, ["basket", "history", bid, "--profile", "sb", "--from", "2"])
    assert bad.exit_code != 0 and "--as-flow" in bad.output

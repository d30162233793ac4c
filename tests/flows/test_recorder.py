"""Recording real operations on the local engine, saving the flow, and replaying it on a
fresh database."""

from __future__ import annotations

import uuid

import pytest

from basketbench.backends.errors import BackendError
from basketbench.backends.local import LocalBackend
from basketbench.engine import demo
from basketbench.flows.format import load_flow, parse_flow
from basketbench.flows.recorder import FlowRecorder
from basketbench.flows.report import render_report
from basketbench.flows.runner import run_flow
from basketbench.model.requests import CustomTexts, ItemInput


async def _replay_on_fresh_db(path, tmp_path, clock):
    fresh = LocalBackend(tmp_path / f"replay-{uuid.uuid4().hex[:6]}.db", clock=clock)
    try:
        return await run_flow(load_flow(path), fresh)
    finally:
        await fresh.close()


async def test_record_save_load_and_replay_on_a_fresh_database(backend, ref, tmp_path, clock):
    b = backend
    guest, user = str(uuid.uuid4()), str(uuid.uuid4())
    polo, mug, wallet = ref.product("POLO-NAVY-L"), ref.product("MUG-WHITE"), \
        ref.product("WALLET-BRN")
    engrave = ref.product("ENGRAVE-TEXT")
    rec = FlowRecorder()
    rec.start("Recorded checkout", "made by the recorder test")

    basket = await b.add_item(user, ItemInput(product_id=wallet, qty=1))
    rec.record("add", {"basket": user, "product": wallet, "qty": 1}, basket)
    basket = await b.add_item(user, ItemInput(
        product_id=engrave, qty=1, parent_product_id=wallet,
        texts=CustomTexts('J. "Jo" Smith\n2026')))
    rec.record("add", {"basket": user, "product": engrave, "qty": 1, "parent": wallet,
                       "custom_info": {"1": 'J. "Jo" Smith\n2026'}}, basket)
    basket = await b.assign_user(user, ref.users["alice"])
    rec.record("user", {"basket": user, "user": ref.users["alice"]}, basket)

    basket = await b.add_item(guest, ItemInput(product_id=polo, qty=2))
    rec.record("add", {"basket": guest, "product": polo, "qty": 2}, basket)
    basket = await b.add_item(guest, ItemInput(product_id=mug, qty=3))
    rec.record("add", {"basket": guest, "product": mug, "qty": 3}, basket)
    with pytest.raises(BackendError) as info:
        await b.set_qty(guest, mug, 1000)
    rec.record("qty", {"basket": guest, "product": mug, "qty": 1000}, None, info.value)
    result = await b.apply_promo(guest, "XMAS2020")
    rec.record("promo_apply", {"basket": guest, "code": "XMAS2020"}, result.basket,
               promo_valid=result.is_vaild, promo_message=result.message)
    result = await b.apply_promo(guest, "SAVE10")
    rec.record("promo_apply", {"basket": guest, "code": "SAVE10"}, result.basket,
               promo_valid=result.is_vaild)
    basket = await b.set_shipping_method(guest, "STD", "GB")
    rec.record("ship", {"basket": guest, "method": "STD", "country": "GB"}, basket)
    await b.set_po(guest, "PO-9")
    rec.record("po", {"basket": guest, "reference": "PO-9"}, await b.get_basket(guest))
    basket = await b.merge(user, guest)
    rec.record("merge", {"target": user, "source": guest, "strategy": "sum"}, basket)

    assert rec.stop() == 11 and not rec.recording
    assert rec.record("get", {"basket": user}, basket) is False  # not recording: ignored
    path = rec.save(tmp_path / "saved" / "recorded.toml")
    text = path.read_text("utf-8")

    # Real ids became symbols; product ids became stock codes; expectations were written.
    assert guest not in text and user not in text and polo not in text
    assert '"$user"' in text and '"$guest"' in text
    assert 'product = "ENGRAVE-TEXT"' in text and 'parent = "WALLET-BRN"' in text
    assert 'error = "QUANTITY_LIMIT"' in text
    assert 'promo_message = "Promo code XMAS2020 has expired"' in text

    flow = load_flow(path)
    assert flow.name == "Recorded checkout" and len(flow.steps) == 11
    assert flow.steps[1].custom_info == {"1": 'J. "Jo" Smith\n2026'}
    merge = flow.steps[-1]
    assert (merge.target, merge.source) == ("$user", "$guest")
    assert merge.expect.lines == {"WALLET-BRN": 1, "WALLET-BRN/ENGRAVE-TEXT": 1,
                                  "POLO-NAVY-L": 2, "MUG-WHITE": 3}
    assert merge.expect.promotions == ["SAVE10"]
    assert flow.steps[5].expect.error == "QUANTITY_LIMIT" and flow.steps[5].expect.lines is None

    replay = await _replay_on_fresh_db(path, tmp_path, clock)
    assert replay.passed, render_report(replay)
    assert all(s.checks for s in replay.steps if s.step.op != "po" or s.step.expect)


async def test_recording_on_an_existing_basket_writes_setup_steps(backend, ref, tmp_path, clock):
    """Recording started on alice-main (lines, a user, SAVE10): `before` rebuilds it."""
    bid = demo.basket_id("alice-main")
    before = await backend.get_basket(bid)
    rec = FlowRecorder()
    rec.start("Alice adds a mug")
    after = await backend.add_item(bid, ItemInput(product_id=ref.product("MUG-WHITE"), qty=1))
    rec.record("add", {"basket": bid, "product": "MUG-WHITE", "qty": 1}, after, before=before)
    flow = rec.flow()
    ops = [s.op for s in flow.steps]
    assert ops == ["bulk_add", "user", "promo_apply", "add"]
    assert flow.steps[0].name.startswith("setup:")
    assert {i.product: i.qty for i in flow.steps[0].items} == {
        "POLO-NAVY-L": 2, "LINEN-WHT-M": 1, "MUG-WHITE": 3}
    assert flow.steps[-1].expect.lines["MUG-WHITE"] == 4
    path = rec.save(tmp_path / "alice.toml")
    replay = await _replay_on_fresh_db(path, tmp_path, clock)
    # The shipping method is not rebuilt, so only the totals of the last step can differ
    # when shipping is charged; alice-main ships free (over the threshold), so all match.
    assert replay.passed, render_report(replay)


def test_symbols_follow_the_user_seen_last():
    from basketbench.model.basket import Basket

    rec = FlowRecorder()
    rec.start("names")
    a, b, c, d = (str(uuid.uuid4()) for _ in range(4))
    rec.record("get", {"basket": a}, Basket(id=a, user_id="00000000-0000-0000-0000-000000000000"))
    rec.record("get", {"basket": b}, Basket(id=b, user_id=str(uuid.uuid4())))
    rec.record("get", {"basket": c}, Basket(id=c))
    rec.record("merge", {"target": b, "source": d}, Basket(id=b, user_id=str(uuid.uuid4())))
    assert rec.symbols() == {a: "$guest", b: "$user", c: "$guest2", d: "$basket1"}
    text = rec.to_toml()
    assert 'source = "$basket1"' in text and parse_flow(text).steps[3].op == "merge"


def test_bad_recordings_are_refused_clearly():
    rec = FlowRecorder()
    with pytest.raises(ValueError, match="name"):
        rec.start("  ")
    rec.start("x")
    with pytest.raises(ValueError, match="unknown operation 'teleport'"):
        rec.record("teleport", {"basket": str(uuid.uuid4())})
    with pytest.raises(ValueError, match="qty"):
        rec.record("qty", {"basket": str(uuid.uuid4()), "product": "MUG-WHITE", "qty": "x"})
    assert rec.step_count == 0
    with pytest.raises(ValueError, match="start"):
        FlowRecorder().to_toml()

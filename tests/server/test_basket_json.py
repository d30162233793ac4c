"""The sandbox encodes a basket version once: the PUT that made it and the GETs right after
share one body (server/basket_json.py), which is exactly the documented success envelope."""

from __future__ import annotations

import uuid
from datetime import timedelta

from basketbench import jsonio
from basketbench.server.basket_json import BasketBodies
from basketbench.wire.envelope import ok_envelope
from basketbench.wirejson import render


def test_one_encoding_per_basket_version(engine, ref, clock):
    bodies = BasketBodies()
    bid = str(uuid.uuid4())
    written = engine.add_item(bid, {"productId": ref.product("MUG-WHITE"), "qty": 2})
    body = bodies.body(written)
    assert body == jsonio.dumps_bytes(ok_envelope(render.basket(written)))
    assert bodies.body(engine.get_basket(bid)) is body  # the same version: not encoded again
    clock.at += timedelta(days=1)  # priced again: expected delivery dates moved
    later = engine.get_basket(bid)
    assert later.version == written.version and later is not written
    again = bodies.body(later)
    assert again is not body and again == jsonio.dumps_bytes(ok_envelope(render.basket(later)))
    changed = engine.set_qty(bid, ref.product("MUG-WHITE"), 3)
    assert b'"qty":3' in bodies.body(changed)


def test_an_unsaved_basket_is_not_kept(engine):
    bodies = BasketBodies()
    unknown = engine.get_basket(str(uuid.uuid4()))
    assert unknown.is_new
    bodies.body(unknown)
    assert len(bodies._entries) == 0

"""A server killed with SIGKILL in the middle of a stream of writes restarts on a database
that passes `PRAGMA integrity_check` and holds every acknowledged write."""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx

from tests.support.sandbox import start_sandbox

from .conftest import BASKET, PRODUCTS, new_id, ok_result


def test_sigkill_mid_stream_keeps_acknowledged_writes(tmp_path):
    db = tmp_path / "durable.db"
    sb = start_sandbox(db)
    acknowledged: dict[str, int] = {}  # basket id -> qty acknowledged
    stop = threading.Event()

    def writer(n: int) -> None:
        with httpx.Client(base_url=sb.base_url + BASKET, timeout=5) as client:
            i = 0
            while not stop.is_set():
                bid = new_id()
                try:
                    resp = client.put(f"/{bid}/items/add", json={
                        "productId": PRODUCTS["MUG-WHITE"], "qty": 1 + (i % 5)})
                except httpx.TransportError:
                    return  # the server died mid-request: not acknowledged
                if resp.status_code == 200:
                    acknowledged[bid] = 1 + (i % 5)
                i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    sb.kill()  # SIGKILL while the writers are still sending
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acknowledged) >= 150

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restarted = start_sandbox(db, seed_demo=False)
    try:
        with httpx.Client(base_url=restarted.base_url + BASKET, timeout=10) as client:
            for bid, qty in acknowledged.items():
                basket = ok_result(client.get(f"/{bid}"))
                assert basket["isNew"] is False, bid
                assert [(ln["stockCode"], ln["qty"]) for ln in basket["lineItems"]] == [
                    ("MUG-WHITE", qty)]
    finally:
        restarted.stop()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

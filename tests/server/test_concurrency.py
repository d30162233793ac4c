"""Concurrent clients against one basket: delta adds never lose an update, and If-Match lets
exactly one of two racers win."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from .conftest import BASKET, PRODUCTS, new_id, ok_result

CLIENTS, ADDS = 8, 100


def test_eight_clients_times_one_hundred_adds(sandbox):
    bid = new_id()
    url = f"{sandbox.base_url}{BASKET}/{bid}/items/add"
    body = {"productId": PRODUCTS["MUG-WHITE"], "qty": 1}  # currentStock 999
    start = threading.Barrier(CLIENTS)

    def worker(_: int) -> list[int]:
        statuses = []
        with httpx.Client(timeout=30) as client:
            start.wait()
            for _ in range(ADDS):
                statuses.append(client.put(url, json=body).status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [s for chunk in pool.map(worker, range(CLIENTS)) for s in chunk]
    assert results == [200] * (CLIENTS * ADDS)
    basket = ok_result(httpx.get(f"{sandbox.base_url}{BASKET}/{bid}"))
    assert [(ln["stockCode"], ln["qty"]) for ln in basket["lineItems"]] == [
        ("MUG-WHITE", CLIENTS * ADDS)]
    assert basket["version"] == CLIENTS * ADDS


def test_if_match_race_one_wins_one_conflicts(sandbox):
    with httpx.Client(base_url=sandbox.base_url + BASKET, timeout=30) as api:
        for _ in range(5):
            bid = new_id()
            version = ok_result(api.put(f"/{bid}/items/add", json={
                "productId": PRODUCTS["MUG-WHITE"], "qty": 1}))["version"]
            gate = threading.Barrier(2)

            def racer(qty: int, gate: threading.Barrier = gate, bid: str = bid,
                      version: int = version) -> httpx.Response:
                with httpx.Client(base_url=sandbox.base_url + BASKET, timeout=30) as client:
                    gate.wait()
                    return client.put(f"/{bid}/items/{PRODUCTS['MUG-WHITE']}/{qty}",
                                      headers={"If-Match": f'"{version}"'})

            with ThreadPoolExecutor(2) as pool:
                a, b = pool.map(racer, (5, 9))
            assert sorted([a.status_code, b.status_code]) == [200, 409]
            winner, loser = (a, b) if a.status_code == 200 else (b, a)
            assert loser.json()["messageCode"] == "CONFLICT"
            assert loser.headers["etag"] == f'"{version + 1}"'
            final = ok_result(api.get(f"/{bid}"))
            assert final["version"] == version + 1
            assert final["lineItems"][0]["qty"] == winner.json()["result"]["lineItems"][0]["qty"]

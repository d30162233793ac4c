"""Concurrent clients against one basket: delta adds never lose an update, and If-Match lets
exactly one of two racers win; on both stores. On PostgreSQL, two `serve` processes (two
hosts, as far as the database can tell) share one database and lose nothing either."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.postgres import STORES, module_database, server_url
from tests.support.sandbox import start_sandbox

from .conftest import BASKET, PRODUCTS, new_id, ok_result

CLIENTS, ADDS = 8, 100


@pytest.fixture(scope="module", params=STORES)
def pg_or_file(request, tmp_path_factory):
    """(store kind, the --store value): a SQLite file, or this module's PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite", str(tmp_path_factory.mktemp("sqlite") / "sandbox.db")
        return
    server_url()
    with module_database(request.module.__name__) as url:
        yield "postgresql", url


@pytest.fixture(scope="module")
def sandbox(pg_or_file, tmp_path_factory):
    _kind, store = pg_or_file
    with start_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db", store=store) as sb:
        yield sb


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


def test_two_servers_on_one_postgresql_database_lose_nothing(pg_or_file, sandbox,
                                                             tmp_path_factory):
    """A second `serve` process on the same database, as a second host behind a load
    balancer would be: clients spread over both add to one basket; the total is the sum of
    every add and the history holds every version, in order."""
    kind, store = pg_or_file
    if kind != "postgresql":
        pytest.skip("SQLite cannot be shared between hosts: this test is PostgreSQL's")
    clients, adds = 6, 20
    bid = new_id()
    with start_sandbox(tmp_path_factory.mktemp("second") / "second.db", store=store,
                       seed_demo=False) as second:
        hosts = [sandbox.base_url, second.base_url]
        body = {"productId": PRODUCTS["MUG-WHITE"], "qty": 1}
        gate = threading.Barrier(clients)

        def client(n: int) -> list[int]:
            with httpx.Client(base_url=hosts[n % 2] + BASKET, timeout=30) as api:
                gate.wait()
                return [api.put(f"/{bid}/items/add", json=body).status_code
                        for _ in range(adds)]

        with ThreadPoolExecutor(clients) as pool:
            statuses = [s for chunk in pool.map(client, range(clients)) for s in chunk]
        assert statuses == [200] * (clients * adds)
        for host in hosts:  # both servers see the one basket
            basket = ok_result(httpx.get(f"{host}{BASKET}/{bid}"))
            assert basket["lineItems"][0]["qty"] == clients * adds
            assert basket["version"] == clients * adds
    history = ok_result(httpx.get(f"{sandbox.base_url}{BASKET}/{bid}/history",
                                  params={"limit": 1000}))
    rows = history["rows"]
    assert history["total"] == clients * adds
    assert [r["version"] for r in rows] == list(range(clients * adds, 0, -1))

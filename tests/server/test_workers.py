"""`serve --workers 2`: two processes on one port and one database file behave as one server:
tokens issued by one are accepted by the other, ETags and If-Match agree, the GET cache of
one sees the other's writes, and concurrent adds lose nothing."""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from basketbench.server.workers import MIN_UPTIME
from tests.support.sandbox import ROOT, start_sandbox

from .conftest import BASKET, PRODUCTS, new_id, ok_result

WORKER = "x-basketbench-worker"
MUG = PRODUCTS["MUG-WHITE"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("workers") / "w.db", auth=True,
                       extra_args=["--workers", "2"])
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def token(server):
    resp = httpx.post(f"{server.base_url}/oAuth/Token", data={
        "grant_type": "client_credentials", "client_id": server.client_id,
        "client_secret": server.client_secret})
    assert resp.status_code == 200
    return resp.json()["access_token"]


@pytest.fixture(scope="module")
def per_worker(server, token):
    """One keep-alive client connected to each worker (a connection stays with the worker
    that accepted it; new connections land on either)."""
    clients: dict[str, httpx.Client] = {}
    for _ in range(60):
        c = httpx.Client(base_url=server.base_url, timeout=30,
                         headers={"Authorization": f"Bearer {token}"})
        worker = c.get("/api/v2/commerce/basket/catalogue/stores").headers[WORKER]
        if worker in clients:
            c.close()
        else:
            clients[worker] = c
        if len(clients) == 2:
            break
    assert sorted(clients) == ["1", "2"], "both workers should accept connections"
    yield clients["1"], clients["2"]
    for c in clients.values():
        c.close()


def test_a_token_from_one_worker_works_on_the_other(server, per_worker):
    one, two = per_worker
    for issuer, user in ((one, two), (two, one)):
        resp = issuer.post("/oAuth/Token", headers={"Authorization": ""}, data={
            "grant_type": "client_credentials", "client_id": server.client_id,
            "client_secret": server.client_secret})
        assert resp.status_code == 200
        issued_by = resp.headers[WORKER]
        got = user.get(f"{BASKET}/{new_id()}",
                       headers={"Authorization": f"Bearer {resp.json()['access_token']}"})
        assert got.status_code == 200 and got.headers[WORKER] != issued_by
        revoked = user.post("/oAuth/revoke", data={"token": resp.json()["access_token"]})
        assert revoked.status_code == 200
        again = issuer.get(f"{BASKET}/{new_id()}",
                           headers={"Authorization": f"Bearer {resp.json()['access_token']}"})
        assert again.status_code == 401


def test_etags_if_match_and_the_get_cache_agree_across_workers(per_worker):
    one, two = per_worker
    bid = new_id()
    first = one.put(f"{BASKET}/{bid}/items/add", json={"productId": MUG, "qty": 1})
    assert ok_result(first)["version"] == 1 and first.headers["etag"] == '"1"'
    for reader in (two, one, two):  # GETs are cached per worker: each must see every write
        got = reader.get(f"{BASKET}/{bid}")
        assert got.headers["etag"] == '"1"'
    stale = two.put(f"{BASKET}/{bid}/items/{MUG}/5", headers={"If-Match": '"0"'})
    assert stale.status_code == 409 and stale.headers["etag"] == '"1"'
    ok = two.put(f"{BASKET}/{bid}/items/{MUG}/5", headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    seen = one.get(f"{BASKET}/{bid}")
    assert seen.headers["etag"] == '"2"'
    assert ok_result(seen)["lineItems"][0]["qty"] == 5


def test_concurrent_adds_on_two_workers_lose_nothing(server, token):
    bid = new_id()
    gate = threading.Barrier(6)

    def adder(_: int) -> list[str]:
        answered_by = []
        with httpx.Client(base_url=server.base_url + BASKET, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            gate.wait()
            for _ in range(25):
                resp = c.put(f"/{bid}/items/add", json={"productId": MUG, "qty": 1},
                             headers={"Connection": "close"})  # spread over both workers
                assert resp.status_code == 200, resp.text
                answered_by.append(resp.headers[WORKER])
        return answered_by

    with ThreadPoolExecutor(6) as pool:
        workers = [w for chunk in pool.map(adder, range(6)) for w in chunk]
    assert set(workers) == {"1", "2"}
    basket = ok_result(httpx.get(f"{server.base_url}{BASKET}/{bid}",
                                 headers={"Authorization": f"Bearer {token}"}))
    assert basket["lineItems"][0]["qty"] == 150 and basket["version"] == 150
    # One access log, every line whole and naming the worker that answered it.
    time.sleep(0.3)
    adds = [ln for ln in server.log().splitlines() if f"PUT {BASKET}/{bid}/items/add" in ln]
    assert len(adds) == 150
    assert {ln.split()[2] for ln in adds} == {"w1", "w2"}
    assert all(ln.endswith("ms") and " 200 " in ln for ln in adds)


def test_sigterm_stops_every_worker(tmp_path):
    sb = start_sandbox(tmp_path / "stop.db", extra_args=["--workers", "2"])
    try:
        assert httpx.get(f"{sb.base_url}{BASKET}/{new_id()}").status_code == 200
        sb.process.send_signal(signal.SIGTERM)
        assert sb.process.wait(15) == 0
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{sb.base_url}{BASKET}/{new_id()}", timeout=2)
        log = sb.log()
        assert "2 workers" in log and "Traceback" not in log
    finally:
        sb.kill()


def test_responses_are_not_held_back_by_delayed_acks(per_worker):
    # The listening socket is made by serve itself; without TCP_NODELAY on its connections
    # every response waited ~40 ms for the client's delayed ACK (seen in bench/server.py).
    for client in per_worker:
        times = []
        for _ in range(15):
            started = time.perf_counter()
            assert client.get(f"{BASKET}/catalogue/stores").status_code == 200
            times.append(time.perf_counter() - started)
        times.sort()
        assert times[len(times) // 2] < 0.03, times


def _children(pid: int) -> set[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(p) for p in text.split()}


def test_a_worker_that_dies_is_replaced(tmp_path):
    sb = start_sandbox(tmp_path / "replace.db", extra_args=["--workers", "2"])
    try:
        first = _children(sb.process.pid)
        assert len(first) == 2
        time.sleep(MIN_UPTIME + 0.5)  # a worker dying sooner means a start-up failure
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = _children(sb.process.pid)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.05)
        assert len(now) == 2 and victim not in now
        for _ in range(10):
            with httpx.Client(base_url=sb.base_url, timeout=10) as c:
                assert c.get(f"{BASKET}/{new_id()}").status_code == 200
        assert "worker" in sb.log() and "starting a new one" in sb.log()
    finally:
        sb.stop()


@pytest.mark.parametrize("extra", [["--workers", "2"], []], ids=["workers", "single"])
def test_a_second_server_on_the_port_is_refused(server, tmp_path, extra):
    # The workers share their port through SO_REUSEPORT; another serve must not join them.
    result = subprocess.run([sys.executable, "-m", "basketbench", "serve", "--db",
                             str(tmp_path / "other.db"), "--port", str(server.port), *extra],
                            capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_burst_of_connections_is_spread_over_the_workers(server):
    # 32 connections made at once, as a browser or a load balancer opens them. On one shared
    # listening socket the first worker to wake accepted every pending connection.
    socks = [socket.create_connection(("127.0.0.1", server.port), timeout=30)
             for _ in range(32)]
    seen: collections.Counter = collections.Counter()
    try:
        for sock in socks:
            sock.sendall(f"GET {BASKET}/catalogue/stores HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Connection: close\r\n\r\n".encode())
        for sock in socks:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(65536)
                assert chunk, head
                head += chunk
            worker = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                      if line.lower().startswith(b"x-basketbench-worker:")]
            seen[worker[0].decode()] += 1
    finally:
        for sock in socks:
            sock.close()
    assert set(seen) == {"1", "2"} and min(seen.values()) >= 4, seen

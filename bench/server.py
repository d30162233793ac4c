"""Sandbox server throughput: requests/s and p50/p99 latency for GET basket and add item at 1
and 16 concurrent clients, against the real server and against a bare ASGI app (same uvicorn,
same JSON bytes) as the ceiling; then GET and add item at 16 clients with `serve --workers`
1, 2 and 4, as ratios to the 1-worker figure of the same run.
Figures, not a test: `python bench/server.py [--seconds 3] [--workers-only]`.

Each server runs in its own process; the client is one asyncio process speaking raw
HTTP/1.1 keep-alive over N connections (httpx would be the bottleneck, see DESIGN.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from basketbench.engine import demo  # noqa: E402
from tests.support.sandbox import free_port, start_sandbox  # noqa: E402

BARE_APP = textwrap.dedent("""
    import sys
    BODY = open(sys.argv[1], "rb").read()
    HEADERS = [(b"content-type", b"application/json"),
               (b"content-length", str(len(BODY)).encode())]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        more = True
        while more:  # drain the request body, as the real server does
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": BODY})

    if __name__ == "__main__":
        import uvicorn
        uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
                    access_log=False, lifespan="off")
""")


async def one_request(reader, writer, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def client(port: int, requests: list[bytes], stop_at: float, warm_until: float,
                 latencies: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    try:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            status = await one_request(reader, writer, requests[i % len(requests)])
            i += 1
            if started >= warm_until:
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


def run_load(port: int, requests: list[bytes], concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def main() -> None:
        now = time.perf_counter()
        warm_until, stop_at = now + 0.5, now + 0.5 + seconds
        await asyncio.gather(*(client(port, requests, stop_at, warm_until, latencies, statuses)
                               for _ in range(concurrency)))

    asyncio.run(main())
    latencies.sort()
    n = len(latencies)
    return {"rps": n / seconds, "p50": latencies[n // 2] * 1000 if n else 0,
            "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0,
            "statuses": statuses}


def http_request(method: str, path: str, body: bytes = b"") -> bytes:
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--workers-only", action="store_true",
                        help="only the worker-process figures")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bb-bench-"))
    sandbox = start_sandbox(tmp / "bench.db", extra_args=["--no-access-log"])
    bare = None
    try:
        import httpx

        basket = demo.basket_id("alice-main")
        get_path = f"/api/v2/commerce/basket/{basket}"
        body_bytes = httpx.get(sandbox.base_url + get_path).content
        (tmp / "body.json").write_bytes(body_bytes)
        mug = httpx.get(sandbox.base_url + "/api/v2/commerce/basket/catalogue/products",
                        params={"q": "MUG-WHITE"}).json()["result"][0]["productId"]
        target = demo.basket_id("guest-1")
        httpx.put(f"{sandbox.base_url}/api/v2/commerce/basket/{target}/items/add",
                  json={"productId": mug, "qty": 500})
        add_path = f"/api/v2/commerce/basket/{target}/items/add"
        plus = json.dumps({"productId": mug, "qty": 1}).encode()
        minus = json.dumps({"productId": mug, "qty": -1}).encode()
        add_requests = [http_request("PUT", add_path, plus), http_request("PUT", add_path, minus)]
        get_requests = [http_request("GET", get_path)]

        (tmp / "bare.py").write_text(BARE_APP)
        bare_port = free_port()
        bare = subprocess.Popen([sys.executable, str(tmp / "bare.py"), str(tmp / "body.json"),
                                 str(bare_port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{bare_port}/")
                break
            except httpx.TransportError:
                time.sleep(0.05)

        if args.workers_only:
            sandbox.stop()
            bench_workers(tmp / "bench.db", get_requests, add_requests, args.seconds)
            return
        rows = []
        for name, port, requests in (("GET basket", sandbox.port, get_requests),
                                     ("bare ASGI, same JSON (GET)", bare_port, get_requests),
                                     ("add item (+1/-1)", sandbox.port, add_requests),
                                     ("bare ASGI, same JSON (PUT)", bare_port, add_requests)):
            for concurrency in (1, 16):
                result = run_load(port, requests, concurrency, args.seconds)
                rows.append((name, concurrency, result))
                print(f"{name:28} c={concurrency:<3} {result['rps']:8.0f} req/s   "
                      f"p50 {result['p50']:6.2f} ms   p99 {result['p99']:6.2f} ms   "
                      f"{result['statuses']}", flush=True)
        by = {(n, c): r["rps"] for n, c, r in rows}
        print()
        print(f"Body: {len(body_bytes)} bytes. Machine: {platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"{time.strftime('%Y-%m-%d')}")
        for c in (1, 16):
            print(f"c={c}: GET basket / bare = "
                  f"{by[('GET basket', c)] / by[('bare ASGI, same JSON (GET)', c)]:.2f}; "
                  f"add item / bare = "
                  f"{by[('add item (+1/-1)', c)] / by[('bare ASGI, same JSON (PUT)', c)]:.2f}")
        print_aims(by)
        sandbox.stop()
        bare.terminate()
        bare.wait(10)
        bare = None
        print()
        bench_workers(tmp / "bench.db", get_requests, add_requests, args.seconds)
    finally:
        sandbox.stop()
        if bare is not None:
            bare.terminate()
            bare.wait(10)


def print_aims(by: dict[tuple[str, int], float]) -> None:
    """The issue-14 aims of the server: sandbox / bare ASGI with the same body, 16 clients."""
    get = by[("GET basket", 16)] / by[("bare ASGI, same JSON (GET)", 16)]
    put = by[("add item (+1/-1)", 16)] / by[("bare ASGI, same JSON (PUT)", 16)]
    print(f"AIM server-get: {get:.2f} (aim >= 0.7)")
    print(f"AIM server-put: {put:.2f} (aim >= 0.4)")


def bench_workers(db: Path, get_requests: list[bytes], add_requests: list[bytes],
                  seconds: float, concurrency: int = 16) -> None:
    """GET basket and add item with 1, 2 and 4 worker processes on one database file."""
    rps: dict[tuple[str, int], float] = {}
    for workers in (1, 2, 4):
        server = start_sandbox(db, seed_demo=False,
                               extra_args=["--no-access-log", "--workers", str(workers)])
        try:
            for name, requests in (("GET basket", get_requests),
                                   ("add item (+1/-1)", add_requests)):
                result = run_load(server.port, requests, concurrency, seconds)
                rps[(name, workers)] = result["rps"]
                ratio = result["rps"] / rps[(name, 1)]
                print(f"{name:18} workers={workers}  c={concurrency:<3} {result['rps']:8.0f} req/s"
                      f"   p50 {result['p50']:6.2f} ms   p99 {result['p99']:6.2f} ms   "
                      f"{ratio:4.2f}x 1 worker   {result['statuses']}", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

"""Sandbox server throughput: requests/s and p50/p99 latency for GET basket and add item at 1
and 16 concurrent clients, against the real server and against a bare ASGI app (same uvicorn,
same JSON bytes) as the ceiling; then GET and PUT items/add at 16 and 64 clients with
`serve --workers` 1, 2 and 4, on SQLite and on PostgreSQL, as ratios to the 1-worker figure
of the same store, with the CPU each request costs in the server and in the database.
Figures, not a test: `python bench/server.py [--seconds 2] [--workers-only] [--pg URL]`.

PostgreSQL: --pg URL (a server to make a scratch database on), else $BASKETBENCH_TEST_PG,
else a throwaway server started with .ci/postgres.sh for the run.

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


def run_load(port: int, requests: list, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def main() -> None:
        now = time.perf_counter()
        warm_until, stop_at = now + 0.5, now + 0.5 + seconds
        # A list of lists: client n sends the n-th list (its own basket); else all share one.
        per_client = requests if requests and isinstance(requests[0], list) else [requests]
        await asyncio.gather(*(client(port, per_client[n % len(per_client)], stop_at,
                                      warm_until, latencies, statuses)
                               for n in range(concurrency)))

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
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--workers-only", action="store_true",
                        help="only the worker-process figures")
    parser.add_argument("--pg", help="PostgreSQL server URL to make a scratch database on")
    parser.add_argument("--no-pg", action="store_true", help="SQLite figures only")
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
            bench_stores(tmp, args)
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
        bench_stores(tmp, args)
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
# -- workers x stores --------------------------------------------------------------------------

CLIENTS = (16, 64)
WORKERS = (1, 2, 4)


def bench_stores(tmp: Path, args: argparse.Namespace) -> None:
    """The worker matrix on SQLite, then on PostgreSQL, and the 2-worker ratios."""
    rps: dict[tuple[str, str, int, int], float] = {}
    bench_workers("sqlite", str(tmp / "workers.db"), tmp, args.seconds, rps)
    if not args.no_pg:
        with scratch_postgres(args.pg) as url:
            bench_workers("postgresql", url, tmp, args.seconds, rps)
    print()
    for store in ("sqlite", "postgresql"):
        for op in ("GET", "PUT"):
            for c in CLIENTS:
                if (store, op, 1, c) in rps:
                    print(f"{store:10} {op} c={c:<3} 2 workers / 1 = "
                          f"{rps[(store, op, 2, c)] / rps[(store, op, 1, c)]:.2f}   "
                          f"4 workers / 1 = {rps[(store, op, 4, c)] / rps[(store, op, 1, c)]:.2f}")
    if ("postgresql", "PUT", 1, 64) in rps:
        ratio = rps[("postgresql", "PUT", 2, 64)] / rps[("postgresql", "PUT", 1, 64)]
        print(f"AIM pg-put-2w: {ratio:.2f} (aim >= 1.4)")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}")


class scratch_postgres:
    """A scratch database on --pg / $BASKETBENCH_TEST_PG, else on a throwaway server."""

    def __init__(self, url: str | None) -> None:
        self.server = url or os.environ.get("BASKETBENCH_TEST_PG")
        self.started: Path | None = None

    def __enter__(self) -> str:
        import uuid

        import psycopg

        from tests.support.postgres import with_database

        if not self.server:
            self.started = Path(tempfile.mkdtemp(prefix="bb-bench-pg-"))
            self.server = subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "start",
                                          str(self.started)], check=True, text=True,
                                         capture_output=True).stdout.strip()
        self.name = f"bb_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.name}")
        return with_database(self.server, self.name)

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        if self.started:
            subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "stop", str(self.started)],
                           check=False)


def prepare(store: str, tmp: Path) -> tuple[list[bytes], list[list[bytes]]]:
    """Seed the demo data and give each of up to 64 clients its own basket holding 500
    mugs (a team's clients each work on their own baskets); returns (GET requests,
    per-client add requests, +1 then -1)."""
    import uuid

    import httpx

    with start_sandbox(tmp / "prep.db", store=store, extra_args=["--no-access-log"]) as sb:
        mug = httpx.get(sb.base_url + "/api/v2/commerce/basket/catalogue/products",
                        params={"q": "MUG-WHITE"}).json()["result"][0]["productId"]
        plus = json.dumps({"productId": mug, "qty": 1}).encode()
        minus = json.dumps({"productId": mug, "qty": -1}).encode()
        adds = []
        with httpx.Client(base_url=sb.base_url) as http:
            for _ in range(max(CLIENTS)):
                path = f"/api/v2/commerce/basket/{uuid.uuid4()}/items/add"
                http.put(path, json={"productId": mug, "qty": 500}).raise_for_status()
                adds.append([http_request("PUT", path, plus), http_request("PUT", path, minus)])
    get_path = f"/api/v2/commerce/basket/{demo.basket_id('alice-main')}"
    return [http_request("GET", get_path)], adds


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (Linux)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU these processes have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """The server process and its workers."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(entry.name)[1])
            except (OSError, IndexError, ValueError):
                continue
    tree = {root}
    while more := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= more
    return sorted(tree)


def postgres_pids() -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def bench_workers(store: str, location: str, tmp: Path, seconds: float,
                  rps: dict[tuple[str, str, int, int], float]) -> None:
    """GET basket and PUT items/add with 1, 2 and 4 worker processes on one store."""
    get_requests, add_requests = prepare(location, tmp)
    for workers in WORKERS:
        server = start_sandbox(tmp / "workers-log.db", store=location, seed_demo=False,
                               extra_args=["--no-access-log", "--workers", str(workers)])
        try:
            for op, requests in (("GET", get_requests), ("PUT", add_requests)):
                for c in CLIENTS:
                    tree = process_tree(server.process.pid)
                    pg = store == "postgresql"
                    cpu0, db0 = cpu_seconds(tree), cpu_seconds(postgres_pids()) if pg else 0.0
                    result = run_load(server.port, requests, c, seconds)
                    done = sum(result["statuses"].values()) or 1
                    # The warm-up's requests cost CPU too: a slight over-estimate per request.
                    server_ms = (cpu_seconds(tree) - cpu0) * 1000 / done
                    db_ms = ((cpu_seconds(postgres_pids()) - db0) * 1000 / done) if pg else 0.0
                    rps[(store, op, workers, c)] = result["rps"]
                    ratio = result["rps"] / rps[(store, op, 1, c)]
                    print(f"{store:10} {op} workers={workers} c={c:<3} {result['rps']:7.0f} "
                          f"req/s  p50 {result['p50']:6.2f} ms  p99 {result['p99']:7.2f} ms  "
                          f"{ratio:4.2f}x 1w  CPU/req server {server_ms:5.2f} ms"
                          + (f" db {db_ms:5.2f} ms" if pg else "")
                          + f"  {result['statuses']}", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

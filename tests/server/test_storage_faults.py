"""Storage faults are envelopes (or, at start-up, one clear line) that say what happened:
a database locked by another process (503 + Retry-After after a bounded wait, reads never
waiting behind the writer), a full disk (507), a read-only, damaged or newer-schema file
(refused at start-up by `serve` and the CLI alike, never a traceback). Each fault is made for
real where this machine allows it; the one injected fault says why."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from basketbench.engine import BasketEngine, demo
from basketbench.engine.storage_errors import StoreBusy, StoreFull
from tests.support.sandbox import ROOT, start_sandbox
from tests.support.wire import wire

from .conftest import BASKET, PRODUCTS, new_id, ok_result

ALICE = demo.basket_id("alice-main")
MUG = PRODUCTS["MUG-WHITE"]


def basketbench(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "basketbench", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=str(ROOT))


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    for word in words:
        assert word.lower() in result.stderr.lower(), (word, result.stderr)


def refused_by_serve_and_cli(db: Path, *words: str) -> None:
    assert_refused(basketbench("serve", "--db", str(db), "--port", "0"), *words)
    assert_refused(basketbench("--db", str(db), "basket", "get", ALICE), *words)


def seeded(path: Path) -> Path:
    with BasketEngine(path) as engine:
        demo.ensure_seeded(engine)
        engine.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def mug_qty(basket: dict) -> int:
    return next(ln["qty"] for ln in basket["lineItems"] if ln["stockCode"] == "MUG-WHITE")


class LockHolder:
    """Another process holding the database's write lock (BEGIN IMMEDIATE) until released."""

    def __init__(self, db: Path) -> None:
        code = ("import sqlite3, sys\n"
                "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "c.execute('BEGIN IMMEDIATE')\n"
                "print('locked', flush=True)\n"
                "sys.stdin.readline()\n"
                "c.execute('ROLLBACK')\n")
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(db)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate("\n", timeout=10)


# -- start-up faults ---------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_file_is_refused_at_start_up(tmp_path, damage):
    db = seeded(tmp_path / "damaged.db")
    data = db.read_bytes()
    db.write_bytes(os.urandom(8192) if damage == "garbage" else data[: len(data) // 3])
    before = db.read_bytes()
    refused_by_serve_and_cli(db, "is damaged", str(db))
    assert db.read_bytes() == before  # nothing written to it


def test_newer_schema_is_refused_at_start_up(tmp_path):
    db = seeded(tmp_path / "future.db")
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'a later release')")
    refused_by_serve_and_cli(db, "schema version 99", "newer than this basketbench")
    with sqlite3.connect(db) as conn:  # refused, not "migrated"
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (99,)


def make_read_only(path: Path) -> None:
    """chmod is no bar to root (these tests run as root in CI): root gets the immutable
    attribute instead, which the kernel enforces for root too."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root without chattr/CAP_LINUX_IMMUTABLE: no way to make a "
                    "file read-only for this process")


def test_read_only_file_is_refused_at_start_up(tmp_path):
    db = seeded(tmp_path / "ro.db")
    make_read_only(db)
    try:
        with pytest.raises(OSError):  # the fault is real: this process cannot write it either
            open(db, "r+b").close()
        refused_by_serve_and_cli(db, "is read-only", str(db))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], check=False)


def test_locked_file_at_start_up_is_refused_after_the_wait(tmp_path):
    db = seeded(tmp_path / "locked.db")
    holder = LockHolder(db)
    try:
        started = time.monotonic()
        result = basketbench("serve", "--db", str(db), "--port", "0", "--lock-wait", "0.5")
        assert_refused(result, "is locked", "gave up after waiting 0.5 s")
        assert time.monotonic() - started < 15
    finally:
        holder.release()


# -- faults while serving ----------------------------------------------------------------------

def test_locked_file_answers_503_after_a_bounded_wait_and_reads_never_wait(tmp_path):
    db = seeded(tmp_path / "busy.db")
    with start_sandbox(db, seed_demo=False, extra_args=["--lock-wait", "1"]) as sb, \
            httpx.Client(base_url=sb.base_url + BASKET, timeout=30) as api:
        before = ok_result(api.get(f"/{ALICE}"))
        holder = LockHolder(db)
        try:
            started = time.monotonic()
            resp = api.put(f"/{ALICE}/items/add", json={"productId": MUG, "qty": 1})
            waited = time.monotonic() - started
            assert resp.status_code == 503, resp.text
            body = resp.json()
            assert body["messageCode"] == "BUSY" and body["success"] is False
            assert "is locked" in body["message"] and str(db) in body["message"]
            assert resp.headers["retry-after"] == "1"
            assert 0.9 <= waited < 5

            # A writer is waiting for the lock; reads (cached or not) answer at once.
            waiting = threading.Thread(target=lambda: api.put(
                f"/{ALICE}/items/add", json={"productId": MUG, "qty": 1}))
            waiting.start()
            time.sleep(0.2)
            with httpx.Client(base_url=sb.base_url, timeout=30) as reader:
                for path in (f"{BASKET}/{ALICE}", f"{BASKET}/{new_id()}",
                             f"{BASKET}/{demo.basket_id('bob-main')}",
                             f"{BASKET}/catalogue/stores", "/api/billing/basketsessions"):
                    started = time.monotonic()
                    assert reader.get(path).status_code == 200, path
                    assert time.monotonic() - started < 0.5, path
            waiting.join(10)
        finally:
            holder.release()
        after = ok_result(api.put(f"/{ALICE}/items/add", json={"productId": MUG, "qty": 1}))
        assert mug_qty(after) == mug_qty(before) + 1  # the refused writes changed nothing
        assert after["version"] == before["version"] + 1


def test_reads_do_not_queue_behind_a_waiting_writer_in_the_engine(tmp_path):
    db = seeded(tmp_path / "engine.db")
    engine = BasketEngine(db, write_wait=2)
    holder = LockHolder(db)
    errors: list[Exception] = []

    def write() -> None:
        try:
            engine.add_item(ALICE, {"productId": MUG, "qty": 1})
        except Exception as exc:  # noqa: BLE001 - the assertion below looks at it
            errors.append(exc)

    try:
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.2)  # the writer now holds the engine's write lock, waiting for the file
        started = time.monotonic()
        assert wire(engine.get_basket(ALICE))["isNew"] is False
        assert time.monotonic() - started < 0.5
        writer.join(10)
        assert len(errors) == 1 and isinstance(errors[0], StoreBusy)
        assert errors[0].status == 503 and errors[0].headers == {"Retry-After": "1"}
    finally:
        holder.release()
        engine.close()


def mount_small_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: close cannot fail
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_full_disk_answers_507_and_keeps_every_basket_whole(tmp_path):
    small = tmp_path / "small"
    if not mount_small_tmpfs(small, "2m"):
        pytest.skip("a real full disk needs a size-limited tmpfs (root with CAP_SYS_ADMIN); "
                    "test_full_disk_is_507_injected covers the mapping without one")
    try:
        shutil.copy(seeded(tmp_path / "seed.db"), small / "full.db")
        link = tmp_path / "full.db"  # the server log stays outside the small disk
        link.symlink_to(small / "full.db")
        with start_sandbox(link, seed_demo=False) as sb, \
                httpx.Client(base_url=sb.base_url + BASKET, timeout=30) as api:
            before = ok_result(api.get(f"/{ALICE}"))
            filler = fill(small)
            statuses, refused = [], []
            for _ in range(20):  # until a write needs a page the disk no longer has
                bid = new_id()
                resp = api.put(f"/{bid}/items/add", json={"productId": MUG, "qty": 2})
                statuses.append(resp.status_code)
                if resp.status_code != 200:
                    refused.append((bid, resp))
                    break
            assert refused, statuses
            bid, resp = refused[0]
            assert resp.status_code == 507, resp.text
            body = resp.json()
            assert body["messageCode"] == "INSUFFICIENT_STORAGE"
            assert "is full" in body["message"] and "was not saved" in body["message"]
            assert ok_result(api.get(f"/{bid}"))["isNew"] is True  # nothing half-written
            assert ok_result(api.get(f"/{ALICE}")) == before  # reads still work
            filler.unlink()
            again = ok_result(api.put(f"/{bid}/items/add", json={"productId": MUG, "qty": 2}))
            assert [(ln["stockCode"], ln["qty"]) for ln in again["lineItems"]] == [
                ("MUG-WHITE", 2)]
        conn = sqlite3.connect(small / "full.db")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            conn.close()
    finally:
        subprocess.run(["umount", "--lazy", str(small)], check=False)


class _DiskFullOnCommit:
    """The writer connection, except that COMMIT fails as SQLite does on a full disk."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


def test_full_disk_is_507_injected(tmp_path):
    # Injected because a full disk can only be made for real with a size-limited filesystem
    # (test_full_disk_answers_507_and_keeps_every_basket_whole does that when it can mount
    # one). The fault is raised where SQLite raises it: the writer connection's COMMIT.
    from fastapi.testclient import TestClient

    from basketbench.server.app import create_app

    engine = BasketEngine(seeded(tmp_path / "inject.db"))
    try:
        before = wire(engine.get_basket(ALICE))
        real = engine.store.conn
        engine.store.conn = _DiskFullOnCommit(real)
        with pytest.raises(StoreFull) as err:
            engine.add_item(ALICE, {"productId": MUG, "qty": 1})
        assert err.value.status == 507 and "is full" in err.value.message
        client = TestClient(create_app(engine, access_log=False), base_url="http://127.0.0.1",
                            raise_server_exceptions=False)
        resp = client.put(f"{BASKET}/{ALICE}/items/add", json={"productId": MUG, "qty": 1})
        assert resp.status_code == 507 and resp.json()["messageCode"] == "INSUFFICIENT_STORAGE"
        engine.store.conn = real
        assert wire(engine.get_basket(ALICE)) == before
    finally:
        engine.close()


@pytest.mark.parametrize("auth", [False, True], ids=["open", "auth"])
def test_file_damaged_while_serving_answers_503_envelopes(tmp_path, auth):
    # With auth the fault surfaces first in the token check, before any route runs.
    db = seeded(tmp_path / "damaged-live.db")
    with start_sandbox(db, seed_demo=False, auth=auth) as sb, \
            httpx.Client(base_url=sb.base_url, timeout=30) as http:
        if auth:
            http.headers["Authorization"] = "Bearer " + http.post("/oAuth/Token", data={
                "grant_type": "client_credentials", "client_id": sb.client_id,
                "client_secret": sb.client_secret}).json()["access_token"]
        assert http.get(f"{BASKET}/{ALICE}").status_code == 200
        assert http.put(f"{BASKET}/{ALICE}/items/add",
                        json={"productId": MUG, "qty": 1}).status_code == 200
        # Move that write into the file: resetting the WAL also tells the server's
        # connections that their cached pages are stale, so they read the damage below.
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        finally:
            conn.close()
        size = db.stat().st_size
        with open(db, "r+b") as handle:  # everything after the header page overwritten
            handle.seek(4096)
            handle.write(os.urandom(size - 4096))
        bob = demo.basket_id("bob-main")
        for method, path in (("GET", f"{BASKET}/{bob}"), ("GET", f"{BASKET}/catalogue/stores"),
                             ("GET", f"{BASKET}/all"), ("PUT", f"{BASKET}/{bob}/items/add")):
            resp = http.request(method, path, json={"productId": MUG, "qty": 1})
            assert resp.status_code == 503, (path, resp.text)
            body = resp.json()
            assert body["messageCode"] == "DATABASE_DAMAGED" and str(db) in body["message"]
            assert "Restore it from a copy" in body["message"]
        assert "Traceback" not in sb.log()

"""Start the real sandbox server in a subprocess, for HTTP tests.

    from tests.support.sandbox import start_sandbox

    with start_sandbox(tmp_path / "sandbox.db") as sb:             # auth off
        httpx.get(f"{sb.base_url}/api/v2/commerce/basket/{basket_id}")

    with start_sandbox(db, auth=True) as sb:                        # auth on
        token = httpx.post(f"{sb.base_url}/oAuth/Token", data={
            "grant_type": "client_credentials", "client_id": sb.client_id,
            "client_secret": sb.client_secret}).json()["access_token"]
        # Nexudus: POST /api/token with grant_type=password, sb.username, sb.password

`start_sandbox(db_path, *, auth=False, seed_demo=True) -> Sandbox` runs
`python -m basketbench serve --host 127.0.0.1 --port <free port> --db <db_path>` (plus
`--demo` when `seed_demo`, which resets the demo data; without it an existing database is kept
as it is and an empty one gets the demo catalogue and baskets), waits until the server answers
HTTP, and returns a `Sandbox`:

- `.base_url` (`http://127.0.0.1:<port>`, no trailing slash), `.port`, `.db_path`
- `.client_id`, `.client_secret` (BetterCommerce client credentials) and `.username`,
  `.password` (a Nexudus user with every BasketSession role): set when `auth=True`, else None
- `.log_path`: the server's stdout and stderr (startup lines, one access line per request)
- `.stop()` (SIGTERM, then SIGKILL after 5 s) and `.kill()` (SIGKILL at once, for crash
  tests); it is also a context manager that stops on exit.

Optional keywords: `token_ttl` (seconds, for expiry tests), `auth_config` (path of your own
TOML config instead of the generated one; the credential attributes are then None),
`extra_args` (more `serve` options), `startup_timeout` (seconds, default 30).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Sandbox:
    base_url: str
    port: int
    db_path: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs (crash tests)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._close_log()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def _close_log(self) -> None:
        handle = getattr(self.process, "_bb_log", None)
        if handle and not handle.closed:
            handle.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def write_auth_config(path: Path, *, token_ttl: int | None = None) -> dict[str, str]:
    """A config with one client and one all-roles Nexudus user; returns their secrets."""
    from basketbench.server.auth import config_toml

    creds = {"client_id": "sandbox-tests", "client_secret": secrets.token_urlsafe(18),
             "username": "tester@example.com", "password": secrets.token_urlsafe(12)}
    roles = ["BasketSession-Create", "BasketSession-Read", "BasketSession-Update",
             "BasketSession-Delete"]
    path.write_text(config_toml([(creds["client_id"], creds["client_secret"])],
                                [(creds["username"], creds["password"], roles)],
                                token_ttl=token_ttl), "utf-8")
    return creds


def start_sandbox(db_path: str | Path, *, auth: bool = False, seed_demo: bool = True,
                  token_ttl: int | None = None, auth_config: str | Path | None = None,
                  extra_args: list[str] | tuple[str, ...] = (),
                  startup_timeout: float = 30.0, store: str | None = None) -> Sandbox:
    """`store`: a postgresql:// URL to serve instead of the file (which then only names
    where the log and auth config go)."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    creds: dict[str, str] = {}
    args = [sys.executable, "-m", "basketbench", "serve", "--host", "127.0.0.1",
            *(["--store", store] if store else ["--db", str(db_path)])]
    if seed_demo:
        args.append("--demo")
    if auth:
        if auth_config is None:
            auth_config = db_path.with_name(db_path.stem + "-auth.toml")
            creds = write_auth_config(Path(auth_config))
        args += ["--auth", "token", "--auth-config", str(auth_config)]
        if token_ttl:
            args += ["--token-ttl", str(token_ttl)]
    args += list(extra_args)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                     env.get("PYTHONPATH")]))

    last_error = "did not start"
    for _attempt in range(3):  # a free port can be taken between choosing and binding
        port = free_port()
        log_path = db_path.with_name(f"{db_path.stem}-server-{port}.log")
        log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by Sandbox
        proc = subprocess.Popen([*args, "--port", str(port)], stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                cwd=str(ROOT))
        proc._bb_log = log  # type: ignore[attr-defined]
        sandbox = Sandbox(f"http://127.0.0.1:{port}", port, db_path, log_path, proc,
                          creds.get("client_id"), creds.get("client_secret"),
                          creds.get("username"), creds.get("password"))
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                last_error = f"exited with {proc.returncode}: {sandbox.log()[-2000:]}"
                break
            try:
                httpx.get(f"{sandbox.base_url}/__ready", timeout=1.0)  # any answer will do
                return sandbox
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            last_error = f"no answer within {startup_timeout}s: {sandbox.log()[-2000:]}"
            sandbox.kill()
        sandbox._close_log()
    raise RuntimeError(f"sandbox server {last_error}")

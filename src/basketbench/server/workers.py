"""`serve --workers N`: N server processes accepting on one listening socket.

The parent binds the socket, forks the workers (each opens its own database connections and
app after the fork: nothing SQLite crosses a fork) and supervises them: SIGTERM or SIGINT
stops them all; a worker that dies later is replaced, one that dies within `MIN_UPTIME`
seconds of starting stops the whole server (it would only die again). State that must be one
across workers lives in the database file (tokens, failure counts, basket versions); what a
worker keeps in memory is checked against the file before use (the GET basket cache).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from typing import Callable

MIN_UPTIME = 2.0


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, made with proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on
    sockets that say so, and without it every response waits ~40 ms for a delayed ACK."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP,
        flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def supervise(count: int, run_worker: Callable[[int], None],
              echo: Callable[[str], None]) -> int:
    """Fork `count` workers running `run_worker(number)`; returns the exit code."""
    children: dict[int, tuple[int, float]] = {}  # pid -> (worker number, started)
    stopping = False
    code = 0

    def spawn(number: int) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            status = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                run_worker(number)
            except BaseException as exc:  # noqa: BLE001 - report, then leave without cleanup
                if not isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    print(f"worker {number} failed: {exc}", file=sys.stderr)
                    traceback.print_exc()
                    status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        children[pid] = (number, time.monotonic())

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(1, count + 1):
        spawn(number)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        number, started = children.pop(pid)
        if stopping:
            continue
        if time.monotonic() - started < MIN_UPTIME:
            echo(f"worker {number} exited at start-up (status {status}); stopping the server")
            code = 1
            stop(signal.SIGTERM, None)
        else:
            echo(f"worker {number} exited (status {status}); starting a new one")
            spawn(number)
    return code

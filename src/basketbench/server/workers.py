"""`serve --workers N`: N server processes on one port.

The parent reserves the port, forks the workers (each opens its own database connections,
app and listening socket after the fork: nothing SQLite crosses a fork) and supervises them.
Each worker listens on its own socket with SO_REUSEPORT, so the kernel spreads connections
evenly over the workers; on one shared socket the first worker to wake accepts every
pending connection, and keep-alive clients then pile onto it. The parent: SIGTERM or SIGINT
stops them all; a worker that dies later is replaced, one that dies within `MIN_UPTIME`
seconds of starting stops the whole server (it would only die again). State that must be one
across workers lives in the database file (tokens, failure counts, basket versions); what a
worker keeps in memory is checked against the file before use (the GET basket cache).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

MIN_UPTIME = 2.0


def reserve(host: str, port: int) -> socket.socket:
    """The port for the workers' SO_REUSEPORT sockets, bound (not listening) so it stays
    ours. It is first bound without SO_REUSEPORT, which fails when anything else holds the
    port: otherwise a second `serve --workers` would silently share it with this one."""
    probe = listen(host, port, reserve_only=True, reuse_port=False)
    port = probe.getsockname()[1]
    probe.close()
    return listen(host, port, reserve_only=True, reuse_port=True)


def listen(host: str, port: int, *, reuse_port: bool = False,
           reserve_only: bool = False) -> socket.socket:
    """A listening socket, made with proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on
    sockets that say so, and without it every response waits ~40 ms for a delayed ACK.
    `reuse_port`: one of the workers' sockets of one port; `reserve_only`: bound, not
    listening (see `reserve`)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP,
        flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if not reserve_only:
            sock.listen(2048)
    except BaseException:
        sock.close()
        raise
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
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

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

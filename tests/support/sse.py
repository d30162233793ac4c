"""A server-sent events reader for tests: reads one stream in a thread, as an EventSource
would, and hands over its events (and comments) through a queue.

    with SseReader(url, headers={"Last-Event-ID": "3"}) as sse:
        event = sse.next(timeout=3)        # Event(name, id, data) or Comment(text)
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from dataclasses import dataclass

import httpx


@dataclass
class Event:
    name: str
    id: str | None
    data: dict


@dataclass
class Comment:
    text: str


class SseReader:
    def __init__(self, url: str, *, headers: dict[str, str] | None = None,
                 params: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = {"Accept": "text/event-stream", **(headers or {})}
        self.params = params
        self.items: queue.Queue = queue.Queue()
        self.status: int | None = None
        self.content_type = ""
        self.ended = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(5, read=None))
        self._response: httpx.Response | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the stream did not open"

    def _read(self) -> None:
        try:
            with self._client.stream("GET", self.url, headers=self.headers,
                                     params=self.params) as response:
                self._response = response
                self.status = response.status_code
                self.content_type = response.headers.get("content-type", "")
                self._opened.set()
                name, event_id, data = "message", None, []
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.items.put(Comment(line[1:].strip()))
                    elif line == "":
                        if data:
                            self.items.put(Event(name, event_id, json.loads("\n".join(data))))
                        name, event_id, data = "message", None, []
                    else:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "event":
                            name = value
                        elif field == "id":
                            event_id = value
                        elif field == "data":
                            data.append(value)
        except Exception:  # noqa: BLE001 - closed by the test or the server
            pass
        finally:
            self._opened.set()
            self.ended.set()

    def next(self, timeout: float = 3.0, *, comments: bool = False) -> Event | Comment:
        """The next event (skipping comments unless `comments`)."""
        while True:
            item = self.items.get(timeout=timeout)
            if comments or isinstance(item, Event):
                return item

    def close(self) -> None:
        """Hang up now: the socket is shut down, which wakes the reader's blocking read (a
        response closed from another thread would wait for the next bytes)."""
        if self._response is not None:
            stream = self._response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed
                    sock.shutdown(socket.SHUT_RDWR)
        self._client.close()
        self._thread.join(5)

    def __enter__(self) -> SseReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

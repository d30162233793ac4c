"""uvicorn's server, told to end open event streams when it is asked to stop.

uvicorn waits for running responses before it shuts down, and an event stream never ends by
itself: without this, SIGTERM would wait out the graceful-shutdown timeout."""

from __future__ import annotations

from types import FrameType

import uvicorn

from . import routes_events


class StreamingServer(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        routes_events.close_all()

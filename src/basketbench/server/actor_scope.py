"""Who basket history says made a change that came through the sandbox: "sandbox" for every
request, unless the auth gate (inside this middleware) names the client or user."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..actor import ACTOR


class SandboxActor:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = ACTOR.set("sandbox")
        try:
            await self.app(scope, receive, send)
        finally:
            ACTOR.reset(token)

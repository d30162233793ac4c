"""Checks bearer tokens before routing (pure ASGI): 401 without a valid token, 403 without the
role. BetterCommerce routes take client-credentials tokens, Nexudus routes password-grant
tokens; the token endpoints and the OpenAPI document are open."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..actor import ACTOR
from .auth import NEXUDUS_VERB_ROLES, Auth
from .guard import _reply
from .responses import COMMERCE_PREFIX, error_for_path

NEXUDUS_PREFIX = "/api/billing"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="basketbench"'}


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            text = value.decode("latin-1").strip()
            scheme, _, token = text.partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else ""
    return None


class AuthGate:
    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith(COMMERCE_PREFIX):
            kind, token_url = "bettercommerce", "POST /oAuth/Token"
        elif path.startswith(NEXUDUS_PREFIX):
            kind, token_url = "nexudus", "POST /api/token"
        else:
            await self.app(scope, receive, send)
            return

        def deny(status: int, code: str, message: str, prop: str = "Authorization"):
            headers = _CHALLENGE if status == 401 else None
            return _reply(scope, send, error_for_path(path, status, code, message,
                                                      [f"{prop}: {message}"], headers))

        token = _bearer(scope)
        if token is None:
            await deny(401, "UNAUTHORIZED",
                       f"A bearer token is required (get one from {token_url})")
            return
        if not token:
            await deny(401, "UNAUTHORIZED", "The Authorization header must be 'Bearer <token>'")
            return
        grant, why = self.auth.tokens.lookup(token)
        if grant is None:
            await deny(401, "UNAUTHORIZED", "The bearer token has expired" if why == "expired"
                       else "The bearer token is not valid")
            return
        if grant.kind != kind:
            await deny(401, "UNAUTHORIZED",
                       f"The bearer token was not issued for this API (get one from {token_url})")
            return
        if kind == "nexudus":
            role = NEXUDUS_VERB_ROLES.get(scope.get("method", "GET"), "BasketSession-Read")
            if not grant.principal.has_role(role):
                await deny(403, "FORBIDDEN",
                           f"User {grant.principal.name} needs the role {role} "
                           "(or full administrator)", "role")
                return
        scope.setdefault("state", {})["principal"] = grant.principal
        # Basket history records who made a change: this request's client or user.
        ACTOR.set(f"{'user' if kind == 'nexudus' else 'client'}:{grant.principal.name}")
        await self.app(scope, receive, send)

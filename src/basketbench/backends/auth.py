"""Credentials for the live clients: a static bearer token, the BetterCommerce client-credentials
flow and the Nexudus password grant. Token requests go through the same transport, so they are
logged (redacted) like every other call, and every secret is registered with the log."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .. import jsonio
from .errors import BackendError
from .transport import Reply, Transport, undecodable

# Renew a little before the server would refuse the token.
EXPIRY_MARGIN_S = 30.0


class StaticToken:
    def __init__(self, token: str) -> None:
        self.token = token

    def register(self, transport: Transport) -> None:
        transport.log.secrets.append(self.token)

    async def headers(self, transport: Transport) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def refresh(self, transport: Transport) -> bool:
        return False  # nothing new to offer: the 401 stands


class _TokenFlow:
    """A cached bearer token fetched from a token endpoint; one fetch at a time."""

    def __init__(self, token_url: str, clock=time.monotonic) -> None:
        self.token_url = token_url
        self.clock = clock
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.expires_at = 0.0
        self._lock = asyncio.Lock()

    def register(self, transport: Transport) -> None:
        pass

    def _valid(self) -> bool:
        return self.access_token is not None and self.clock() < self.expires_at

    async def headers(self, transport: Transport) -> dict[str, str]:
        if not self._valid():
            async with self._lock:
                if not self._valid():
                    await self._fetch(transport, renew=False)
        return {"Authorization": f"Bearer {self.access_token}"}

    async def refresh(self, transport: Transport) -> bool:
        stale = self.access_token
        async with self._lock:
            if self.access_token == stale:  # nobody refreshed it while we waited
                self.access_token = None
                await self._fetch(transport, renew=True)
        return True

    async def _fetch(self, transport: Transport, *, renew: bool) -> None:
        raise NotImplementedError

    async def _post(self, transport: Transport, form: dict[str, str], what: str) -> dict:
        reply = await transport.send("POST", self.token_url, form=form, authenticate=False,
                                     sensitive=True)
        return self._token_body(transport, reply, what)

    def _token_body(self, transport: Transport, reply: Reply, what: str) -> dict:
        try:
            data: Any = jsonio.loads(reply.text) if reply.text.strip() else None
        except ValueError:
            data = None
        if reply.status >= 400 or not isinstance(data, dict) or not data.get("access_token"):
            if not isinstance(data, dict) and reply.status < 400:
                raise undecodable(reply, transport.scrub)
            reason = ""
            if isinstance(data, dict):
                reason = str(data.get("error_description") or data.get("error")
                             or data.get("message") or data.get("Message") or "")
            status = reply.status if reply.status >= 400 else 401
            message = transport.scrub(
                f"{what} refused (HTTP {reply.status}{': ' + reason if reason else ''}): "
                f"{reply.where}")
            code = "SERVER_ERROR" if status >= 500 else "UNAUTHORIZED"
            raise BackendError(status, code, message, where=reply.where)
        self._accept(transport, data)
        return data

    def _accept(self, transport: Transport, data: dict) -> None:
        self.access_token = str(data["access_token"])
        transport.log.secrets.append(self.access_token)
        if data.get("refresh_token"):
            self.refresh_token = str(data["refresh_token"])
            transport.log.secrets.append(self.refresh_token)
        try:
            lifetime = float(data.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self.expires_at = self.clock() + max(lifetime - min(EXPIRY_MARGIN_S, lifetime / 10), 1.0)


class ClientCredentials(_TokenFlow):
    """BetterCommerce: `POST {auth_url}/oAuth/Token` with the client id and secret."""

    def __init__(self, auth_url: str, client_id: str, client_secret: str, **kw: Any) -> None:
        super().__init__(auth_url.rstrip("/") + "/oAuth/Token", **kw)
        self.client_id = client_id
        self.client_secret = client_secret

    def register(self, transport: Transport) -> None:
        transport.log.secrets.append(self.client_secret)

    async def _fetch(self, transport: Transport, *, renew: bool) -> None:
        await self._post(transport, {"client_id": self.client_id,
                                     "client_secret": self.client_secret,
                                     "grant_type": "client_credentials"},
                         f"token request for client {self.client_id!r}")


class PasswordGrant(_TokenFlow):
    """Nexudus: `POST {base}/api/token` with grant_type=password; renewed with the refresh
    token, falling back to the password when the refresh token is refused."""

    def __init__(self, base_url: str, username: str, password: str, **kw: Any) -> None:
        super().__init__(base_url.rstrip("/") + "/api/token", **kw)
        self.username = username
        self.password = password

    def register(self, transport: Transport) -> None:
        transport.log.secrets.append(self.password)

    async def _fetch(self, transport: Transport, *, renew: bool) -> None:
        if renew and self.refresh_token:
            try:
                await self._post(transport, {"grant_type": "refresh_token",
                                             "refresh_token": self.refresh_token},
                                 "token refresh")
                return
            except BackendError as exc:
                if exc.status == 0 or exc.status >= 500:
                    raise
        await self._post(transport, {"grant_type": "password", "username": self.username,
                                     "password": self.password},
                         f"token request for user {self.username!r}")

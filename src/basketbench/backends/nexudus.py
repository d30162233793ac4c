"""The Nexudus BasketSession client (api.md §3, engine-rules §9).

Auth is the password grant at `/api/token`, renewed with the refresh token. `WasSuccessful` is
the truth even on HTTP 200; its `Errors` become "PropertyName: Message" field errors. A basket
travels as a session whose `JsonContents` is the basket's exact wire JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import jsonio
from ..model.basket import Basket
from ..redact import redact_url
from ..wire import BasketSession, BasketSessionPage, dump_wire
from ..wirejson import parse
from ..wirejson.to_wire import to_wire
from .auth import PasswordGrant, StaticToken
from .deadline import budget
from .envelope import parse_result
from .errors import BackendError, read_only_error
from .request_log import RequestLog
from .transport import Reply, Transport, code_for_status, snippet, undecodable

SESSIONS = "/api/billing/basketsessions"


class NexudusClient:
    kind = "nexudus"

    def __init__(self, base_url: str, *, username: str | None = None,
                 password: str | None = None, token: str | None = None,
                 business_id: int | None = None, read_only: bool = False,
                 profile: str = "nexudus", timeout: float = 15.0, retries: int = 2,
                 backoff: float = 0.25, log: RequestLog | None = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(400, "VALIDATION",
                               f"base_url: {base_url!r} is not an http:// or https:// URL")
        self.label = redact_url(base_url.rstrip("/"))  # shown in the status bar
        self.profile = profile
        self.read_only = read_only
        self.business_id = business_id
        self.log = log if log is not None else RequestLog()
        auth: Any = None
        if username or password:
            if not (username and password):
                raise BackendError(400, "VALIDATION",
                                   f"{'password' if username else 'username'}: is required "
                                   "for the Nexudus password grant")
            auth = PasswordGrant(self.label, username, password)
        elif token:
            auth = StaticToken(token)
        self.transport = Transport(self.label, log=self.log, auth=auth, timeout=timeout,
                                   retries=retries, backoff=backoff)
        if auth is not None:
            auth.register(self.transport)

    async def close(self) -> None:
        await self.transport.close()

    def operation(self, started: float | None = None) -> Any:
        """One budget over several calls (update reads, writes and reads back)."""
        return budget(self.transport.timeout, started)

    async def _send(self, op: str, method: str, path: str, *, mutation: bool = False,
                    **kw: Any) -> tuple[Any, Reply]:
        if mutation and self.read_only:
            raise read_only_error(op, self.profile)
        reply = await self.transport.send(method, path, **kw)
        return read_nexudus(reply, self.transport.scrub), reply

    def _business(self, business_id: int | None) -> int:
        chosen = business_id if business_id is not None else self.business_id
        if chosen is None:
            raise BackendError(400, "VALIDATION", "BusinessId: is required (give --business-id "
                               "or set business_id in the Nexudus profile)",
                               ["BusinessId: is a required field"])
        return chosen

    # -- BasketSession CRUD -----------------------------------------------------------------

    async def create_session(self, business_id: int | None, session_id: str,
                             json_contents: str | None = None) -> int:
        """The new session's Id. `business_id` None means the profile's business."""
        body: dict[str, Any] = {"BusinessId": self._business(business_id),
                                "SessionId": session_id}
        if json_contents is not None:
            body["JsonContents"] = json_contents
        data, reply = await self._send("create_session", "POST", SESSIONS, json=body,
                                       mutation=True)
        value = data.get("Value") if isinstance(data, dict) else None
        if not isinstance(value, dict) or not isinstance(value.get("Id"), int):
            raise BackendError(reply.status, "BAD_RESPONSE",
                               f"{reply.where} reported success but gave no Value.Id",
                               where=reply.where)
        return value["Id"]

    async def list_sessions(self, *, page: int = 1, size: int = 25,
                            session_id: str | None = None) -> BasketSessionPage:
        params: dict[str, Any] = {"page": page, "size": size}
        if session_id:
            params["BasketSession_SessionId"] = session_id
        data, reply = await self._send("list_sessions", "GET", SESSIONS, params=params)
        return parse_result(BasketSessionPage, _value(data), reply, self.transport.scrub)

    async def get_session(self, record_id: int) -> BasketSession:
        data, reply = await self._send("get_session", "GET", f"{SESSIONS}/{int(record_id)}")
        return parse_result(BasketSession, _value(data), reply, self.transport.scrub)

    async def update_session(self, record_id: int, *, session_id: str | None = None,
                             json_contents: str | None = None,
                             business_id: int | None = None) -> BasketSession:
        """Change the given fields; the others keep their stored values."""
        with self.operation():
            return await self._update(record_id, session_id, json_contents, business_id)

    async def _update(self, record_id: int, session_id: str | None, json_contents: str | None,
                      business_id: int | None) -> BasketSession:
        current = await self.get_session(record_id)
        body = dump_wire(current)
        body["Id"] = int(record_id)
        if session_id is not None:
            body["SessionId"] = session_id
        if json_contents is not None:
            body["JsonContents"] = json_contents
        if business_id is not None:
            body["BusinessId"] = business_id
        await self._send("update_session", "PUT", SESSIONS, json=body, mutation=True)
        return await self.get_session(record_id)

    async def delete_session(self, record_id: int) -> bool:
        await self._send("delete_session", "DELETE", f"{SESSIONS}/{int(record_id)}",
                         mutation=True)
        return True

    # -- baskets as sessions ----------------------------------------------------------------

    async def send_basket(self, basket: Basket, business_id: int | None,
                          session_id: str) -> int:
        """Create a session whose JsonContents is the basket's exact wire JSON; its Id."""
        return await self.create_session(business_id, session_id, basket_contents(basket))

    @staticmethod
    def session_basket(session: BasketSession) -> Basket:
        return session_basket(session)


def basket_contents(basket: Basket) -> str:
    return jsonio.dumps(to_wire(basket))


def session_basket(session: BasketSession) -> Basket:
    """The basket a session carries; BAD_RESPONSE when JsonContents holds no basket."""
    where = f"BasketSession {session.id}"
    if not session.json_contents:
        raise BackendError(422, "BAD_RESPONSE", f"{where} has no JsonContents", where=where)
    try:
        data = jsonio.loads(session.json_contents)
    except ValueError as exc:
        raise BackendError(422, "BAD_RESPONSE", f"{where}: JsonContents is not valid JSON "
                           f"({exc})", where=where) from None
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]  # a whole envelope pasted in: take its basket
    if not isinstance(data, dict) or not ({"lineItems", "id"} & data.keys()):
        raise BackendError(422, "BAD_RESPONSE",
                           f"{where}: JsonContents is not a basket "
                           f"({snippet(session.json_contents, 60)!r})",
                           where=where)
    try:
        return parse.basket(data)
    except parse.WireError as exc:
        raise BackendError(422, "BAD_RESPONSE", f"{where}: JsonContents is not a basket "
                           f"({exc})", where=where) from None


def _value(data: Any) -> Any:
    """Reads answer with the record itself; some deployments wrap it in an envelope."""
    if isinstance(data, dict) and "WasSuccessful" in data and "Value" in data:
        return data["Value"]
    return data


def read_nexudus(reply: Reply, scrub: Callable[[str], str]) -> Any:
    try:
        data = jsonio.loads(reply.text) if reply.text.strip() else None
    except ValueError:
        data = None
    if data is None:
        if reply.status >= 400 and not reply.text.strip():
            raise BackendError(reply.status, code_for_status(reply.status),
                               f"HTTP {reply.status} with an empty body from {reply.where}",
                               where=reply.where)
        raise undecodable(reply, scrub)
    if isinstance(data, dict) and data.get("WasSuccessful") is False:
        raise nexudus_error(reply, data, scrub)
    if reply.status >= 400:
        if isinstance(data, dict) and ("Errors" in data or "Message" in data):
            raise nexudus_error(reply, data, scrub)
        reason = ""
        if isinstance(data, dict):
            reason = str(data.get("error_description") or data.get("error")
                         or data.get("message") or data.get("Message") or "")
        raise BackendError(reply.status, code_for_status(reply.status), scrub(
            f"HTTP {reply.status} from {reply.where}" + (f": {reason}" if reason else "")),
            where=reply.where)
    return data


def nexudus_error(reply: Reply, env: dict, scrub: Callable[[str], str]) -> BackendError:
    status = env.get("Status")
    if not isinstance(status, int) or status < 400:
        status = reply.status if reply.status >= 400 else 400
    fields = [scrub(f"{e.get('PropertyName') or '?'}: {e.get('Message') or ''}".strip())
              for e in (env.get("Errors") or []) if isinstance(e, dict)]
    message = env.get("Message") or "; ".join(fields) or f"HTTP {reply.status}"
    return BackendError(status, code_for_status(status), scrub(str(message)), fields,
                        where=reply.where)

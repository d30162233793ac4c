"""Token endpoints: BetterCommerce `POST /oAuth/Token` (client_credentials and refresh_token
grants) and Nexudus `POST /api/token` (password and refresh_token grants), and their
revocation endpoints `POST /oAuth/revoke` and `POST /api/token/revoke` (RFC 7009).

Bodies are form-encoded (a JSON object is accepted too). Errors are the API's envelope plus the
OAuth 2 fields `error` and `error_description` (RFC 6749 §5.2). Failed requests count against
the client id / user and the caller's address; over the limit the key is locked out (429 with
`Retry-After`) before any secret is checked. With auth off the endpoints still answer, handing
a token to anyone (the server checks none), so clients that always fetch a token work against
an open sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine.errors import ValidationError
from . import openapi_docs as docs
from . import requests as rq
from .auth import Auth
from .responses import bc_error, json_response, nexudus_error
from .routing import Routes
from .secret_check import Overloaded

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OPEN_TTL = 3600
OPEN_TOKEN = "open-sandbox"


def _form_doc(fields: dict[str, str], required: list[str]) -> dict:
    schema = {"type": "object", "required": required,
              "properties": {k: {"type": "string", "description": v} for k, v in fields.items()}}
    return {"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": schema},
        "application/json": {"schema": schema}}}}


def _bc_fail(status: int, error: str, description: str,
             headers: dict[str, str] | None = None) -> Response:
    code = {401: "UNAUTHORIZED", 429: "TOO_MANY_REQUESTS"}.get(status, "VALIDATION")
    return bc_error(status, code, description, [f"{error}: {description}"],
                    headers={**_NO_STORE, **(headers or {})}, error=error,
                    error_description=description)


def _nx_fail(status: int, error: str, description: str,
             headers: dict[str, str] | None = None) -> Response:
    return nexudus_error(status, description, [{"AttemptedValue": None, "Message": description,
                                                "PropertyName": error}],
                         headers={**_NO_STORE, **(headers or {})}, error=error,
                         error_description=description)


@dataclass(frozen=True)
class TokenApi:
    """What differs between the two token endpoints."""
    kind: str                   # token kind, also the rate-limit key prefix
    first_grant: str            # client_credentials or password
    name_field: str             # client_id or username
    secret_field: str           # client_secret or password
    bad_secret: tuple[int, str, str]  # status, OAuth error, description
    fail: Callable[..., Response]


BC = TokenApi("bettercommerce", "client_credentials", "client_id", "client_secret",
              (401, "invalid_client", "Unknown client or wrong secret"), _bc_fail)
NX = TokenApi("nexudus", "password", "username", "password",
              (400, "invalid_grant", "Wrong username or password"), _nx_fail)


def _tokens_body(access: str, refresh: str, ttl: int) -> Response:
    return json_response({"access_token": access, "token_type": "bearer", "expires_in": ttl,
                          "refresh_token": refresh}, headers=_NO_STORE)


def build(app: FastAPI, auth: Auth | None) -> None:
    router = Routes(app, "", "Auth")

    async def read_form(request: Request, api: TokenApi) -> dict | Response:
        try:
            body = await rq.form_or_json(request)
        except ValidationError as exc:
            return api.fail(400, "invalid_request", exc.message)
        return {k: v for k, v in body.items() if isinstance(v, str)}

    def locked_out(api: TokenApi, seconds: int, key: str | None) -> Response:
        who = "address" if key and key.startswith("address:") else api.name_field
        return api.fail(429, "temporarily_unavailable",
                        f"Too many failed token requests for this {who}: locked out for "
                        f"{seconds} more seconds", {"Retry-After": str(seconds)})

    async def token(request: Request, api: TokenApi) -> Response:
        form = await read_form(request, api)
        if isinstance(form, Response):
            return form
        grant = form.get("grant_type")
        if grant not in (api.first_grant, "refresh_token"):
            return api.fail(400, "unsupported_grant_type",
                            f"grant_type must be {api.first_grant} or refresh_token (got "
                            f"{grant!r})")
        if grant == "refresh_token":
            return await refresh(request, api, form.get("refresh_token"),
                                 form.get(api.name_field) or None)
        name, secret = form.get(api.name_field), form.get(api.secret_field)
        if not name or not secret:
            return api.fail(400, "invalid_request",
                            f"{api.name_field} and {api.secret_field} are required")
        if auth is None:
            return _tokens_body(OPEN_TOKEN, OPEN_TOKEN, OPEN_TTL)
        keys = auth.limiter.keys(api.kind, name, request.client.host if request.client else None)
        wait, key = auth.limiter.locked_for(keys)
        if wait:
            return locked_out(api, wait, key)
        check = auth.client if api is BC else auth.user
        try:
            principal = await auth.checker.run(check, name, secret)
        except Overloaded:
            return api.fail(429, "temporarily_unavailable",
                            "Too many token requests at once; try again in a second",
                            {"Retry-After": "1"})
        if principal is None:
            await run_in_threadpool(auth.limiter.failed, keys)
            return api.fail(*api.bad_secret)

        def issue() -> tuple[str, str]:
            auth.limiter.succeeded(keys)
            return auth.tokens.issue(api.kind, principal, auth.ttl)

        return _tokens_body(*await run_in_threadpool(issue), auth.ttl)

    async def refresh(request: Request, api: TokenApi, refresh_token: str | None,
                      name: str | None) -> Response:
        """`name`: the client_id (or username) sent with the grant, which must then be the
        one the refresh token was issued to."""
        if not refresh_token:
            return api.fail(400, "invalid_request", "refresh_token is required")
        if auth is None:
            return _tokens_body(OPEN_TOKEN, OPEN_TOKEN, OPEN_TTL)
        keys = auth.limiter.keys(api.kind, None, request.client.host if request.client else None)
        wait, key = auth.limiter.locked_for(keys)
        if wait:
            return locked_out(api, wait, key)
        if name and api is NX:  # user names are case-insensitive; tokens keep the config's
            user = auth.config.users.get(name.lower())
            name = user[1].name if user else name
        result = await run_in_threadpool(
            lambda: auth.tokens.refresh(api.kind, refresh_token, auth.ttl, name=name))
        if result is None:
            await run_in_threadpool(auth.limiter.failed, keys)
            return api.fail(400, "invalid_grant",
                            "The refresh token is unknown, used, revoked or expired")
        _principal, access, new_refresh = result
        return _tokens_body(access, new_refresh, auth.ttl)

    async def revoke(request: Request, api: TokenApi) -> Response:
        form = await read_form(request, api)
        if isinstance(form, Response):
            return form
        value = form.get("token")
        if not value:
            return api.fail(400, "invalid_request", "token is required")
        if auth is not None:
            # Unknown tokens are answered 200 too (RFC 7009 §2.2): nothing to learn here.
            await run_in_threadpool(auth.tokens.revoke, value)
        return json_response({}, headers=_NO_STORE)  # the status says it all (RFC 7009)

    token_responses = {200: {"model": docs.TokenResponse, "description": "Tokens"},
                       429: {"description": "Locked out after too many failures "
                                            "(`Retry-After` says for how long)"}}
    revoke_doc = dict(
        summary="Revoke a token (RFC 7009)",
        description="Revokes an access token, or a refresh token together with the access "
                    "tokens of its grant. Answers 200 with an empty object, also for a token "
                    "that is unknown or already revoked.",
        responses={200: {"description": "Revoked (or unknown)", "content": {
            "application/json": {"schema": {"type": "object", "maxProperties": 0}}}},
                   400: {"description": "invalid_request (no token)"}},
        openapi_extra=_form_doc({"token": "an access or refresh token",
                                 "token_type_hint": "access_token or refresh_token (ignored)"},
                                ["token"]))

    @router.post("/oAuth/Token", summary="BetterCommerce token (client credentials or refresh)",
                 responses={**token_responses,
                            400: {"description": "invalid_request / invalid_grant / "
                                                 "unsupported_grant_type"},
                            401: {"description": "invalid_client"}},
                 openapi_extra=_form_doc({"grant_type": "client_credentials or refresh_token",
                                          "client_id": "", "client_secret": "",
                                          "refresh_token": ""}, ["grant_type"]))
    async def bc_token(request: Request) -> Response:
        return await token(request, BC)

    @router.post("/oAuth/revoke", **revoke_doc)
    async def bc_revoke(request: Request) -> Response:
        return await revoke(request, BC)

    @router.post("/api/token", summary="Nexudus token (password or refresh_token grant)",
                 responses={**token_responses,
                            400: {"description": "invalid_request / invalid_grant / "
                                                 "unsupported_grant_type"}},
                 openapi_extra=_form_doc({"grant_type": "password or refresh_token",
                                          "username": "", "password": "",
                                          "refresh_token": ""}, ["grant_type"]))
    async def nexudus_token(request: Request) -> Response:
        return await token(request, NX)

    @router.post("/api/token/revoke", **revoke_doc)
    async def nexudus_revoke(request: Request) -> Response:
        return await revoke(request, NX)


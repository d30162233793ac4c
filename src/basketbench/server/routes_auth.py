"""Token endpoints: BetterCommerce `POST /oAuth/Token` (client credentials) and Nexudus
`POST /api/token` (password and refresh_token grants).

Bodies are form-encoded (a JSON object is accepted too). Errors are the API's envelope plus the
OAuth 2 fields `error` and `error_description` (RFC 6749 §5.2). With auth off the endpoints
still answer, handing a token to anyone (the server checks none), so clients that always fetch
a token work against an open sandbox.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ..engine.errors import ValidationError
from . import openapi_docs as docs
from .routing import Routes
from . import requests as rq
from .auth import Auth, Principal
from .responses import bc_error, json_response, nexudus_error

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OPEN_TTL = 3600


def _form_doc(fields: dict[str, str], required: list[str]) -> dict:
    schema = {"type": "object", "required": required,
              "properties": {k: {"type": "string", "description": v} for k, v in fields.items()}}
    return {"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": schema},
        "application/json": {"schema": schema}}}}


def build(app: FastAPI, auth: Auth | None) -> None:
    router = Routes(app, "", "Auth")

    async def read_form(request: Request, fail) -> dict | Response:
        try:
            body = await rq.form_or_json(request)
        except ValidationError as exc:
            return fail(400, "invalid_request", exc.message)
        return {k: v for k, v in body.items() if isinstance(v, str)}

    def bc_fail(status: int, error: str, description: str) -> Response:
        return bc_error(status, "UNAUTHORIZED" if status == 401 else "VALIDATION", description,
                        [f"{error}: {description}"], headers=_NO_STORE, error=error,
                        error_description=description)

    def nx_fail(status: int, error: str, description: str) -> Response:
        return nexudus_error(status, description, [{"AttemptedValue": None,
                                                    "Message": description,
                                                    "PropertyName": error}],
                             headers=_NO_STORE, error=error, error_description=description)

    @router.post("/oAuth/Token", summary="BetterCommerce token (client credentials)",
                 responses={200: {"model": docs.TokenResponse, "description": "A token"},
                            400: {"description": "invalid_request / unsupported_grant_type"},
                            401: {"description": "invalid_client"}},
                 openapi_extra=_form_doc({"grant_type": "client_credentials",
                                          "client_id": "", "client_secret": ""},
                                         ["grant_type", "client_id", "client_secret"]))
    async def bc_token(request: Request) -> Response:
        form = await read_form(request, bc_fail)
        if isinstance(form, Response):
            return form
        if form.get("grant_type") != "client_credentials":
            return bc_fail(400, "unsupported_grant_type",
                           f"grant_type must be client_credentials (got "
                           f"{form.get('grant_type')!r})")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if not client_id or not secret:
            return bc_fail(400, "invalid_request", "client_id and client_secret are required")
        if auth is None:
            return json_response({"access_token": "open-sandbox", "token_type": "bearer",
                                  "expires_in": OPEN_TTL}, headers=_NO_STORE)
        principal = await run_in_threadpool(auth.client, client_id, secret)
        if principal is None:
            return bc_fail(401, "invalid_client", "Unknown client or wrong secret")
        token = auth.tokens.issue("bettercommerce", principal, auth.ttl)
        return json_response({"access_token": token, "token_type": "bearer",
                              "expires_in": auth.ttl}, headers=_NO_STORE)

    @router.post("/api/token", summary="Nexudus token (password or refresh_token grant)",
                 responses={200: {"model": docs.TokenResponse, "description": "Tokens"},
                            400: {"description": "invalid_request / invalid_grant / "
                                                 "unsupported_grant_type"}},
                 openapi_extra=_form_doc({"grant_type": "password or refresh_token",
                                          "username": "", "password": "",
                                          "refresh_token": ""}, ["grant_type"]))
    async def nexudus_token(request: Request) -> Response:
        form = await read_form(request, nx_fail)
        if isinstance(form, Response):
            return form
        grant = form.get("grant_type")
        principal: Principal | None
        if grant == "password":
            username, password = form.get("username"), form.get("password")
            if not username or not password:
                return nx_fail(400, "invalid_request", "username and password are required")
            if auth is None:
                principal = Principal(username)
            else:
                principal = await run_in_threadpool(auth.user, username, password)
                if principal is None:
                    return nx_fail(400, "invalid_grant", "Wrong username or password")
        elif grant == "refresh_token":
            refresh = form.get("refresh_token")
            if not refresh:
                return nx_fail(400, "invalid_request", "refresh_token is required")
            if auth is None:
                principal = Principal("sandbox")
            else:
                principal = auth.tokens.use_refresh(refresh)
                if principal is None:
                    return nx_fail(400, "invalid_grant",
                                   "The refresh token is unknown, used or expired")
        else:
            return nx_fail(400, "unsupported_grant_type",
                           f"grant_type must be password or refresh_token (got {grant!r})")
        if auth is None:
            return json_response({"access_token": "open-sandbox", "token_type": "bearer",
                                  "expires_in": OPEN_TTL, "refresh_token": "open-sandbox"},
                                 headers=_NO_STORE)
        return json_response({"access_token": auth.tokens.issue("nexudus", principal, auth.ttl),
                              "token_type": "bearer", "expires_in": auth.ttl,
                              "refresh_token": auth.tokens.issue_refresh(principal)},
                             headers=_NO_STORE)


"""Registering routes straight on the app, under a prefix; matching them case-insensitively.

FastAPI's `include_router` keeps each router as a nested matcher that is walked twice per
request (about 100 µs with our route count); routes added to the app itself are matched once.
`Routes` offers the decorator API of an APIRouter but registers on the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import FastAPI
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .openapi_docs import JSONBytes


class Routes:
    def __init__(self, app: FastAPI, prefix: str = "", tag: str | None = None) -> None:
        self.app = app
        self.prefix = prefix
        self.tag = tag

    def add_api_route(self, path: str, endpoint: Callable, *, methods: list[str],
                      **kwargs: Any) -> None:
        kwargs.setdefault("response_class", JSONBytes)
        if self.tag:
            kwargs.setdefault("tags", [self.tag])
        self.app.add_api_route(self.prefix + path, endpoint, methods=methods, **kwargs)

    def _method(self, method: str, path: str, **kwargs: Any) -> Callable:
        def decorate(endpoint: Callable) -> Callable:
            self.add_api_route(path, endpoint, methods=[method], **kwargs)
            return endpoint

        return decorate

    def get(self, path: str, **kwargs: Any) -> Callable:
        return self._method("GET", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable:
        return self._method("PUT", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable:
        return self._method("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable:
        return self._method("DELETE", path, **kwargs)


# -- case-insensitive routes -----------------------------------------------------------------

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_HAS_CAPITAL = re.compile("[A-Z]").search


def _fill(values: dict[str, str], param: re.Match[str]) -> str:
    """A route's `{name}` as the value the request sent for it."""
    return values.get(param.group(1), param.group(0))


class CanonicalPaths:
    """Routes match case-insensitively, as ASP.NET's do (`/oAuth/token` is `/oAuth/Token`).

    Pure ASGI, outermost: a path that matches a route only when case is ignored is rewritten
    to the route's own spelling (parameter values kept as sent) before anything reads it, so
    the auth gate, the guard, the envelope choice and the router all see one spelling and
    `/API/v2/...` cannot slip past a check that compares prefixes.
    """

    def __init__(self, app: ASGIApp, routes: list) -> None:
        self.app = app
        self._routes = routes  # the app's live route list, compiled on first use
        self._all: list[tuple[re.Pattern, str]] | None = None
        self._upper: list[tuple[re.Pattern, str]] = []

    def _compile(self) -> list[tuple[re.Pattern, str]]:
        flags = re.IGNORECASE | re.ASCII
        self._all = [(re.compile(r.path_regex.pattern, flags), r.path_format)
                     for r in self._routes if isinstance(getattr(r, "path_format", None), str)
                     and getattr(r, "path_regex", None) is not None]
        # A lower-case path can differ from a route only where the route's literal text
        # has capitals (`/oAuth/Token`): only those need checking for it.
        self._upper = [(rx, fmt) for rx, fmt in self._all
                       if _PARAM.sub("", fmt) != _PARAM.sub("", fmt).lower()]
        return self._all

    def canonical(self, path: str) -> str:
        every = self._all if self._all is not None else self._compile()
        candidates = every if _HAS_CAPITAL(path) else self._upper
        for regex, fmt in candidates:
            match = regex.match(path)
            if match:
                return _PARAM.sub(partial(_fill, match.groupdict()), fmt)
        return path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("path", "")
            canonical = self.canonical(path)
            if canonical != path:
                scope = {**scope, "path": canonical}
        await self.app(scope, receive, send)


def allowed_methods(routes: list, scope: Scope) -> list[str]:
    """Every method any route of this path takes (a 405's `Allow`), not just the first
    route's: GET and POST of promo apply, or the three verbs of /basketsessions, are
    separate routes."""
    methods: set[str] = set()
    for route in routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            methods |= set(route_methods)
    return sorted(methods)

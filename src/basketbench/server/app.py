"""`create_app(engine)`: the sandbox server's FastAPI app.

Middleware, outermost first: canonical (case-insensitive) paths -> access log -> guard
(1 MiB body limit, last-resort 500 envelope) -> browser guard (cross-site refusal, CORS) ->
history actor -> auth gate (when auth is on) -> FastAPI (routes, envelope error handlers).
"""

from __future__ import annotations

from fastapi import FastAPI

from .. import __version__ as VERSION
from ..engine import BasketEngine
from . import (
    errors,
    openapi_docs,
    routes_auth,
    routes_basket,
    routes_events,
    routes_extensions,
    routes_history,
    routes_nexudus,
    routes_storefront,
)
from .access_log import AccessLog
from .actor_scope import SandboxActor
from .auth import Auth
from .auth_gate import AuthGate
from .basket_cache import BasketCache
from .browser_guard import BrowserGuard
from .engine_calls import EngineCalls
from .guard import MAX_BODY, Guard
from .routing import CanonicalPaths

DESCRIPTION = """\
The basketbench sandbox: a local basket engine served over the BetterCommerce v2 basket API
and the Nexudus BasketSession API. Bodies are JSON whatever the Content-Type says; endpoints
05 and 22 also take form fields. Every error is an envelope. Extensions (lock/unlock,
catalogue listings, basket listing, merge strategy and dry run, If-Match/ETag) are tagged
"Sandbox extensions" or described on their route.
"""


def create_app(engine: BasketEngine, *, auth: Auth | None = None, access_log: bool = True,
               max_body: int = MAX_BODY, cache_ttl: float = 1.0,
               cors_origins: tuple[str, ...] = (), worker: int | None = None) -> FastAPI:
    """`worker`: this process's number when `serve --workers N` runs several."""
    if auth is not None:
        auth.bind(engine.store)  # tokens and failure counts live in the database
    app = FastAPI(title="basketbench sandbox", version=VERSION, description=DESCRIPTION,
                  docs_url="/docs", redoc_url=None,
                  # A trailing-slash redirect would answer 307 with no envelope: 404 instead.
                  redirect_slashes=False)
    app.state.engine = engine
    app.state.auth = auth
    errors.install(app)
    # Order matters: /basket/all must come before /basket/{id}; the hot GET basket route is
    # matched second. Routes sit on the app itself (see routing.py).
    routes_extensions.build_listing(app, engine)
    # The basket routes' engine calls: mutations on one writer thread, reads beside it.
    app.state.engine_calls = EngineCalls()
    routes_basket.build(app, engine, BasketCache(engine, ttl=cache_ttl), app.state.engine_calls)
    routes_extensions.build(app, engine)
    routes_history.build(app, engine)
    routes_events.build(app, engine)
    routes_storefront.build(app, engine)
    routes_nexudus.build(app, engine)
    routes_auth.build(app, auth)
    openapi_docs.install(app, auth=auth is not None)
    if auth is not None:
        app.add_middleware(AuthGate, auth=auth)
    app.add_middleware(SandboxActor)  # outside the gate, which names an authenticated client
    app.add_middleware(BrowserGuard, open_sandbox=auth is None, allowed_origins=cors_origins)
    app.add_middleware(Guard, max_body=max_body, loopback_hosts_only=auth is None)
    if access_log or worker is not None:
        app.add_middleware(AccessLog, worker=worker, lines=access_log)
    app.add_middleware(CanonicalPaths, routes=app.router.routes)
    return app

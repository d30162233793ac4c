"""Backends under test: the local engine and HttpBackend against the real sandbox server
(started once per test module in a subprocess on a loopback port, with and without auth).

Servers and the local database are module-scoped, so every test works on baskets and users
it mints itself (fresh GUIDs) and never on another test's data. Backends are per test: an
httpx client belongs to the event loop that made it.
"""

from __future__ import annotations

import uuid

import pytest

from basketbench.backends.http import HttpBackend
from basketbench.backends.local import LocalBackend
from basketbench.engine import demo
from tests.support.postgres import module_database, server_url
from tests.support.sandbox import start_sandbox

from .fault_server import FaultServer

_REF = demo.reference_data()
PRODUCTS = {p["stockCode"]: p["productId"].lower() for p in _REF["products"]}
METHODS = {m["shippingCode"]: m["id"].lower() for m in _REF["shippingMethods"]}
STORES = {s["code"]: s for s in _REF["stores"]}
ZERO = "00000000-0000-0000-0000-000000000000"
# "-pg": the same backends on the PostgreSQL store (tests/support/postgres.py).
BACKENDS = ["local", "http", "http-auth", "local-pg", "http-pg"]


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db") as sb:
        yield sb


@pytest.fixture(scope="module")
def sandbox_auth(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("sandbox-auth") / "sandbox.db", auth=True) as sb:
        yield sb


@pytest.fixture(scope="module")
def local_db(tmp_path_factory):
    return tmp_path_factory.mktemp("local") / "local.db"


@pytest.fixture(scope="module")
def pg_db(request):
    """One PostgreSQL database for the module, shared by its local and sandbox backends."""
    server_url()
    with module_database(request.module.__name__) as url:
        yield url


@pytest.fixture(scope="module")
def sandbox_pg(tmp_path_factory, pg_db):
    with start_sandbox(tmp_path_factory.mktemp("sandbox-pg") / "sandbox.db",
                       store=pg_db) as sb:
        yield sb


def make_backend(kind: str, request: pytest.FixtureRequest, **kw):
    if kind == "local":
        return LocalBackend(request.getfixturevalue("local_db"), **kw)
    if kind == "local-pg":
        return LocalBackend(request.getfixturevalue("pg_db"), **kw)
    if kind == "http-pg":
        sb = request.getfixturevalue("sandbox_pg")
        return HttpBackend(sb.base_url, extensions=True, **kw)
    if kind == "http":
        sb = request.getfixturevalue("sandbox")
        return HttpBackend(sb.base_url, extensions=True, **kw)
    sb = request.getfixturevalue("sandbox_auth")
    return HttpBackend(sb.base_url, auth_url=sb.base_url, client_id=sb.client_id,
                       client_secret=sb.client_secret, extensions=True, **kw)


@pytest.fixture(params=BACKENDS)
async def backend(request):
    b = make_backend(request.param, request)
    yield b
    await b.close()


# One misbehaving server per test module (fault_server.py), reset for each test.
@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def srv(server):
    server.reset()
    return server

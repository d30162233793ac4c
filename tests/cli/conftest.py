"""CLI tests run `basketbench` in-process (click's CliRunner) against a local database and
against the real sandbox server (one per test module), with the user's config and data
directories pointed at temporary folders."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from basketbench import jsonio
from basketbench.cli import cli
from basketbench.engine import demo
from tests.support.sandbox import start_sandbox

_REF = demo.reference_data()
PRODUCTS = {p["stockCode"]: p["productId"].lower() for p in _REF["products"]}


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    for var in list(os.environ):
        if var.startswith("BASKETBENCH_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("BASKETBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BASKETBENCH_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    with start_sandbox(tmp_path_factory.mktemp("cli-sandbox") / "sandbox.db") as sb:
        yield sb


@pytest.fixture(scope="module")
def local_db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("cli-local") / "local.db")


class Run:
    """`run("basket", "get", id)` -> click Result; `.json(...)` parses stdout as wire JSON."""

    def __init__(self, prefix: list[str]) -> None:
        self.prefix = prefix

    def __call__(self, *args: str, prefix: bool = True):
        return CliRunner().invoke(cli, [*(self.prefix if prefix else []), *map(str, args)])

    def ok(self, *args: str):
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str):
        return jsonio.loads(self.ok(*args, "--json").stdout)


@pytest.fixture(params=["local", "http"])
def run(request) -> Run:
    """The same commands against `--db FILE` (local engine) and `--api URL` (sandbox)."""
    if request.param == "local":
        return Run(["--db", request.getfixturevalue("local_db")])
    return Run(["--api", request.getfixturevalue("sandbox").base_url])

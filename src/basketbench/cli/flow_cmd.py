"""`basketbench flow run|validate|schema`: replay checkout flows and check them.

Exit codes of `flow run`: 0 every expectation held; 1 an expectation failed or a step errored;
2 the flow could not run at all (a malformed file, reported with its line before any step
runs, or a backend that cannot be opened).
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def backend_options(fn):
    """--profile / --api / --db, shared by the flow and diff commands."""
    fn = click.option("--db", type=click.Path(dir_okay=False),
                      help="Local engine database (seeded with the demo data if new).")(fn)
    fn = click.option("--api", help="Base URL of a BetterCommerce-compatible basket API.")(fn)
    fn = click.option("--profile", help="Named profile from the config file.")(fn)
    return fn


def chosen_target(ctx: click.Context, profile: str | None, api: str | None, db: str | None
                  ) -> dict[str, str | None]:
    """The backend named on this command, else on the nearest parent group (a `basket` group
    option, then the root's); at most one of --profile, --api, --db."""
    if not (profile or api or db):
        parent = ctx.parent
        while parent is not None:
            obj = parent.obj if isinstance(parent.obj, dict) else {}
            if any(obj.get(n) for n in ("profile", "api", "db")):
                profile, api, db = obj.get("profile"), obj.get("api"), obj.get("db")
                break
            parent = parent.parent
    given = [name for name, v in (("--profile", profile), ("--api", api), ("--db", db)) if v]
    if len(given) > 1:
        raise click.UsageError(f"give only one of --profile, --api, --db (got {', '.join(given)})")
    return {"profile": profile, "api": api, "db": db}


def open_backend(target: dict[str, str | None]) -> Any:
    """A backend from the shared factory; a bad choice exits with status 2 and a message."""
    from ..backends.errors import BackendError
    from ..backends.factory import open_backend as factory
    from ..config import ConfigError

    try:
        return factory(profile=target["profile"], db=target["db"], api=target["api"])
    except (BackendError, ConfigError, OSError, ValueError) as exc:
        fail(f"cannot open the backend: {exc}")


def fail(message: str, code: int = EXIT_UNUSABLE) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@click.group()
def flow() -> None:
    """Record, replay and check checkout flows (TOML files; see `flow schema`)."""


@flow.command("run")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@backend_options
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Also write a JUnit XML report to this file.")
@click.pass_context
def run(ctx: click.Context, files: tuple[str, ...], profile: str | None, api: str | None,
        db: str | None, report_path: str | None) -> None:
    """Run flow FILES in order against one backend and check every expectation.

    Every file is validated before any step runs. Exit status: 0 all matched, 1 a mismatch or
    a failed step, 2 a malformed file or an unusable backend.
    """
    from ..flows.format import FlowFormatError, load_flow

    flows, problems = [], []
    for path in files:
        try:
            flows.append(load_flow(path))
        except FlowFormatError as exc:
            problems.append(str(exc))
    if problems:
        fail("\n".join(problems) + "\nNo step was run: fix the flow file first.")
    import asyncio  # on use: importing this module (diff, get) needs no event loop

    results = asyncio.run(_run_all(flows, chosen_target(ctx, profile, api, db)))
    from ..flows.report import render_report, write_junit

    for n, result in enumerate(results):
        if n:
            click.echo("")
        click.echo(render_report(result), nl=False)
    if report_path:
        try:
            write_junit(results, report_path)
        except OSError as exc:
            fail(f"cannot write the JUnit report {report_path}: {exc.strerror}")
        click.echo(f"JUnit report written to {report_path}")
    sys.exit(EXIT_OK if all(r.passed for r in results) else EXIT_FAILED)


async def _run_all(flows: list, target: dict[str, str | None]) -> list:
    from ..flows.runner import run_flow

    backend = open_backend(target)  # inside the loop: an HTTP client binds to it
    try:
        return [await run_flow(f, backend) for f in flows]
    finally:
        await backend.close()


@flow.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check flow FILES without running them (exit 2 when one is malformed)."""
    from ..flows.format import FlowFormatError, load_flow

    bad = False
    for path in files:
        try:
            loaded = load_flow(path)
        except FlowFormatError as exc:
            click.echo(str(exc), err=True)
            bad = True
            continue
        click.echo(f"{path}: ok ({len(loaded.steps)} steps)")
    sys.exit(EXIT_UNUSABLE if bad else EXIT_OK)


@flow.command("schema")
def schema() -> None:
    """Print the JSON Schema of flow files."""
    from ..flows.schema import shipped_schema_text

    click.echo(shipped_schema_text(), nl=False)

"""`basketbench nexudus session create|list|get|update|delete`: Nexudus BasketSessions.

The Nexudus API comes from a `kind = "nexudus"` profile (--profile, or the only/default one)
or `--api URL` (a sandbox without auth). `session create --basket ID` sends a basket from the
basket backend (--from-profile/--from-api/--from-db, else the default backend) as the
session's JsonContents. Exit codes as for `basket`: 0, 1 on an error, 2 on a usage error.
"""

from __future__ import annotations

from typing import Any

import click

from .basket_cmd import (
    _table,
    chosen,
    chosen_target,
    fail,
    print_json,
    remember,
    render_basket,
    run_with,
)


def nexudus_options(fn: Any) -> Any:
    fn = click.option("--json", "as_json", is_flag=True, default=None,
                      help="Print the exact wire JSON instead of a summary.")(fn)
    fn = click.option("--api", default=None,
                      help="Base URL of a Nexudus-compatible API (no auth), e.g. a sandbox.")(fn)
    fn = click.option("--profile", default=None, help="A Nexudus profile from the config.")(fn)
    return fn


@click.group()
@nexudus_options
@click.pass_context
def nexudus(ctx: click.Context, profile: str | None, api: str | None,
            as_json: bool | None) -> None:
    """Nexudus BasketSessions (a basket carried to a Members Portal checkout)."""
    remember(ctx, profile=profile, api=api, as_json=as_json)


@nexudus.group()
def session() -> None:
    """Create, list, show, update and delete BasketSessions."""


def _maker(ctx: click.Context, profile: str | None, api: str | None):
    target = chosen_target(ctx, profile=profile, api=api)

    def make() -> Any:
        from ..backends.factory import open_nexudus

        return open_nexudus(profile=target["profile"], api=target["api"])

    return make


def _json(ctx: click.Context, as_json: bool | None) -> bool:
    return bool(chosen(ctx, "as_json", as_json))


def _basket_from(basket_id: str, from_profile, from_api, from_db) -> Any:
    """The basket to carry, read from the basket backend (--from-*, else the default)."""
    from ..backends.factory import open_backend
    from .basket_ids import resolve_basket_id

    async def read(b: Any) -> Any:
        return await b.get_basket(await resolve_basket_id(b, basket_id))  # short ids too

    return run_with(lambda: open_backend(profile=from_profile, api=from_api, db=from_db),
                    read)


def _checked_contents(contents: str | None) -> str | None:
    if contents is not None:
        from .. import jsonio

        try:
            jsonio.loads(contents)
        except ValueError as exc:
            raise click.BadParameter(f"not valid JSON ({exc})", param_hint="--contents") from None
    return contents


def basket_source_options(fn: Any) -> Any:
    """--contents or --basket (with --from-profile/--from-api/--from-db) for JsonContents."""
    for option in reversed([
            click.option("--contents", help="JsonContents as given (must be JSON text)."),
            click.option("--basket", "basket_id",
                         help="Send this basket's wire JSON as JsonContents."),
            click.option("--from-profile", help="Basket backend: a profile."),
            click.option("--from-api", help="Basket backend: an API base URL."),
            click.option("--from-db", type=click.Path(dir_okay=False),
                         help="Basket backend: a database.")]):
        fn = option(fn)
    return fn


@session.command("create")
@nexudus_options
@click.argument("session_id")
@click.option("--business-id", type=int, help="BusinessId (default: the profile's).")
@basket_source_options
@click.pass_context
def create(ctx: click.Context, profile, api, as_json, session_id, business_id, contents,
           basket_id, from_profile, from_api, from_db) -> None:
    """Create a BasketSession for SESSION_ID (the browser session it belongs to)."""
    if contents is not None and basket_id is not None:
        raise click.UsageError("give --contents or --basket, not both")
    contents = _checked_contents(contents)
    basket = None
    if basket_id is not None:
        basket = _basket_from(basket_id, from_profile, from_api, from_db)

    async def go(client: Any) -> int:
        if basket is not None:
            return await client.send_basket(basket, business_id, session_id)
        return await client.create_session(business_id, session_id, contents)

    record_id = run_with(_maker(ctx, profile, api), go)
    if _json(ctx, as_json):
        print_json({"Id": record_id})
    else:
        what = f" carrying basket {basket_id}" if basket_id else ""
        click.echo(f"Created BasketSession {record_id} for session {session_id!r}{what}.")


@session.command("update")
@nexudus_options
@click.argument("record_id", type=int)
@click.option("--session-id", help="A new SessionId.")
@click.option("--business-id", type=int, help="A new BusinessId.")
@basket_source_options
@click.pass_context
def update(ctx: click.Context, profile, api, as_json, record_id, session_id, business_id,
           contents, basket_id, from_profile, from_api, from_db) -> None:
    """Change a BasketSession: its SessionId, BusinessId or JsonContents (--contents, or
    --basket to carry a basket's current wire JSON). Fields not given keep their values.

    \b
    Example:
      basketbench nexudus session update 17 --basket $B --json
    """
    if contents is not None and basket_id is not None:
        raise click.UsageError("give --contents or --basket, not both")
    if session_id is None and business_id is None and contents is None and basket_id is None:
        raise click.UsageError("nothing to change: give --session-id, --business-id, "
                               "--contents or --basket")
    contents = _checked_contents(contents)
    if basket_id is not None:
        from ..backends.nexudus import basket_contents

        contents = basket_contents(_basket_from(basket_id, from_profile, from_api, from_db))
    record = run_with(_maker(ctx, profile, api), lambda c: c.update_session(
        record_id, session_id=session_id, json_contents=contents, business_id=business_id))
    if _json(ctx, as_json):
        print_json(record)
    else:
        changed = [name for name, value in (("SessionId", session_id),
                                            ("BusinessId", business_id),
                                            ("JsonContents", contents)) if value is not None]
        click.echo(f"BasketSession {record.id} updated ({', '.join(changed)}).")


@session.command("list")
@nexudus_options
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--size", type=click.IntRange(1, 1000), default=25, show_default=True)
@click.option("--session-id", help="Only the sessions of this SessionId.")
@click.pass_context
def list_cmd(ctx: click.Context, profile, api, as_json, page, size, session_id) -> None:
    """List BasketSessions, one page at a time."""
    result = run_with(_maker(ctx, profile, api),
                      lambda c: c.list_sessions(page=page, size=size, session_id=session_id))
    if _json(ctx, as_json):
        print_json(result)
        return
    records = result.records or []
    click.echo(f"{result.total_items or 0} session(s); page {result.current_page or page} of "
               f"{result.total_pages or 1}")
    if records:
        rows = [["Id", "SessionId", "BusinessId", "Updated", "Contents"]] + [
            [str(r.id), r.session_id or "", str(r.business_id), r.updated_on or "",
             f"{len(r.json_contents or '')} chars"] for r in records]
        click.echo("\n".join(_table(rows, right={0, 2})))


@session.command("get")
@nexudus_options
@click.argument("record_id", type=int)
@click.option("--basket", "as_basket", is_flag=True,
              help="Show the basket carried in JsonContents (with --json: its wire JSON).")
@click.pass_context
def get(ctx: click.Context, profile, api, as_json, record_id, as_basket) -> None:
    """Show one BasketSession (and the basket it carries)."""
    from ..backends.errors import BackendError
    from ..backends.nexudus import session_basket

    record = run_with(_maker(ctx, profile, api), lambda c: c.get_session(record_id))
    if as_basket:
        try:
            basket = session_basket(record)
        except BackendError as exc:
            fail(exc.message)
        if _json(ctx, as_json):
            print_json(basket)
        else:
            click.echo(render_basket(basket))
        return
    if _json(ctx, as_json):
        print_json(record)
        return
    click.echo(f"BasketSession {record.id}")
    click.echo(f"SessionId: {record.session_id}")
    click.echo(f"BusinessId: {record.business_id}")
    click.echo(f"Updated: {record.updated_on or '-'} by {record.updated_by or '-'}")
    try:
        basket = session_basket(record)
    except BackendError:
        size = len(record.json_contents or "")
        click.echo(f"JsonContents: {size} chars" + (" (not a basket)" if size else ""))
        return
    click.echo("")
    click.echo(render_basket(basket))


@session.command("delete")
@nexudus_options
@click.argument("record_id", type=int)
@click.pass_context
def delete(ctx: click.Context, profile, api, as_json, record_id) -> None:
    """Delete a BasketSession."""
    run_with(_maker(ctx, profile, api), lambda c: c.delete_session(record_id))
    if _json(ctx, as_json):
        click.echo("true")
    else:
        click.echo(f"BasketSession {record_id} deleted.")

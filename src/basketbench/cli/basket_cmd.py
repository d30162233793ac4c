"""`basketbench basket ...`: scriptable basket operations over any backend.

Human-readable output by default, `--json` for the exact wire JSON. Exit codes: 0 success,
1 a backend or configuration error (message on stderr, no traceback), 2 a usage error,
3 a promo code that is not valid (validate/apply/remove answered "no"), 4 an audit that found
an arithmetic error (`basket audit`).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import click

from .basket_ids import is_guid, is_short_id, resolve_basket_id
from .failure import EXIT_PROMO_REFUSED, error_detail, fail

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# Arguments that name a basket: a short id (a unique prefix) is resolved before the command.
BASKET_ID_ARGS = ("basket_id", "target_id", "source_id")

if TYPE_CHECKING:  # the typed requests load with the command that sends one
    from ..model.requests import ItemInput


# -- shared plumbing (also used by nexudus_cmd) ---------------------------------------------------

def target_options(fn: Callable) -> Callable:
    """--profile/--api/--db/--json on a command; unset ones fall back to the parent groups."""
    fn = click.option("--json", "as_json", is_flag=True, default=None,
                      help="Print the exact wire JSON instead of a summary.")(fn)
    fn = click.option("--db", type=click.Path(dir_okay=False), default=None,
                      help="Local engine database file.")(fn)
    fn = click.option("--api", default=None,
                      help="Base URL of a BetterCommerce-compatible API (no auth).")(fn)
    fn = click.option("--profile", default=None, help="Named profile from the config file.")(fn)
    return fn


def chosen(ctx: click.Context, name: str, value: Any) -> Any:
    """The option's value on this command, else on the nearest parent that has it."""
    if value is not None:
        return value
    parent = ctx.parent
    while parent is not None:
        if isinstance(parent.obj, dict) and parent.obj.get(name) is not None:
            return parent.obj[name]
        parent = parent.parent
    return None


def chosen_target(ctx: click.Context, **given: Any) -> dict[str, Any]:
    """profile/api/db from the nearest level that names any of them: options given on the
    subcommand win over the group's, which win over the root's."""
    names = ("profile", "api", "db")
    if any(given.get(n) is not None for n in names):
        return {n: given.get(n) for n in names}
    parent = ctx.parent
    while parent is not None:
        obj = parent.obj if isinstance(parent.obj, dict) else {}
        if any(obj.get(n) is not None for n in names):
            return {n: obj.get(n) for n in names}
        parent = parent.parent
    return dict.fromkeys(names)


def backend_maker(ctx: click.Context, profile: str | None, api: str | None,
                  db: str | None) -> Callable[[], Any]:
    target = chosen_target(ctx, profile=profile, api=api, db=db)

    def make() -> Any:
        from ..backends.factory import open_backend

        return open_backend(**target)

    return make


def remember(ctx: click.Context, **options: Any) -> None:
    """Group options go into ctx.obj for the subcommands (root options are already there)."""
    ctx.ensure_object(dict)
    obj = dict(ctx.obj)
    targets = {k: options.pop(k, None) for k in ("profile", "api", "db")}
    if any(v is not None for v in targets.values()):
        obj.update(targets)  # a target named here replaces the root's entirely
    obj.update({k: v for k, v in options.items() if v is not None})
    ctx.obj = obj


def run_with(make: Callable[[], Any], action: Callable[[Any], Awaitable[Any]]) -> Any:
    """Open a backend, run one async action on it, close it; errors become exit code 1.
    On a live backend the action is one operation: opening it and every call it makes share
    the profile's `timeout`."""
    import asyncio

    from ..backends.errors import BackendError
    from ..config import ConfigError

    async def go() -> Any:
        started = time.monotonic()  # opening may probe the server: part of the budget
        backend = make()
        operation = getattr(backend, "operation", None)  # live backends: one deadline
        try:
            with operation(started) if operation else contextlib.nullcontext():
                return await action(backend)
        finally:
            await backend.close()

    try:
        return asyncio.run(go())
    except BackendError as exc:
        fail(error_detail(exc.message, exc.field_errors, exc.where))
    except ConfigError as exc:
        fail(str(exc))


def print_json(value: Any) -> None:
    from .. import jsonio
    from ..wirejson.to_wire import to_wire

    click.echo(jsonio.dumps(to_wire(value), indent=2))


# -- human-readable rendering -------------------------------------------------------------------

def _money(price: Any) -> str:
    """A wire Price object's amount with tax, as the API formatted it (a dict, or a wire
    model dumped to one)."""
    if not price:
        return "-"
    if not isinstance(price, dict):
        from ..wirejson.to_wire import to_wire

        price = to_wire(price)
    formatted, raw = price.get("formatted") or {}, price.get("raw") or {}
    if formatted.get("withTax"):
        return formatted["withTax"]
    if raw.get("withTax") is not None:
        return f"{price.get('currencySymbol') or ''}{raw['withTax']}"
    return "-"


def _table(rows: list[list[str]], right: set[int] | frozenset[int] = frozenset()) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        out.append("  ".join(cells).rstrip())
    return out


def render_basket(basket: Any) -> str:
    """A basket for people to read, from its wire dict (or a wire model, dumped to one)."""
    if isinstance(basket, dict):
        b = basket
    else:
        from ..wirejson.to_wire import to_wire

        b = to_wire(basket)
    flags = [f for f, on in (("locked", b.get("isLocked")), ("quote", b.get("isQuote")),
                             ("new, not saved", b.get("isNew"))) if on]
    head = f"Basket {b.get('id')}" + (f"  [{', '.join(flags)}]" if flags else "")
    out = [head]
    who = b.get("userEmail") or b.get("userId")
    if who:
        out.append(f"User: {who}")
    if b.get("poNumber"):
        out.append(f"PO: {b['poNumber']}")
    lines = sorted(b.get("lineItems") or [], key=lambda ln: (ln.get("displayOrder") or 0))
    if lines:
        rows = [["#", "Stock code", "Product", "Qty", "Unit", "Total"]]
        for i, ln in enumerate(lines, 1):
            name = ln.get("name") or ""
            if ln.get("parentProductId") and ln["parentProductId"] != ZERO_GUID:
                name = "  + " + name
            rows.append([str(i), ln.get("stockCode") or "", name[:40], str(ln.get("qty")),
                         _money(ln.get("price")), _money(ln.get("totalPrice"))])
        out += ["", *_table(rows, right={0, 3, 4, 5})]
    else:
        out += ["", "(no lines)"]
    promos = [p.get("promoCode") or p.get("voucherCode") or p.get("name")
              for p in (b.get("promotionsApplied") or [])
              if (p.get("promoCode") or p.get("voucherCode") or p.get("name"))]
    totals = [["Subtotal", _money(b.get("subTotal"))]]
    discount = b.get("discount") or {}
    if (discount.get("raw") or {}).get("withTax"):
        totals.append(["Discount", "-" + _money(discount)])
    shipping = _money(b.get("shippingCharge"))
    method_id = b.get("shippingMethodId")
    if method_id:
        method = next((m for m in b.get("shippingMethods") or []
                       if str(m.get("id")).lower() == str(method_id).lower()), None)
        label = (method.get("displayName") or method.get("shippingCode")) if method else None
        shipping += f"  ({label or method_id})"
    totals.append(["Shipping", shipping])
    totals.append(["Grand total", _money(b.get("grandTotal"))])
    out += ["", *_table(totals)]
    if promos:
        out.append("Promotions: " + ", ".join(str(p) for p in promos))
    return "\n".join(out)


def _basket_out(as_json: bool, basket: Any) -> None:
    if as_json:
        print_json(basket)
    else:
        click.echo(render_basket(basket))


# -- the commands -------------------------------------------------------------------------------

@click.group()
@target_options
@click.pass_context
def basket(ctx: click.Context, profile: str | None, api: str | None, db: str | None,
           as_json: bool | None) -> None:
    """Read and change baskets on the chosen backend (--profile, --api or --db)."""
    remember(ctx, profile=profile, api=api, db=db, as_json=as_json)


def full_ids(make: Callable[[], Any], args: dict[str, Any]) -> dict[str, Any]:
    """`args` with every short basket id (a prefix, as the workbench shows) made whole."""
    short = {k: v for k, v in args.items()
             if k in BASKET_ID_ARGS and isinstance(v, str) and is_short_id(v)}
    if not short:
        return args

    async def go(b: Any) -> dict[str, str]:
        return {k: await resolve_basket_id(b, v) for k, v in short.items()}

    return {**args, **run_with(make, go)}


def basket_command(name: str, group: click.Group | None = None, **kw: Any) -> Callable:
    """A `basket` subcommand with the target options; the function gets (backend-maker, json)
    as its first two arguments, and its basket ids whole."""
    def wrap(fn: Callable) -> Callable:
        @(group or basket).command(name, **kw)
        @target_options
        @click.pass_context
        @functools.wraps(fn)
        def command(ctx: click.Context, profile: str | None, api: str | None, db: str | None,
                    as_json: bool | None, **args: Any) -> None:
            make = backend_maker(ctx, profile, api, db)
            fn(make, bool(chosen(ctx, "as_json", as_json)), **full_ids(make, args))
        return command
    return wrap


@basket_command("list")
@click.option("--user", "user_id", help="User id: that user's baskets (endpoint 01).")
@click.option("--query", "-q", help="Filter (sandbox/local: id prefix, email, stock code).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
def list_cmd(make, as_json, user_id, query, offset, limit) -> None:
    """List baskets: a user's (--user), or all of them where the backend can."""
    if user_id and not query:
        shorts = run_with(make, lambda b: b.list_user_baskets(user_id))
        if as_json:
            from ..wirejson.to_wire import short_basket

            print_json([short_basket(s) for s in shorts])  # endpoint 01's own shape
            return
        rows = [["Basket", "Lines", "Total", "Updated"]] + [
            [str(s.id), str(len(s.line_items or [])), _money(s.grand_total),
             str(s.last_updated or "")] for s in shorts]
        click.echo(f"{len(shorts)} basket(s) for user {user_id}")
        if shorts:
            click.echo("\n".join(_table(rows, right={1, 2})))
        return
    page = run_with(make, lambda b: b.list_baskets(user_id=user_id, query=query, offset=offset,
                                                   limit=limit))
    if as_json:
        from .. import jsonio

        click.echo(jsonio.dumps({"total": page.total, "offset": page.offset, "rows": [{
            "id": r.id, "userId": r.user_id, "userEmail": r.user_email,
            "currencyCode": r.currency_code, "lineCount": r.line_count,
            "grandTotal": r.grand_total, "grandTotalFormatted": r.grand_total_formatted,
            "lastUpdated": r.last_updated, "isLocked": r.is_locked, "isQuote": r.is_quote,
            "version": r.version} for r in page.rows]}, indent=2))
        return
    end = page.offset + len(page.rows)
    click.echo(f"{page.total} basket(s); showing {page.offset + 1 if page.rows else 0}-{end}")
    if page.rows:
        rows = [["Basket", "User", "Lines", "Total", "Updated", ""]] + [
            [r.id, r.user_email or r.user_id or "(guest)", str(r.line_count),
             r.grand_total_formatted, r.last_updated, "locked" if r.is_locked else ""]
            for r in page.rows]
        click.echo("\n".join(_table(rows, right={2, 3})))


@basket.command("get")
@target_options
@click.argument("basket_id")
@click.pass_context
def get_cmd(ctx: click.Context, profile: str | None, api: str | None, db: str | None,
            as_json: bool | None, basket_id: str) -> None:
    """Show one basket."""
    as_json = bool(chosen(ctx, "as_json", as_json))
    target = chosen_target(ctx, profile=profile, api=api, db=db)
    if not as_json and is_guid(basket_id):
        from .local_read import local_path, read_basket

        path = local_path(**target)
        if path is not None:  # the local engine, read without the backend layer
            click.echo(render_basket(read_basket(path, basket_id)))
            return
    make = backend_maker(ctx, profile, api, db)
    basket_id = full_ids(make, {"basket_id": basket_id})["basket_id"]
    _basket_out(as_json, run_with(make, lambda b: b.get_basket(basket_id)))


async def _product_item(backend: Any, product: str, qty: int) -> ItemInput:
    from ..model.requests import ItemInput

    """An add-item request from a product id or a stock code (resolved through the catalogue
    when the backend has one, else sent as a stock code for the API to resolve)."""
    if is_guid(product):
        return ItemInput(product_id=product, qty=qty)
    if backend.capabilities.catalogue:
        found = await backend.search_products(product, limit=50)
        for p in found:
            if (p.stock_code or "").lower() == product.lower() and p.record_id:
                return ItemInput(product_id=str(p.record_id), stock_code=p.stock_code, qty=qty)
    return ItemInput(stock_code=product, qty=qty)


async def _line_product(backend: Any, basket_id: str, product: str) -> str:
    """A product id from a product id or the stock code of a line in the basket."""
    if is_guid(product):
        return product
    return line_product_in(await backend.get_basket(basket_id), product)


def line_product_in(basket: Any, product: str) -> str:
    """The product id of the (top-level) line named by a product id or stock code."""
    for ln in basket.line_items or []:
        if not ln.is_child and product.lower() in (
                (ln.stock_code or "").lower(), str(ln.product_id).lower()):
            return str(ln.product_id)
    from ..backends.errors import BackendError

    raise BackendError(404, "NOT_FOUND",
                       f"no line with stock code {product!r} in basket {basket.id}",
                       [f"productId: {product!r} is not a product id or a stock code in the "
                        "basket"])


@basket_command("add")
@click.argument("basket_id")
@click.argument("product")
@click.argument("qty", type=int)
def add_cmd(make, as_json, basket_id, product, qty) -> None:
    """Add QTY of PRODUCT (product id or stock code); a negative QTY takes units away."""
    async def go(b: Any) -> Any:
        return await b.add_item(basket_id, await _product_item(b, product, qty))

    _basket_out(as_json, run_with(make, go))


@basket_command("qty")
@click.argument("basket_id")
@click.argument("product")
@click.argument("qty", type=click.IntRange(0))
def qty_cmd(make, as_json, basket_id, product, qty) -> None:
    """Set the quantity of PRODUCT (product id or stock code in the basket); 0 removes it."""
    async def go(b: Any) -> Any:
        return await b.set_qty(basket_id, await _line_product(b, basket_id, product), qty)

    _basket_out(as_json, run_with(make, go))


@basket_command("remove")
@click.argument("basket_id")
@click.argument("product")
def remove_cmd(make, as_json, basket_id, product) -> None:
    """Remove PRODUCT's line (product id or stock code in the basket) and its children."""
    async def go(b: Any) -> Any:
        return await b.remove_item(basket_id, await _line_product(b, basket_id, product))

    _basket_out(as_json, run_with(make, go))


@basket_command("merge")
@click.argument("target_id")
@click.argument("source_id")
@click.option("--strategy", type=click.Choice(["sum", "max", "replace"]), default="sum",
              show_default=True, help="How quantities of the same line combine.")
@click.option("--dry-run", is_flag=True, help="Show the merged basket; change nothing.")
def merge_cmd(make, as_json, target_id, source_id, strategy, dry_run) -> None:
    """Merge SOURCE into TARGET (the source is deleted unless --dry-run)."""
    _basket_out(as_json, run_with(make, lambda b: b.merge(target_id, source_id,
                                                          strategy=strategy, dry_run=dry_run)))


@basket.group()
def promo() -> None:
    """Promo codes: validate, apply, remove."""


def _promo_out(as_json: bool, result: Any) -> None:
    ok = result.is_valid
    if as_json:
        print_json(result)
    else:
        click.echo(f"{'OK' if ok else 'NOT APPLIED'}: {result.message or ''}".rstrip(": "))
        if result.basket is not None and hasattr(result.basket, "line_items"):
            click.echo(render_basket(result.basket))
    if not ok:
        click.echo(f"promo refused: {result.message or 'not valid'}", err=True)
        sys.exit(EXIT_PROMO_REFUSED)


def promo_command(name: str) -> Callable:
    def wrap(fn: Callable) -> Callable:
        @basket_command(name, group=promo)
        @click.argument("basket_id")
        @click.argument("code")
        @functools.wraps(fn)
        def command(make, as_json, basket_id, code) -> None:
            fn(make, as_json, basket_id, code)
        return command
    return wrap


@promo_command("validate")
def promo_validate(make, as_json, basket_id, code) -> None:
    """Would CODE apply to the basket now? Changes nothing. Exit code 3 when it would not."""
    check = run_with(make, lambda b: b.validate_promo(basket_id, code))
    if as_json:
        # The wire `result` of endpoint 16 is a boolean; the reason travels in `message`.
        from .. import jsonio

        click.echo(jsonio.dumps({"result": check.valid, "message": check.message}, indent=2))
    else:
        click.echo(f"{code}: {'valid' if check.valid else 'not valid'}"
                   + (f" ({check.message})" if check.message else ""))
    if not check.valid:
        click.echo(f"promo not valid: {check.message or code}", err=True)
        sys.exit(EXIT_PROMO_REFUSED)


@promo_command("apply")
def promo_apply(make, as_json, basket_id, code) -> None:
    """Apply CODE. Exit code 3 when it does not apply (the reason is printed)."""
    _promo_out(as_json, run_with(make, lambda b: b.apply_promo(basket_id, code)))


@promo_command("remove")
def promo_remove(make, as_json, basket_id, code) -> None:
    """Remove CODE. Exit code 3 when it was not applied."""
    _promo_out(as_json, run_with(make, lambda b: b.remove_promo(basket_id, code)))


@basket_command("ship")
@click.argument("basket_id")
@click.argument("method")
@click.argument("country")
def ship_cmd(make, as_json, basket_id, method, country) -> None:
    """Choose shipping METHOD (id or code, e.g. STD) for COUNTRY (ISO code, e.g. GB)."""
    _basket_out(as_json, run_with(make, lambda b: b.set_shipping_method(basket_id, method,
                                                                        country)))


def _record_out(as_json: bool, what: str, record: Any) -> None:
    if as_json:
        print_json(record)
    else:
        click.echo(f"{what}: {'OK' if record.is_valid else 'not valid'} "
                   f"(recordId {record.record_id})")


@basket_command("po")
@click.argument("basket_id")
@click.argument("reference")
def po_cmd(make, as_json, basket_id, reference) -> None:
    """Set the PO reference (an empty REF clears it)."""
    record = run_with(make, lambda b: b.set_po(basket_id, reference))
    _record_out(as_json, f"PO {reference!r} set on {basket_id}" if reference
                else f"PO cleared on {basket_id}", record)


@basket_command("user")
@click.argument("basket_id")
@click.argument("user_id")
def user_cmd(make, as_json, basket_id, user_id) -> None:
    """Assign the basket to USER."""
    _basket_out(as_json, run_with(make, lambda b: b.assign_user(basket_id, user_id)))


@basket_command("delete")
@click.argument("basket_id")
def delete_cmd(make, as_json, basket_id) -> None:
    """Delete the basket (prints whether it existed)."""
    existed = run_with(make, lambda b: b.delete_basket(basket_id))
    if as_json:
        click.echo("true" if existed else "false")
    else:
        click.echo(f"Basket {basket_id} {'deleted' if existed else 'did not exist'}.")


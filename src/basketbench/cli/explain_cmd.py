"""`basketbench basket explain ID` and `basketbench basket audit ID`: why a basket's figures are
what they are (the engine's explanation), and whether they foot (an audit that knows nothing
of the rules, so it works on a live API's baskets too).

Exit codes as for every `basket` command, plus 4: the audit found an arithmetic error.
"""

from __future__ import annotations

from typing import Any

import click

from .basket_cmd import basket_command, fail, run_with

EXIT_AUDIT_FAILED = 4


@basket_command("explain")
@click.argument("basket_id")
@click.option("--line", "line_id", type=int, default=None,
              help="Explain only this line (its id, as `basket get --json` shows it).")
def explain_cmd(make, as_json, basket_id, line_id) -> None:
    """Explain every figure of the basket: each line's price x qty, tax and promotion
    shares (and which remainder unit each took), each promotion's conditions and whether
    they hold, the totals and the shipping charge.

    \b
    Example:
      basketbench basket explain 3f9c2a7e-... --line 12
      basketbench basket explain 3f9c2a7e-... --json | jq '.promotions'
    """
    from .. import explanation, jsonio

    async def action(backend: Any) -> dict:
        if not getattr(backend.capabilities, "explain", False):
            fail(f"the {backend.kind} backend at {backend.label} cannot explain a basket "
                 "(it needs the rules: use the local engine or a basketbench sandbox); "
                 "`basketbench basket audit` checks any basket's arithmetic")
        return await backend.explain(basket_id)

    result = run_with(make, action)
    if as_json:
        click.echo(jsonio.dumps(result, indent=2))
    else:
        click.echo(explanation.text(result, line_id=line_id))


@basket_command("audit")
@click.argument("basket_id")
def audit_cmd(make, as_json, basket_id) -> None:
    """Check the basket's own numbers without knowing its rules: every price object foots,
    lines add up to the totals, line totals are subtotal - discount + charges, promotions
    foot, nothing negative, one currency. Exit code 4 when a figure is wrong.

    \b
    Example:
      basketbench --profile staging basket audit 3f9c2a7e-...
    """
    from .. import jsonio
    from ..model import audit

    basket = run_with(make, lambda b: b.get_basket(basket_id))
    findings = audit.audit(basket)
    if as_json:
        click.echo(jsonio.dumps({"basketId": basket_id, "summary": audit.summary(findings),
                                 "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        click.echo(f"Basket {basket_id}: {audit.summary(findings)}")
        for f in findings:
            click.echo(f"  {f.severity}: {f.path}: {f.message}")
    if any(f.severity == "error" for f in findings):
        raise SystemExit(EXIT_AUDIT_FAILED)

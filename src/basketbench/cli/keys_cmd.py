"""`basketbench keys`: every key binding in effect, after the `[keys]` table of the config.

    [keys]
    "line.qty_inc" = "ctrl+up"         # binding id = keys (comma-separated for several)
    "inspector.copy_curl" = "ctrl+k"

The workbench's own actions come from its registry (`basketbench.tui.actions`); the request
inspector's and the Nexudus view's bindings are declared on those widgets and listed here too,
so every id the config may remap is shown. An unknown id is an error naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import click


@dataclass
class KeyRow:
    id: str
    keys: str  # as a person types them: "+", "ctrl+up", "? / f1"
    description: str
    scope: str  # app, table, dialog, inspector, nexudus
    remapped: bool


def effective_keys(keymap: Mapping[str, str] | None = None) -> list[KeyRow]:
    """Every binding, with the keymap applied; ValueError naming unknown ids or bad keys."""
    from textual.keys import _normalize_key_list

    from ..tui import actions

    keymap = dict(keymap or {})
    extra = actions.widget_bindings()
    extra_ids = {row[0] for row in extra}
    unknown = sorted(set(keymap) - set(actions.BY_ID) - extra_ids)
    if unknown:
        raise ValueError(f"unknown binding id(s) in [keys]: {', '.join(unknown)} "
                         "(the ids are listed by `basketbench keys`)")
    registry_map = {k: v for k, v in keymap.items() if k in actions.BY_ID}
    rows = [KeyRow(bid, keys, description, actions.BY_ID[bid].scope, bid in registry_map)
            for bid, keys, description in actions.effective_bindings(registry_map)]
    for bid, default, description, scope in extra:
        keys = default
        if bid in keymap:
            value = keymap[bid]
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"keymap {bid}: keys must be a non-empty string "
                                 f"(got {value!r})")
            keys = _normalize_key_list(",".join(k.strip() for k in value.split(",")))
        rows.append(KeyRow(bid, actions.key_label(keys), description, scope, bid in keymap))
    return rows


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Rows as JSON: id, keys, description, "
              "scope, remapped.")
def keys(as_json: bool) -> None:
    """List every key binding in effect: binding id, key(s), what it does.

    Remap a key in the config file's [keys] table by binding id, e.g.
    "line.qty_inc" = "ctrl+up"; remapped keys are marked with *.
    """
    from ..config import ConfigError, load_config

    try:
        config = load_config()
        rows = effective_keys(config.keys)
    except (ConfigError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        from .. import jsonio

        click.echo(jsonio.dumps([asdict(r) for r in rows], indent=2))
        return
    id_width = max(len(r.id) for r in rows)
    key_width = max(len(r.keys) for r in rows) + 2
    scope_width = max(len(r.scope) for r in rows)
    for r in rows:
        keys_text = r.keys + (" *" if r.remapped else "")
        click.echo(f"{r.id.ljust(id_width)}  {keys_text.ljust(key_width)}  "
                   f"{r.scope.ljust(scope_width)}  {r.description}")
    if any(r.remapped for r in rows):
        click.echo(f"\n* remapped in {config.path}")

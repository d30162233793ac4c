"""The `basketbench` command. Subcommands live in their own modules and are imported only
when used, so `basketbench --help` and the TUI start fast."""

from __future__ import annotations

import importlib
import importlib.util

import click

from ..actor import ACTOR

# name -> (module, attribute): loaded lazily by LazyGroup.
SUBCOMMANDS = {
    "demo": ("basketbench.cli.demo_cmd", "demo"),
    "serve": ("basketbench.cli.serve_cmd", "serve"),
    "basket": ("basketbench.cli.basket_group", "basket"),
    "nexudus": ("basketbench.cli.nexudus_cmd", "nexudus"),
    "config": ("basketbench.cli.config_cmd", "config"),
    "keys": ("basketbench.cli.keys_cmd", "keys"),
    "flow": ("basketbench.cli.flow_cmd", "flow"),
    "store": ("basketbench.cli.store_cmd", "store"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (mod, _) in SUBCOMMANDS.items() if _exists(mod))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS or not _exists(SUBCOMMANDS[name][0]):
            return None
        module, attr = SUBCOMMANDS[name]
        return getattr(importlib.import_module(module), attr)


def _exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", type=click.Path(dir_okay=False), envvar="BASKETBENCH_DB",
              help="Local engine database file (default: in the user data directory).")
@click.option("--profile", help="Named profile from the config file.")
@click.option("--api", help="Base URL of a BetterCommerce-compatible basket API.")
@click.version_option(package_name="basketbench")
@click.pass_context
def cli(ctx: click.Context, db: str | None, profile: str | None, api: str | None) -> None:
    """basketbench: a terminal workbench for e-commerce baskets.

    With no command, opens the workbench on the local demo engine.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, profile=profile, api=api)
    # Who basket history says made the changes of this command (a flow run says "flow"),
    # until the command ends: an in-process caller (CliRunner) gets its own actor back.
    token = ACTOR.set("workbench" if ctx.invoked_subcommand is None else "cli")
    ctx.call_on_close(lambda: ACTOR.reset(token))
    if ctx.invoked_subcommand is None:
        from .tui_cmd import run_tui

        run_tui(db=db, profile=profile, api=api)


def main() -> None:
    cli(prog_name="basketbench")

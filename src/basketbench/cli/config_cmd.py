"""`basketbench config show|init|path`: the effective configuration and where it comes from."""

from __future__ import annotations

import click


@click.group()
def config() -> None:
    """Show or create the configuration file (profiles, theme, key bindings)."""


@config.command()
@click.option("--json", "as_json", is_flag=True, help="Rows as JSON: name, value, source.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the effective configuration, secrets redacted, and the source of every value."""
    from ..config import ConfigError, describe, load_config

    try:
        cfg = load_config()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(1)
    rows = describe(cfg)
    root = ctx.find_root().obj or {}
    for name in ("profile", "api", "db"):
        given = ctx.find_root().get_parameter_source(name)
        if root.get(name) and given is not None and given.name == "COMMANDLINE":
            rows.append((f"--{name}", repr(root[name]), "command line"))
    if as_json:
        from .. import jsonio

        click.echo(jsonio.dumps([{"name": n, "value": v, "source": s} for n, v, s in rows],
                                indent=2))
    else:
        width = max(len(n) for n, _, _ in rows)
        vwidth = min(max(len(v) for _, v, _ in rows), 48)
        for name, value, source in rows:
            click.echo(f"{name.ljust(width)}  {value.ljust(vwidth)}  [{source}]")
    for warning in cfg.warnings:
        click.echo(f"warning: {warning}", err=True)


@config.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(force: bool) -> None:
    """Write a commented starter config file (mode 0600)."""
    from ..config import ConfigError, init_config

    try:
        path = init_config(force=force)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {path}")


@config.command()
def path() -> None:
    """Print the config file's path."""
    from ..config import config_path

    click.echo(str(config_path()))

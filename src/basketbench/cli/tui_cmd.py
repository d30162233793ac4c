"""Start the workbench (the Textual app), imported only when it is needed."""

from __future__ import annotations

import click


def run_tui(db: str | None, profile: str | None, api: str | None) -> None:
    try:
        from ..tui.app import run
    except ImportError as exc:  # the TUI module is built in its own issue
        raise click.ClickException(f"the workbench is not available: {exc}") from None
    run(db=db, profile=profile, api=api)

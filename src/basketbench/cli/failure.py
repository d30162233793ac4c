"""How a CLI command fails: the exit codes and the one-line (plus details) error message.

A module of its own so that the fast local read (local_read.py) can fail like every other
command without importing the basket command group.
"""

from __future__ import annotations

import sys

import click

EXIT_ERROR = 1
EXIT_PROMO_REFUSED = 3


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def error_detail(message: str, field_errors: list[str], where: str | None) -> str:
    """A backend's error as the CLI prints it: the message, each field error, where."""
    detail = message
    for field_error in field_errors:
        if field_error and field_error not in detail:
            detail += f"\n  - {field_error}"
    if where and where not in detail:
        detail += f"\n  at {where}"
    return detail

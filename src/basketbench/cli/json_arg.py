"""JSON given on the command line: inline text, `@FILE`, or `-` for standard input. Numbers
are read as Decimal (jsonio), never float; a bad value is a usage error naming it.
`RequestArg` reads a request body into the typed request the backend takes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


class JsonArg(click.ParamType):
    name = "JSON"

    def __init__(self, shape: type | tuple[type, ...] = (dict, list)) -> None:
        self.shape = shape

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if not isinstance(value, str):
            return value
        from .. import jsonio

        text = value
        if value == "-":
            text = sys.stdin.read()
        elif value.startswith("@"):
            try:
                text = Path(value[1:]).expanduser().read_text("utf-8")
            except OSError as exc:
                self.fail(f"cannot read {value[1:]!r} ({exc.strerror})", param, ctx)
        try:
            data = jsonio.loads(text)
        except ValueError as exc:
            shown = value if len(value) <= 60 else value[:57] + "..."
            self.fail(f"{shown!r} is not valid JSON ({exc})", param, ctx)
        if not isinstance(data, self.shape):
            names: dict[type, str] = {dict: "an object", list: "an array"}
            want = " or ".join(names[t] for t in (
                self.shape if isinstance(self.shape, tuple) else (self.shape,)))
            self.fail(f"must be {want} (got {type(data).__name__})", param, ctx)
        return data


class RequestArg(JsonArg):
    """A request body given as JSON, read into the typed request (model/requests.py) that the
    Backend parameter `parameter` takes (`item`, `items`, `info`, `settings`, `plans`,
    `plan`, `store`): the one place the CLI turns a person's JSON into a request. Keys bind
    case-insensitively, as the server binds them (wire/inputs.py)."""

    def __init__(self, parameter: str, shape: type | tuple[type, ...] = (dict, list)) -> None:
        super().__init__(shape)
        self.parameter = parameter

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        data = super().convert(value, param, ctx)
        from ..wire.inputs import request_of

        try:
            return request_of(self.parameter, data)
        except ValueError as exc:  # names the field: "[0].qty: ..."
            self.fail(str(exc), param, ctx)

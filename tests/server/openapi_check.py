"""Every response the server tests receive is checked against the server's own /openapi.json:
the status must be documented for that operation and the body must match its schema (JSON
Schema 2020-12, formats such as uuid checked). conftest.py runs it on every response an
httpx client receives in the server tests."""

from __future__ import annotations

import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


class OpenApiResponseCheck:
    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self._ops: list[tuple[re.Pattern, str, dict]] = []
        for template, ops in doc["paths"].items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            regex = re.compile(f"^{pattern}$", re.IGNORECASE)
            self._ops.append((regex, template, ops))
        # Literal segments beat parameters (`/basket/all` before `/basket/{id}`).
        self._ops.sort(key=lambda item: item[1].count("{"))
        self._validators: dict[tuple[str, str, str], Draft202012Validator] = {}

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        for regex, template, ops in self._ops:
            if regex.match(path) and method.lower() in ops:
                return template, ops[method.lower()]
        return None

    def _validator(self, key: tuple[str, str, str], schema: dict) -> Draft202012Validator:
        if key not in self._validators:
            root = {**schema, "components": self.doc.get("components", {})}
            self._validators[key] = Draft202012Validator(
                root, format_checker=Draft202012Validator.FORMAT_CHECKER)
        return self._validators[key]

    def check(self, response: httpx.Response) -> None:
        method, path = response.request.method, response.request.url.path
        found = self.operation(method, path)
        if found is None:
            return  # unknown route or method: nothing documents it (404/405 envelopes)
        template, op = found
        status = str(response.status_code)
        spec = op["responses"].get(status) or op["responses"].get("default")
        assert spec is not None, (
            f"{method} {template} answered {status}, which /openapi.json does not document "
            f"(documented: {sorted(op['responses'])}): {response.text[:300]}")
        schema = (spec.get("content") or {}).get("application/json", {}).get("schema")
        if schema is None or not response.content:
            return
        body: Any = response.json()
        error = best_match(self._validator((method, template, status), schema)
                           .iter_errors(body))
        assert error is None, (
            f"{method} {path} -> {status} contradicts /openapi.json ({template}) at "
            f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}")

"""The flow file: a named list of basket operations, each with optional expectations.

A flow is TOML (parsed with `tomllib`, floats read as Decimal so money never touches float)::

    name = "Guest checkout with a promo code"

    [[steps]]
    op = "add"
    basket = "$guest"          # symbolic: a fresh basket GUID is minted on every run
    product = "POLO-NAVY-L"    # a stock code or a product GUID
    qty = 2

    [steps.expect]
    grand_total = "48.00"
    lines = { POLO-NAVY-L = 2 }

`parse_flow(text)` / `load_flow(path)` return a validated `Flow` or raise `FlowFormatError`
listing every problem with its line number, before anything runs. The pydantic models below
are the format's one definition: `flow.schema.json` is generated from them (see `schema.py`).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

GUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
SYMBOL_PATTERN = r"^\$[A-Za-z][A-Za-z0-9_-]*$"
BASKET_REF_PATTERN = f"(?:{SYMBOL_PATTERN[:-1]}$)|(?:{GUID_PATTERN})"
_GUID_RE = re.compile(GUID_PATTERN)
_SYMBOL_RE = re.compile(SYMBOL_PATTERN)


def is_guid(text: str) -> bool:
    return bool(_GUID_RE.match(text))


def is_symbol(text: str) -> bool:
    return bool(_SYMBOL_RE.match(text))


def _money(value: object) -> Decimal:
    """A decimal amount from a TOML string ("105.29") or number (read as Decimal)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValueError(f"must be an amount such as \"105.29\" (got {_show(value)})")
    try:
        amount = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except ArithmeticError:
        raise ValueError(f"must be an amount such as \"105.29\" (got {_show(value)})") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"must be a non-negative amount (got {_show(value)})")
    exponent = amount.as_tuple().exponent  # an int: the amount is finite (checked above)
    if isinstance(exponent, int) and exponent < -4:
        raise ValueError(f"has more than 4 decimals (got {_show(value)})")
    return amount


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]{1,4})?\s*$"},
                              {"type": "number", "minimum": 0}],
                    "description": 'An amount in major units, e.g. "105.29".'}),
]
BasketRef = Annotated[str, Field(
    pattern=BASKET_REF_PATTERN,
    description="A symbolic basket ($guest, $user, any $name: a fresh GUID is minted on "
                "every run) or a literal basket GUID.")]
ProductRef = Annotated[str, Field(min_length=1, max_length=100,
                                  description="A stock code (POLO-NAVY-L) or a product GUID.")]
Code = Annotated[str, Field(min_length=1, max_length=100)]
CustomInfo = Annotated[dict[Literal["1", "2", "3", "4", "5"], str], Field(
    description='Custom info fields by number: { 1 = "A.S. 2026" } sets customInfo1.')]
Qty = Annotated[int, Field(ge=-100_000, le=100_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Expect(_Strict):
    """What must hold after the step. Every key is optional; only those given are checked."""

    grand_total: Money | None = None
    sub_total: Money | None = None
    discount: Money | None = None
    shipping_charge: Money | None = None
    lines: dict[str, Annotated[int, Field(ge=1)]] | None = Field(None, description=(
        "The exact set of lines: stock code (or product GUID) -> quantity. A child line is "
        "keyed PARENT/CHILD, e.g. \"WALLET-BRN/ENGRAVE-TEXT\"."))
    line_count: Annotated[int, Field(ge=0)] | None = None
    promotions: list[Code] | None = Field(None, description=(
        "The exact set of applied promotion codes that currently give their discount."))
    promo_valid: bool | None = Field(None, description=(
        "promo_validate / promo_apply / promo_remove: whether the code was accepted."))
    promo_message: str | None = Field(None, description=(
        "promo steps: text the backend's message must contain (case-insensitive)."))
    error: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")] | None = Field(None, description=(
        "The step must fail with this messageCode (e.g. QUANTITY_LIMIT)."))


class _Step(_Strict):
    name: str | None = Field(None, description="A label for the report.")
    expect: Expect | None = None

    def baskets(self) -> list[str]:
        """The basket references the step uses, the checked basket first."""
        return [self.basket]  # type: ignore[attr-defined]  # every step type declares basket

    @property
    def checked_basket(self) -> str:
        return self.baskets()[0]

    def describe(self) -> str:
        return f"{self.op} {self.checked_basket}"  # type: ignore[attr-defined]  # as basket


class AddStep(_Step):
    """Add a quantity delta of a product (negative lowers; a result <= 0 removes the line)."""

    op: Literal["add"]
    basket: BasketRef
    product: ProductRef
    qty: Qty = 1
    parent: ProductRef | None = Field(None, description="The parent line's product: makes a "
                                                        "child line (engraving, gift message).")
    custom_info: CustomInfo | None = None

    def describe(self) -> str:
        under = f" under {self.parent}" if self.parent else ""
        return f"add {self.qty} x {self.product}{under} to {self.basket}"


class QtyStep(_Step):
    """Set the absolute quantity of a product's top-level line (0 removes it)."""

    op: Literal["qty"]
    basket: BasketRef
    product: ProductRef
    qty: Annotated[int, Field(ge=0, le=100_000)]

    def describe(self) -> str:
        return f"set {self.product} to {self.qty} in {self.basket}"


class RemoveStep(_Step):
    op: Literal["remove"]
    basket: BasketRef
    product: ProductRef

    def describe(self) -> str:
        return f"remove {self.product} from {self.basket}"


class MergeStep(_Step):
    """Merge `source` into `target`; the target survives (and is the basket checked)."""

    op: Literal["merge"]
    target: BasketRef
    source: BasketRef
    strategy: Literal["sum", "max", "replace"] = "sum"

    def baskets(self) -> list[str]:
        return [self.target, self.source]

    def describe(self) -> str:
        how = "" if self.strategy == "sum" else f" ({self.strategy})"
        return f"merge {self.source} into {self.target}{how}"


class PromoValidateStep(_Step):
    op: Literal["promo_validate"]
    basket: BasketRef
    code: Code

    def describe(self) -> str:
        return f"validate promo {self.code} on {self.basket}"


class PromoApplyStep(_Step):
    op: Literal["promo_apply"]
    basket: BasketRef
    code: Code

    def describe(self) -> str:
        return f"apply promo {self.code} to {self.basket}"


class PromoRemoveStep(_Step):
    op: Literal["promo_remove"]
    basket: BasketRef
    code: Code

    def describe(self) -> str:
        return f"remove promo {self.code} from {self.basket}"


class NominatedDay(_Strict):
    date: Annotated[str, Field(min_length=1, description="ISO date-time of the delivery day.")]
    day_text: str | None = None
    day_no: Annotated[int, Field(ge=0, le=7)] | None = None
    carrier: str | None = None
    price: Money | None = None


class ShipStep(_Step):
    """Choose a shipping method (GUID or code such as STD) for a country."""

    op: Literal["ship"]
    basket: BasketRef
    method: Code
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] = "GB"
    nominated: NominatedDay | None = None

    def describe(self) -> str:
        return f"ship {self.basket} by {self.method} to {self.country.upper()}"


class PoStep(_Step):
    op: Literal["po"]
    basket: BasketRef
    reference: Annotated[str, Field(max_length=50, description='"" clears it.')]

    def describe(self) -> str:
        return f"set PO {self.reference!r} on {self.basket}"


class UserStep(_Step):
    """Assign the basket to a user (GUID, or an email where the backend lists users)."""

    op: Literal["user"]
    basket: BasketRef
    user: Code

    def describe(self) -> str:
        return f"assign {self.basket} to {self.user}"


class DeleteStep(_Step):
    op: Literal["delete"]
    basket: BasketRef


class GetStep(_Step):
    op: Literal["get"]
    basket: BasketRef


class CampaignStep(_Step):
    op: Literal["campaign"]
    basket: BasketRef
    code: Annotated[str, Field(max_length=100, description='"" clears it.')]

    def describe(self) -> str:
        return f"set campaign {self.code!r} on {self.basket}"


class InstructionsStep(_Step):
    op: Literal["instructions"]
    basket: BasketRef
    text: Annotated[str, Field(max_length=500, description='"" clears it.')]

    def describe(self) -> str:
        return f"set delivery instructions on {self.basket}"


class ClickCollectStep(_Step):
    op: Literal["click_collect"]
    basket: BasketRef
    store: Annotated[Code, Field(description="A store GUID or code (LDN1).")]

    def describe(self) -> str:
        return f"click & collect {self.basket} at {self.store}"


class LineInfo(_Strict):
    product: ProductRef
    parent: ProductRef | None = None
    info: CustomInfo = Field(default_factory=dict)
    additional_charge: Money | None = None


class CustomInfoStep(_Step):
    """Replace the basket's custom info, and set custom info on some lines."""

    op: Literal["custom_info"]
    basket: BasketRef
    info: CustomInfo = Field(default_factory=dict)
    lines: list[LineInfo] = Field(default_factory=list)

    def describe(self) -> str:
        return f"set custom info on {self.basket}"


class BulkItem(_Strict):
    product: ProductRef
    qty: Qty = 1
    parent: ProductRef | None = None
    custom_info: CustomInfo | None = None


class BulkAddStep(_Step):
    """Add several items at once, atomically (all or nothing)."""

    op: Literal["bulk_add"]
    basket: BasketRef
    items: Annotated[list[BulkItem], Field(min_length=1)]

    def describe(self) -> str:
        names = ", ".join(f"{i.qty} x {i.product}" for i in self.items)
        return f"bulk add {names} to {self.basket}"


class DisplayOrderStep(_Step):
    """Reorder the lines: the products listed get display orders 1, 2, 3..."""

    op: Literal["display_order"]
    basket: BasketRef
    order: Annotated[list[ProductRef], Field(min_length=1)]

    def describe(self) -> str:
        return f"reorder lines of {self.basket}: {', '.join(self.order)}"


class LockStep(_Step):
    op: Literal["lock"]
    basket: BasketRef


class UnlockStep(_Step):
    op: Literal["unlock"]
    basket: BasketRef


STEP_TYPES: tuple[type[_Step], ...] = (
    AddStep, QtyStep, RemoveStep, MergeStep, PromoValidateStep, PromoApplyStep, PromoRemoveStep,
    ShipStep, PoStep, UserStep, DeleteStep, GetStep, CampaignStep, InstructionsStep,
    ClickCollectStep, CustomInfoStep, BulkAddStep, DisplayOrderStep, LockStep, UnlockStep,
)
# Each step type's `op: Literal["..."]`: the Literal's one value (mypy sees an annotation).
OPERATIONS: tuple[str, ...] = tuple(
    t.model_fields["op"].annotation.__args__[0]  # type: ignore[union-attr]
    for t in STEP_TYPES)
STEP_BY_OP: dict[str, type[_Step]] = dict(zip(OPERATIONS, STEP_TYPES))
PROMO_OPS = frozenset({"promo_validate", "promo_apply", "promo_remove"})

# Pydantic reads the discriminated Union of the step types; mypy, which cannot follow a Union
# built at run time, sees their base class (a Union over a computed tuple has no `|` spelling).
if TYPE_CHECKING:
    Step = _Step
else:
    Step = Annotated[Union[tuple(STEP_TYPES)], Field(discriminator="op")]  # noqa: UP007
STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step)


class Flow(_Strict):
    """A checkout flow: run its steps in order against any backend."""

    model_config = ConfigDict(title="basketbench flow")

    version: Literal[1] = Field(1, description="The flow format version.")
    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    steps: Annotated[list[Step], Field(min_length=1)]

    _source: str | None = PrivateAttr(None)
    _step_lines: list[int | None] = PrivateAttr(default_factory=list)

    @property
    def source(self) -> str | None:
        """The file the flow was read from, if any."""
        return self._source

    def step_line(self, index: int) -> int | None:
        """The line of step `index` (0-based) in its file, when known."""
        return self._step_lines[index] if index < len(self._step_lines) else None


# -- errors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.message}"


class FlowFormatError(ValueError):
    """A flow file that cannot run; `problems` lists each one with its line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))


# -- loading ----------------------------------------------------------------------------------

_TOP_KEYS = ("version", "name", "description", "steps")


def load_flow(path: str | Path) -> Flow:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise FlowFormatError(str(path), [Problem(None, f"not UTF-8 text ({exc.reason})")]) \
            from None
    except OSError as exc:
        raise FlowFormatError(str(path), [Problem(None, f"cannot read: {exc.strerror}")]) \
            from None
    return parse_flow(text, source=str(path))


def parse_flow(text: str, *, source: str = "<flow>") -> Flow:
    """Parse and validate a whole flow; raises FlowFormatError with every problem found."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise FlowFormatError(source, [_toml_problem(exc)]) from None
    lines = text.splitlines()
    problems: list[Problem] = []

    header = {k: v for k, v in data.items() if k != "steps"}
    for key in header:
        if key not in _TOP_KEYS:
            problems.append(Problem(_key_line(lines, 0, len(lines), key),
                                    f"unknown key {key!r} (allowed: {', '.join(_TOP_KEYS)})"))
    try:
        Flow.model_validate({**{k: v for k, v in header.items() if k in _TOP_KEYS},
                             "steps": [{"op": "get", "basket": "$x"}]})
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            problems.append(Problem(_key_line(lines, 0, len(lines), key) or 1,
                                    _describe_error(err, key, top=True)))

    raw_steps = data.get("steps")
    headers = _step_headers(lines)
    steps: list[Any] = []
    step_lines: list[int | None] = []
    if raw_steps is None or raw_steps == []:
        problems.append(Problem(1, "no steps: add at least one [[steps]] table"))
    elif not isinstance(raw_steps, list):
        problems.append(Problem(_key_line(lines, 0, len(lines), "steps"),
                                "'steps' must be an array of tables ([[steps]])"))
    else:
        for index, raw in enumerate(raw_steps):
            start, end = _step_block(headers, index, lines)
            step_lines.append(start + 1 if start is not None else None)
            step_problems = _validate_step(raw, index, lines, start, end)
            if isinstance(step_problems, list):
                problems.extend(step_problems)
            else:
                steps.append(step_problems)
    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: a step's problems stay in order
        raise FlowFormatError(source, problems)
    flow = Flow(version=header.get("version", 1), name=header["name"],
                description=header.get("description"), steps=steps)
    flow._source = None if source == "<flow>" else source
    flow._step_lines = step_lines
    return flow


def _validate_step(raw: object, index: int, lines: list[str], start: int | None,
                   end: int) -> Any | list[Problem]:
    at = (start + 1) if start is not None else None
    label = f"step {index + 1}"
    if not isinstance(raw, dict):
        return [Problem(at, f"{label}: must be a table (got {_show(raw)})")]
    op = raw.get("op")
    if isinstance(op, str):
        label = f"step {index + 1} ({op})"
    try:
        step = STEP_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = list(err["loc"])
            if loc and loc[0] == op:  # the discriminated union puts the tag first
                loc = loc[1:]
            key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "op")
            line = _key_line(lines, start or 0, end, key) if start is not None else None
            out.append(Problem(line or at, f"{label}: {_describe_error(err, _path(loc), op=op)}"))
        return out
    out = []
    for key, message in _semantic_problems(step):
        line = _key_line(lines, start or 0, end, key) if start is not None else None
        out.append(Problem(line or at, f"{label}: {message}"))
    return out or step


def _semantic_problems(step: Any) -> list[tuple[str, str]]:
    """Rules the field types cannot say."""
    found = []
    exp = step.expect
    if exp is not None:
        if step.op not in PROMO_OPS:
            for key in ("promo_valid", "promo_message"):
                if getattr(exp, key) is not None:
                    found.append((key, f"{key} applies only to promo_validate, promo_apply and "
                                       "promo_remove steps"))
        if exp.error is not None and (exp.promo_valid is not None or exp.promo_message):
            found.append(("error", "expect.error cannot be combined with promo_valid or "
                                   "promo_message: a failed step has no promo result"))
        for key in exp.lines or {}:
            if not key.strip() or any(not part.strip() for part in key.split("/")) \
                    or key.count("/") > 1:
                found.append((key, f"expect.lines key {key!r} must be a stock code or product "
                                   "GUID, or PARENT/CHILD for a child line"))
    if step.op == "merge" and step.target == step.source:
        found.append(("source", f"source must differ from target (both {step.target})"))
    return found


# -- error messages and line numbers -----------------------------------------------------------


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        text = message[: match.start()].strip()
        return Problem(int(match.group(1)),
                       f"TOML syntax error: {text} (column {match.group(2)})")
    match = re.search(r"\(at end of document\)", message)
    if match:
        return Problem(None, f"TOML syntax error: {message[: match.start()].strip()} "
                             "(at end of file)")
    return Problem(None, f"TOML syntax error: {message}")


_HEADER_RE = re.compile(r"^\s*\[\[\s*steps\s*\]\]\s*(#.*)?$")


def _step_headers(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _HEADER_RE.match(line)]


def _step_block(headers: list[int], index: int, lines: list[str]) -> tuple[int | None, int]:
    """The 0-based line range of the n-th [[steps]] table (None when written inline)."""
    if index >= len(headers):
        return None, len(lines)
    start = headers[index]
    end = headers[index + 1] if index + 1 < len(headers) else len(lines)
    return start, end


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    """The 1-based line within [start, end) where `key` is assigned or its table opens."""
    if not key:
        return None
    k = re.escape(key)
    assign = re.compile(rf"(^|[{{,\s.])(\"{k}\"|'{k}'|{k})\s*=")
    table = re.compile(rf"^\s*\[+[^\]]*\b{k}\s*\]+")
    for i in range(start, min(end, len(lines))):
        if assign.search(lines[i]) or table.match(lines[i]):
            return i + 1
    return None


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPE_WORDS = {
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "string_type": "must be a string", "bool_type": "must be true or false",
    "list_type": "must be an array", "dict_type": "must be a table",
    "model_type": "must be a table", "model_attributes_type": "must be a table",
    "decimal_type": "must be an amount", "int_from_float": "must be a whole number",
}


def _describe_error(err: Mapping[str, Any], path: str, *, op: object = None,
                    top: bool = False) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "union_tag_invalid":
        return f"unknown operation {_show(ctx.get('tag', value))} (known: {', '.join(OPERATIONS)})"
    if kind == "union_tag_not_found":
        return f"missing 'op' (the operation: one of {', '.join(OPERATIONS)})"
    if kind == "missing":
        what = "key" if top or "." in path or "[" in path else "argument"
        return f"missing {what} {path!r}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path, op)
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        name = path.rsplit(".", 1)[-1]
        if path.startswith("expect."):
            return f"unknown expectation {name!r}{hint}"
        if top or "." in path or "[" in path:
            return f"unknown key {path!r}{hint}"
        return f"unknown argument {name!r} for {op}{hint}"
    if kind in _TYPE_WORDS:
        return f"{path} {_TYPE_WORDS[kind]} (got {_show(value)})"
    if kind == "literal_error":
        return f"{path} must be {ctx.get('expected')} (got {_show(value)})"
    if kind == "string_pattern_mismatch":
        if path.endswith(("basket", "target", "source")):
            return (f"{path} must be a symbolic basket such as \"$guest\" or a basket GUID "
                    f"(got {_show(value)})")
        if path.endswith("error"):
            return f"{path} must be a messageCode such as \"QUANTITY_LIMIT\" (got {_show(value)})"
        if path.endswith("country"):
            return f"{path} must be a two-letter country code (got {_show(value)})"
        return f"{path} has the wrong form (got {_show(value)})"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        return f"{path} must be {word} {bound} (got {_show(value)})"
    if kind in ("too_short", "string_too_short"):
        return f"{path} must not be empty"
    if kind == "string_too_long":
        return f"{path} must be at most {ctx.get('max_length')} characters"
    if kind == "value_error":
        return f"{path} {ctx.get('error', err['msg'])}"
    return f"{path}: {err['msg']} (got {_show(value)})"


def _allowed_keys(path: str, op: object) -> list[str]:
    parts = path.split(".")
    if parts[0] == "expect":
        return list(Expect.model_fields)
    if len(parts) == 1 and isinstance(op, str) and op in STEP_BY_OP:
        fields = list(STEP_BY_OP[op].model_fields)
        return ["op"] + [f for f in fields if f != "op"]
    if len(parts) == 1 and op is None:
        return list(_TOP_KEYS)
    return []


def _show(value: object) -> str:
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "an array"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

"""The base of every BetterCommerce wire model, and the helpers that write models out.

Wire keys are camelCase; Python attributes are snake_case. Unknown keys are kept (extra="allow")
so a body read from a live API is written back with nothing lost. Money stays `Decimal` in
`model_dump` (python mode) and `jsonio.dumps` writes it as an exact JSON number: never use
`model_dump_json` for wire output, pydantic would write Decimals as strings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar, overload

from pydantic import BaseModel, ConfigDict, SerializationInfo, TypeAdapter, model_serializer
from pydantic.alias_generators import to_camel

from basketbench import jsonio


class WireBase(BaseModel):
    """Unknown keys are kept, and two class switches trim the output (see below)."""

    # defer_build: schemas are built on first use, not at import, so start-up stays fast.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    # Extension fields (not in the seed documents) listed here are left out of the output
    # while they hold their default, so a documented shape is written exactly as documented.
    omit_when_default: ClassVar[frozenset[str]] = frozenset()
    # Request bodies write only the fields that were given (parsed or passed in): a live API
    # may reject a null it was never sent in its own examples.
    omit_unset: ClassVar[bool] = False

    # No return annotation: with one, pydantic would replace the field-by-field JSON schema
    # (used for OpenAPI docs) by that of the annotation.
    @model_serializer(mode="wrap")
    def _trim_output(self, handler: Any, info: SerializationInfo):
        data = handler(self)
        if not isinstance(data, dict) or not (self.omit_unset or self.omit_when_default):
            return data
        fields = type(self).model_fields
        for name, field in fields.items():
            drop = (self.omit_unset and name not in self.model_fields_set) or (
                name in self.omit_when_default and getattr(self, name) == field.default
            )
            if drop:
                key = (field.serialization_alias or field.alias or name) if info.by_alias else name
                data.pop(key, None)
        return data


class WireModel(WireBase):
    """BetterCommerce models: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        # quirks.md §5: ids and codes arrive as numbers or strings; a str field takes both.
        coerce_numbers_to_str=True,
    )


@overload
def dump_wire(value: BaseModel) -> dict[str, Any]: ...
@overload
def dump_wire(value: Any) -> Any: ...
def dump_wire(value: Any) -> Any:
    """A model (or a list/dict of them) as plain wire data: camelCase keys in declared order,
    None kept, Decimals kept for `jsonio.dumps`."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python", by_alias=True)
    if isinstance(value, (list, tuple)):
        return [dump_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: dump_wire(v) for k, v in value.items()}
    return value


def to_json(value: Any, *, indent: int | None = None) -> str:
    """Wire JSON text with exact Decimal numbers."""
    return jsonio.dumps(dump_wire(value), indent=indent)


@lru_cache(maxsize=128)
def _adapter(tp: Any) -> TypeAdapter[Any]:
    return TypeAdapter(tp)


def parse_wire(tp: Any, data: Any) -> Any:
    """Validate already-loaded wire data as `tp` (a model, `list[Model]`, `Envelope[X]`, ...)."""
    return _adapter(tp).validate_python(data)


def from_json(tp: Any, text: str | bytes) -> Any:
    """Parse JSON text (floats read as Decimal, never float) and validate it as `tp`."""
    return parse_wire(tp, jsonio.loads(text))

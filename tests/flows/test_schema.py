"""The shipped JSON Schema is the one the models generate, and it describes every operation."""

from __future__ import annotations

import json

from basketbench.flows.format import OPERATIONS, STEP_BY_OP, Expect
from basketbench.flows.schema import generate_schema, schema_text, shipped_schema_text


def test_shipped_schema_matches_the_models():
    shipped = json.loads(shipped_schema_text())
    assert shipped == generate_schema(), (
        "flow.schema.json is stale: run `python -m basketbench.flows.schema --write`")
    assert shipped_schema_text() == schema_text()


def test_schema_lists_every_operation_with_its_arguments():
    schema = generate_schema()
    steps = schema["properties"]["steps"]["items"]
    mapping = steps["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(OPERATIONS)
    for op, ref in mapping.items():
        definition = schema["$defs"][ref.rsplit("/", 1)[-1]]
        assert definition["additionalProperties"] is False
        assert set(definition["properties"]) == set(STEP_BY_OP[op].model_fields)
        assert "op" in definition["required"]
    assert set(schema["$defs"]["Expect"]["properties"]) == set(Expect.model_fields)
    assert schema["required"] == ["name", "steps"]

"""The JSON Schema of flow files, generated from the pydantic models in `format.py`.

The schema ships as `flow.schema.json` beside this module (for editors and CI linters); a test
checks that the shipped file equals what the models generate. After changing the models,
regenerate it with:

    python -m basketbench.flows.schema --write
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_FILE = "flow.schema.json"
SCHEMA_ID = "https://basketbench.invalid/schemas/flow.schema.json"


def generate_schema() -> dict[str, Any]:
    """The schema as the models define it now."""
    from .format import Flow

    schema = Flow.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **schema}


def schema_text(schema: dict[str, Any] | None = None) -> str:
    return json.dumps(schema or generate_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_text() -> str:
    """The schema file installed with the package."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--write"]:
        target = Path(__file__).with_name(SCHEMA_FILE)
        target.write_text(schema_text(), "utf-8")
        print(f"wrote {target}")
        return 0
    sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The basket domain's shared rules, each written once (issue #14, a first step).

Plain functions over the few fields they need, so the engine's state, the wire dicts and the
pydantic wire models can all feed them. Nothing here imports the engine, the wire models,
backends, server, workbench, CLI, Textual or pydantic (import-linter contracts in
pyproject.toml); docs/architecture.md says where the rest of the model will go.
"""

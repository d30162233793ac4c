"""The workbench: a Textual app over one `basketbench.backends.Backend`.

It renders `wire` models only and reaches data only through the backend, so it never imports
the engine, the server or sqlite-utils (tests/tui/test_imports.py checks this).
"""

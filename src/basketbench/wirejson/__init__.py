"""BetterCommerce basket JSON from and to the domain model (model/basket.py), in plain Python.

`render`: a domain basket as the wire dict of api.md §2 (the sandbox's responses, `--json`).
`parse`: a wire dict read from a live API or a file as a domain basket (HttpBackend).
No pydantic here: the workbench and the CLI's local reads never import it.
"""

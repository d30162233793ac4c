"""The sandbox server: the local engine over the BetterCommerce and Nexudus wire formats.

`create_app(engine)` builds the FastAPI app; `run.serve(...)` runs it under uvicorn.
"""

from .app import create_app

__all__ = ["create_app"]

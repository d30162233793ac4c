"""`basket get` on the local engine without the backend layer.

The whole process of a local read should cost little more than starting Python: the backend
layer brings pydantic, the wire models and asyncio (about 85% of the old start-up), none of
which a read of one basket from the engine needs. This path opens the engine, reads the
domain basket, renders its wire dict (`wirejson.render`, plain Python) and leaves; anything
else (another target, `--json`, a short id) goes the usual way.
"""

from __future__ import annotations

from pathlib import Path

from .failure import error_detail, fail


def local_path(profile: str | None, api: str | None, db: str | None) -> Path | None:
    """The database file when the chosen target is certainly the local engine: `--db` alone,
    or nothing chosen and no configured API or default profile. Else None (the backend
    factory decides, as for every other command)."""
    if api or profile:
        return None
    from ..paths import database_location, default_db

    if db:
        location = database_location(db)
    else:
        from ..config import load_config

        config = load_config()
        if config.api is not None or config.default_profile is not None:
            return None
        location = default_db()
    # A PostgreSQL store (a URL) takes the general path: the fast read is for a local file.
    return location if isinstance(location, Path) else None


def read_basket(path: Path, basket_id: str) -> dict:
    """The basket's wire dict from the engine on `path` (seeded with the demo when new, as
    the local backend does); an engine error is printed as the backends print it, exit 1."""
    from ..engine import BasketEngine, EngineError, demo
    from ..wirejson import render

    try:
        with BasketEngine(path) as engine:
            demo.ensure_seeded(engine)
            return render.basket(engine.get_basket(basket_id))
    except EngineError as exc:
        fail(error_detail(exc.message, exc.errors, f"local engine {path}"))
    raise AssertionError("unreachable")  # fail() exits

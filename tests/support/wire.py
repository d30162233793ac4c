"""Engine results as the BetterCommerce wire shows them, for tests that assert on wire keys.

The engine returns the domain `Basket` (model/basket.py); the server and `--json` render it
with `basketbench.wirejson.render`. `wire(result)` renders the same way: a Basket, or the
baskets inside a dict or list (a promotion outcome's `basket`), so an assertion on
`["lineItems"][0]["qty"]` checks exactly what a client would read.
"""

from __future__ import annotations

from typing import Any

from basketbench.model.basket import Basket
from basketbench.model.product import Product
from basketbench.wirejson import render


def wire(result: Any) -> Any:
    if isinstance(result, Basket):
        return render.basket(result)
    if isinstance(result, Product):
        return render.product(result)
    if isinstance(result, dict):
        return {k: wire(v) for k, v in result.items()}
    if isinstance(result, list):
        return [wire(v) for v in result]
    return result


def wire_short(baskets: list[Basket]) -> list[dict]:
    """Endpoint 01's short shape of a user's baskets."""
    return [render.short_basket(b) for b in baskets]

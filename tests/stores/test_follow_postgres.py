"""Following a basket on PostgreSQL: the change feed has no `data_version` there, so it reads
the watched baskets' history through the store; a change made by another engine (as another
host would) reaches the follower, marked as made elsewhere."""

from __future__ import annotations

import asyncio
import uuid

from basketbench.backends.local import LocalBackend
from basketbench.engine import BasketEngine


async def test_a_change_by_another_engine_on_postgresql_is_followed(empty_pg: str):
    backend = LocalBackend(empty_pg)
    other = BasketEngine(empty_pg)
    try:
        mug = other.search_products("MUG-WHITE")[0].record_id
        basket = str(uuid.uuid4())
        changes = backend.watch(basket)
        first = asyncio.ensure_future(anext(changes))
        for _ in range(250):  # until the feed has its follower
            if backend._feed is not None and backend._feed.followers():
                break
            await asyncio.sleep(0.02)
        await asyncio.to_thread(other.add_item, basket, {"productId": mug, "qty": 2})
        change = await asyncio.wait_for(first, 5)
        assert (change.version, change.operation, change.elsewhere) == (1, "add_item", True)
        assert "+MUG-WHITE x2" in change.summary
        await changes.aclose()
    finally:
        other.close()
        await backend.close()

"""Backend.watch: following a basket live. The local engine sees changes another engine (or
process) makes on its file; HttpBackend follows the sandbox's event stream (with auth too),
or polls GET basket on an API without one. A backend's own changes are never "elsewhere"."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import httpx
import pytest

from basketbench.backends import engine_inputs
from basketbench.backends.base import BasketChange
from basketbench.backends.errors import BackendError
from basketbench.backends.http import HttpBackend
from basketbench.backends.local import LocalBackend
from basketbench.engine import BasketEngine
from basketbench.model.requests import ItemInput

from .conftest import PRODUCTS, make_backend, new_id

BASKET = "/api/v2/commerce/basket"


async def next_change(changes, timeout: float = 3.0) -> BasketChange:
    return await asyncio.wait_for(anext(changes), timeout)


def item(stock: str, qty: int = 1) -> ItemInput:
    return ItemInput(product_id=PRODUCTS[stock], qty=qty)


async def following(backend, within: float = 5.0) -> None:
    """Until the backend follows: a follower in the local feed, or the stream answered."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        feed = getattr(backend, "_feed", None)
        if feed is not None and feed.followers():
            return
        if any("/events" in call.url and call.status == 200 for call in backend.log.calls):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not following")


async def test_local_sees_another_engine_and_marks_its_own(tmp_path):
    db = tmp_path / "follow.db"
    backend = LocalBackend(db)
    other = BasketEngine(db)  # its own connections: as another process on the file would be
    basket = new_id()
    assert backend.capabilities.follow == "stream"
    changes = backend.watch(basket)
    try:
        first = asyncio.ensure_future(next_change(changes))
        await following(backend)
        await asyncio.to_thread(other.add_item, basket,
                                engine_inputs.item(item("MUG-WHITE", 2)))
        change = await first
        assert (change.version, change.operation, change.elsewhere) == (1, "add_item", True)
        assert change.actor == "engine" and "+MUG-WHITE x2" in change.summary
        assert not change.stale and not change.deleted

        await backend.set_qty(basket, PRODUCTS["MUG-WHITE"], 3)
        own = await next_change(changes)
        assert (own.version, own.operation, own.elsewhere) == (2, "set_qty", False)

        await asyncio.to_thread(other.delete_basket, basket)
        last = await next_change(changes)
        assert last.deleted and last.elsewhere and last.version == 3
        with pytest.raises(StopAsyncIteration):
            await next_change(changes)
    finally:
        await changes.aclose()
        other.close()
        await backend.close()


async def test_local_sees_the_cli_in_another_process(tmp_path):
    db = tmp_path / "cli.db"
    backend = LocalBackend(db)
    basket = new_id()
    changes = backend.watch(basket)
    try:
        first = asyncio.ensure_future(next_change(changes, timeout=30))
        await following(backend)
        done = await asyncio.to_thread(subprocess.run, [
            sys.executable, "-m", "basketbench", "basket", "--db", str(db), "add", basket,
            "MUG-WHITE", "1"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        change = await first
        assert (change.version, change.actor, change.elsewhere) == (1, "cli", True)
    finally:
        await changes.aclose()
        await backend.close()


@pytest.mark.parametrize("kind", ["http", "http-auth"])
async def test_sandbox_stream_by_another_client(request, kind):
    backend = make_backend(kind, request)
    sb = request.getfixturevalue("sandbox" if kind == "http" else "sandbox_auth")
    other = HttpBackend(sb.base_url, extensions=True) if kind == "http" else make_backend(
        kind, request)
    basket = new_id()
    assert backend.capabilities.follow == "stream"
    changes = backend.watch(basket)
    try:
        first = asyncio.ensure_future(next_change(changes))
        await following(backend)
        await other.add_item(basket, item("MUG-WHITE"))
        change = await first
        assert (change.version, change.operation, change.elsewhere) == (1, "add_item", True)
        assert change.actor == ("sandbox" if kind == "http" else f"client:{sb.client_id}")
        await backend.set_qty(basket, PRODUCTS["MUG-WHITE"], 4)
        own = await next_change(changes)
        assert (own.version, own.elsewhere) == (2, False)
        assert "MUG-WHITE qty 1 -> 4" in own.summary
    finally:
        await changes.aclose()
        await other.close()
        await backend.close()


async def test_polling_a_live_api_gives_stale_markers(sandbox):
    # A sandbox taken for a live API (extensions off): no event stream, GET basket polled.
    backend = HttpBackend(sandbox.base_url, extensions=False, follow_interval=1)
    other = HttpBackend(sandbox.base_url, extensions=True)
    basket = new_id()
    assert backend.capabilities.follow == "poll"
    await other.add_item(basket, item("MUG-WHITE"))
    changes = backend.watch(basket)
    try:
        first = asyncio.ensure_future(next_change(changes, timeout=5))
        started = time.monotonic()
        while not backend.log.calls:  # until the first read has been made
            assert time.monotonic() - started < 5, "never polled"
            await asyncio.sleep(0.05)
        await other.add_item(basket, item("CANDLE-FIG"))
        change = await first
        assert change.stale and change.elsewhere and change.version == 2
        assert change.operation == "" and change.summary == ""
        await backend.add_item(basket, item("CANDLE-FIG"))
        own = await next_change(changes, timeout=5)
        assert own.stale and not own.elsewhere and own.version == 3
    finally:
        await changes.aclose()
        await other.close()
        await backend.close()
    urls = [call.url for call in backend.log.calls]
    assert urls and not any("/events" in url for url in urls), "no stream without extensions"


async def test_no_stream_and_no_interval_is_refused(sandbox):
    backend = HttpBackend(sandbox.base_url, extensions=False)
    try:
        assert backend.capabilities.follow is None
        with pytest.raises(BackendError) as caught:
            backend.watch(new_id())
        assert caught.value.status == 501 and "follow_interval" in caught.value.message
    finally:
        await backend.close()


def test_the_stream_is_one_get_in_the_sandbox_log(sandbox):
    # The route the backend follows answers real HTTP (not just the backend's parser).
    with httpx.stream("GET", f"{sandbox.base_url}{BASKET}/{new_id()}/events",
                      headers={"Accept": "text/event-stream"}, timeout=5) as resp:
        assert resp.status_code == 200
        assert next(resp.iter_lines()).startswith("retry:")


def _profile_config(tmp_path, extra: str):
    from basketbench.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[profiles.live]\nkind = "bettercommerce"\nbase_url = "https://api.example'
                    f'.com"\ntoken = "t"\nsandbox = false\n{extra}', "utf-8")
    path.chmod(0o600)
    return load_config(path, env={})


async def test_follow_interval_is_a_profile_setting_off_by_default(tmp_path):
    from basketbench.backends.factory import backend_for_profile
    from basketbench.config import ConfigError

    off = backend_for_profile(_profile_config(tmp_path, "").profile("live"))
    polled = backend_for_profile(_profile_config(tmp_path, "follow_interval = 5\n")
                                 .profile("live"))
    try:
        assert off.capabilities.follow is None and off.follow_interval == 0
        assert polled.capabilities.follow == "poll" and polled.follow_interval == 5
    finally:
        await off.close()
        await polled.close()
    with pytest.raises(ConfigError) as caught:
        _profile_config(tmp_path, "follow_interval = 0.2\n")
    assert "follow_interval = 0.2 must be 0 (off) or between 1 and 3600" in str(caught.value)

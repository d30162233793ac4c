"""Follow a basket live: `GET /basket/{id}/events` streams its new versions as server-sent
events, over real HTTP against the sandbox (one server per module, plus one with auth and
two workers, and one that is stopped with streams open)."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from tests.support.sandbox import start_sandbox
from tests.support.sse import Comment, Event, SseReader

from .conftest import BASKET, PRODUCTS, add, error_body, new_id, ok_result

WORKER = "x-basketbench-worker"


def events_url(base_url: str, basket: str) -> str:
    return f"{base_url}{BASKET}/{basket}/events"


def test_an_event_per_change_made_by_another_client(sandbox, api):
    basket = new_id()
    with SseReader(events_url(sandbox.base_url, basket)) as sse:
        assert sse.status == 200 and sse.content_type.startswith("text/event-stream")
        opened = sse.next()
        assert opened == Event("open", None, {"basketId": basket, "version": 0,
                                              "lastUpdated": None, "exists": False})
        first = add(api, basket, "MUG-WHITE", 2)
        second = ok_result(api.put(f"/{basket}/items/{PRODUCTS['MUG-WHITE']}/3"))
        one, two = sse.next(), sse.next()
    assert (one.name, one.id, two.name, two.id) == ("version", "1", "version", "2")
    assert one.data["operation"] == "add_item" and two.data["operation"] == "set_qty"
    assert one.data["actor"] == two.data["actor"] == "sandbox"
    assert "+MUG-WHITE x2" in one.data["summary"]
    assert "MUG-WHITE qty 2 -> 3" in two.data["summary"]
    assert one.data["lastUpdated"] == first["lastUpdated"]
    assert two.data["lastUpdated"] == second["lastUpdated"]
    assert two.data["version"] == second["version"] == 2 and two.data["deleted"] is False
    # The same summaries the history keeps.
    rows = ok_result(api.get(f"/{basket}/history"))["rows"]
    assert [r["summary"] for r in rows] == [two.data["summary"], one.data["summary"]]


def test_last_event_id_resumes_after_that_version(sandbox, api):
    basket = new_id()
    for stock in ("MUG-WHITE", "POLO-NAVY-L", "CANDLE-FIG"):
        add(api, basket, stock)
    with SseReader(events_url(sandbox.base_url, basket),
                   headers={"Last-Event-ID": "1"}) as sse:
        opened = sse.next()
        assert opened.name == "open" and opened.data["version"] == 3
        assert opened.data["exists"] is True and opened.id is None
        backlog = [sse.next(), sse.next()]
        assert [e.id for e in backlog] == ["2", "3"]
        assert "+POLO-NAVY-L x1" in backlog[0].data["summary"]
        add(api, basket, "MUG-WHITE")
        assert sse.next().id == "4"


def test_a_last_event_id_past_the_newest_version_is_taken_as_the_newest(sandbox, api):
    basket = new_id()
    add(api, basket, "MUG-WHITE")
    with SseReader(events_url(sandbox.base_url, basket),
                   headers={"Last-Event-ID": "99"}) as sse:
        assert sse.next().data["version"] == 1
        add(api, basket, "MUG-WHITE")  # version 2: sent, not held back until 100
        assert sse.next().id == "2"


def test_a_deleted_basket_sends_a_last_event_and_ends(sandbox, api):
    basket = new_id()
    add(api, basket, "MUG-WHITE")
    with SseReader(events_url(sandbox.base_url, basket)) as sse:
        assert sse.next().name == "open"
        ok_result(api.delete(f"/{basket}/delete"))
        last = sse.next()
        assert last.name == "deleted" and last.id == "2" and last.data["deleted"] is True
        assert sse.ended.wait(3), "the stream should end after the deletion"


def test_keep_alive_comments(sandbox):
    with SseReader(events_url(sandbox.base_url, new_id()), params={"heartbeat": "1"}) as sse:
        assert sse.next().name == "open"
        started = time.monotonic()
        assert sse.next(timeout=3, comments=True) == Comment("keep-alive")
        assert 0.5 < time.monotonic() - started < 2.5


def test_refusals_are_envelopes(sandbox, http):
    url = f"{BASKET}/{new_id()}/events"
    error_body(http.get(url), 406, "NOT_ACCEPTABLE", "text/event-stream")
    stream = {"Accept": "text/event-stream"}
    error_body(http.get(url, headers={**stream, "Last-Event-ID": "seven"}), 400, "VALIDATION",
               "Last-Event-ID", "seven")
    error_body(http.get(url, params={"heartbeat": "0"}, headers=stream), 400, "VALIDATION",
               "heartbeat")
    error_body(http.get(f"{BASKET}/not-a-guid/events", headers=stream), 400, "VALIDATION")


def test_the_document_describes_the_stream(http):
    doc = http.get("/openapi.json").json()
    op = doc["paths"][f"{BASKET}/{{id}}/events"]["get"]
    assert list(op["responses"]["200"]["content"]) == ["text/event-stream"]
    assert op["responses"]["406"]["content"]["application/json"]
    assert {p["name"] for p in op["parameters"]} >= {"id", "heartbeat", "Last-Event-ID"}


# -- auth on, two workers ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("events-workers") / "w.db", auth=True,
                       extra_args=["--workers", "2"])
    yield sb
    sb.stop()


def _token(sb) -> str:
    resp = httpx.post(f"{sb.base_url}/oAuth/Token", data={
        "grant_type": "client_credentials", "client_id": sb.client_id,
        "client_secret": sb.client_secret})
    return resp.json()["access_token"]


def test_auth_and_changes_made_on_either_worker(workers):
    basket = new_id()
    url = events_url(workers.base_url, basket)
    with SseReader(url) as refused:
        assert refused.status == 401
    token = _token(workers)
    auth = {"Authorization": f"Bearer {token}"}
    with SseReader(url, headers=auth) as sse:
        assert sse.status == 200 and sse.next().name == "open"
        seen_workers = set()
        for n in range(8):  # a new connection each time: spread over both workers
            resp = httpx.put(f"{workers.base_url}{BASKET}/{basket}/items/add",
                             json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1},
                             headers={**auth, "Connection": "close"})
            assert resp.status_code == 200
            seen_workers.add(resp.headers[WORKER])
            event = sse.next()
            assert (event.id, event.data["actor"]) == (str(n + 1), "client:sandbox-tests")
    assert seen_workers == {"1", "2"}, "the changes should have gone through both workers"


# -- shutdown ------------------------------------------------------------------------------

def test_shutdown_does_not_wait_for_open_streams(tmp_path):
    sb = start_sandbox(tmp_path / "stop.db")
    try:
        readers = [SseReader(events_url(sb.base_url, new_id())) for _ in range(3)]
        for sse in readers:
            assert sse.next().name == "open"
        started = time.monotonic()
        sb.process.send_signal(signal.SIGTERM)
        sb.process.wait(10)
        # uvicorn's graceful-shutdown timeout is 3 s: ending the streams must beat it.
        assert time.monotonic() - started < 2.0
        assert all(sse.ended.wait(2) for sse in readers)
        assert "Traceback" not in sb.log()
        for sse in readers:
            sse.close()
    finally:
        sb.stop()


# -- closing clients leave nothing behind ----------------------------------------------------

def test_closed_streams_leave_the_feed_and_stop_its_task(tmp_path):
    # The server in this process (real HTTP on loopback), so its change feed can be looked at.
    import threading

    import uvicorn

    from basketbench.engine import BasketEngine
    from basketbench.engine import demo as demo_data
    from basketbench.server.app import create_app
    from tests.support.sandbox import free_port

    engine = BasketEngine(tmp_path / "inproc.db")
    demo_data.ensure_seeded(engine)
    app = create_app(engine, access_log=False)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        feed = app.state.changes
        base = f"http://127.0.0.1:{port}"
        readers = [SseReader(events_url(base, new_id())) for _ in range(4)]
        for sse in readers:
            assert sse.next().name == "open"
        assert feed.followers() == 4 and feed._task is not None
        for sse in readers:
            sse.close()
        deadline = time.monotonic() + 3
        while (feed.followers() or feed._task is not None) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert feed.followers() == 0, "a closed stream is still following"
        assert feed._task is None, "the poll task runs with nobody following"
    finally:
        server.should_exit = True
        thread.join(10)
        engine.close()

"""Nexudus BasketSession API (engine-rules §9) over real HTTP, auth off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"
URL = "/api/billing/basketsessions"
ENVELOPE_200_KEYS = ["Status", "Message", "Value", "OpenInDialog", "OpenInWindow",
                     "RedirectURL", "JavaScript", "UpdatedOn", "UpdatedBy", "Errors",
                     "WasSuccessful"]


def create(http, session_id: str, business: int = 1, contents: str | None = None) -> int:
    body = {"BusinessId": business, "SessionId": session_id}
    if contents is not None:
        body["JsonContents"] = contents
    resp = http.post(URL, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["Value"]["Id"]


def test_create_exact_200_envelope(http):
    resp = http.post(URL, json={"BusinessId": 7, "SessionId": "browser-abc",
                                "JsonContents": json.dumps({"lines": [1, 2]})})
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ENVELOPE_200_KEYS
    documented = json.loads((EXAMPLES / "24-nexudus-create-basketsession.response.json")
                            .read_text())
    assert list(body) == list(documented)
    assert body["Status"] == 200 and body["WasSuccessful"] is True and body["Errors"] is None
    assert body["Message"] == "BasketSession was successfully created."
    assert set(body["Value"]) == {"Id"} and isinstance(body["Value"]["Id"], int)
    assert body["UpdatedBy"] == "sandbox" and body["UpdatedOn"].endswith("Z")
    assert (body["OpenInDialog"], body["OpenInWindow"], body["RedirectURL"],
            body["JavaScript"]) == (False, False, None, None)
    second = create(http, "browser-def")
    assert second > body["Value"]["Id"]  # increasing integers


def test_create_documented_400(http):
    request = json.loads((EXAMPLES / "24-nexudus-create-basketsession.request.json").read_text())
    documented = json.loads((EXAMPLES / "24-nexudus-create-basketsession.response.400.json")
                            .read_text())
    resp = http.post(URL, json={"BusinessId": 5})
    assert resp.status_code == 400
    body = resp.json()
    assert body == {"Status": 400, **documented}
    # The documented request itself (SessionId "", BusinessId 0) is refused on both fields.
    body = http.post(URL, json=request).json()
    assert body["Message"] == ("BusinessId: must be a positive integer, "
                               "SessionId: is a required field")
    assert body["Errors"] == [
        {"AttemptedValue": 0, "Message": "must be a positive integer",
         "PropertyName": "BusinessId"},
        {"AttemptedValue": "", "Message": "is a required field", "PropertyName": "SessionId"}]
    assert body["Value"] is None and body["WasSuccessful"] is False


@pytest.mark.parametrize("body, prop, words", [
    ({"BusinessId": "x", "SessionId": "s"}, "BusinessId", "integer"),
    ({"BusinessId": 1.5, "SessionId": "s"}, "BusinessId", "integer"),
    ({"BusinessId": 1, "SessionId": 5}, "SessionId", "string"),
    ({"BusinessId": 1, "SessionId": "s", "JsonContents": "{nope"}, "JsonContents", "JSON"),
    ({"BusinessId": 1, "SessionId": "s", "JsonContents": {"a": 1}}, "JsonContents", "string"),
])
def test_create_wrong_types(http, body, prop, words):
    resp = http.post(URL, json=body)
    assert resp.status_code == 400
    data = resp.json()
    assert data["WasSuccessful"] is False and data["Status"] == 400
    assert [e["PropertyName"] for e in data["Errors"]] == [prop]
    assert data["Message"].startswith(f"{prop}: ") and words in data["Message"]


def test_create_malformed_json_and_non_object(http):
    data = http.post(URL, content=b'{"BusinessId": ').json()
    assert data["Status"] == 400 and "malformed JSON" in data["Message"]
    assert data["Errors"][0]["PropertyName"] == "body"
    data = http.post(URL, json=[1]).json()
    assert data["Status"] == 400 and "object" in data["Message"]


def test_list_paging_and_filter(http):
    ids = [create(http, "paging-session", 3) for _ in range(5)]
    page = http.get(URL, params={"page": 1, "size": 2,
                                 "BasketSession_SessionId": "paging-session"}).json()
    assert page["TotalItems"] == 5 and page["TotalPages"] == 3
    assert page["CurrentPage"] == 1 and page["HasNextPage"] is True
    assert [r["Id"] for r in page["Records"]] == sorted(ids, reverse=True)[:2]
    last = http.get(URL, params={"page": 3, "size": 2,
                                 "BasketSession_SessionId": "paging-session"}).json()
    assert len(last["Records"]) == 1 and last["HasNextPage"] is False
    assert all(r["SessionId"] == "paging-session" for r in page["Records"])
    everything = http.get(URL, params={"page": "", "size": ""}).json()
    assert everything["TotalItems"] >= 5
    bad = http.get(URL, params={"page": "x"})
    assert bad.status_code == 400 and bad.json()["Errors"][0]["PropertyName"] == "page"
    bad = http.get(URL, params={"size": "0"})
    assert bad.status_code == 400 and bad.json()["Errors"][0]["PropertyName"] == "size"


def test_get_update_delete(http):
    record_id = create(http, "crud", 2, '{"a": 1}')
    record = http.get(f"{URL}/{record_id}").json()
    assert record["Id"] == record_id and record["SessionId"] == "crud"
    assert record["BusinessId"] == 2 and json.loads(record["JsonContents"]) == {"a": 1}

    resp = http.put(URL, json={"Id": record_id, "JsonContents": '{"a": 2}'})
    assert resp.status_code == 200, resp.text
    assert resp.json()["Message"] == "BasketSession was successfully updated."
    assert json.loads(http.get(f"{URL}/{record_id}").json()["JsonContents"]) == {"a": 2}
    resp = http.put(f"{URL}/{record_id}", json={"SessionId": "crud-2"})
    assert resp.status_code == 200 and resp.json()["Value"] == {"Id": record_id}
    assert http.get(f"{URL}/{record_id}").json()["SessionId"] == "crud-2"

    resp = http.delete(f"{URL}/{record_id}")
    assert resp.status_code == 200 and resp.json()["WasSuccessful"] is True
    missing = http.get(f"{URL}/{record_id}")
    assert missing.status_code == 404
    assert missing.json()["Errors"] == [{"AttemptedValue": record_id, "Message": "was not found",
                                         "PropertyName": "Id"}]
    assert http.delete(f"{URL}/{record_id}").status_code == 404


def test_update_errors(http):
    record_id = create(http, "upd-errors")
    assert http.put(URL, json={"SessionId": "x"}).json()["Errors"][0]["PropertyName"] == "Id"
    assert http.put(URL, json={"Id": "7"}).status_code == 400
    resp = http.put(f"{URL}/{record_id}", json={"Id": record_id + 1})
    assert resp.status_code == 400 and "does not match" in resp.json()["Message"]
    resp = http.put(f"{URL}/{record_id}", json={"SessionId": ""})
    assert resp.status_code == 400 and resp.json()["Errors"][0]["PropertyName"] == "SessionId"
    assert http.put(f"{URL}/99999999", json={"SessionId": "x"}).status_code == 404
    for bad in ("abc", "-1", "0", "1.5"):
        resp = http.get(f"{URL}/{bad}")
        assert resp.status_code == 400 and resp.json()["Errors"][0]["PropertyName"] == "Id"


def test_unknown_route_and_method_use_nexudus_envelope(http):
    resp = http.patch(URL)
    assert resp.status_code == 405
    assert resp.json()["WasSuccessful"] is False and resp.json()["Status"] == 405
    resp = http.get("/api/billing/nothing")
    assert resp.status_code == 404 and resp.json()["Status"] == 404

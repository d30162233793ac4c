"""Nexudus BasketSessions (engine-rules §9): a basket snapshot parked for a checkout session.

Validation errors carry Nexudus' own shape in `extra['nexudus_errors']`:
[{AttemptedValue, Message, PropertyName}], so the server can answer exactly as documented.
"""

from __future__ import annotations

import json
import math

from .errors import NotFound, ValidationError
from .inputs import INT_LIMIT
from .store_api import Conn

MAX_CONTENTS = 512 * 1024
_COLUMNS = "id, business_id, session_id, json_contents, created_on, updated_on, updated_by"


def validate(fields: dict, *, partial: bool = False) -> tuple[int | None, str | None, str | None]:
    """Check BusinessId, SessionId, JsonContents; raise one ValidationError listing every
    problem in Nexudus' format."""
    problems: list[dict] = []

    def bad(prop: str, value: object, message: str) -> None:
        problems.append({"AttemptedValue": value, "Message": message, "PropertyName": prop})

    business = fields.get("BusinessId")
    if business is None and not partial:
        bad("BusinessId", None, "is a required field")
    elif business is not None and (isinstance(business, bool) or not isinstance(business, int)):
        bad("BusinessId", business, "must be an integer")
    elif business is not None and business <= 0:
        bad("BusinessId", business, "must be a positive integer")
    elif business is not None and business > INT_LIMIT:
        bad("BusinessId", business, f"must be at most {INT_LIMIT}")
    session = fields.get("SessionId")
    if session is None or session == "":
        if not partial or "SessionId" in fields:
            bad("SessionId", session, "is a required field")
    elif not isinstance(session, str):
        bad("SessionId", session, "must be a string")
    elif len(session) > 200:
        bad("SessionId", session, "must be at most 200 characters")
    contents = fields.get("JsonContents")
    if contents is not None:
        if not isinstance(contents, str):
            bad("JsonContents", contents, "must be a string")
        elif len(contents) > MAX_CONTENTS:
            bad("JsonContents", f"<{len(contents)} characters>",
                f"must be at most {MAX_CONTENTS} characters")
        else:
            try:
                json.loads(contents)
            except ValueError:
                bad("JsonContents", contents, "is not valid JSON")
    if problems:
        message = ", ".join(f"{p['PropertyName']}: {p['Message']}" for p in problems)
        raise ValidationError(message, [f"{p['PropertyName']}: {p['Message']}" for p in problems],
                              nexudus_errors=problems)
    return business, session, contents


def _row(r: tuple) -> dict:
    return {"Id": r[0], "BusinessId": r[1], "SessionId": r[2], "JsonContents": r[3],
            "CreatedOn": r[4], "UpdatedOn": r[5], "UpdatedBy": r[6]}


def create(conn: Conn, business_id: object, session_id: object,
           json_contents: object, now: str, updated_by: str | None) -> dict:
    business, session, contents = validate(
        {"BusinessId": business_id, "SessionId": session_id, "JsonContents": json_contents})
    cur = conn.execute(
        "INSERT INTO sessions (business_id, session_id, json_contents, created_on, updated_on,"
        " updated_by) VALUES (?, ?, ?, ?, ?, ?)",
        (business, session, contents, now, now, updated_by))
    created = get(conn, cur.lastrowid) if cur.lastrowid is not None else None
    assert created is not None  # the row this transaction just inserted
    return created


def get(conn: Conn, record_id: int) -> dict | None:
    r = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (record_id,)).fetchone()
    return _row(r) if r else None


def page(conn: Conn, page_no: int, size: int, session_id: str | None) -> dict:
    page_no = max(1, int(page_no))
    size = max(1, min(int(size), 1000))
    where, params = "", []
    if session_id:
        where, params = "WHERE session_id = ?", [session_id]
    total = conn.execute(f"SELECT count(*) FROM sessions {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sessions {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, size, (page_no - 1) * size]).fetchall()
    pages = max(1, math.ceil(total / size)) if total else 0
    return {"Records": [_row(r) for r in rows], "CurrentPage": page_no, "CurrentPageSize": size,
            "TotalItems": total, "TotalPages": pages, "HasNextPage": page_no < pages,
            "HasPreviousPage": page_no > 1}


def update(conn: Conn, record_id: int, fields: dict, now: str,
           updated_by: str | None) -> dict | None:
    existing = get(conn, record_id)
    if existing is None:
        raise NotFound(f"BasketSession {record_id} not found", [f"Id: {record_id} not found"])
    merged = {**existing, **{k: v for k, v in fields.items()
                             if k in ("BusinessId", "SessionId", "JsonContents")}}
    business, session, contents = validate(merged)
    conn.execute(
        "UPDATE sessions SET business_id = ?, session_id = ?, json_contents = ?, updated_on = ?,"
        " updated_by = ? WHERE id = ?", (business, session, contents, now, updated_by, record_id))
    return get(conn, record_id)


def delete(conn: Conn, record_id: int) -> bool:
    return conn.execute("DELETE FROM sessions WHERE id = ?", (record_id,)).rowcount > 0

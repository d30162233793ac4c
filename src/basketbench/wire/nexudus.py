"""Nexudus BasketSession wire models (api.md §3, engine-rules §9).

Nexudus writes PascalCase keys, so these models spell each alias out instead of using the
camelCase generator of WireModel. Numbers are not coerced to strings here: a wrong-typed
field must be reported in Nexudus' own 400 format.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from basketbench.wire.base import WireBase


class NexudusModel(WireBase):
    """No alias generator: every key is given with `alias=` (PascalCase, "RedirectURL")."""


class NexudusError(NexudusModel):
    attempted_value: Any = Field(None, alias="AttemptedValue")
    message: str | None = Field(None, alias="Message")
    property_name: str | None = Field(None, alias="PropertyName")


class NexudusEnvelope(NexudusModel):
    """200 and 400 share this shape; the documented 400 example has no `Status`."""

    status: int | None = Field(None, alias="Status")
    message: str | None = Field(None, alias="Message")
    value: Any = Field(None, alias="Value")  # {"Id": n} on create, null on errors
    open_in_dialog: bool | None = Field(None, alias="OpenInDialog")
    open_in_window: bool | None = Field(None, alias="OpenInWindow")
    redirect_url: str | None = Field(None, alias="RedirectURL")
    java_script: str | None = Field(None, alias="JavaScript")
    updated_on: str | None = Field(None, alias="UpdatedOn")
    updated_by: str | None = Field(None, alias="UpdatedBy")
    errors: list[NexudusError] | None = Field(None, alias="Errors")
    was_successful: bool | None = Field(None, alias="WasSuccessful")


class BasketSessionCreate(NexudusModel):
    omit_unset: ClassVar[bool] = True  # a request: JsonContents is sent only when given

    business_id: int = Field(alias="BusinessId")
    session_id: str = Field(alias="SessionId")
    # A JSON document *as a string* (the basket snapshot), not an object.
    json_contents: str | None = Field(None, alias="JsonContents")


class BasketSession(NexudusModel):
    id: int | None = Field(None, alias="Id")
    business_id: int | None = Field(None, alias="BusinessId")
    session_id: str | None = Field(None, alias="SessionId")
    json_contents: str | None = Field(None, alias="JsonContents")
    created_on: str | None = Field(None, alias="CreatedOn")
    updated_on: str | None = Field(None, alias="UpdatedOn")
    updated_by: str | None = Field(None, alias="UpdatedBy")


class BasketSessionPage(NexudusModel):
    records: list[BasketSession] | None = Field(None, alias="Records")
    current_page: int | None = Field(None, alias="CurrentPage")
    total_items: int | None = Field(None, alias="TotalItems")
    total_pages: int | None = Field(None, alias="TotalPages")
    has_next_page: bool | None = Field(None, alias="HasNextPage")

"""Error envelopes from a live API whose `errors` is not a list still become one typed error."""

from __future__ import annotations

import httpx
import pytest

from basketbench.backends.envelope import envelope_error
from basketbench.backends.transport import Reply


@pytest.mark.parametrize("errors, expected", [
    (5, ["5"]), ("qty: bad", ["qty: bad"]), (["a: x", None, ""], ["a: x"]), (None, []),
])
def test_errors_of_any_shape_become_field_errors(errors, expected):
    reply = Reply("PUT", "https://api.example.com/x", 400, httpx.Headers(), "")
    err = envelope_error(reply, {"success": False, "errors": errors, "message": "bad"},
                         lambda s: s)
    assert err.status == 400 and err.message == "bad" and err.field_errors == expected

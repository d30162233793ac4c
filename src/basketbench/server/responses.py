"""Building responses: serialise once with `jsonio` and return the bytes.

FastAPI's `jsonable_encoder` costs about half a millisecond per basket and would turn Decimal
money into floats, so no route returns a dict: every one goes through here.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from .. import jsonio
from ..model.basket import Basket
from ..wire.envelope import error_envelope, ok_envelope, reason_phrase
from ..wirejson import render
from .basket_json import BODIES, envelope

JSON = "application/json"
PROMO_NOT_APPLICABLE = "PROMO_NOT_APPLICABLE"
BASKET_PREFIX = "/api/v2/commerce/basket"
# Every BetterCommerce route: the basket routes and the storefront's checkout routes.
COMMERCE_PREFIX = "/api/v2/commerce/"
NEXUDUS_PREFIXES = ("/api/billing/", "/api/token")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(content=jsonio.dumps_bytes(body), status_code=status, media_type=JSON,
                    headers=headers)


def raw_json_response(content: bytes, status: int = 200,
                      headers: dict[str, str] | None = None) -> Response:
    return Response(content=content, status_code=status, media_type=JSON, headers=headers)


def etag_header(version: int | None) -> dict[str, str] | None:
    return None if version is None else {"ETag": f'"{version}"'}


def ok(result: Any, *, message: str = "", message_code: str = "",
       version: int | None = None) -> Response:
    """A BetterCommerce success envelope; `version` adds the basket's ETag."""
    return json_response(ok_envelope(result, message, message_code),
                         headers=etag_header(version))


def wire_ok(result: Any, *, version: int | None = None) -> Response:
    """A success envelope around wire data already rendered (`wirejson.render`): no
    model dumping, no deep copy."""
    return json_response(envelope(result), headers=etag_header(version))


def basket_ok(basket: Basket) -> Response:
    """A domain basket's success envelope, rendered and encoded once per version."""
    return raw_json_response(BODIES.body(basket), headers=etag_header(basket.version))


def promo_outcome(result: dict) -> Response:
    """Endpoints 17 and 18 (engine-rules §4). A refusal is HTTP 200 with `success: false`,
    `result: null`, messageCode PROMO_NOT_APPLICABLE and the reason in `message`: the
    storefront shows its error only when `result` is empty. Success keeps
    `result: {isVaild, isValid, message, basket}` and the basket's ETag; `basket` is the
    engine's domain basket, rendered here."""
    if result["isVaild"]:
        return wire_ok(render.promo_result(result), version=result["basket"].version)
    body = ok_envelope(None, result["message"], PROMO_NOT_APPLICABLE)
    body.update(success=False, errors=[f"promoCode: {result['message']}"])
    return json_response(body)


def bc_error(status: int, code: str, message: str, errors: list[str] | None = None,
             headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body = error_envelope(status, code, message, errors if errors is not None else [message])
    body.update(extra)
    return json_response(body, status, headers)


# -- Nexudus ---------------------------------------------------------------------------------

def nexudus_ok(message: str, value: Any, *, updated_on: str | None = None,
               updated_by: str | None = None) -> Response:
    """The documented 200 envelope of `POST /api/billing/basketsessions`, key for key."""
    return json_response({
        "Status": 200, "Message": message, "Value": value, "OpenInDialog": False,
        "OpenInWindow": False, "RedirectURL": None, "JavaScript": None,
        "UpdatedOn": updated_on, "UpdatedBy": updated_by, "Errors": None,
        "WasSuccessful": True,
    })


def nexudus_error(status: int, message: str, errors: list[dict] | None = None,
                  headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The documented 400 envelope, with `Status` added as quirks.md §8 recommends."""
    body = {"Status": status, "Message": message, "Value": None,
            "Errors": errors if errors is not None else [], "WasSuccessful": False}
    body.update(extra)
    return json_response(body, status, headers)


def is_nexudus_path(path: str) -> bool:
    return path.startswith(NEXUDUS_PREFIXES) or path == "/api/billing"


def error_for_path(path: str, status: int, code: str, message: str,
                   errors: list[str] | None = None, headers: dict[str, str] | None = None
                   ) -> Response:
    """An error in the envelope of the API the path belongs to."""
    if is_nexudus_path(path):
        nexudus_errors = [{"AttemptedValue": None, "Message": e.split(": ", 1)[-1],
                           "PropertyName": e.split(": ", 1)[0] if ": " in e else ""}
                          for e in (errors or [])]
        return nexudus_error(status, message, nexudus_errors, headers)
    return bc_error(status, code, message, errors, headers)


__all__ = [
    "BASKET_PREFIX",
    "COMMERCE_PREFIX",
    "JSON",
    "basket_ok",
    "bc_error",
    "error_for_path",
    "etag_header",
    "is_nexudus_path",
    "json_response",
    "nexudus_error",
    "nexudus_ok",
    "ok",
    "promo_outcome",
    "raw_json_response",
    "reason_phrase",
    "wire_ok",
]

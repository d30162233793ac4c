"""A typed request (model/requests.py) as the engine's input: the camelCase dict its
operations validate and its history records. The one place LocalBackend converts requests;
HttpBackend writes them through the wire request models (wire/inputs.py) instead.

Plain Python on purpose: the local workbench's keypress path imports no pydantic.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from ..jsonio import camel
from ..model.requests import (
    CustomInfo,
    CustomTexts,
    DeliveryPlanInput,
    DisplayOrder,
    ItemInput,
    NominatedDay,
    StoreChoice,
    SubscriptionSettings,
)

# Fields whose engine key is not their name in camelCase.
_RENAMED = {(CustomInfo, "lines"): "lineInfo", (DisplayOrder, "line"): "id"}


def body(request: Any) -> Any:
    """A request (or a tuple of them) as plain camelCase data; None fields are left out,
    texts become customInfo1..5 (`formatted`: customInfo1..5Formatted)."""
    if isinstance(request, (tuple, list)):
        return [body(r) for r in request]
    if not is_dataclass(request) or isinstance(request, type):
        return request
    out: dict[str, Any] = {}
    for f in fields(request):
        value = getattr(request, f.name)
        if value is None or (value == () and f.default == ()):
            continue  # not given (an empty tuple that is the default: none given)
        if isinstance(value, CustomTexts):
            suffix = "Formatted" if f.name == "formatted" else ""
            out.update({f"customInfo{n}{suffix}": text for n, text in
                        enumerate(value.texts, start=1) if text is not None})
        elif isinstance(request, NominatedDay) and f.name == "price":
            out["price"] = {"raw": {"withTax": value}}
        elif isinstance(request, CustomInfo) and f.name == "note":
            out["customInfo1"] = {"message": value.message, "imageUrl": value.image_url}
        else:
            out[_RENAMED.get((type(request), f.name)) or camel(f.name)] = body(value)
    return out


def item(request: ItemInput) -> dict:
    return body(request)


def items(requests: list[ItemInput] | tuple[ItemInput, ...]) -> list[dict]:
    return body(tuple(requests))


def custom_info(request: CustomInfo) -> dict:
    return body(request)


def subscription(request: SubscriptionSettings) -> dict:
    return body(request)


def display_order(entries: list[DisplayOrder] | tuple[DisplayOrder, ...]) -> list[dict]:
    return body(tuple(entries))


def nominated(request: NominatedDay | None) -> dict | None:
    return None if request is None else body(request)


def plans(requests: list[DeliveryPlanInput] | tuple[DeliveryPlanInput, ...]) -> list[dict]:
    return body(tuple(requests))


def plan(request: DeliveryPlanInput) -> dict:
    return body(request)


def store(request: StoreChoice) -> dict:
    return body(request)


__all__ = ["body", "camel", "custom_info", "display_order", "item", "items", "nominated",
           "plan", "plans", "store", "subscription"]

"""A domain object written back as wire data (camelCase dict, Decimals kept): the `--json`
output, the `y` copy, a Nexudus session's JsonContents.

A basket (and a short basket, a promo result's basket) is written by `wirejson.render`, the
one renderer of api.md's basket shapes, which the sandbox uses too. Everything else (records,
products, a lone price) field by field from its dataclass, with what a backend sent in
`extra` written back, so an object read by `wirejson.parse` is written as it came.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..jsonio import camel
from ..model.basket import Basket, Price, PriceText, Promotion
from ..model.product import Product
from ..model.results import PromoResult
from . import render

# Extensions written only when set, so a documented shape stays as documented.
_OMIT_WHEN_DEFAULT: dict[type, frozenset[str]] = {
    Basket: frozenset({"version", "is_new", "campaign_code", "country_code", "store_id",
                       "click_collect_store", "nominated_delivery"}),
    Promotion: frozenset({"is_applicable", "reason"}),
    # The sandbox's extensions, written only when a backend sent them.
    Product: frozenset({"max_text_length", "category", "tax_rate", "personalisable",
                        "child_only", "excluded_from_promotions", "currency_code"}),
}

def to_wire(value: Any) -> Any:
    """A domain object (or a list, tuple or dict of them) as plain wire data."""
    kind = type(value)
    if kind is Basket:
        return render.basket(value)
    if kind is Product and not value.extra:  # the engine's: the sandbox's whole shape
        return render.product(value)
    if kind is Price:
        return _price(value)
    if kind is PromoResult:
        return _promo(value)
    if kind in _SCALARS or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_wire(v) for k, v in value.items()}
    return value


_SCALARS = frozenset({str, int, bool, Decimal, float})


short_basket = render.short_basket  # endpoint 01's shape


def _object(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key, omit, default in _fields(type(value)):
        item = getattr(value, name)
        if omit and item == default:
            continue
        out[key] = item if item is None or type(item) in _SCALARS else to_wire(item)
    extra = getattr(value, "extra", None)
    if extra:
        out.update({k: to_wire(v) for k, v in extra.items() if k not in out})
    return out


_FIELDS: dict[type, tuple[tuple[str, str, bool, Any], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, str, bool, Any], ...]:
    """(name, wire key, omitted when default, default) of each field but `extra`."""
    found = _FIELDS.get(cls)
    if found is None:
        omit = _OMIT_WHEN_DEFAULT.get(cls, frozenset())
        found = _FIELDS[cls] = tuple((f.name, camel(f.name), f.name in omit, f.default)
                                     for f in dataclasses.fields(cls) if f.name != "extra")
    return found


def _price(p: Price) -> dict[str, Any]:
    # A PriceEx's own keys and the currency symbol were kept in `extra`, in the order sent,
    # and come before `formatted` and `raw` on the wire.
    out: dict[str, Any] = {k: to_wire(v) for k, v in p.extra.items()} if p.extra else {}
    out["formatted"] = _text(p.formatted)
    out["raw"] = {"withTax": p.with_tax, "withoutTax": p.without_tax, "tax": p.tax}
    return out


def _text(t: PriceText | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"withTax": t.with_tax, "withoutTax": t.without_tax, "tax": t.tax}


def _promo(r: PromoResult) -> dict[str, Any]:
    out: dict[str, Any] = {"isVaild": r.is_valid, "isValid": r.is_valid, "message": r.message}
    if r.basket is not None:
        out["basket"] = to_wire(r.basket)
    out.update({k: to_wire(v) for k, v in r.extra.items()})
    out.setdefault("basket", None)
    return out


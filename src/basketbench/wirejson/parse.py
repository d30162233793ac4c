"""BetterCommerce wire JSON (api.md §2, camelCase) read into the domain model, in plain Python.

The wire is loose (quirks.md §5): money arrives as a JSON number, a Decimal or a numeric
string; ids and codes as numbers or strings; booleans sometimes as "1"/"0". Each value is
read into the type the domain model declares for it, and a value that cannot be is a
`WireError` naming the field (a dotted path such as `lineItems[3].price.raw.withTax`) and
the value. Keys the model has no field for are kept in the object's `extra`, as sent.

`Reader` remembers the lines of the last few baskets it read, so a line whose dict is the
same object as before (the engine's render cache), or an equal one (a live API), gives the
*same* `Line` object back: unchanged lines are shared between versions, which is how the
workbench skips them without comparing fields (tui/diff.py, tui/panes/lines.py).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..jsonio import camel
from ..model.basket import (
    NO_EXTRA,
    Address,
    Basket,
    Category,
    DeliveryCenter,
    DeliveryPlan,
    Line,
    Price,
    PriceText,
    Promotion,
    ShippingMethod,
    Subscription,
)
from ..model.product import Product
from ..model.results import PromoResult, RecordResult
from ..money import parse_decimal

__all__ = ["Reader", "WireError", "basket", "line", "price", "product", "products",
           "promo_result", "record_result"]


class WireError(ValueError):
    """A wire value that does not fit the model: names the field and the value."""

    def __init__(self, path: str, value: Any, expected: str) -> None:
        self.path, self.value, self.expected = path or "(top level)", value, expected
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{self.path}: {shown} is not {expected}")


Conv = Callable[[Any, str], Any]


def _str(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)  # quirks.md §5: ids and codes as numbers
    raise WireError(path, value, "a string")


def _int(value: Any, path: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (Decimal, float)) and value == int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise WireError(path, value, "an integer")


_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def _bool(value: Any, path: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE  # form bodies send "1"/"0"
    raise WireError(path, value, "true or false")


def _decimal(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_decimal(value)
    except ValueError:
        raise WireError(path, value, "a number") from None


def _int_or_str(value: Any, path: str) -> int | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise WireError(path, value, "a number or a string")


def _mapping(value: Any, path: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise WireError(path, value, "an object")


def _any(value: Any, path: str) -> Any:
    return value


def _list(value: Any, path: str) -> list:
    if isinstance(value, list):
        return value
    raise WireError(path, value, "an array")


def _country(value: Any, path: str) -> str | None:
    text = _str(value, path)
    # The seeds write the United Kingdom as "UK"; ISO 3166 (and the engine) say "GB".
    return "GB" if text is not None and text.strip().upper() == "UK" else text


# -- objects -----------------------------------------------------------------------------------

def _object(cls: type, data: Any, path: str, convs: dict[str, tuple[str, Conv]],
            defaults: frozenset[str] = frozenset()) -> Any:
    """`cls` from a wire object: known keys converted, unknown keys kept in `extra`."""
    if not isinstance(data, dict):
        raise WireError(path, data, "an object")
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        known = convs.get(key)
        if known is None:
            extra[key] = value
            continue
        name, conv = known
        value = conv(value, f"{path}.{key}" if path else key)
        if value is None and name in defaults:
            continue  # a null where the model has a non-null default (qty 0, no lines)
        values[name] = value
    if extra:
        values["extra"] = extra
    return cls(**values)


def _table(cls: type, special: Mapping[str, Conv] | None = None
           ) -> dict[str, tuple[str, Conv]]:
    """wire key -> (field name, converter), from the dataclass's declared field types."""
    table = {}
    for f in dataclasses.fields(cls):
        if f.name == "extra":
            continue
        conv = (special or {}).get(f.name) or _BY_TYPE[str(f.type)]
        table[camel(f.name)] = (f.name, conv)
    return table


def _non_null_defaults(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if (f.default is not None and f.default is not dataclasses.MISSING)
                     or f.default_factory is not dataclasses.MISSING)


def _tuple_of(conv: Conv) -> Conv:
    def read(value: Any, path: str) -> tuple | None:
        if value is None:
            return None
        return tuple(conv(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))
    return read


def _any_tuple(value: Any, path: str) -> tuple | None:
    return None if value is None else tuple(_list(value, path))


# -- prices --------------------------------------------------------------------------------

_SIDES = ("withTax", "withoutTax", "tax")


def _price_text(value: Any, path: str) -> PriceText | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise WireError(path, value, "an object")
    return PriceText(_str(value.get("withTax"), f"{path}.withTax"),
                     _str(value.get("withoutTax"), f"{path}.withoutTax"),
                     _str(value.get("tax"), f"{path}.tax"))


# Equal prices are one object (a 2,000-line basket holds ~14,000 of them, mostly zeros);
# keyed by the exact text of every value, so 0.00 and 0 stay apart.
_PRICES: dict[tuple, Price] = {}
_PRICES_MAX = 20_000
_PRICES_LOCK = threading.Lock()


def price(data: Any, path: str = "") -> Price | None:
    """A wire Price (`{currencySymbol, formatted, raw}`) or PriceEx: raw amounts become
    with_tax/without_tax/tax, `formatted` a PriceText, every other key `extra`."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise WireError(path, data, "a price object")
    raw = data.get("raw")
    if raw is not None and not isinstance(raw, dict):
        raise WireError(f"{path}.raw", raw, "an object")
    with_tax, without_tax, tax = (_amount(raw, side, path) for side in _SIDES)
    text = _price_text(data.get("formatted"), f"{path}.formatted")
    extra = {k: v for k, v in data.items() if k not in ("formatted", "raw")}
    made = Price(with_tax, without_tax, tax, text, extra or NO_EXTRA)
    try:
        shared_key = (str(with_tax), str(without_tax), str(tax), text, tuple(extra.items()))
        hash(shared_key)
    except TypeError:  # an unhashable extra value: not shared
        return made
    with _PRICES_LOCK:
        hit = _PRICES.get(shared_key)
        if hit is None:
            if len(_PRICES) > _PRICES_MAX:
                _PRICES.clear()
            hit = _PRICES[shared_key] = made
    return hit


def _amount(raw: dict | None, side: str, path: str) -> Decimal:
    value = raw.get(side) if raw else None
    if value is None:
        return Decimal(0)
    return parse_decimal_at(value, f"{path}.raw.{side}")


def parse_decimal_at(value: Any, path: str) -> Decimal:
    try:
        return parse_decimal(value)
    except ValueError:
        raise WireError(path, value, "a number") from None


def _price(value: Any, path: str) -> Price | None:
    return price(value, path)


def _loose_price(value: Any, path: str) -> Price | Decimal | str | None:
    """Product prices: a price object, a bare number or any text (documented as a string)."""
    if value is None or isinstance(value, dict):
        return price(value, path)
    if isinstance(value, str):
        try:
            return parse_decimal(value)
        except ValueError:
            return value
    return _decimal(value, path)


_BY_TYPE: dict[str, Conv] = {
    "str | None": _str, "int | None": _int, "int": _int, "bool | None": _bool, "bool": _bool,
    "Decimal | None": _decimal, "Decimal": _decimal, "int | str | None": _int_or_str,
    "Mapping[str, Any] | None": _mapping, "Any": _any, "Price | None": _price,
    "PriceText | None": _price_text, "tuple[Any, ...]": _any_tuple,
    "tuple[Any, ...] | None": _any_tuple, "Price | Decimal | str | None": _loose_price,
    "tuple[str, ...] | None": _tuple_of(_str), "Decimal | int | None": _decimal,
}


def _reader(cls: type, special: Mapping[str, Conv] | None = None) -> Conv:
    table = _table(cls, special)
    defaults = _non_null_defaults(cls)
    return lambda value, path: None if value is None else _object(cls, value, path, table,
                                                                  defaults)


# Small nested objects that are mostly equal across lines are one object per distinct wire
# value (memory: a 2,000-line basket), keyed by the value's exact text.
_SHARED: dict[tuple[str, str], Any] = {}


def _shared(kind: str, read: Conv) -> Conv:
    def shared(value: Any, path: str) -> Any:
        if value is None:
            return None
        key = (kind, repr(value))
        hit = _SHARED.get(key)
        if hit is None:
            if len(_SHARED) > _PRICES_MAX:
                _SHARED.clear()
            hit = _SHARED.setdefault(key, read(value, path))
        return hit
    return shared


_category = _shared("category", _reader(Category))
_subscription = _shared("subscription", _reader(Subscription))
_promotion = _reader(Promotion)
_address = _reader(Address, {"country_code": _country})
_center = _reader(DeliveryCenter)
_plan = _reader(DeliveryPlan, {"delivery_center": _center})
_method = _reader(ShippingMethod)
_line = _reader(Line, {"category_items": _tuple_of(_category),
                       "subscription_user_settings": _subscription,
                       "promotions_applied": _tuple_of(_promotion)})
_RECORD = _table(RecordResult)
_PRODUCT = _table(Product)
_PRODUCT_DEFAULTS = _non_null_defaults(Product)


def _basket_table(read_line: Conv) -> dict[str, tuple[str, Conv]]:
    return _table(Basket, {
        "line_items": _tuple_of(read_line), "promotions_applied": _tuple_of(_promotion),
        "shipping_methods": _tuple_of(_method), "delivery_plans": _tuple_of(_plan),
        "shipping_address": _address, "billing_address": _address,
        "country_code": _country})


_BASKET = _basket_table(_line)
_BASKET_DEFAULTS = _non_null_defaults(Basket)


def line(data: Any, path: str = "") -> Line:
    return _line(data, path)


def basket(data: Any, path: str = "") -> Basket:
    """A whole basket (api.md §2.1), or the short basket of endpoint 01 (§2.2: the same
    fields, fewer of them), every line read afresh."""
    return _object(Basket, data, path, _BASKET, _BASKET_DEFAULTS)


def record_result(data: Any, path: str = "") -> RecordResult:
    return _object(RecordResult, data, path, _RECORD)


def product(data: Any, path: str = "") -> Product:
    # The doc spells two flags "fulfill..."; the wire "fulfil...": both are read alike.
    if isinstance(data, dict):
        data = {_FULFIL.get(k, k): v for k, v in data.items()}
    return _object(Product, data, path, _PRODUCT, _PRODUCT_DEFAULTS)


_FULFIL = {"fulfillFromStore": "fulfilFromStore", "fulfillFromSupplier": "fulfilFromSupplier"}


def products(data: Any, path: str = "") -> tuple[Product, ...]:
    return tuple(product(p, f"{path}[{i}]") for i, p in enumerate(_list(data, path)))


def promo_result(data: Any, path: str = "", read_basket: Callable[[Any, str], Basket]
                 = basket) -> PromoResult:
    """Promo apply/remove (api.md §2.12): `isVaild` (documented, sic) or `isValid`, whichever
    came, is `is_valid`. A `basket` that is not one (the documented examples hold faker
    placeholders there) stays in `extra` as sent."""
    if not isinstance(data, dict):
        raise WireError(path, data, "an object")
    data = {(k[:1].lower() + k[1:]) if isinstance(k, str) else k: v for k, v in data.items()}
    spelt = data.get("isVaild", data.get("isValid"))
    extra = {k: v for k, v in data.items() if k not in ("isVaild", "isValid", "message",
                                                        "basket")}
    found: Basket | None = None
    raw = data.get("basket")
    if isinstance(raw, dict):
        try:
            found = read_basket(raw, f"{path}.basket" if path else "basket")
        except WireError:  # a placeholder, not a basket: kept as sent
            extra["basket"] = raw
    elif raw is not None:
        extra["basket"] = raw
    return PromoResult(is_valid=_bool(spelt, f"{path}.isVaild" if path else "isVaild"),
                       message=_str(data.get("message"), f"{path}.message" if path
                                    else "message"),
                       basket=found, extra=extra or NO_EXTRA)


# -- shared lines --------------------------------------------------------------------------

KEEP = 2  # baskets remembered: the one open, and one more (switching back and forth)

Remembered = dict[tuple[Any, Any, Any], tuple[dict, Line]]


def _key(raw: dict) -> tuple[Any, Any, Any]:
    # Only finds the candidate to compare with; the whole dict decides (identity, else
    # equality).
    return (raw.get("productId"), raw.get("parentProductId"), raw.get("customInfo1"))


class Reader:
    """Reads baskets and shares unchanged lines with the last `KEEP` baskets read: a line
    whose dict is the one seen before (or equal to it) is the same `Line` object.

    The dicts are remembered, so nobody may modify a dict once it was read (the engine's
    render cache never does)."""

    def __init__(self) -> None:
        self._baskets: OrderedDict[str, Remembered] = OrderedDict()
        self._lock = threading.Lock()  # backends read in worker threads

    def basket(self, data: Any, path: str = "") -> Basket:
        lines = data.get("lineItems") if isinstance(data, dict) else None
        if not isinstance(lines, list):
            return basket(data, path)
        bid = str(data.get("id") or "").lower()
        with self._lock:
            before = self._baskets.get(bid, {})
        remembered: Remembered = {}
        made: list[Line] = []
        prefix = f"{path}.lineItems" if path else "lineItems"
        for i, raw in enumerate(lines):
            key = _key(raw) if isinstance(raw, dict) else None
            hit = before.get(key) if key is not None else None
            if hit is not None and (hit[0] is raw or hit[0] == raw):
                item = hit[1]
            else:
                item = _line(raw, f"{prefix}[{i}]")
                if item is None:
                    raise WireError(f"{prefix}[{i}]", raw, "an object")
            if key is not None:
                remembered.setdefault(key, (raw, item))
            made.append(item)
        shared = tuple(made)
        table = {**_BASKET, "lineItems": ("line_items", lambda value, where: shared)}
        result = _object(Basket, data, path, table, _BASKET_DEFAULTS)
        with self._lock:
            self._baskets.pop(bid, None)
            self._baskets[bid] = remembered
            while len(self._baskets) > KEEP:
                self._baskets.popitem(last=False)
        return result

    def promo_result(self, data: Any, path: str = "") -> PromoResult:
        return promo_result(data, path, self.basket)

    def forget(self, basket_id: str) -> None:
        with self._lock:
            self._baskets.pop(basket_id.lower(), None)

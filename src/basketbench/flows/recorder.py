"""Record operations as they are performed and write them out as a flow file.

The workbench's `R` key drives it; anything else that performs basket operations can too:

    recorder = FlowRecorder()
    recorder.start("Guest checkout")
    ...
    basket = await backend.add_item(bid, ItemInput(product_id=pid, qty=1))
    recorder.record("add", {"basket": bid, "product": pid, "qty": 1}, basket)
    ...
    try:
        await backend.set_qty(bid, pid, 5000)
    except BackendError as exc:
        recorder.record("qty", {"basket": bid, "product": pid, "qty": 5000}, None, exc)
    ...
    recorder.stop()
    recorder.save("flows/guest-checkout.toml")

`operation` and `args` use the flow vocabulary (`format.py`: op names and argument names, e.g.
`merge` takes `target`, `source`, `strategy`), with the real basket ids and product ids or
stock codes. `basket` is the checked basket after the operation (for operations that return
no basket, pass the basket read back afterwards, or None). The step gets expectations from it:
grand total, shipping charge, line quantities and applied promotions; or, when the operation
failed, the error's messageCode. For promo steps pass `promo_valid=` (and optionally
`promo_message=`) from the PromoResult / PromoCheck.

When writing out, real basket ids become symbols, so the flow replays on fresh baskets:
a basket last seen with a user becomes `$user` (`$user2`, ...), one seen without a user
`$guest` (`$guest2`, ...), and one never seen (a merge source recorded only as an argument)
`$basket1`, `$basket2`... Product ids found in recorded baskets are written as stock codes.

A flow starts from empty baskets. If recording starts on a basket that already has lines,
pass `before=` (the basket as it was before the operation) to the first `record` call on it:
setup steps are written first that rebuild its lines (one bulk add), its user and its promo
codes. Shipping and other basket fields are not rebuilt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..backends.errors import BackendError
from ..model.basket import Basket
from ..model.ids import ZERO_GUID
from ..model.lines import is_child
from ..model.requests import ItemInput
from .format import PROMO_OPS, STEP_ADAPTER, STEP_BY_OP, Expect, Flow, is_guid, parse_flow
from .runner import applied_promotions, line_keys, money_of
from .steps import item_args

_BASKET_KEYS = ("basket", "target", "source")


@dataclass
class _Entry:
    op: str
    args: dict[str, Any]
    expect: dict[str, Any] = field(default_factory=dict)
    name: str | None = None


@dataclass
class _SeenBasket:
    user: str | None = None  # the last user id seen on it; "" for a guest basket
    seen: bool = False  # a Basket object of it was recorded


class FlowRecorder:
    """Collects recorded steps between `start` and `stop`; see the module docstring."""

    def __init__(self) -> None:
        self.name = ""
        self.description: str | None = None
        self.recording = False
        self._entries: list[_Entry] = []
        self._baskets: dict[str, _SeenBasket] = {}  # real id -> what we know, in first-use order
        self._codes: dict[str, str] = {}  # product id -> stock code

    # -- recording ------------------------------------------------------------------------------

    def start(self, name: str, description: str | None = None) -> None:
        """Begin a new recording (dropping any earlier one)."""
        if not name.strip():
            raise ValueError("name: a flow needs a name")
        self.__init__()  # type: ignore[misc]  # reset every field to its start value
        self.name = name.strip()
        self.description = description
        self.recording = True

    def stop(self) -> int:
        """Stop recording; returns how many steps were recorded. The steps stay for saving."""
        self.recording = False
        return len(self._entries)

    @property
    def step_count(self) -> int:
        return len(self._entries)

    def record(self, operation: str, args: dict[str, Any], basket: Basket | None = None,
               error: BackendError | None = None, *, promo_valid: bool | None = None,
               promo_message: str | None = None, before: Basket | None = None,
               name: str | None = None) -> bool:
        """Append one performed operation as a step; False (and nothing kept) when not
        recording. Raises ValueError when `operation`/`args` are not valid flow vocabulary."""
        if not self.recording:
            return False
        if operation not in STEP_BY_OP:
            raise ValueError(f"operation: unknown operation {operation!r}")
        args = {k: v for k, v in args.items() if v is not None}
        try:  # the real ids are GUIDs, so the args validate as they are
            STEP_ADAPTER.validate_python({"op": operation, **args})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:]) or operation
            raise ValueError(f"{where}: {first['msg']} (recording {operation})") from None
        checked = str(args.get("target") if operation == "merge" else args["basket"]).lower()
        if before is not None and checked not in self._baskets:
            self._setup_steps(checked, before)
        for key in _BASKET_KEYS:
            if key in args:
                self._baskets.setdefault(str(args[key]).lower(), _SeenBasket())
        for seen in (before, basket):
            if seen is not None:
                self._learn(seen)
        expect: dict[str, Any] = {}
        if error is not None:
            expect["error"] = error.code
        else:
            if operation in PROMO_OPS:
                if promo_valid is not None:
                    expect["promo_valid"] = promo_valid
                if promo_message:
                    expect["promo_message"] = promo_message
            if basket is not None:
                expect.update(_basket_expectations(basket))
        self._entries.append(_Entry(operation, args, expect, name))
        return True

    def _learn(self, basket: Basket) -> None:
        if basket.id:
            seen = self._baskets.setdefault(basket.id.lower(), _SeenBasket())
            seen.seen = True
            user = (basket.user_id or "").lower()
            seen.user = "" if user in ("", ZERO_GUID) else user
        for line in basket.line_items or []:
            if line.product_id and line.stock_code:
                self._codes[line.product_id.lower()] = line.stock_code

    def _setup_steps(self, bid: str, before: Basket) -> None:
        """Steps that rebuild a basket that had content before recording began."""
        self._baskets[bid] = _SeenBasket()
        self._learn(before)
        lines = before.line_items or ()
        items = []
        for line in sorted(lines, key=lambda ln: is_child(ln.parent_product_id)):  # parents first
            # The line as the request that adds it again, in flow words (steps.py).
            items.append(item_args(ItemInput.for_line(line, line.qty or 1, top_texts=True)))
        label = "setup: the basket as it was when recording started"
        if items:
            self._entries.append(_Entry("bulk_add", {"basket": bid, "items": items}, {}, label))
        user = (before.user_id or "").lower()
        if user and user != ZERO_GUID:
            self._entries.append(_Entry("user", {"basket": bid, "user": user}, {}, label))
        for code in [p.promo_code or p.voucher_code for p in before.promotions_applied or []]:
            if code:
                self._entries.append(_Entry("promo_apply", {"basket": bid, "code": code}, {},
                                            label))

    # -- writing out ----------------------------------------------------------------------------

    def symbols(self) -> dict[str, str]:
        """Real basket id -> the symbol it is written as."""
        counts: dict[str, int] = {}
        out = {}
        for bid, seen in self._baskets.items():
            family = "basket" if not seen.seen else ("user" if seen.user else "guest")
            counts[family] = counts.get(family, 0) + 1
            n = counts[family]
            out[bid] = f"${family}{n}" if family == "basket" or n > 1 else f"${family}"
        return out

    def to_toml(self) -> str:
        if not self.name:
            raise ValueError("nothing recorded: call start(name) first")
        symbols = self.symbols()
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        out = [f"# Recorded with basketbench on {stamp}.",
               "# Baskets are symbolic ($guest, $user...): every run gets fresh ones.",
               f"name = {_value(self.name)}"]
        if self.description:
            out.append(f"description = {_value(self.description)}")
        for entry in self._entries:
            out += ["", "[[steps]]"]
            if entry.name:
                out.append(f"name = {_value(entry.name)}")
            out.append(f"op = {_value(entry.op)}")
            fields = STEP_BY_OP[entry.op].model_fields
            args = self._portable(entry.args, symbols)
            for key in sorted(args, key=lambda k: list(fields).index(k) if k in fields else 99):
                out.append(_assignment(key, args[key]))
            if entry.expect:
                out += ["", "[steps.expect]"]
                order = list(Expect.model_fields)
                for key in sorted(entry.expect, key=order.index):
                    out.append(_assignment(key, entry.expect[key]))
        return "\n".join(out) + "\n"

    def flow(self) -> Flow:
        """The recording as a validated Flow (what `to_toml` writes, read back)."""
        return parse_flow(self.to_toml(), source="<recording>")

    def save(self, path: str | Path) -> Path:
        """Write the flow file (validated first, so a saved file always loads)."""
        text = self.to_toml()
        parse_flow(text, source=str(path))
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        return target

    def _portable(self, args: dict[str, Any], symbols: dict[str, str]) -> dict[str, Any]:
        """Args with basket ids as symbols and product ids as stock codes where known."""
        out: dict[str, Any] = {}
        for key, value in args.items():
            if key in _BASKET_KEYS:
                out[key] = symbols.get(str(value).lower(), value)
            elif key in ("product", "parent"):
                out[key] = self._code(value)
            elif key == "order":
                out[key] = [self._code(v) for v in value]
            elif key in ("items", "lines") and isinstance(value, list):
                out[key] = [{k: (self._code(v) if k in ("product", "parent") else v)
                             for k, v in item.items() if v is not None} for item in value]
            else:
                out[key] = value
        return out

    def _code(self, product: Any) -> Any:
        if isinstance(product, str) and is_guid(product):
            return self._codes.get(product.lower(), product)
        return product


def _basket_expectations(basket: Basket) -> dict[str, Any]:
    expect: dict[str, Any] = {}
    for key in ("grand_total", "shipping_charge"):
        amount = money_of(basket, key)
        if amount is not None:
            expect[key] = format(amount, "f")
    expect["lines"] = {code: qty for code, _, qty in line_keys(basket)}
    expect["promotions"] = applied_promotions(basket)
    return expect


# -- a small TOML writer: the layout people write by hand ([[steps]] + [steps.expect]) ----------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _string(format(value, "f"))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in a flow file")


def _assignment(key: str, value: Any) -> str:
    return f"{_key(key)} = {_value(value)}"

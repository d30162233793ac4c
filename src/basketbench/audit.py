"""Audit a basket's own numbers, knowing nothing of the rules that made them.

Works on any basket in the wire format (full or short shape, camelCase keys, Decimal money):
the local engine's, the sandbox's, or a live BetterCommerce API's, where it is how a developer
spots the API's own arithmetic errors (the seed's example baskets have several). Checks:
every price object foots and its formatted text matches its raw value; lines add up to the
totals; each line's total is its subtotal less discount plus charges; the subtotal is price x
qty; promotions foot per line and per promotion; nothing is negative; one currency throughout.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .money import CURRENCIES

ZERO = Decimal(0)
COMPONENTS = ("withTax", "withoutTax", "tax")
_NUMBER = re.compile(r"-?[\d,]*\.?\d+")


@dataclass(frozen=True)
class Finding:
    check: str  # a stable name: foots, formatted, line-subtotal, line-total, totals, ...
    path: str  # where, e.g. "lineItems[0].subTotal"
    message: str
    severity: str = "error"  # "error": the arithmetic is wrong; "warning": presentation

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def audit(basket: Any) -> list[Finding]:
    """Every finding on one basket (a wire dict or a `wire.Basket` model); empty when clean."""
    if hasattr(basket, "model_dump"):
        from .wire.base import dump_wire

        basket = dump_wire(basket)
    return _Audit(basket).run()


def summary(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if not findings:
        return "every figure foots"
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def _raw(price: Any) -> tuple[Decimal, Decimal, Decimal] | None:
    """(withTax, withoutTax, tax) of a price object; None when it is absent or not a price.
    A null component counts as zero (the seeds' `discount: null`)."""
    if not isinstance(price, dict) or not isinstance(price.get("raw"), dict):
        return None
    out = []
    for key in COMPONENTS:
        value = price["raw"].get(key)
        try:
            out.append(ZERO if value is None else Decimal(str(value)))
        except InvalidOperation:
            return None
    return out[0], out[1], out[2]


def _fmt(values: tuple[Decimal, ...]) -> str:
    return " / ".join(f"{v.normalize():f}" if v == v.to_integral_value() else f"{v}"
                      for v in values)


class _Audit:
    def __init__(self, basket: dict) -> None:
        self.basket = basket
        self.findings: list[Finding] = []
        # Presentation slips repeat on every price object: one warning each, with a count.
        self.format_slips: dict[str, list[tuple[str, str]]] = {}
        code = str(basket.get("currencyCode") or "").upper()
        self.currency = CURRENCIES.get(code)
        self.symbol = basket.get("currencySymbol") or (self.currency.symbol if self.currency
                                                       else None)
        # Amounts from a live API may carry 4 decimals; half a unit of that is the tolerance
        # when per-unit values are multiplied out.
        self.unit = Decimal(1).scaleb(-(self.currency.decimals if self.currency else 2))

    def add(self, check: str, path: str, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(check, path, message, severity))

    def run(self) -> list[Finding]:
        self._every_price(self.basket, "")
        lines = [ln for ln in self.basket.get("lineItems") or [] if isinstance(ln, dict)]
        for i, line in enumerate(lines):
            self._line(line, f"lineItems[{i}]")
        self._totals(lines)
        self._promotions(lines)
        for what, places in self.format_slips.items():
            (path, text), count = places[0], len(places)
            where = f"{count} places, e.g. {text!r}" if count > 1 else repr(text)
            self.add("formatted", path, f"{what} ({where})", "warning")
        return self.findings

    # -- every price object, wherever it is -----------------------------------------------------

    def _every_price(self, node: Any, path: str) -> None:
        if isinstance(node, dict):
            amounts = _raw(node)
            if amounts is not None and "formatted" in node:
                self._price(node, amounts, path)
            for key, value in node.items():
                self._every_price(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self._every_price(value, f"{path}[{i}]")

    def _price(self, price: dict, amounts: tuple[Decimal, Decimal, Decimal], path: str) -> None:
        gross, net, tax = amounts
        if gross != net + tax:
            self.add("foots", path, f"withTax {gross} is not withoutTax {net} + tax {tax} "
                                    f"(= {net + tax})")
        for key, value in zip(COMPONENTS, amounts):
            if value < 0:
                self.add("negative", f"{path}.raw.{key}", f"{key} is negative: {value}")
        symbol = price.get("currencySymbol")
        foreign = bool(self.symbol and symbol and symbol != self.symbol)
        if foreign:
            self.add("currency", path, f"priced in {symbol!r} in a {self.symbol!r} basket")
        formatted = price.get("formatted") or {}
        for key, value in zip(COMPONENTS, amounts):
            self._formatted(formatted.get(key), value, f"{path}.formatted.{key}", foreign)

    def _formatted(self, text: Any, raw: Decimal, path: str, foreign: bool) -> None:
        if not isinstance(text, str) or not text:
            return
        if self.symbol and not foreign and not text.lstrip("-").startswith(self.symbol):
            self.add("currency", path, f"{text!r} is not in the basket's currency "
                                       f"({self.symbol})")
        match = _NUMBER.search(text)
        if match is None:
            self.format_slips.setdefault("formatted text holds no amount", []).append((path, text))
            return
        shown = Decimal(match.group().replace(",", "") or "0")
        if self.currency and abs(shown - raw) > self.unit / 2:
            self.add("formatted", path, f"{text!r} does not show the raw amount {raw}")
        digits = match.group().split(".")[1] if "." in match.group() else ""
        if self.currency and len(digits) != self.currency.decimals:
            self.format_slips.setdefault(
                f"formatted amounts with {len(digits)} decimals where {self.currency.code} has "
                f"{self.currency.decimals}", []).append((path, text))
        if match.group().lstrip("-").startswith("."):
            self.format_slips.setdefault("formatted amounts without a leading zero",
                                         []).append((path, text))

    # -- lines ---------------------------------------------------------------------------------

    def _line(self, line: dict, path: str) -> None:
        qty = line.get("qty")
        price, subtotal = _raw(line.get("price")), _raw(line.get("subTotal"))
        if isinstance(qty, int) and price and subtotal:
            expected = tuple(v * qty for v in price)
            # Gross multiplies out exactly; net and tax may differ by the rounding of each
            # unit's tax and of the line's, at most half a unit each.
            slack = (ZERO, self.unit * (qty + 1) / 2, self.unit * (qty + 1) / 2)
            if any(abs(got - want) > s for got, want, s in zip(subtotal, expected, slack)):
                self.add("line-subtotal", f"{path}.subTotal",
                         f"{_fmt(subtotal)} is not price x qty = {_fmt(price)} x {qty} "
                         f"= {_fmt(expected)}")
        total = _raw(line.get("totalPrice"))
        if subtotal and total:
            discount = _raw(line.get("discount")) or (ZERO, ZERO, ZERO)
            charge = _raw(line.get("additionalCharge")) or (ZERO, ZERO, ZERO)
            expected = tuple(s - d + c for s, d, c in zip(subtotal, discount, charge))
            if total != expected:
                self.add("line-total", f"{path}.totalPrice",
                         f"{_fmt(total)} is not subTotal - discount + additionalCharge "
                         f"= {_fmt(expected)}")

    # -- totals --------------------------------------------------------------------------------

    def _sum(self, lines: list[dict], key: str) -> tuple[Decimal, Decimal, Decimal]:
        parts = [_raw(ln.get(key)) or (ZERO, ZERO, ZERO) for ln in lines]
        return (sum((p[0] for p in parts), ZERO), sum((p[1] for p in parts), ZERO),
                sum((p[2] for p in parts), ZERO))

    def _totals(self, lines: list[dict]) -> None:
        b = self.basket
        zero = (ZERO, ZERO, ZERO)
        sub, disc = _raw(b.get("subTotal")), _raw(b.get("discount")) or zero
        charge, ship = _raw(b.get("additionalCharge")) or zero, _raw(b.get("shippingCharge"))
        if sub is not None and lines:
            want = self._sum(lines, "subTotal")
            if sub != want:
                self.add("totals", "subTotal",
                         f"{_fmt(sub)} is not the sum of the lines' subTotal {_fmt(want)}")
        if lines and _raw(b.get("additionalCharge")) is not None:
            want = self._sum(lines, "additionalCharge")
            if charge != want:
                self.add("totals", "additionalCharge", f"{_fmt(charge)} is not the sum of the "
                                                       f"lines' additionalCharge {_fmt(want)}")
        if lines:
            on_lines = self._sum(lines, "discount")
            if disc[0] < on_lines[0]:
                self.add("totals", "discount", f"{_fmt(disc)} is less than the lines' "
                                               f"discounts {_fmt(on_lines)}")
        if sub is None:
            return
        expected = tuple(s - d + c for s, d, c in zip(sub, disc, charge))
        tws = _raw(b.get("totalWithoutShipping"))
        if tws is not None and tws != expected:
            self.add("totals", "totalWithoutShipping",
                     f"{_fmt(tws)} is not subTotal - discount + additionalCharge "
                     f"= {_fmt(expected)}")
        grand = _raw(b.get("grandTotal"))
        if grand is not None and ship is not None:
            base = tws if tws is not None else expected
            grand_want = tuple(t + s for t, s in zip(base, ship))
            if grand != grand_want:
                what = "totalWithoutShipping" if tws is not None else \
                    "subTotal - discount + additionalCharge"
                self.add("totals", "grandTotal",
                         f"{_fmt(grand)} is not {what} + shippingCharge = {_fmt(grand_want)}")
            if grand[0] < 0:
                self.add("negative", "grandTotal", f"grand total is negative: {grand[0]}")
            self._base_currency(grand[0])

    def _base_currency(self, grand: Decimal) -> None:
        b = self.basket
        rate, total = b.get("exchangeRate"), b.get("baseCurrencyTotal")
        if rate is None or total is None:
            return
        try:
            want, got = grand * Decimal(str(rate)), Decimal(str(total))
        except InvalidOperation:
            return
        if abs(got - want) > self.unit / 2:
            self.add("totals", "baseCurrencyTotal",
                     f"{got} is not grandTotal x exchangeRate = {grand} x {rate} = {want}")

    # -- promotions ----------------------------------------------------------------------------

    def _promotions(self, lines: list[dict]) -> None:
        shares: dict[str, list[tuple[Decimal, Decimal, Decimal]]] = {}
        for i, line in enumerate(lines):
            entries = [p for p in line.get("promotionsApplied") or [] if isinstance(p, dict)]
            amounts = [(p, a) for p in entries if (a := _raw(p.get("discountAmt"))) is not None]
            if not amounts:
                continue
            for p, a in amounts:
                shares.setdefault(str(p.get("promoCode") or p.get("name") or ""), []).append(a)
            total = tuple(sum((a[k] for _, a in amounts), ZERO) for k in range(3))
            discount = _raw(line.get("discount")) or (ZERO, ZERO, ZERO)
            if total != discount:
                self.add("promotions", f"lineItems[{i}].promotionsApplied",
                         f"the promotions add up to {_fmt(total)}, the line's discount is "
                         f"{_fmt(discount)}")
        for j, promo in enumerate(self.basket.get("promotionsApplied") or []):
            if not isinstance(promo, dict):
                continue
            key = str(promo.get("promoCode") or promo.get("name") or "")
            amount = _raw(promo.get("discountAmt"))
            if amount is None or key not in shares:
                continue  # a shipping or basket-level promotion: nothing on the lines to foot
            total = tuple(sum((a[k] for a in shares[key]), ZERO) for k in range(3))
            if amount != total:
                self.add("promotions", f"promotionsApplied[{j}].discountAmt",
                         f"{key or 'promotion'}: {_fmt(amount)} is not the sum of its shares "
                         f"on the lines {_fmt(total)}")

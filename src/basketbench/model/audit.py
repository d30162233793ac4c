"""Audit a basket's own numbers, knowing nothing of the rules that made them.

Works on any domain basket (model/basket.py): the local engine's, the sandbox's, or a live
BetterCommerce API's, where it is how a developer spots the API's own arithmetic errors (the
seed's example baskets have several). Checks: every price foots and its display text matches
its amount; lines add up to the totals; each line's total is its subtotal less discount plus
charges; the subtotal is price x qty; promotions foot per line and per promotion; nothing is
negative; one currency throughout.

Findings name their place by the wire path a client sees ("lineItems[0].subTotal"), and the
prices are visited in the wire's order, so the findings are those of the basket's wire JSON
without rendering it. A price with no display text (the engine's) is checked against the text
the wire would show for it (`money.format_amount`). What a backend sent that the model has no
field for (`extra`, kept as sent) is searched for price objects as the wire holds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..jsonio import camel
from ..money import CURRENCIES, Currency, format_amount, to_minor
from .basket import Address, Basket, DeliveryPlan, Line, Price, Promotion, ShippingMethod

ZERO = Decimal(0)
Amounts = tuple[Decimal, Decimal, Decimal]
NONE: Amounts = (ZERO, ZERO, ZERO)
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


def audit(basket: Basket) -> list[Finding]:
    """Every finding on one basket; empty when clean."""
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


def _amounts(price: Price | None) -> Amounts | None:
    return None if price is None else (price.with_tax, price.without_tax, price.tax)


def _raw(price: Any) -> Amounts | None:
    """(withTax, withoutTax, tax) of a wire price object kept in `extra`; None when it is not
    one. A null component counts as zero (the seeds' `discount: null`)."""
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


def _fmt(values: Iterable[Decimal]) -> str:
    return " / ".join(f"{v.normalize():f}" if v == v.to_integral_value() else f"{v}"
                      for v in values)


def _sum(parts: Iterable[Amounts]) -> Amounts:
    w, n, t = ZERO, ZERO, ZERO
    for a, b, c in parts:
        w, n, t = w + a, n + b, t + c
    return w, n, t


@lru_cache(maxsize=65536)
def _shown(amount: Decimal, cur: Currency) -> str:
    """The display text the wire gives an amount sent without one (wirejson.render)."""
    return format_amount(to_minor(amount, cur), cur)


# Wire keys written before a price's or a line's other `extra` keys, in this order
# (wirejson.render); and the keys the wire fills itself, so `extra` never overrides them.
_PRICE_EX_HEAD = ("minPrice", "minPriceWithoutTax", "maxPrice", "maxPriceWithoutTax",
                  "currencyDecimalSeparator", "currencyDigitsAfterDecimal")
_LINE_SLOTS = ("itemGroupId", "couponProvider", "priceMatchReqId", "deliveryMessage",
               "variantProducts", "variantProductsAttribute")
_PRICE_KEYS = frozenset({"currencySymbol", "formatted", "raw"})
_EXTENSIONS = frozenset({"version", "isNew", "campaignCode", "countryCode", "storeId",
                         "clickCollectStore", "nominatedDelivery"})


def _wire_keys(cls: type) -> frozenset[str]:
    """The camelCase keys of a model class's fields (`extra` aside)."""
    return frozenset(camel(f.name) for f in fields(cls) if f.name != "extra")


class _Audit:
    def __init__(self, basket: Basket) -> None:
        self.basket = basket
        self.findings: list[Finding] = []
        # Presentation slips repeat on every price: one warning each, with a count.
        self.format_slips: dict[str, list[tuple[str, str]]] = {}
        code = basket.currency_code or ""
        self.currency = CURRENCIES.get(code.upper())
        # The currency the wire writes display texts in (wirejson.render.currency_of).
        self.shown = self.currency or Currency(code, basket.currency_symbol or "", 2)
        self.symbol = basket.currency_symbol or (self.currency.symbol if self.currency
                                                 else None)
        # Amounts from a live API may carry 4 decimals; half a unit of that is the tolerance
        # when per-unit values are multiplied out.
        self.unit = Decimal(1).scaleb(-(self.currency.decimals if self.currency else 2))

    def add(self, check: str, path: str, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(check, path, message, severity))

    def run(self) -> list[Finding]:
        self._every_price()
        lines = self.basket.line_items
        for i, line in enumerate(lines):
            self._line(line, f"lineItems[{i}]")
        self._totals(lines)
        self._promotions(lines)
        for what, places in self.format_slips.items():
            (path, text), count = places[0], len(places)
            where = f"{count} places, e.g. {text!r}" if count > 1 else repr(text)
            self.add("formatted", path, f"{what} ({where})", "warning")
        return self.findings

    # -- every price, wherever it is, in the wire's order ------------------------------------

    def _every_price(self) -> None:
        b = self.basket
        for key, price in (("grandTotal", b.grand_total),
                           ("totalWithoutShipping", b.total_without_shipping),
                           ("shippingCharge", b.shipping_charge), ("subTotal", b.sub_total),
                           ("discount", b.discount), ("additionalCharge", b.additional_charge)):
            self._opt(price, key)
        for i, line in enumerate(b.line_items):
            self._line_prices(line, f"lineItems[{i}]")
        for j, promo in enumerate(b.promotions_applied):
            self._promotion(promo, f"promotionsApplied[{j}]")
        for k, method in enumerate(b.shipping_methods):
            path = f"shippingMethods[{k}]"
            self._opt(method.price, f"{path}.price")
            self._extra(method.extra, path, _METHOD_KEYS)
        for name, address in (("shippingAddress", b.shipping_address),
                              ("billingAddress", b.billing_address)):
            if address is not None:
                self._extra(address.extra, name, _ADDRESS_KEYS)
        self._opt(b.company_discount, "companyDiscount")
        for n, plan in enumerate(b.delivery_plans):
            path = f"deliveryPlans[{n}]"
            self._wire(list(plan.items), f"{path}.items")
            if plan.line_items is not None:
                self._wire(list(plan.line_items), f"{path}.lineItems")
            self._extra(plan.extra, path, _PLAN_KEYS)
        self._opt(b.subscription_total, "subscriptionTotal")
        self._wire(b.gift_wrap_option, "giftWrapOption")
        self._opt(b.membership_discount, "membershipDiscount")
        rendered = _BASKET_KEYS
        if b.version is not None:
            if b.click_collect_store is not None:
                self._wire(dict(b.click_collect_store), "clickCollectStore")
            for key, value in (b.nominated_delivery or {}).items():
                path = f"nominatedDelivery.{key}"
                if isinstance(value, Price):
                    self._price(value, path)
                else:
                    self._wire(value, path)
        else:
            rendered = _BASKET_KEYS - _EXTENSIONS
        self._extra(b.extra, "", rendered)

    def _line_prices(self, line: Line, path: str) -> None:
        for key, price in (("price", line.price), ("subTotal", line.sub_total),
                           ("totalPrice", line.total_price), ("discount", line.discount),
                           ("additionalCharge", line.additional_charge),
                           ("companyDiscount", line.company_discount),
                           ("listPrice", line.list_price)):
            self._opt(price, f"{path}.{key}")
        for j, promo in enumerate(line.promotions_applied):
            self._promotion(promo, f"{path}.promotionsApplied[{j}]")
        self._extra(line.extra, path, _LINE_KEYS, _LINE_SLOTS)

    def _promotion(self, promo: Promotion, path: str) -> None:
        if promo.discount_amt is not None:
            self._price(promo.discount_amt, f"{path}.discountAmt", _PRICE_EX_HEAD)
        # The wire writes isApplicable and reason only when the promotion says.
        rendered = _PROMOTION_KEYS if promo.is_applicable is not None else \
            _PROMOTION_KEYS - {"isApplicable", "reason"}
        self._extra(promo.extra, path, rendered)

    def _extra(self, extra: Mapping[str, Any], path: str, rendered: frozenset[str],
               first: tuple[str, ...] = ()) -> None:
        """Price objects in what a backend sent beyond the model (wire data, as sent)."""
        if not extra:
            return
        for key in _extra_order(extra, rendered, first):
            self._wire(extra[key], f"{path}.{key}" if path else key)

    def _wire(self, node: Any, path: str) -> None:
        """Price objects in wire data: a dict with a `raw` object and a `formatted` key."""
        if isinstance(node, dict):
            amounts = _raw(node)
            if amounts is not None and "formatted" in node:
                formatted = node.get("formatted") or {}
                self._check(amounts, node.get("currencySymbol"),
                            [formatted.get(key) for key in COMPONENTS], path)
            for key, value in node.items():
                self._wire(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self._wire(value, f"{path}[{i}]")

    def _opt(self, price: Price | None, path: str) -> None:
        if price is not None:
            self._price(price, path)

    def _price(self, price: Price, path: str, first: tuple[str, ...] = ()) -> None:
        amounts = (price.with_tax, price.without_tax, price.tax)
        if price.formatted is None:  # the wire shows the amounts in the basket's currency
            texts: list[Any] = [_shown(v, self.shown) for v in amounts]
        else:
            f = price.formatted
            texts = [f.with_tax, f.without_tax, f.tax]
        extra = price.extra
        symbol = extra.get("currencySymbol", self.shown.symbol) if extra else self.shown.symbol
        self._check(amounts, symbol, texts, path)
        self._extra(extra, path, _PRICE_KEYS, first)

    def _check(self, amounts: Amounts, symbol: Any, texts: list[Any], path: str) -> None:
        gross, net, tax = amounts
        if gross != net + tax:
            self.add("foots", path, f"withTax {gross} is not withoutTax {net} + tax {tax} "
                                    f"(= {net + tax})")
        for key, value in zip(COMPONENTS, amounts):
            if value < 0:
                self.add("negative", f"{path}.raw.{key}", f"{key} is negative: {value}")
        foreign = bool(self.symbol and symbol and symbol != self.symbol)
        if foreign:
            self.add("currency", path, f"priced in {symbol!r} in a {self.symbol!r} basket")
        for key, value, text in zip(COMPONENTS, amounts, texts):
            self._formatted(text, value, f"{path}.formatted.{key}", foreign)

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

    def _line(self, line: Line, path: str) -> None:
        qty = line.qty
        price, subtotal = _amounts(line.price), _amounts(line.sub_total)
        if price and subtotal:
            expected = tuple(v * qty for v in price)
            # Gross multiplies out exactly; net and tax may differ by the rounding of each
            # unit's tax and of the line's, at most half a unit each.
            slack = (ZERO, self.unit * (qty + 1) / 2, self.unit * (qty + 1) / 2)
            if any(abs(got - want) > s for got, want, s in zip(subtotal, expected, slack)):
                self.add("line-subtotal", f"{path}.subTotal",
                         f"{_fmt(subtotal)} is not price x qty = {_fmt(price)} x {qty} "
                         f"= {_fmt(expected)}")
        total = _amounts(line.total_price)
        if subtotal and total:
            discount = _amounts(line.discount) or NONE
            charge = _amounts(line.additional_charge) or NONE
            expected = tuple(s - d + c for s, d, c in zip(subtotal, discount, charge))
            if total != expected:
                self.add("line-total", f"{path}.totalPrice",
                         f"{_fmt(total)} is not subTotal - discount + additionalCharge "
                         f"= {_fmt(expected)}")

    # -- totals --------------------------------------------------------------------------------

    def _totals(self, lines: tuple[Line, ...]) -> None:
        b = self.basket
        sub, disc = _amounts(b.sub_total), _amounts(b.discount) or NONE
        charge, ship = _amounts(b.additional_charge) or NONE, _amounts(b.shipping_charge)
        if sub is not None and lines:
            want = _sum(_amounts(ln.sub_total) or NONE for ln in lines)
            if sub != want:
                self.add("totals", "subTotal",
                         f"{_fmt(sub)} is not the sum of the lines' subTotal {_fmt(want)}")
        if lines and b.additional_charge is not None:
            want = _sum(_amounts(ln.additional_charge) or NONE for ln in lines)
            if charge != want:
                self.add("totals", "additionalCharge", f"{_fmt(charge)} is not the sum of the "
                                                       f"lines' additionalCharge {_fmt(want)}")
        if lines:
            on_lines = _sum(_amounts(ln.discount) or NONE for ln in lines)
            if disc[0] < on_lines[0]:
                self.add("totals", "discount", f"{_fmt(disc)} is less than the lines' "
                                               f"discounts {_fmt(on_lines)}")
        if sub is None:
            return
        expected = tuple(s - d + c for s, d, c in zip(sub, disc, charge))
        tws = _amounts(b.total_without_shipping)
        if tws is not None and tws != expected:
            self.add("totals", "totalWithoutShipping",
                     f"{_fmt(tws)} is not subTotal - discount + additionalCharge "
                     f"= {_fmt(expected)}")
        grand = _amounts(b.grand_total)
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
        rate, total = self.basket.exchange_rate, self.basket.base_currency_total
        if rate is None or total is None:
            return
        want = grand * rate
        if abs(total - want) > self.unit / 2:
            self.add("totals", "baseCurrencyTotal",
                     f"{total} is not grandTotal x exchangeRate = {grand} x {rate} = {want}")

    # -- promotions ----------------------------------------------------------------------------

    def _promotions(self, lines: tuple[Line, ...]) -> None:
        shares: dict[str, list[Amounts]] = {}
        for i, line in enumerate(lines):
            amounts = [(p, a) for p in line.promotions_applied
                       if (a := _amounts(p.discount_amt)) is not None]
            if not amounts:
                continue
            for p, a in amounts:
                shares.setdefault(str(p.promo_code or p.name or ""), []).append(a)
            total = _sum(a for _, a in amounts)
            discount = _amounts(line.discount) or NONE
            if total != discount:
                self.add("promotions", f"lineItems[{i}].promotionsApplied",
                         f"the promotions add up to {_fmt(total)}, the line's discount is "
                         f"{_fmt(discount)}")
        for j, promo in enumerate(self.basket.promotions_applied):
            key = str(promo.promo_code or promo.name or "")
            amount = _amounts(promo.discount_amt)
            if amount is None or key not in shares:
                continue  # a shipping or basket-level promotion: nothing on the lines to foot
            total = _sum(shares[key])
            if amount != total:
                self.add("promotions", f"promotionsApplied[{j}].discountAmt",
                         f"{key or 'promotion'}: {_fmt(amount)} is not the sum of its shares "
                         f"on the lines {_fmt(total)}")


def _extra_order(extra: Mapping[str, Any], rendered: frozenset[str],
                 first: tuple[str, ...]) -> Iterator[str]:
    """The `extra` keys the wire writes, in its order: `first` ones, then the others that
    do not collide with a key it writes itself."""
    yield from (key for key in first if key in extra)
    yield from (key for key in extra if key not in rendered and key not in first)


_BASKET_KEYS = _wire_keys(Basket)
_LINE_KEYS = _wire_keys(Line)
_PROMOTION_KEYS = _wire_keys(Promotion)
_METHOD_KEYS = _wire_keys(ShippingMethod)
_ADDRESS_KEYS = _wire_keys(Address)
_PLAN_KEYS = _wire_keys(DeliveryPlan)

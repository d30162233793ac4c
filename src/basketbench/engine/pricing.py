"""Pricing: from a basket's lines, codes and delivery choice to every amount on the wire.

Prices are tax inclusive. Per line: gross = unit x qty; tax = round(gross x r / (1 + r)).
Discounts come off each line's gross and the line's tax is recomputed from what is left, so
every amount foots (gross == net + tax) and basket totals are sums of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..money import ZERO_AMOUNT, Amount, Currency, bp_to_percent, currency
from . import promotions as promos
from .catalogue import Catalogue, Promotion, ShippingMethod
from .ids import ZERO_GUID
from .state import BasketState, LineState

DEFAULT_COUNTRY = "GB"


@dataclass
class LinePrice:
    line: LineState
    unit: Amount
    list_unit: Amount
    subtotal: Amount
    additional: Amount
    discount: Amount
    total: Amount
    promos: list[tuple[Promotion, int]] = field(default_factory=list)


@dataclass
class PromoOutcome:
    promo: Promotion | None
    code: str
    is_code: bool  # False for an automatic promotion
    applicable: bool
    reason: str | None
    discount_gross: int = 0
    discount: Amount = ZERO_AMOUNT


@dataclass
class Priced:
    state: BasketState
    cur: Currency
    country: str
    lines: list[LinePrice]
    promos: list[PromoOutcome]
    subtotal: Amount
    discount: Amount
    additional: Amount
    total_without_shipping: Amount
    shipping: Amount
    shipping_method: ShippingMethod | None
    grand_total: Amount
    subscription_total: Amount
    tax_percent: Decimal

    @property
    def line_count(self) -> int:
        return len(self.lines)


def unit_price(line: LineState, cur: Currency) -> int:
    if line.manual_price_minor and line.manual_price_minor > 0:
        return line.manual_price_minor
    return line.product.prices.get(cur.code, 0)


def shipping_charge(method: ShippingMethod, state: BasketState, subtotal_gross: int) -> int:
    """What the method costs this basket, in its currency, before promotions: free over its
    threshold, and a nominated method charges the nominated-day price when one was sent."""
    price, free_over = method.prices.get(state.currency, (0, None))
    if free_over is not None and subtotal_gross >= free_over:
        return 0
    if method.is_nominated and state.nominated and state.nominated.get("price_minor") is not None:
        return state.nominated["price_minor"]
    return price


def context(state: BasketState, now: datetime) -> promos.Context:
    """The basket before discounts, as promotion conditions see it."""
    cur = currency(state.currency)
    gross_by_line = {ln.id: unit_price(ln, cur) * ln.qty for ln in state.lines}
    eligible = [ln for ln in state.lines if not ln.product.excluded]
    return promos.Context(
        currency=cur.code, now=now, eligible=eligible,
        eligible_gross=sum(gross_by_line[ln.id] for ln in eligible),
        eligible_units=sum(ln.qty for ln in eligible), gross_by_line=gross_by_line,
    )


def price(state: BasketState, cat: Catalogue, now: datetime) -> Priced:
    cur = currency(state.currency)
    ctx = context(state, now)
    gross_by_line, eligible = ctx.gross_by_line, ctx.eligible

    # Which promotions are in play: the applied codes, then automatic ones that qualify.
    outcomes: list[PromoOutcome] = []
    for code in state.promo_codes:
        promo = cat.promotion(code)
        if promo is None:
            outcomes.append(PromoOutcome(None, code, True, False, f"Promo code {code} not found"))
            continue
        reason = promos.qualify(promo, ctx)
        outcomes.append(PromoOutcome(promo, promo.code or code, True, reason is None, reason))
    for promo in cat.auto_promotions:
        if promos.qualify(promo, ctx) is None:
            outcomes.append(PromoOutcome(promo, promo.code or "", False, True, None))

    remaining = dict(gross_by_line)
    per_line: dict[int, list[tuple[Promotion, int]]] = {ln.id: [] for ln in state.lines}
    active = sorted(
        (o for o in outcomes if o.applicable and o.promo),
        key=lambda o: (0 if o.promo.is_line_level else 1, o.promo.priority),
    )
    for outcome in active:
        promo = outcome.promo
        if promo.kind == "free_shipping":
            continue
        if promo.is_line_level:
            taken = promos.line_discounts(promo, ctx, remaining)
        else:
            base_lines = [ln for ln in eligible if remaining[ln.id] > 0]
            total = promos.order_discount(promo, sum(remaining[ln.id] for ln in base_lines))
            taken = promos.spread(total, base_lines, remaining)
        for line_id, amount in taken.items():
            remaining[line_id] -= amount
            per_line[line_id].append((promo, amount))
        outcome.discount_gross = sum(taken.values())

    lines: list[LinePrice] = []
    for ln in state.lines:
        rate = ln.product.tax_bp
        subtotal = Amount.of(gross_by_line[ln.id], rate)
        additional = Amount.of(ln.additional_charge_minor, rate)
        discounted = Amount.of(remaining[ln.id], rate)
        # The discount is exactly what came off the goods, tax included; an undiscounted
        # line has a zero discount in every component.
        discount = subtotal - discounted
        total = discounted + additional
        lines.append(LinePrice(
            line=ln, unit=Amount.of(unit_price(ln, cur), rate),
            list_unit=Amount.of(ln.product.prices.get(cur.code, 0), rate),
            subtotal=subtotal, additional=additional, discount=discount, total=total,
            promos=per_line[ln.id],
        ))

    subtotal = sum((lp.subtotal for lp in lines), ZERO_AMOUNT)
    discount = sum((lp.discount for lp in lines), ZERO_AMOUNT)
    additional = sum((lp.additional for lp in lines), ZERO_AMOUNT)
    total_without_shipping = subtotal - discount + additional

    country = state.country_code or DEFAULT_COUNTRY
    method = cat.shipping.get(state.shipping_method_id or "")
    shipping = ZERO_AMOUNT
    if method is not None:
        charge = shipping_charge(method, state, subtotal.gross)
        for outcome in active:
            p = outcome.promo
            if p.kind != "free_shipping":
                continue
            if method.code.upper() in (c.upper() for c in p.shipping_codes):
                outcome.discount_gross = charge
                outcome.discount = Amount.of(charge, method.tax_bp)
                charge = 0
            elif outcome.is_code:
                outcome.applicable = False
                outcome.reason = (f"{_name(p)} only applies to "
                                  f"{', '.join(p.shipping_codes)} delivery")
            else:
                outcome.applicable = False
        shipping = Amount.of(charge, method.tax_bp)
    # An automatic free-delivery offer is listed only when it waived a charge.
    outcomes = [o for o in outcomes if o.is_code or o.promo.kind != "free_shipping"
                or (o.applicable and o.discount_gross > 0)]

    # Each outcome's discount as an Amount: the tax share of the lines it touched.
    for outcome in outcomes:
        if outcome.promo is None or outcome.promo.kind == "free_shipping":
            continue
        outcome.discount = sum(
            (Amount.of(amount, lp.line.product.tax_bp)
             for lp in lines for p, amount in lp.promos if p is outcome.promo),
            ZERO_AMOUNT,
        )

    grand_total = total_without_shipping + shipping
    rates = {ln.product.tax_bp for ln in state.lines}
    if len(rates) == 1:
        tax_percent = bp_to_percent(rates.pop())
    elif grand_total.net > 0:
        tax_percent = (Decimal(grand_total.tax) * 100 / Decimal(grand_total.net)).quantize(
            Decimal("0.01"))
    else:
        tax_percent = Decimal("0.00")
    subscription_total = sum(
        (lp.total for lp in lines if is_subscription(lp.line)), ZERO_AMOUNT
    )
    return Priced(
        state=state, cur=cur, country=country, lines=lines, promos=outcomes, subtotal=subtotal,
        discount=discount, additional=additional,
        total_without_shipping=total_without_shipping, shipping=shipping,
        shipping_method=method, grand_total=grand_total, subscription_total=subscription_total,
        tax_percent=tax_percent,
    )


def _name(p: Promotion) -> str:
    return f"Promo code {p.code}" if p.code else f"Promotion '{p.name}'"


def is_subscription(line: LineState) -> bool:
    sub = line.subscription or {}
    plan = sub.get("subscriptionPlanId")
    return bool(plan) and plan != ZERO_GUID

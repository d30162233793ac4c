"""Pricing: from a basket's lines, codes and delivery choice to every amount on the wire.

Prices are tax inclusive. Per line: gross = unit x qty; tax = round(gross x r / (1 + r)).
Discounts come off each line's gross and the line's tax is recomputed from what is left, so
every amount foots (gross == net + tax) and basket totals are sums of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..money import ZERO_AMOUNT, Amount, Currency, allocate, bp_to_percent, currency
from . import promotions as promos
from .catalogue import Catalogue, Promotion, ShippingMethod
from .ids import ZERO_GUID
from .state import BasketState, LineState

DEFAULT_COUNTRY = "GB"


@dataclass(slots=True)
class PromoShare:
    """One promotion's part of one line's discount. `tax` is the promotion's share of the
    line's discount tax (largest remainder), so a line's shares foot to its discount."""

    promo: Promotion
    gross: int
    base: int  # what was left of the line's gross when this promotion came to it
    tax: int = 0
    tax_bonus: bool = False  # received a remainder unit when the line's tax was split

    @property
    def amount(self) -> Amount:
        return Amount(self.gross, self.tax)


@dataclass
class LinePrice:
    line: LineState
    unit: Amount
    list_unit: Amount
    subtotal: Amount
    additional: Amount
    discount: Amount
    total: Amount
    promos: list[PromoShare] = field(default_factory=list)


@dataclass
class PromoOutcome:
    promo: Promotion | None
    code: str
    is_code: bool  # False for an automatic promotion
    applicable: bool
    reason: str | None
    discount_gross: int = 0
    discount: Amount = ZERO_AMOUNT
    # How an order-level amount was reached (for the explanation): the gross it was worked
    # out on, and each line's share of the spread.
    base: int = 0
    shares: dict[int, promos.Share] = field(default_factory=dict)

    @property
    def known(self) -> Promotion:
        """The promotion, where it must exist: every automatic outcome and every applicable
        one has it (only a code that is not found has none)."""
        assert self.promo is not None, f"no promotion for {self.code!r}"
        return self.promo


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
    shipping_before_promotions: int
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


def _outcomes(state: BasketState, cat: Catalogue, ctx: promos.Context) -> list[PromoOutcome]:
    """The applied codes, then the automatic promotions that qualify; an applicable exclusive
    promotion (the first in stacking order) switches every other one off, with the reason."""
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
    exclusive = sorted((o for o in outcomes if o.applicable and o.promo and o.promo.exclusive),
                       key=lambda o: promos.stacking_key(o.known))
    if exclusive:
        winner = exclusive[0].known
        for o in outcomes:
            if o.applicable and o.promo is not winner:
                o.applicable = False
                o.reason = f"{_name(o.known)} cannot be combined with {winner.code}"
    return outcomes


def price(state: BasketState, cat: Catalogue, now: datetime) -> Priced:
    cur = currency(state.currency)
    ctx = context(state, now)
    gross_by_line, eligible = ctx.gross_by_line, ctx.eligible
    outcomes = _outcomes(state, cat, ctx)

    # Gross discounts, promotion by promotion in stacking order, each on what is left.
    remaining = dict(gross_by_line)
    taken_by_line: dict[int, list[tuple[Promotion, int, int]]] = {ln.id: [] for ln in state.lines}
    active = sorted((o for o in outcomes if o.applicable and o.promo),
                    key=lambda o: promos.stacking_key(o.known))
    for outcome in active:
        promo = outcome.known
        if promo.kind == "free_shipping":
            continue
        if promo.is_line_level:
            taken = promos.line_discounts(promo, ctx, remaining)
        else:
            base_lines = [ln for ln in eligible if remaining[ln.id] > 0]
            outcome.base = sum(remaining[ln.id] for ln in base_lines)
            outcome.shares = promos.spread(promos.order_discount(promo, outcome.base),
                                           base_lines, remaining)
            taken = {line_id: share.units for line_id, share in outcome.shares.items()}
        for line_id, amount in taken.items():
            taken_by_line[line_id].append((promo, amount, remaining[line_id]))
            remaining[line_id] -= amount
        outcome.discount_gross = sum(taken.values())

    lines = [_line_price(ln, cur, gross_by_line[ln.id], remaining[ln.id], taken_by_line[ln.id])
             for ln in state.lines]
    subtotal = _total([lp.subtotal for lp in lines])
    discount = _total([lp.discount for lp in lines])
    additional = _total([lp.additional for lp in lines])
    total_without_shipping = subtotal - discount + additional

    # A promotion's amount is the sum of its shares on the lines, so promotions foot.
    by_promo: dict[int, list[int]] = {}
    for lp in lines:
        for share in lp.promos:
            acc = by_promo.setdefault(id(share.promo), [0, 0])
            acc[0] += share.gross
            acc[1] += share.tax
    for outcome in outcomes:
        if outcome.promo is not None and outcome.promo.kind != "free_shipping":
            gross, tax = by_promo.get(id(outcome.promo), (0, 0))
            outcome.discount = Amount(gross, tax)

    country = state.country_code or DEFAULT_COUNTRY
    method = cat.shipping.get(state.shipping_method_id or "")
    shipping = ZERO_AMOUNT
    charge_before = 0
    if method is not None:
        charge = charge_before = shipping_charge(method, state, subtotal.gross)
        for outcome in active:
            p = outcome.known
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
    outcomes = [o for o in outcomes if o.is_code or o.known.kind != "free_shipping"
                or (o.applicable and o.discount_gross > 0)]

    grand_total = total_without_shipping + shipping
    rates = {ln.product.tax_bp for ln in state.lines}
    if len(rates) == 1:
        tax_percent = bp_to_percent(rates.pop())
    elif grand_total.net > 0:
        tax_percent = (Decimal(grand_total.tax) * 100 / Decimal(grand_total.net)).quantize(
            Decimal("0.01"))
    else:
        tax_percent = Decimal("0.00")
    subscription_total = _total([lp.total for lp in lines if is_subscription(lp.line)])
    return Priced(
        state=state, cur=cur, country=country, lines=lines, promos=outcomes, subtotal=subtotal,
        discount=discount, additional=additional,
        total_without_shipping=total_without_shipping, shipping=shipping,
        shipping_method=method, shipping_before_promotions=charge_before,
        grand_total=grand_total, subscription_total=subscription_total,
        tax_percent=tax_percent,
    )


def _line_price(ln: LineState, cur: Currency, gross: int, left: int,
                taken: list[tuple[Promotion, int, int]]) -> LinePrice:
    """A line's amounts. The discount is exactly what came off the goods, tax included; its
    tax is split between the line's promotions by the largest remainder of their gross.
    The amounts depend only on the numbers in the key, so they are computed once per key:
    repricing a large basket recomputes only the lines whose numbers moved."""
    unit = unit_price(ln, cur)
    rate, listed = ln.product.tax_bp, ln.product.prices.get(cur.code, 0)
    key = (rate, unit, listed, gross, left, ln.additional_charge_minor,
           tuple([(id(promo), amount, base) for promo, amount, base in taken]) if taken else ())
    hit = _LINE_AMOUNTS.get(key)
    if hit is None or (taken and not _same_promos(hit[0], taken)):
        hit = _LINE_AMOUNTS.put(key, _line_amounts(rate, unit, listed, gross, left,
                                                   ln.additional_charge_minor, taken))
    _, unit_amount, list_unit, subtotal, additional, discount, total, shares = hit
    return LinePrice(line=ln, unit=unit_amount, list_unit=list_unit, subtotal=subtotal,
                     additional=additional, discount=discount, total=total,
                     promos=list(shares))


def _same_promos(kept: tuple, taken: list[tuple[Promotion, int, int]]) -> bool:
    return all(promo is now for promo, (now, _, _) in zip(kept, taken))


def _line_amounts(rate: int, unit: int, listed: int, gross: int, left: int, extra: int,
                  taken: list[tuple[Promotion, int, int]]) -> tuple:
    subtotal = Amount.of(gross, rate)
    discounted = Amount.of(left, rate)
    discount = subtotal - discounted
    additional = Amount.of(extra, rate)
    shares: tuple[PromoShare, ...] = ()
    if taken:
        split = allocate(discount.tax, [amount for _, amount, _ in taken])
        shares = tuple(PromoShare(promo, amount, base, tax, bonus)
                       for (promo, amount, base), (tax, bonus) in zip(taken, split))
    return (tuple(promo for promo, _, _ in taken), Amount.of(unit, rate), Amount.of(listed, rate),
            subtotal, additional, discount, discounted + additional, shares)


class _AmountCache:
    """Line amounts by their key; emptied when full. The promotions of a key are checked by
    identity on a hit (the key holds their ids), so a reloaded catalogue never matches."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._entries: dict[tuple, tuple] = {}

    def get(self, key: tuple) -> tuple | None:
        return self._entries.get(key)

    def put(self, key: tuple, value: tuple) -> tuple:
        if len(self._entries) >= self.size:
            self._entries = {}
        self._entries[key] = value
        return value


_LINE_AMOUNTS = _AmountCache()


def _total(amounts: list[Amount]) -> Amount:
    return Amount(sum([a.gross for a in amounts]), sum([a.tax for a in amounts]))


_name = promos.display_name


def is_subscription(line: LineState) -> bool:
    sub = line.subscription or {}
    plan = sub.get("subscriptionPlanId")
    return bool(plan) and plan != ZERO_GUID

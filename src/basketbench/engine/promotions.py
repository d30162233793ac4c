"""Promotion rules: whether a promotion qualifies, and how much each one takes off each line.

Conditions are checked against the basket before any discount, over the lines that may be
discounted (products marked `excluded` neither get discounts nor count towards conditions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..money import Currency, allocate, currency, format_amount
from .catalogue import Promotion
from .state import LineState


@dataclass
class Context:
    """What conditions are checked against: the basket before discounts."""

    currency: str
    now: datetime
    eligible: list[LineState]
    eligible_gross: int
    eligible_units: int
    gross_by_line: dict[int, int]


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _money(minor: int, promo: Promotion) -> str:
    cur: Currency = currency(promo.currency)
    return format_amount(minor, cur)


@dataclass(frozen=True)
class Condition:
    """One condition of a promotion, checked now: what it asks, whether it holds, and the
    refusal a person reads when it does not."""

    asks: str
    holds: bool
    reason: str


def display_name(promo: Promotion) -> str:
    return f"Promo code {promo.code}" if promo.code else f"Promotion '{promo.name}'"


def conditions(promo: Promotion, ctx: Context) -> list[Condition]:
    """Every condition of the promotion, in the order they are checked."""
    name = display_name(promo)
    out: list[Condition] = []
    if promo.only_currency:
        out.append(Condition(
            f"basket in {promo.only_currency.upper()} (it is in {ctx.currency})",
            promo.only_currency.upper() == ctx.currency,
            f"{name} is only valid for {promo.only_currency.upper()} baskets"))
    if promo.valid_from:
        out.append(Condition(f"valid from {promo.valid_from[:10]}",
                             ctx.now >= parse_time(promo.valid_from),
                             f"{name} is not valid until {promo.valid_from[:10]}"))
    if promo.valid_to:
        out.append(Condition(f"valid to {promo.valid_to[:10]}",
                             ctx.now <= parse_time(promo.valid_to), f"{name} has expired"))
    if promo.kind == "order_fixed" or promo.min_subtotal_minor:
        out.append(Condition(
            f"basket in {promo.currency.upper()}, the currency of its amounts "
            f"(it is in {ctx.currency})", promo.currency.upper() == ctx.currency,
            f"{name} is only valid for {promo.currency.upper()} baskets"))
    if promo.min_subtotal_minor and promo.currency.upper() == ctx.currency:
        out.append(Condition(
            f"items that count total at least {_money(promo.min_subtotal_minor, promo)} "
            f"before discounts (they total {_money(ctx.eligible_gross, promo)})",
            ctx.eligible_gross >= promo.min_subtotal_minor,
            f"{name} is only valid for baskets over {_money(promo.min_subtotal_minor, promo)}"))
    if promo.min_items:
        out.append(Condition(
            f"at least {promo.min_items} items that count (there are {ctx.eligible_units})",
            ctx.eligible_units >= promo.min_items,
            f"{name} needs at least {promo.min_items} items in the basket"))
    if promo.required_category:
        out.append(Condition(
            f"an item from {promo.required_category}",
            any(ln.product.category.lower() == promo.required_category.lower()
                for ln in ctx.eligible),
            f"{name} needs an item from {promo.required_category} in the basket"))
    if promo.required_stock_code:
        out.append(Condition(
            f"{promo.required_stock_code} in the basket",
            any(ln.product.stock_code.upper() == promo.required_stock_code.upper()
                for ln in ctx.eligible),
            f"{name} needs {promo.required_stock_code} in the basket"))
    if promo.kind == "free_shipping":
        return out
    if promo.is_line_level:
        holds = any(promo.targets(ln.product) for ln in ctx.eligible)
    else:
        holds = ctx.eligible_gross > 0
    out.append(Condition("an item it can discount", holds,
                         f"{name} does not apply to any item in the basket"))
    return out


def qualify(promo: Promotion, ctx: Context) -> str | None:
    """None when the promotion may apply now; otherwise the reason, for a person to read."""
    for condition in conditions(promo, ctx):
        if not condition.holds:
            return condition.reason
    return None


def stacking_key(promo: Promotion) -> tuple[int, int, str]:
    """The order promotions are applied in (engine-rules §4): line-level kinds, then
    order-level; by priority; then by code, an automatic promotion's name standing for its
    code. Never the order the codes were applied in."""
    return (0 if promo.is_line_level else 1, promo.priority, (promo.code or promo.name).upper())


def usage_reason(promo: Promotion) -> str | None:
    if promo.usage_limit is not None and promo.usage_count >= promo.usage_limit:
        return f"Promo code {promo.code} has reached its usage limit"
    return None


def _round_pct(amount: int, percent_bp: int) -> int:
    """amount x percent, half up; percent_bp is hundredths of a percent (1000 = 10%)."""
    q, r = divmod(amount * percent_bp, 10_000)
    return q + (1 if 2 * r >= 10_000 else 0)


def line_discounts(promo: Promotion, ctx: Context, remaining: dict[int, int]) -> dict[int, int]:
    """Gross discount per line id for a line-level promotion, never above what remains."""
    targets = [ln for ln in ctx.eligible if promo.targets(ln.product) and remaining[ln.id] > 0]
    result: dict[int, int] = {}
    if promo.kind == "line_percent":
        for ln in targets:
            result[ln.id] = min(remaining[ln.id], _round_pct(remaining[ln.id], promo.percent_bp))
    elif promo.kind == "buy_x_get_y" and promo.buy > 0 and promo.get > 0:
        # Every unit at its unit price; in each group of buy+get units, the cheapest go free.
        units = sorted(
            ((ctx.gross_by_line[ln.id] // ln.qty, ln.id) for ln in targets for _ in range(ln.qty)),
            reverse=True,
        )
        free = (len(units) // (promo.buy + promo.get)) * promo.get
        for unit_price, line_id in units[len(units) - free:] if free else []:
            result[line_id] = result.get(line_id, 0) + unit_price
        for line_id in result:
            result[line_id] = min(result[line_id], remaining[line_id])
    return {k: v for k, v in result.items() if v > 0}


def order_discount(promo: Promotion, base: int) -> int:
    if promo.kind == "order_percent":
        return min(base, _round_pct(base, promo.percent_bp))
    if promo.kind == "order_fixed":
        return min(base, promo.amount_minor)
    return 0


@dataclass(slots=True)
class Share:
    """A line's share of an order-level discount: the exact share is
    `total x weight / base`; `units` is what the line got, `bonus` whether it received one of
    the remainder units of the largest-remainder method."""

    units: int
    weight: int
    bonus: bool


def spread(total: int, lines: list[LineState], remaining: dict[int, int]) -> dict[int, Share]:
    """Spread an order-level discount over lines pro rata by what remains of their gross,
    by the largest-remainder method (ties: larger gross, then display order). `lines` come in
    display order. A share never exceeds what remains of its line, since total <= base."""
    weights = [remaining[ln.id] for ln in lines]
    parts = allocate(total, weights)
    return {ln.id: Share(units, weight, bonus)
            for ln, weight, (units, bonus) in zip(lines, weights, parts) if units > 0}

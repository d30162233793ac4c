"""Promotion rules: whether a promotion qualifies, and how much each one takes off each line.

Conditions are checked against the basket before any discount, over the lines that may be
discounted (products marked `excluded` neither get discounts nor count towards conditions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..money import Currency, currency, format_amount
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


def qualify(promo: Promotion, ctx: Context) -> str | None:
    """None when the promotion may apply now; otherwise the reason, for a person to read."""
    name = f"Promo code {promo.code}" if promo.code else f"Promotion '{promo.name}'"
    if promo.only_currency and promo.only_currency.upper() != ctx.currency:
        return f"{name} is only valid for {promo.only_currency.upper()} baskets"
    if promo.valid_from and ctx.now < parse_time(promo.valid_from):
        return f"{name} is not valid until {promo.valid_from[:10]}"
    if promo.valid_to and ctx.now > parse_time(promo.valid_to):
        return f"{name} has expired"
    money_kinds = promo.kind == "order_fixed" or promo.min_subtotal_minor
    if money_kinds and promo.currency.upper() != ctx.currency:
        return f"{name} is only valid for {promo.currency.upper()} baskets"
    if promo.min_subtotal_minor and ctx.eligible_gross < promo.min_subtotal_minor:
        return f"{name} is only valid for baskets over {_money(promo.min_subtotal_minor, promo)}"
    if promo.min_items and ctx.eligible_units < promo.min_items:
        return f"{name} needs at least {promo.min_items} items in the basket"
    if promo.required_category and not any(
        ln.product.category.lower() == promo.required_category.lower() for ln in ctx.eligible
    ):
        return f"{name} needs an item from {promo.required_category} in the basket"
    if promo.required_stock_code and not any(
        ln.product.stock_code.upper() == promo.required_stock_code.upper() for ln in ctx.eligible
    ):
        return f"{name} needs {promo.required_stock_code} in the basket"
    if promo.kind == "free_shipping":
        return None
    if promo.is_line_level:
        if not any(promo.targets(ln.product) for ln in ctx.eligible):
            return f"{name} does not apply to any item in the basket"
    elif ctx.eligible_gross <= 0:
        return f"{name} does not apply to any item in the basket"
    return None


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


def spread(total: int, lines: list[LineState], remaining: dict[int, int]) -> dict[int, int]:
    """Spread an order-level discount pro rata by remaining gross; the remainder goes to the
    last lines, never taking a line below zero."""
    base = sum(remaining[ln.id] for ln in lines)
    if total <= 0 or base <= 0:
        return {}
    shares = {ln.id: total * remaining[ln.id] // base for ln in lines}
    left = total - sum(shares.values())
    for ln in reversed(lines):
        if left <= 0:
            break
        room = remaining[ln.id] - shares[ln.id]
        take = min(room, left)
        shares[ln.id] += take
        left -= take
    return {k: v for k, v in shares.items() if v > 0}

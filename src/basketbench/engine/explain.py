"""Why is this total what it is: every figure of a priced basket, with how it was reached.

The explanation is a plain JSON-able dict (money as Decimal, with its formatted text beside
it) made from the same `Priced` result the wire basket is rendered from, so the two never
disagree. `basketbench.explanation` turns it into text for a person.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..money import Amount, Currency, bp_to_percent, format_amount, from_minor
from . import promotions as promos
from .catalogue import Catalogue, Promotion
from .pricing import LinePrice, Priced, PromoOutcome, PromoShare, context


def explain(priced: Priced, cat: Catalogue, now: datetime) -> dict:
    cur = priced.cur
    ctx = context(priced.state, now)
    money = _Money(cur)
    outcomes = [_promotion(o, priced, ctx, money) for o in priced.promos]
    spreads = {id(o.promo): entry["shares"] for o, entry in zip(priced.promos, outcomes)}
    lines = [_line(lp, money, spreads) for lp in priced.lines]
    return {
        "basketId": priced.state.id,
        "currency": cur.code,
        "version": priced.state.version,
        "lines": lines,
        "totals": _totals(priced, money),
        "promotions": outcomes,
        "shipping": _shipping(priced, money),
        "refused": [{"code": o["code"] or o["name"], "reason": o["reason"]}
                    for o in outcomes if not o["counts"]],
    }


class _Money:
    def __init__(self, cur: Currency) -> None:
        self.cur = cur

    def __call__(self, minor: int) -> str:
        return format_amount(minor, self.cur)

    def amount(self, amount: Amount) -> dict:
        return {"withTax": from_minor(amount.gross, self.cur),
                "withoutTax": from_minor(amount.net, self.cur),
                "tax": from_minor(amount.tax, self.cur),
                "text": f"{self(amount.gross)} ({self(amount.net)} + {self(amount.tax)} tax)"}


def _rate(rate_bp: int) -> str:
    return f"{bp_to_percent(rate_bp).normalize():f}%"


def _line(lp: LinePrice, money: _Money, spreads: dict[int, list[dict]]) -> dict:
    ln, product = lp.line, lp.line.product
    rate = product.tax_bp
    steps = [f"{ln.qty} x {money(lp.unit.gross)}"
             f"{' (manual price)' if ln.manual_price_minor else ''} = "
             f"{money(lp.subtotal.gross)}"]
    if rate:
        steps.append(f"tax inside {money(lp.subtotal.gross)} at {_rate(rate)}: "
                     f"{money(lp.subtotal.gross)} x {_rate(rate)} / (100% + {_rate(rate)}) = "
                     f"{money(lp.subtotal.tax)} (rounded half up)")
    else:
        steps.append(f"{product.stock_code} is zero-rated: no tax")
    shares = [_share(share, lp, money, spreads.get(id(share.promo), []))
              for share in lp.promos]
    if lp.discount.gross:
        left = lp.subtotal.gross - lp.discount.gross
        steps.append(f"discount {money(lp.discount.gross)}: tax recomputed on what is left, "
                     f"{money(left)}, is {money(lp.subtotal.tax - lp.discount.tax)}, so the "
                     f"discount carries {money(lp.discount.tax)} of tax")
        if len(lp.promos) > 1:
            steps.append("that tax is split between the promotions by their share of the "
                         "discount (largest remainder)")
    if lp.additional.gross:
        steps.append(f"additional charge {money(lp.additional.gross)}")
    steps.append(f"total = {money(lp.subtotal.gross)} - {money(lp.discount.gross)} + "
                 f"{money(lp.additional.gross)} = {money(lp.total.gross)}")
    return {
        "lineId": ln.id, "stockCode": product.stock_code, "name": product.name,
        "qty": ln.qty, "unitPrice": money.amount(lp.unit), "taxRate": _rate(rate),
        "isChild": ln.is_child, "excludedFromPromotions": product.excluded,
        "subTotal": money.amount(lp.subtotal), "discount": money.amount(lp.discount),
        "additionalCharge": money.amount(lp.additional), "total": money.amount(lp.total),
        "promotions": shares, "steps": steps,
    }


def _share(share: PromoShare, lp: LinePrice, money: _Money, spread: list[dict]) -> dict:
    p = share.promo
    mine = next((s for s in spread if s["lineId"] == lp.line.id), None)
    how = _share_how(p, share, lp, money) if mine is None else \
        f"its share of {p.code or p.name}, pro rata by gross: {mine['how']}"
    if share.tax_bonus:
        how += "; it took one remainder unit of the discount's tax"
    return {"code": p.code, "name": p.name, "amount": money.amount(share.amount), "how": how}


def _share_how(p: Promotion, share: PromoShare, lp: LinePrice, money: _Money) -> str:
    if p.kind == "line_percent":
        return (f"{p.percent.normalize():f}% of {money(share.base)} (what was left of the "
                f"line) = {money(share.gross)}, rounded half up")
    if p.kind == "buy_x_get_y":
        unit = lp.subtotal.gross // lp.line.qty if lp.line.qty else 0
        units = share.gross // unit if unit else 0
        return (f"buy {p.buy} get {p.get} free: {units} unit(s) of this line at {money(unit)} "
                f"are free (the cheapest units go free)")
    return f"its share of {p.code or p.name}, pro rata by gross"


def _promotion(o: PromoOutcome, priced: Priced, ctx: promos.Context, money: _Money) -> dict:
    p = o.promo
    entry: dict = {
        "code": o.code or None, "name": p.name if p else None,
        "kind": p.kind if p else None, "automatic": not o.is_code,
        "counts": o.applicable, "reason": o.reason,
        "amount": money.amount(o.discount),
        "conditions": [{"asks": c.asks, "holds": c.holds}
                       for c in (promos.conditions(p, ctx) if p else [])],
        "how": _promotion_how(o, priced, money) if p and o.applicable else None,
        "shares": [],
    }
    if p is not None and p.exclusive:
        entry["conditions"].append({"asks": "no other promotion beside it (exclusive)",
                                    "holds": True})
    if o.shares:
        total = sum(s.units for s in o.shares.values())
        by_id = {lp.line.id: lp for lp in priced.lines}
        for line_id, s in o.shares.items():
            exact = Decimal(total * s.weight) / Decimal(o.base) / Decimal(10 ** money.cur.decimals)
            entry["shares"].append({
                "lineId": line_id, "stockCode": by_id[line_id].line.product.stock_code,
                "weight": from_minor(s.weight, money.cur), "exact": exact,
                "amount": from_minor(s.units, money.cur), "remainderUnit": s.bonus,
                "how": f"{money(total)} x {money(s.weight)} / {money(o.base)} = "
                       f"{exact:.4f} -> {money(s.units)}"
                       + (" (rounded down, +1 remainder unit: largest remainder)" if s.bonus
                          else " (rounded down)"),
            })
    return entry


def _promotion_how(o: PromoOutcome, priced: Priced, money: _Money) -> str:
    p = o.known
    order = "applied after line-level promotions" if not p.is_line_level else \
        "a line-level promotion, applied first"
    position = f"{order}, priority {p.priority}"
    if p.kind == "order_percent":
        return (f"{p.percent.normalize():f}% of {money(o.base)} (the items that count, after "
                f"earlier promotions) = {money(o.discount_gross)}, rounded half up, then spread "
                f"over the lines pro rata by gross; {position}")
    if p.kind == "order_fixed":
        return (f"{money(p.amount_minor)} off (at most the {money(o.base)} the items that count "
                f"come to), spread over the lines pro rata by gross; {position}")
    if p.kind == "free_shipping":
        return (f"waives the {money(o.discount_gross)} delivery charge of "
                f"{', '.join(p.shipping_codes)} delivery")
    if p.kind == "line_percent":
        target = p.target_stock_code or p.target_category or p.target_product_id or "every item"
        return f"{p.percent.normalize():f}% off each line of {target}; {position}"
    if p.kind == "buy_x_get_y":
        return (f"buy {p.buy} get {p.get} free on {p.target_stock_code or p.target_category}: "
                f"in each group of {p.buy + p.get} units the cheapest {p.get} go free; {position}")
    return position


def _totals(priced: Priced, money: _Money) -> dict:
    n = len(priced.lines)
    lines = f"the sum of the {n} line{'s' if n != 1 else ''}"
    return {
        "subTotal": {**money.amount(priced.subtotal), "how": f"{lines}' price x qty"},
        "discount": {**money.amount(priced.discount),
                     "how": f"{lines}' discounts (= the promotions' amounts, shipping aside)"},
        "additionalCharge": {**money.amount(priced.additional), "how": f"{lines}' charges"},
        "totalWithoutShipping": {
            **money.amount(priced.total_without_shipping),
            "how": f"{money(priced.subtotal.gross)} - {money(priced.discount.gross)} + "
                   f"{money(priced.additional.gross)}"},
        "shippingCharge": {**money.amount(priced.shipping), "how": "see shipping"},
        "grandTotal": {
            **money.amount(priced.grand_total),
            "how": f"{money(priced.total_without_shipping.gross)} + "
                   f"{money(priced.shipping.gross)} delivery"},
        "taxPercent": priced.tax_percent,
    }


def _shipping(priced: Priced, money: _Money) -> dict:
    method = priced.shipping_method
    if method is None:
        return {"method": None, "charge": money.amount(priced.shipping),
                "how": "no shipping method chosen yet: no charge"}
    state = priced.state
    price, free_over = method.prices.get(state.currency, (0, None))
    steps = [f"{method.display_name} ({method.code}) costs {money(price)} in {priced.country}"]
    if free_over is not None:
        over = priced.subtotal.gross >= free_over
        steps.append(f"free over {money(free_over)}: the subtotal before discounts is "
                     f"{money(priced.subtotal.gross)}, "
                     + ("so it is free" if over else "not enough to make it free"))
    nominated = state.nominated or {}
    if method.is_nominated and nominated.get("price_minor") is not None and \
            priced.shipping_before_promotions == nominated["price_minor"]:
        steps.append(f"the nominated day ({nominated.get('deliveryDate') or 'no date'}) costs "
                     f"{money(nominated['price_minor'])}")
    waived = [o for o in priced.promos if o.promo and o.promo.kind == "free_shipping"
              and o.applicable and o.discount_gross]
    for o in waived:
        steps.append(f"{o.code or o.known.name} waives {money(o.discount_gross)}")
    steps.append(f"charge {money(priced.shipping.gross)}, taxed at {_rate(method.tax_bp)}: "
                 f"{money(priced.shipping.tax)} tax")
    return {"method": method.code, "name": method.display_name,
            "charge": money.amount(priced.shipping), "how": "; ".join(steps)}

"""An engine explanation (see engine/explain.py) as text a person reads: the workbench's
explain screen and `basketbench basket explain` print the same words."""

from __future__ import annotations

from typing import Any


def _mark(holds: bool) -> str:
    return "yes" if holds else "NO "


def line_text(line: dict[str, Any]) -> list[str]:
    head = f"{line['stockCode']}  {line['name']}  (line {line['lineId']}" + \
        (", a child line" if line.get("isChild") else "") + ")"
    out = [head]
    *steps, total = line["steps"]
    out += [f"  {step}" for step in steps]
    for share in line["promotions"]:
        label = share["code"] or share["name"]
        out.append(f"  {label}: -{share['amount']['text']}: {share['how']}")
    out.append(f"  {total}")
    if line.get("excludedFromPromotions"):
        out.append("  excluded from promotions: never discounted, does not count towards "
                   "their conditions")
    return out


def promotion_text(promo: dict[str, Any]) -> list[str]:
    label = promo["code"] or f"'{promo['name']}'"
    kind = "automatic promotion" if promo["automatic"] else "code"
    state = "counts" if promo["counts"] else f"does not count: {promo['reason']}"
    out = [f"{kind} {label} ({promo['name']}): {state}"]
    if promo["counts"]:
        out.append(f"  amount -{promo['amount']['text']}")
    if promo.get("how"):
        out.append(f"  {promo['how']}")
    for c in promo["conditions"]:
        out.append(f"  [{_mark(c['holds'])}] {c['asks']}")
    for share in promo.get("shares", []):
        out.append(f"  {share['stockCode']} (line {share['lineId']}): {share['how']}")
    return out


def totals_text(explanation: dict[str, Any]) -> list[str]:
    totals = explanation["totals"]
    out = []
    for key, label in (("subTotal", "Sub total"), ("discount", "Discount"),
                       ("additionalCharge", "Additional charges"),
                       ("totalWithoutShipping", "Total without shipping"),
                       ("shippingCharge", "Shipping"), ("grandTotal", "Grand total")):
        entry = totals[key]
        out.append(f"{label}: {entry['text']} = {entry['how']}")
    out.append(f"Tax rate shown: {totals['taxPercent']}%")
    out.append(f"Shipping: {explanation['shipping']['how']}")
    return out


def text(explanation: dict[str, Any], *, line_id: int | None = None) -> str:
    """The whole explanation, or one line's part of it."""
    if line_id is not None:
        line = next((ln for ln in explanation["lines"] if ln["lineId"] == line_id), None)
        return "\n".join(line_text(line)) if line else f"no line {line_id} in the basket"
    out = [f"Basket {explanation['basketId']} ({explanation['currency']}, "
           f"version {explanation['version']})", "", "Lines"]
    for line in explanation["lines"] or []:
        out += [f"  {t}" for t in line_text(line)]
    if not explanation["lines"]:
        out.append("  (no lines)")
    out += ["", "Promotions"]
    for promo in explanation["promotions"]:
        out += [f"  {t}" for t in promotion_text(promo)]
    if not explanation["promotions"]:
        out.append("  (none applied, none automatic)")
    out += ["", "Totals"] + [f"  {t}" for t in totals_text(explanation)]
    return "\n".join(out)

"""Compare two baskets: lines added, removed and changed, and every total that differs.

    d = diff_baskets(a, b)          # a, b: wire.Basket
    d.same                          # nothing differs
    d.lines                         # LineChange(kind="added"|"removed"|"changed", ...)
    d.totals                        # TotalChange(field="grandTotal", a=..., b=...)
    print(render_diff(d))           # two columns side by side, A left, B right

Lines are matched by their line key, as the engine keys them (model/lines.py: product,
parent, and a child's personalisation text); a changed line differs in quantity, unit price
or line total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model.basket import Basket, Price
from ..model.basket import Line as LineItem
from ..model.diff import diff_lines
from ..model.ids import ZERO_GUID
from ..model.lines import LineKey, custom_texts, is_child, line_key, parent_key
from .format import is_guid
from .runner import applied_promotions

# Basket-level amounts, by Python attribute and wire name, in reading order.
TOTALS = (("sub_total", "subTotal"), ("discount", "discount"),
          ("additional_charge", "additionalCharge"),
          ("total_without_shipping", "totalWithoutShipping"),
          ("shipping_charge", "shippingCharge"), ("grand_total", "grandTotal"),
          ("subscription_total", "subscriptionTotal"))
# Other basket fields worth a line in the diff when they differ.
OTHER = (("currency_code", "currency"), ("user_id", "user"),
         ("shipping_method_id", "shipping method"), ("is_locked", "locked"))


@dataclass
class LineChange:
    kind: str  # "added" (only in B), "removed" (only in A), "changed"
    key: str  # stock code, PARENT/CHILD for a child line
    a: LineItem | None
    b: LineItem | None
    fields: list[str] = field(default_factory=list)  # qty, unit_price, line_total


@dataclass
class TotalChange:
    field: str  # the wire name, e.g. grandTotal
    a: Decimal | None
    b: Decimal | None
    a_text: str
    b_text: str


@dataclass
class BasketDiff:
    a_id: str | None
    b_id: str | None
    lines: list[LineChange] = field(default_factory=list)
    totals: list[TotalChange] = field(default_factory=list)
    promotions_only_a: list[str] = field(default_factory=list)
    promotions_only_b: list[str] = field(default_factory=list)
    other: list[tuple[str, str, str]] = field(default_factory=list)  # (label, a, b)
    unchanged_lines: int = 0

    @property
    def same(self) -> bool:
        return not (self.lines or self.totals or self.promotions_only_a
                    or self.promotions_only_b or self.other)

    def of_kind(self, kind: str) -> list[LineChange]:
        return [c for c in self.lines if c.kind == kind]

    @property
    def added(self) -> list[LineChange]:
        return self.of_kind("added")

    @property
    def removed(self) -> list[LineChange]:
        return self.of_kind("removed")

    @property
    def changed(self) -> list[LineChange]:
        return self.of_kind("changed")


def diff_baskets(a: Basket, b: Basket) -> BasketDiff:
    out = BasketDiff(a_id=a.id, b_id=b.id)
    a_lines, b_lines = _keyed(a), _keyed(b)
    lines = diff_lines(a_lines, b_lines, lambda la, lb: not _fields(la[1], lb[1]))
    changed, removed = set(lines.changed), set(lines.removed)
    for key, (label, line_a) in a_lines.items():  # in A's order, as the text reads them
        if key in removed:
            out.lines.append(LineChange("removed", label, line_a, None))
        elif key in changed:
            line_b = b_lines[key][1]
            out.lines.append(LineChange("changed", label, line_a, line_b,
                                        _fields(line_a, line_b)))
    out.unchanged_lines = lines.unchanged
    out.lines += [LineChange("added", b_lines[key][0], None, b_lines[key][1])
                  for key in lines.added]
    for attr, wire in TOTALS:
        pa, pb = getattr(a, attr), getattr(b, attr)
        ra, rb = _raw(pa), _raw(pb)
        if ra != rb:
            out.totals.append(TotalChange(wire, ra, rb, money_text(pa), money_text(pb)))
    promos_a, promos_b = set(applied_promotions(a)), set(applied_promotions(b))
    out.promotions_only_a = sorted(promos_a - promos_b)
    out.promotions_only_b = sorted(promos_b - promos_a)
    for attr, label in OTHER:
        va, vb = _plain(getattr(a, attr)), _plain(getattr(b, attr))
        if va != vb:
            # Named as a person knows them (email, method name), not as raw GUIDs.
            out.other.append((label, _named(a, attr, va) or "-", _named(b, attr, vb) or "-"))
    return out


def diff_json(d: BasketDiff) -> dict[str, Any]:
    """The diff as JSON-ready data (amounts as strings, exact)."""
    def amount(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    def line(ln: LineItem | None) -> dict[str, Any] | None:
        if ln is None:
            return None
        return {"qty": ln.qty, "unitPrice": amount(_raw(ln.price)),
                "lineTotal": amount(_raw(ln.total_price))}

    return {
        "same": d.same,
        "lines": [{"kind": c.kind, "key": c.key, "fields": c.fields, "a": line(c.a),
                   "b": line(c.b)} for c in d.lines],
        "totals": [{"field": t.field, "a": amount(t.a), "b": amount(t.b)} for t in d.totals],
        "promotionsOnlyA": d.promotions_only_a, "promotionsOnlyB": d.promotions_only_b,
        "other": [{"field": label, "a": va, "b": vb} for label, va, vb in d.other],
        "unchangedLines": d.unchanged_lines,
    }


def _named(basket: Basket, attr: str, value: str) -> str:
    if attr == "user_id" and value:
        return basket.user_email or value
    if attr == "shipping_method_id" and value:
        for m in basket.shipping_methods or []:
            if value in ((m.id or "").lower(), (m.shipping_code or "").lower()):
                return m.display_name or m.shipping_code or value
    return value


def _fields(a: LineItem, b: LineItem) -> list[str]:
    """What differs between two versions of one line: qty, unit_price, line_total."""
    return [name for name, get in (("qty", lambda ln: ln.qty),
                                   ("unit_price", lambda ln: _raw(ln.price)),
                                   ("line_total", lambda ln: _raw(ln.total_price)))
            if get(a) != get(b)]


def _keyed(basket: Basket) -> dict[LineKey, tuple[str, LineItem]]:
    """Lines by line key, each with its label: the stock code, PARENT/CHILD for a child
    line, and a personalised child's texts."""
    lines = sorted(basket.line_items or [], key=lambda ln: ln.display_order or 0)
    code_of = {(ln.product_id or "").lower(): ln.stock_code or ln.product_id or "?"
               for ln in lines}
    out: dict[LineKey, tuple[str, LineItem]] = {}
    for ln in lines:
        key = line_key(ln.product_id, ln.parent_product_id, custom_texts(ln))
        code = ln.stock_code or key[0]
        parent = parent_key(ln.parent_product_id)
        label = f"{code_of.get(parent, parent)}/{code}" if is_child(ln.parent_product_id) \
            else code
        texts = [t for t in custom_texts(ln) if t] if key[2] else []
        if texts:
            label += " " + " ".join(repr(t) for t in texts)
        out.setdefault(key, (label, ln))
    return out


def _raw(price: Price | None) -> Decimal | None:
    return price.with_tax if price is not None else None


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if is_guid(text):  # ids compare case-insensitively
        text = text.lower()
    return "" if text == ZERO_GUID else text


def money_text(price: Price | None) -> str:
    if price is None:
        return "-"
    if price.formatted is not None and price.formatted.with_tax:
        return price.formatted.with_tax
    raw = _raw(price)
    symbol = price.extra.get("currencySymbol") or ""
    return "-" if raw is None else f"{symbol}{format(raw, 'f')}"


def _line_text(line: LineItem | None) -> str:
    if line is None:
        return "-"
    # The discount is named, so the sum reads true: 2 x £24.00 - £4.79 discount = £43.21.
    off = _raw(line.discount)
    discount = f" - {money_text(line.discount)} discount" if off else ""
    return f"{line.qty} x {money_text(line.price)}{discount} = {money_text(line.total_price)}"


def render_diff(d: BasketDiff, *, a_label: str | None = None, b_label: str | None = None
                ) -> str:
    """The diff as text: a marker (+ added, - removed, ~ changed), then A and B side by side."""
    rows: list[tuple[str, str, str, str]] = []  # (marker, name, A, B); marker "#" = heading
    if d.lines:
        rows.append(("#", "Lines", "", ""))
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for change in d.lines:
            note = f"  ({', '.join(f.replace('_', ' ') for f in change.fields)})" \
                if change.fields else ""
            rows.append((marks[change.kind], change.key + note, _line_text(change.a),
                         _line_text(change.b)))
    if d.totals:
        rows.append(("#", "Totals", "", ""))
        rows += [("~", t.field, t.a_text, t.b_text) for t in d.totals]
    if d.promotions_only_a or d.promotions_only_b:
        rows.append(("#", "Promotions", "", ""))
        rows += [("-", code, "applied", "-") for code in d.promotions_only_a]
        rows += [("+", code, "-", "applied") for code in d.promotions_only_b]
    if d.other:
        rows.append(("#", "Basket", "", ""))
        rows += [("~", label, va, vb) for label, va, vb in d.other]
    head = ("", "", f"A {a_label or d.a_id or '?'}", f"B {b_label or d.b_id or '?'}")
    body = [r for r in rows if r[0] != "#"]
    name_w = max([len(r[1]) for r in body] + [10])
    a_w = max([len(r[2]) for r in body] + [len(head[2])])
    out = [f"{'':2}{'':{name_w}}  {head[2]:<{a_w}}  {head[3]}".rstrip()]
    for marker, name, va, vb in rows:
        if marker == "#":
            out.append(name)
        else:
            out.append(f"{marker:<2}{name:<{name_w}}  {va:<{a_w}}  {vb}".rstrip())
    if d.unchanged_lines:
        out.append(f"({d.unchanged_lines} line{'s' if d.unchanged_lines != 1 else ''} the same)")
    if d.same:
        out.append("The baskets are the same.")
    return "\n".join(out) + "\n"

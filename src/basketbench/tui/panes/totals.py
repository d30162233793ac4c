"""Pane 3: the totals, with tax, without tax and the tax, as the backend formatted them; each
promotion with its discount, and the reason when one no longer qualifies."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..format import literal, negated, price

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket, Promotion

SIDES = ("with_tax", "without_tax", "tax")


def promo_code(promo: Promotion) -> str:
    return promo.voucher_code or promo.promo_code or promo.name or "auto"


def total_rows(basket: Basket) -> list[tuple[str, str, list[str], str | None]]:
    """(row key, label, [with, without, tax], note) in display order; discounts negative."""
    code = basket.currency_code

    def sides(p, discount: bool = False) -> list[str]:
        values = [price(p, side, code) for side in SIDES]
        return [negated(v) for v in values] if discount else values

    rows: list[tuple[str, str, list[str], str | None]] = [
        ("sub_total", "Sub total", sides(basket.sub_total), None)]
    for promo in basket.promotions_applied or []:
        name = promo_code(promo)
        note = promo.name if promo.name and promo.name != name else None
        if promo.is_applicable is False:
            note = f"not applied: {promo.reason or 'no longer qualifies'}"
        rows.append((f"promo:{name}", f"Promo {name}", sides(promo.discount_amt, True), note))
    rows += [
        ("discount", "Discount", sides(basket.discount, True), None),
        ("additional_charge", "Charges", sides(basket.additional_charge), None),
        ("shipping_charge", "Shipping", sides(basket.shipping_charge), None),
        ("grand_total", "Grand total", sides(basket.grand_total), None),
    ]
    return rows


class TotalsPane(VerticalScroll, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"totals--changed", "totals--muted",
                                             "totals--refused"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.basket: Basket | None = None
        self.changed: set[str] = set()
        # row key -> (label, with tax, without tax, tax, note): what is on screen, for tests
        self.values: dict[str, tuple[str, str, str, str, str]] = {}
        self._shape: tuple[int, int] | None = None  # (rows, notes) last drawn
        self.text = ""
        # The audit of the shown basket's numbers, for (basket id, version); a new version
        # shows no verdict until its own audit arrives.
        self.audit_note = ""
        self._audited: tuple[str | None, int | None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="totals-text", markup=False)

    def on_mount(self) -> None:
        self.border_title = "3 Totals"

    def show(self, basket: Basket | None, changed: set[str] | None = None) -> None:
        self.basket = basket
        self.changed = set(changed or ())
        self.values = {}
        body = self.query_one("#totals-text", Static)
        if basket is None:
            self.text = ""
            self._shape = None
            body.update("")
            return
        if (basket.id, basket.version) != self._audited:
            self.audit_note = ""
        changed_style = self.get_component_rich_style("totals--changed", partial=True)
        muted = self.get_component_rich_style("totals--muted", partial=True)
        refused = self.get_component_rich_style("totals--refused", partial=True)
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False,
                      header_style="bold")
        table.add_column("", ratio=1, min_width=12, overflow="fold")
        for header in ("with tax", "without tax", "tax"):
            table.add_column(header, justify="right", no_wrap=True)
        for key, label, values, note in total_rows(basket):
            with_tax, without_tax, tax = values
            self.values[key] = (label, with_tax, without_tax, tax, note or "")
            style = changed_style if key in self.changed else None
            label_text = literal(label, style="bold" if key == "grand_total" else "")
            if note:
                label_text.append("\n")
                note_style = refused if note.startswith("not applied") else muted
                label_text.append_text(literal(f"  {note}", style=note_style))
            cells = [label_text] + [Text(v, style="bold" if key == "grand_total" else "")
                                    for v in values]
            table.add_row(*cells, style=style)
        tax_rate = (f" · tax rate {basket.tax_percent.normalize():f}%"
                    if basket.tax_percent is not None else "")
        campaign = getattr(basket, "campaign_code", None)
        footer = f"{basket.currency_code or '?'} ({basket.currency_symbol or ''}){tax_rate}"
        if campaign:
            footer += f" · campaign {campaign}"
        caption = literal(footer, style=muted)  # a str caption would be read as markup
        if self.audit_note:
            ok = self.audit_note.startswith("✓")
            caption.append(" · ")
            caption.append_text(literal(self.audit_note, style=muted if ok else refused))
        table.caption = caption
        table.caption_justify = "left"
        self.text = "\n".join(" ".join(str(v) for v in row if v)
                              for row in self.values.values()) + "\n" + caption.plain
        # A layout pass only when the table's height may change (rows or notes added or
        # removed), not on every new total.
        shape = (len(self.values), sum(1 for row in self.values.values() if row[4]))
        body.update(table, layout=shape != self._shape)
        self._shape = shape

    def set_audit(self, basket_id: str | None, version: int | None,
                  findings: list | None) -> None:
        """Show whether the basket's own numbers foot (see model/audit.py); None: not
        audited automatically (too large)."""
        self._audited = (basket_id, version)
        errors = sum(1 for f in findings or [] if f.severity == "error")
        note = "not audited as it changes (over 500 lines)" if findings is None else \
            "✓ foots" if not errors else \
            f"✗ {errors} figure{'s' if errors != 1 else ''} do{'es' if errors == 1 else ''} " \
            "not foot (w: details)"
        if note != self.audit_note:
            self.audit_note = note
            shown = self.basket
            if shown is not None and (shown.id, shown.version) == self._audited:
                self.show(shown, self.changed)

    def clear_highlight(self) -> None:
        if self.changed and self.basket is not None:
            self.show(self.basket, set())

    def value(self, key: str, side: str = "with_tax") -> str:
        """The shown text of one total, e.g. value('grand_total') -> '£105.29'."""
        return self.values[key][1 + SIDES.index(side)]

    def note(self, key: str) -> str:
        return self.values[key][4]

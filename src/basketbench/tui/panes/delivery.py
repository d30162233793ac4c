"""Pane 4: delivery: the shipping methods offered for the basket's country (the chosen one
marked), nominated day, click & collect store, delivery plans, instruction and PO number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..format import DASH, amount, day, extra, literal, price

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket


def country_of(basket: Basket) -> str | None:
    """The basket's country: the extension field, else the shipping address."""
    code = extra(basket, "countryCode")
    if not code and basket.shipping_address is not None:
        code = basket.shipping_address.country_code
    return code or None


def store_of(basket: Basket) -> str | None:
    """The click & collect store: the extension field, else the address's company name
    (a live API puts the store there)."""
    store = extra(basket, "clickCollectStore")
    if isinstance(store, Mapping) and (store.get("name") or store.get("code")):
        code, name = store.get("code"), store.get("name")
        return f"{name} ({code})" if code and name else (name or code)
    if basket.shipping_address is not None and basket.shipping_address.company_name:
        return basket.shipping_address.company_name
    return None


def nominated_of(basket: Basket) -> Mapping | None:
    value = extra(basket, "nominatedDelivery")
    return value if isinstance(value, Mapping) else None


class DeliveryPane(VerticalScroll, can_focus=True):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.basket: Basket | None = None
        self.text = Text()

    def compose(self):
        yield Static(id="delivery-text", markup=False)

    def on_mount(self) -> None:
        self.border_title = "4 Delivery"

    @property
    def plain(self) -> str:
        return self.text.plain

    def show(self, basket: Basket | None, changed: bool = False) -> None:
        self.basket = basket
        text = self.render_text(basket) if basket is not None else Text()
        if text.plain != self.text.plain or text.spans != self.text.spans:
            # Only a new text is drawn (a quantity change usually leaves delivery as it was).
            self.query_one("#delivery-text", Static).update(text)
        self.text = text
        self.set_class(changed, "-changed")

    def render_text(self, basket: Basket) -> Text:
        out = Text()

        def line(label: str, value: object = None, style: str = "") -> None:
            out.append(f"{label:<12}", style="dim")
            out.append_text(literal(DASH if value in (None, "") else value, style=style))
            out.append("\n")

        code = basket.currency_code
        line("Country", country_of(basket))
        chosen = (basket.shipping_method_id or "").lower()
        methods = basket.shipping_methods or ()
        out.append("Shipping methods\n", style="bold")
        if not methods:
            out.append("  none offered for this country\n", style="dim")
        for m in methods:
            mark = "●" if chosen and chosen in ((m.id or "").lower(),
                                                 (m.shipping_code or "").lower()) else "○"
            name = m.display_name or m.shipping_code or m.id or "?"
            style = "bold" if mark == "●" else ""
            out.append(f"  {mark} {price(m.price, code=code):>8}  ", style=style)
            out.append_text(literal(name, style=style))
            if m.is_nominated:
                out.append("  (nominated)", style="dim")
            out.append("\n")
        nominated = nominated_of(basket)
        if nominated:
            when = day(nominated.get("deliveryDate"))
            label = nominated.get("dayText")
            line("Nominated", f"{label} {when}" if label else when)
        else:
            line("Nominated", None)
        line("Collect at", store_of(basket))
        plans = basket.delivery_plans or ()
        out.append(f"Delivery plans ({len(plans)})\n", style="bold")
        for plan in plans:
            centre = plan.delivery_center.name if plan.delivery_center else None
            what = plan.shipping_method_name or centre or plan.pickup_store_code or "plan"
            parts = [what]
            if plan.pickup_store_code:
                parts.append(f"store {plan.pickup_store_code}")
            parts.append(amount(plan.cost, code, basket.currency_symbol))
            if plan.delivery_date_target:
                parts.append(f"by {day(plan.delivery_date_target)}")
            out.append("  ")
            out.append_text(literal(" · ".join(str(p) for p in parts)))
            out.append("\n")
        line("Instruction", basket.delivery_instruction)
        line("PO number", basket.po_number)
        out.rstrip()
        return out

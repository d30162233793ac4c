"""Choose the shipping country and method (and the day, for a nominated-day method)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...backends import Backend, BackendError
from ...model.requests import NominatedDay
from ..format import amount, day, literal, price
from ..panes.delivery import country_of
from .base import Dialog

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Basket


@dataclass(frozen=True)
class MethodRow:
    id: str
    code: str
    name: str
    price: str
    nominated: bool
    expected: str | None  # YYYY-MM-DD


def methods_of_basket(basket: Basket) -> list[MethodRow]:
    code = basket.currency_code
    return [MethodRow(m.id or m.shipping_code or "", m.shipping_code or "",
                      m.display_name or m.shipping_code or "?", price(m.price, code=code),
                      bool(m.is_nominated), day(m.expected_delivery_date)
                      if m.expected_delivery_date else None)
            for m in basket.shipping_methods or []]


def methods_of_listing(rows: list[dict], currency: str | None) -> list[MethodRow]:
    today = datetime.now(UTC).date()
    out = []
    for m in rows:
        days = m.get("expectedDaysToDeliver")
        expected = (today + timedelta(days=int(days))).isoformat() if days else None
        out.append(MethodRow(str(m.get("id") or m.get("shippingCode") or ""),
                             str(m.get("shippingCode") or ""),
                             str(m.get("displayName") or m.get("shippingCode") or "?"),
                             amount(m.get("price"), "GBP") + " (list price)",
                             bool(m.get("isNominated")), expected))
    return out


def nominated_body(value: str) -> NominatedDay:
    """The nominated delivery of a YYYY-MM-DD day; ValueError names a bad value."""
    try:
        chosen = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"the day must be YYYY-MM-DD (got {value.strip()!r})") from None
    return NominatedDay(delivery_date=f"{chosen.isoformat()}T00:00:00.000Z",
                        day_text=chosen.strftime("%A"), day_no=chosen.isoweekday())


class ShippingScreen(Dialog[dict]):
    """Answers {"method": id, "country": XX, "nominated": NominatedDay | None,
    "label": name}."""

    def __init__(self, backend: Backend, basket: Basket) -> None:
        super().__init__()
        self.backend, self.basket = backend, basket
        self.country = (country_of(basket) or "GB").upper()
        self.methods: list[MethodRow] = []
        self.chosen: MethodRow | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line("Shipping method")
            with Horizontal(classes="dialog-row"):
                yield Static(literal("Country:"), markup=False, classes="dialog-label")
                yield Input(self.country, id="country", max_length=2,
                            restrict=r"[A-Za-z]*", classes="dialog-qty")
            yield OptionList(id="methods", markup=False)
            with Horizontal(classes="dialog-row", id="day-row"):
                yield Static(literal("Day:"), markup=False, classes="dialog-label")
                yield Input(placeholder="YYYY-MM-DD", id="day", max_length=10)
            yield self.message_line()
            yield self.hint_line("enter on a method: choose · tab: country · "
                                 "nominated-day methods ask for the day · esc: cancel")

    def on_mount(self) -> None:
        self.query_one("#day-row").display = False
        self.load(self.country)
        self.query_one("#methods", OptionList).focus()

    def load(self, country: str) -> None:
        self.country = country.upper()
        if self.country == (country_of(self.basket) or "").upper() and \
                self.basket.shipping_methods:
            self.show_methods(methods_of_basket(self.basket))
        elif self.backend.capabilities.reference:
            country = self.country
            self.call_backend(lambda: self.backend.list_shipping_methods(country),
                              lambda rows, error: self._listed(country, rows, error),
                              group="methods")
        else:
            self.show_methods([])
            self.say(f"this backend lists methods only for the basket's country; "
                     f"{self.country} cannot be listed here", kind="error")

    def _listed(self, country: str, rows: list | None, error: BackendError | None) -> None:
        if country != self.country:
            return  # another country was asked for meanwhile
        if error is not None:
            self.say(f"could not list methods for {country}: {error.message}", kind="error")
            return
        assert rows is not None  # no error: the call's result
        self.show_methods(methods_of_listing(rows, self.basket.currency_code))

    def show_methods(self, methods: list[MethodRow]) -> None:
        self.methods = methods
        options = self.query_one("#methods", OptionList)
        options.clear_options()
        chosen = (self.basket.shipping_method_id or "").lower()
        labels = []
        for m in methods:
            mark = "●" if chosen in (m.id.lower(), m.code.lower()) and chosen else "○"
            extra = "  nominated day" if m.nominated else ""
            labels.append(Option(f"{mark} {m.code:<8} {m.name}  {m.price}{extra}"))
        options.add_options(labels)
        if methods:
            options.highlighted = 0
            self.say(f"{len(methods)} methods offered in {self.country}")
        else:
            self.say(f"no shipping method is offered in {self.country}", kind="error")

    @on(Input.Submitted, "#country")
    def _country(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip().upper()
        if len(value) != 2:
            self.say(f"the country must be a two-letter code (got {value!r})", kind="error")
            return
        self.load(value)
        self.query_one("#methods", OptionList).focus()

    @on(OptionList.OptionSelected, "#methods")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        method = self.methods[event.option_index]
        self.chosen = method
        if method.nominated:
            self.query_one("#day-row").display = True
            box = self.query_one("#day", Input)
            box.value = box.value or method.expected or ""
            box.focus()
            self.say(f"{method.name}: which day? (YYYY-MM-DD, enter to choose)")
            return
        self.dismiss({"method": method.id, "country": self.country, "nominated": None,
                      "label": method.code or method.name})

    @on(Input.Submitted, "#day")
    def _day(self, event: Input.Submitted) -> None:
        event.stop()
        if self.chosen is None:
            return
        try:
            nominated = nominated_body(event.value)
        except ValueError as exc:
            self.say(str(exc), kind="error")
            return
        self.dismiss({"method": self.chosen.id, "country": self.country,
                      "nominated": nominated,
                      "label": f"{self.chosen.code or self.chosen.name} {event.value.strip()}"})

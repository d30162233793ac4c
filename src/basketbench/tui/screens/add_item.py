"""Add an item: search the catalogue by name or stock code (where the backend has one), or
type a product id or stock code; and the personalisation child line of a selected line."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...backends import Backend, BackendError
from ...model.requests import CustomTexts, ItemInput
from ..format import amount, extra, literal, price
from .base import Dialog

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ...model.basket import Line as LineItem
    from ...model.product import Product

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}$")
SEARCH_DELAY = 0.2  # seconds of quiet typing before the catalogue is asked


def product_id(p: Product) -> str | None:
    return extra(p, "productId") or p.record_id


def product_price(p: Product, currency: str | None) -> str:
    value = p.price
    if isinstance(value, Decimal):
        return amount(value, currency)
    if isinstance(value, str):
        return value
    return price(value, code=currency) if value is not None else ""


def product_label(p: Product, currency: str | None = None) -> str:
    parts = [p.stock_code or "?", p.name or ""]
    shown = product_price(p, currency)
    if shown:
        parts.append(shown)
    if p.current_stock is not None:
        parts.append(f"stock {p.current_stock}")
    return "  ".join(parts)


def typed_product(text: str, qty: int = 1) -> ItemInput:
    """What a typed value names: a GUID is a product id, anything else a stock code."""
    text = text.strip()
    return ItemInput(product_id=text, qty=qty) if GUID.match(text) \
        else ItemInput(stock_code=text, qty=qty)


def chosen_product(p: Product, qty: int = 1) -> ItemInput:
    """A catalogue product: by its product id, else by its stock code."""
    pid = product_id(p)
    return ItemInput(product_id=pid, qty=qty) if pid \
        else ItemInput(stock_code=p.stock_code, qty=qty)


def parse_qty(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


class AddItemScreen(Dialog[dict]):
    """Answers {"item": ItemInput (product id or stock code, qty), "label": "..."}."""

    def __init__(self, backend: Backend, currency: str | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.currency = currency
        self.results: list[Product] = []
        self.results_for: str | None = None  # the search text the results answer
        self._timer: Timer | None = None

    @property
    def has_catalogue(self) -> bool:
        return bool(self.backend.capabilities.catalogue)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line("Add item")
            with Horizontal(classes="dialog-row"):
                yield Input(placeholder="name or stock code" if self.has_catalogue
                            else "product id (GUID) or stock code", id="search")
                yield Static(literal("qty"), markup=False, classes="dialog-label-short")
                yield Input("1", id="qty", max_length=4, classes="dialog-qty")
            yield OptionList(id="results", markup=False)
            yield self.message_line()
            yield self.hint_line(
                "type to search · down: results · enter: add · tab: quantity · esc: cancel"
                if self.has_catalogue else
                "this backend has no catalogue: type a product id or a stock code, enter: add")

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        if self.has_catalogue:
            self.search("")

    # -- search -----------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if not self.has_catalogue:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self.search(event.value))

    def search(self, text: str, *, then_choose: bool = False) -> None:
        text = text.strip()
        self.call_backend(lambda: self.backend.search_products(text, limit=50),
                          lambda found, error: self._found(text, found, error, then_choose),
                          group="search")

    def _found(self, text: str, found: list[Product] | None, error: BackendError | None,
               then_choose: bool) -> None:
        if error is not None:
            self.say(f"search failed: {error.message}", kind="error")
            return
        self.show_results(found or [], text)
        if then_choose:
            self.choose_for(text)

    def show_results(self, found: list[Product], text: str) -> None:
        self.results = found
        self.results_for = text
        options = self.query_one("#results", OptionList)
        options.clear_options()
        options.add_options([Option(product_label(p, self.currency)) for p in found])
        if found:
            options.highlighted = 0
            self.say(f"{len(found)} products" + (f" matching {text!r}" if text else ""))
        else:
            self.say(f"no product matches {text!r}: enter adds it as typed (id or stock code)"
                     if text else "the catalogue is empty")

    # -- choosing ---------------------------------------------------------------------------

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#search") and self.results:
            event.stop()
            self.query_one("#results", OptionList).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        text = self.query_one("#search", Input).value.strip()
        if self.has_catalogue and text != self.results_for and not GUID.match(text):
            # enter came before the search for this text: search now, then choose
            self.search(text, then_choose=True)
            return
        self.choose_for(text)

    def choose_for(self, text: str) -> None:
        options = self.query_one("#results", OptionList)
        exact = [p for p in self.results if (p.stock_code or "").lower() == text.lower()]
        if exact:
            self.choose(exact[0])
        elif self.results and options.highlighted is not None and not (
                text and GUID.match(text)):
            self.choose(self.results[options.highlighted])
        elif text:
            self.finish(typed_product(text), text)
        else:
            self.say("type a name, stock code or product id", kind="error")

    @on(OptionList.OptionSelected, "#results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.results[event.option_index])

    def choose(self, p: Product) -> None:
        self.finish(chosen_product(p), p.stock_code or p.name or product_id(p) or "item")

    def finish(self, item: ItemInput, label: str) -> None:
        """Answers {"item": ItemInput, "label": what to call it}."""
        typed = self.query_one("#qty", Input).value
        qty = parse_qty(typed)
        if qty is None:
            self.say(f"quantity must be a whole number of 1 or more (got {typed.strip()!r})",
                     kind="error")
            self.query_one("#qty", Input).focus()
            return
        self.dismiss({"item": replace(item, qty=qty), "label": label})


class ChildLineScreen(Dialog[dict]):
    """A personalisation child line under `parent`: the child product, its text (stored as
    customInfo1, at most the product's `maxTextLength` characters: refused as it is typed)
    and the quantity. Answers the add-bulk element. The same text again adds quantity to its
    child line; another text makes a new child line (engine-rules: children are keyed by
    their text)."""

    def __init__(self, backend: Backend, parent: LineItem, currency: str | None = None) -> None:
        super().__init__()
        self.backend, self.parent_line, self.currency = backend, parent, currency
        self.products: list[Product] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_line("Add personalisation under "
                                  f"{self.parent_line.stock_code or self.parent_line.name}")
            yield OptionList(id="children", markup=False)
            yield Static(literal("Text (engraving, message...):"), markup=False)
            yield Input(placeholder="personalisation text (customInfo1)", id="text",
                        max_length=2000)
            with Horizontal(classes="dialog-row"):
                yield Static(literal("Quantity:"), markup=False, classes="dialog-label")
                yield Input("1", id="qty", max_length=4, classes="dialog-qty")
            yield self.message_line()
            yield self.hint_line("enter on a product: next · enter on the text: add · "
                                 "esc: cancel")

    def on_mount(self) -> None:
        self.query_one("#children", OptionList).focus()
        if self.backend.capabilities.catalogue:
            self.call_backend(lambda: self.backend.search_products("", limit=500),
                              self._loaded, group="children")
        else:
            self.say("this backend has no catalogue: type the child's stock code as "
                     "'CODE: text' in the text box", kind="info")
            self.query_one("#text", Input).focus()

    def _loaded(self, found: list[Product] | None, error: BackendError | None) -> None:
        if error is not None:
            self.say(f"could not load the catalogue: {error.message}", kind="error")
            return
        flagged = [p for p in found or [] if extra(p, "childOnly")]
        # A backend that does not flag child-only products offers every product.
        self.products = flagged or list(found or [])
        options = self.query_one("#children", OptionList)
        options.clear_options()
        options.add_options([Option(product_label(p, self.currency)) for p in self.products])
        if self.products:
            options.highlighted = 0

    def chosen(self) -> Product | None:
        options = self.query_one("#children", OptionList)
        if self.products and options.highlighted is not None:
            return self.products[options.highlighted]
        return None

    def text_problem(self, text: str) -> str | None:
        """Why `text` cannot be sent (over the chosen product's limit), or None."""
        product = self.chosen()
        limit = product.max_text_length if product is not None else None
        if product is not None and limit is not None and len(text.strip()) > limit:
            return (f"the text is {len(text.strip())} characters; {product.stock_code} takes "
                    f"at most {limit}")
        return None

    @on(OptionList.OptionHighlighted, "#children")
    @on(Input.Changed, "#text")
    def _check_text(self, event) -> None:
        text = self.query_one("#text", Input).value
        problem = self.text_problem(text)
        product = self.chosen()
        if problem:
            self.say(problem, kind="error")
        elif product is not None and product.max_text_length is not None and text:
            self.say(f"{len(text.strip())} of {product.max_text_length} characters")
        else:
            self.say("")

    @on(OptionList.OptionSelected, "#children")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#text", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = self.query_one("#text", Input).value
        raw_qty = self.query_one("#qty", Input).value
        qty = parse_qty(raw_qty)
        if qty is None:
            self.say(f"quantity must be a whole number of 1 or more (got {raw_qty.strip()!r})",
                     kind="error")
            return
        problem = self.text_problem(text)
        if problem:
            self.say(problem, kind="error")
            return
        chosen = self.chosen()
        if chosen is not None:
            item = chosen_product(chosen, qty)
            label = chosen.stock_code or chosen.name
        elif ":" in text:
            code, text = (part.strip() for part in text.split(":", 1))
            item, label = typed_product(code, qty), code
        else:
            self.say("choose a product (or type 'CODE: text')", kind="error")
            return
        element = replace(item, parent_product_id=self.parent_line.product_id,
                          texts=CustomTexts(text.strip() or None))
        self.dismiss({"item": element, "label": label})

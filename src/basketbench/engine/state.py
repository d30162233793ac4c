"""A basket as the engine holds it inside one transaction: its row, its lines, its codes.

Operations change a `BasketState` and the database together through the methods here, so
the state always matches what will be committed and can be priced without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .. import jsonio
from ..model import lines as model_lines
from .catalogue import Catalogue, Product
from .ids import ZERO_GUID
from .store_api import Conn

BASKET_COLUMNS = (
    "id", "user_id", "user_email", "currency", "version", "created", "last_updated",
    "is_locked", "created_by_admin", "is_quote", "quote_status", "valid_until",
    "shipping_method_id", "country_code", "nominated", "po_number", "delivery_instruction",
    "campaign_code", "custom_info", "store_id", "delivery_plans", "post_code",
)
LINE_COLUMNS = (
    "id", "product_id", "parent_product_id", "qty", "display_order", "manual_price_minor",
    "additional_charge_minor", "custom_info", "item_type", "subscription", "gift_wrap_id",
    "is_gift_wrap",
)
_JSON_BASKET = {"nominated", "custom_info", "delivery_plans"}


def text_key(parent_product_id: str, custom_info: dict) -> str:
    """The personalisation text that is part of a child line's key (model/lines.py; stored
    in the lines table's text_key column)."""
    return model_lines.text_key(parent_product_id, model_lines.wire_texts(custom_info))


@dataclass
class LineState:
    id: int
    product: Product
    parent_product_id: str
    qty: int
    display_order: int
    manual_price_minor: int | None = None
    additional_charge_minor: int = 0
    custom_info: dict = field(default_factory=dict)
    item_type: int = 0
    subscription: dict | None = None
    gift_wrap_id: str | None = None
    is_gift_wrap: bool = False

    @property
    def product_id(self) -> str:
        return self.product.product_id

    @property
    def text_key(self) -> str:
        return text_key(self.parent_product_id, self.custom_info)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.product.product_id, self.parent_product_id, self.text_key)

    @property
    def is_child(self) -> bool:
        return model_lines.is_child(self.parent_product_id)


@dataclass
class BasketState:
    id: str
    currency: str = "GBP"
    user_id: str = ZERO_GUID
    user_email: str | None = None
    version: int = 0
    created: str = ""
    last_updated: str = ""
    is_locked: bool = False
    created_by_admin: bool = False
    is_quote: bool = False
    quote_status: int = 0
    valid_until: str | None = None
    shipping_method_id: str | None = None
    country_code: str | None = None
    nominated: dict | None = None
    po_number: str | None = None
    delivery_instruction: str | None = None
    campaign_code: str | None = None
    custom_info: dict = field(default_factory=dict)
    store_id: str | None = None
    delivery_plans: list = field(default_factory=list)
    post_code: str | None = None
    lines: list[LineState] = field(default_factory=list)
    promo_codes: list[str] = field(default_factory=list)
    persisted: bool = False
    stored_total_minor: int = 0  # the grand total last written (a deletion's version keeps it)
    # The newest history versions waiting in the row (history.keep): their length and the
    # newest one's number (None when none waits).
    tail_size: int = 0
    tail_version: int | None = None

    def line(self, product_id: str, parent: str = ZERO_GUID, text: str = "") -> LineState | None:
        """The line with this key: product, parent, and personalisation text (see text_key)."""
        key = (product_id, parent, text)
        return next((ln for ln in self.lines if ln.key == key), None)

    def lines_of(self, product_id: str, parent: str) -> list[LineState]:
        """Every line of a product under a parent, whatever its personalisation text."""
        return [ln for ln in self.lines
                if ln.product.product_id == product_id and ln.parent_product_id == parent]

    def children_of(self, parent: LineState) -> list[LineState]:
        if parent.is_child:
            return []
        return [ln for ln in self.lines if ln.parent_product_id == parent.product.product_id]

    def sort_lines(self) -> None:
        self.lines.sort(key=lambda ln: (ln.display_order, ln.id))

    def next_display_order(self) -> int:
        return max((ln.display_order for ln in self.lines), default=0) + 1


def load(conn: Conn, cat: Catalogue, basket_id: str) -> BasketState | None:
    row = conn.execute(
        f"SELECT {', '.join(BASKET_COLUMNS)}, grand_total_minor, length(history_tail), "
        "history_tail_version FROM baskets WHERE id = ?",
        (basket_id,)).fetchone()
    if row is None:
        return None
    values = dict(zip(BASKET_COLUMNS, row))
    for key in _JSON_BASKET:
        values[key] = jsonio.loads(values[key]) if values[key] else None
    state = BasketState(
        id=values["id"], currency=values["currency"], user_id=values["user_id"] or ZERO_GUID,
        user_email=values["user_email"], version=values["version"], created=values["created"],
        last_updated=values["last_updated"], is_locked=bool(values["is_locked"]),
        created_by_admin=bool(values["created_by_admin"]), is_quote=bool(values["is_quote"]),
        quote_status=values["quote_status"] or 0, valid_until=values["valid_until"],
        shipping_method_id=values["shipping_method_id"], country_code=values["country_code"],
        nominated=values["nominated"], po_number=values["po_number"],
        delivery_instruction=values["delivery_instruction"],
        campaign_code=values["campaign_code"], custom_info=values["custom_info"] or {},
        store_id=values["store_id"], delivery_plans=values["delivery_plans"] or [],
        post_code=values["post_code"], persisted=True, stored_total_minor=row[-3] or 0,
        tail_size=row[-2] or 0, tail_version=row[-1],
    )
    for lrow in conn.execute(
        f"SELECT {', '.join(LINE_COLUMNS)} FROM lines WHERE basket_id = ? "
        "ORDER BY display_order, id",
        (basket_id,),
    ):
        product = cat.products.get(lrow[1])
        if product is None:  # pragma: no cover - the foreign key prevents this
            continue
        state.lines.append(
            LineState(
                id=lrow[0], product=product, parent_product_id=lrow[2], qty=lrow[3],
                display_order=lrow[4], manual_price_minor=lrow[5],
                additional_charge_minor=lrow[6] or 0,
                custom_info=jsonio.loads(lrow[7]) if lrow[7] else {}, item_type=lrow[8] or 0,
                subscription=jsonio.loads(lrow[9]) if lrow[9] else None,
                gift_wrap_id=lrow[10], is_gift_wrap=bool(lrow[11]),
            )
        )
    state.promo_codes = [
        r[0] for r in conn.execute(
            "SELECT code FROM basket_promos WHERE basket_id = ? ORDER BY position", (basket_id,)
        )
    ]
    return state


def new_state(basket_id: str, currency: str, now: str) -> BasketState:
    return BasketState(id=basket_id, currency=currency, created=now, last_updated=now)


def _dump(value: object) -> str | None:
    """JSON columns go through jsonio: client-supplied documents (delivery plan items) may
    hold Decimal numbers, which must stay exact."""
    if value is None or value == {} or value == []:
        return None
    return jsonio.dumps(value)


class Writer:
    """Applies changes to a state and to the database in step."""

    def __init__(self, conn: Conn, state: BasketState) -> None:
        self.conn = conn
        self.state = state
        self.changed = False
        self.made = not state.persisted  # the basket is made by this transaction
        # What this transaction changed, for history to keep as a delta (see
        # history_snapshots.changes): basket fields set, lines added, lines' fields updated,
        # lines removed, codes set.
        self.fields_set: set[str] = set()
        self.lines_added: set[int] = set()
        self.lines_updated: dict[int, set[str]] = {}
        self.lines_removed: set[int] = set()
        self.codes_set = False

    def ensure_row(self) -> None:
        s = self.state
        if s.persisted:
            return
        self.conn.execute(
            "INSERT INTO baskets (id, user_id, user_email, currency, version, created, "
            "last_updated) VALUES (?, ?, ?, ?, 0, ?, ?)",
            (s.id, s.user_id, s.user_email, s.currency, s.created, s.last_updated),
        )
        s.persisted = True
        self.changed = True

    def set_fields(self, **fields: object) -> None:
        """Update basket columns (python attribute names equal column names)."""
        self.ensure_row()
        assigns, params = [], []
        for name, value in fields.items():
            setattr(self.state, name, value)
            assigns.append(f"{name} = ?")
            params.append(_dump(value) if name in _JSON_BASKET else value)
        self.conn.execute(
            f"UPDATE baskets SET {', '.join(assigns)} WHERE id = ?", (*params, self.state.id)
        )
        self.fields_set.update(fields)
        self.changed = True

    def add_line(self, product: Product, parent: str, qty: int, display_order: int,
                 **extra: object) -> LineState:
        self.ensure_row()
        line = LineState(id=0, product=product, parent_product_id=parent, qty=qty,
                         display_order=display_order)
        for k, v in extra.items():
            setattr(line, k, v)
        cur = self.conn.execute(
            "INSERT INTO lines (basket_id, product_id, parent_product_id, text_key, qty, "
            "display_order, manual_price_minor, additional_charge_minor, custom_info, item_type, "
            "subscription, gift_wrap_id, is_gift_wrap) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.state.id, product.product_id, parent, line.text_key, qty, display_order,
             line.manual_price_minor, line.additional_charge_minor, _dump(line.custom_info),
             line.item_type, _dump(line.subscription), line.gift_wrap_id, int(line.is_gift_wrap)),
        )
        assert cur.lastrowid is not None  # set by the INSERT
        line.id = cur.lastrowid
        self.state.lines.append(line)
        self.state.sort_lines()
        self.lines_added.add(line.id)
        self.changed = True
        return line

    def update_line(self, line: LineState, **fields: object) -> None:
        assigns, params = [], []
        for name, value in fields.items():
            setattr(line, name, value)
            column = name
            if name in ("custom_info", "subscription"):
                value = _dump(value)
            elif name == "is_gift_wrap":
                value = int(bool(value))
            assigns.append(f"{column} = ?")
            params.append(value)
        if "custom_info" in fields:  # the text is part of a child line's key
            assigns.append("text_key = ?")
            params.append(line.text_key)
        self.conn.execute(f"UPDATE lines SET {', '.join(assigns)} WHERE id = ?", (*params, line.id))
        if "display_order" in fields:
            self.state.sort_lines()
        if line.id not in self.lines_added:
            self.lines_updated.setdefault(line.id, set()).update(fields)
        self.changed = True

    def remove_line(self, line: LineState) -> None:
        """Remove a line and, for a top-level line, its child lines."""
        doomed = [line, *self.state.children_of(line)]
        ids = [ln.id for ln in doomed]
        self.conn.execute(
            f"DELETE FROM lines WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
        self.state.lines = [ln for ln in self.state.lines if ln.id not in ids]
        for line_id in ids:
            if line_id in self.lines_added:
                self.lines_added.discard(line_id)
            else:
                self.lines_removed.add(line_id)
            self.lines_updated.pop(line_id, None)
        self.changed = True

    def set_promo_codes(self, codes: list[str]) -> None:
        self.ensure_row()
        self.conn.execute("DELETE FROM basket_promos WHERE basket_id = ?", (self.state.id,))
        self.conn.executemany(
            "INSERT INTO basket_promos (basket_id, code, position) VALUES (?, ?, ?)",
            [(self.state.id, c, i) for i, c in enumerate(codes)],
        )
        self.state.promo_codes = list(codes)
        self.codes_set = True
        self.changed = True

    def finish(self, now: str, line_count: int, grand_total_minor: int, *,
               tail: TailWrite | None = None) -> None:
        """Bump the version and refresh the summary columns, once per transaction; with
        `tail`, the basket's waiting history versions too (history.keep)."""
        if not self.changed:
            return
        s = self.state
        s.version += 1
        s.last_updated = now
        if tail is None:
            self.conn.execute(
                "UPDATE baskets SET version = ?, last_updated = ?, line_count = ?, "
                "grand_total_minor = ? WHERE id = ?",
                (s.version, now, line_count, grand_total_minor, s.id))
            return
        # Appended by SQLite itself: the tail never travels to Python and back.
        value = "coalesce(history_tail, '') || ?" if tail.append else "?"
        self.conn.execute(
            "UPDATE baskets SET version = ?, last_updated = ?, line_count = ?, "
            f"grand_total_minor = ?, history_tail = {value}, history_tail_version = ? "
            "WHERE id = ?",
            (s.version, now, line_count, grand_total_minor, tail.text, tail.version, s.id))
        s.tail_size = (s.tail_size if tail.append else 0) + len(tail.text or "")
        s.tail_version = tail.version


class TailWrite(NamedTuple):
    """What a change writes to its basket's history tail (history.keep): `text` appended to
    it, or (append False) the whole tail (None: empty); `version`: the newest waiting."""

    append: bool
    text: str | None
    version: int | None

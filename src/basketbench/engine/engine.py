"""`BasketEngine`: the local basket engine's Python API, one object over one store (a SQLite
file, or a PostgreSQL database shared by several processes: store_api.py).

Every mutation is one write transaction that first locks its basket: load the basket, apply
the rule, reprice, write, bump the version (and write its history). The domain basket
(model/basket.py) is built after the commit, outside the writer's lock, once per basket
version (renders.py). Any error rolls the whole transaction back. Reads run in one snapshot (a
read transaction) so they see one consistent state. Methods that return a basket return the
domain `Basket` (typed, frozen, Decimal money); the wire JSON is made from it at the HTTP edge
(`basketbench.wirejson.render`). Records, promotion outcomes and listings are plain dicts.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..model.basket import Basket
from ..model.product import Product
from ..money import currency as lookup_currency
from ..money import format_amount, from_minor
from . import (
    basket_filter,
    domain,
    history,
    inputs,
    ops_basket,
    ops_delivery,
    ops_lines,
    ops_promos,
    sessions,
    storefront_views,
)
from . import catalogue as catalogue_mod
from . import explain as explain_mod
from .errors import BasketLocked, Conflict, NotFound, ValidationError, field_error
from .ids import normalise_guid
from .pricing import Priced, price
from .promotions import parse_time
from .renders import RenderCache
from .state import BasketState, Writer, load, new_state
from .store_api import Conn
from .store_open import open_store

Clock = Callable[[], datetime]

# The public operation under way and its arguments: what a history version records.
_OPERATION: ContextVar[tuple[str, dict] | None] = ContextVar("basketbench_operation",
                                                              default=None)
_NOT_RECORDED = ("self", "basket_id", "target_id", "expected_version")


def recorded(fn: Callable) -> Callable:
    """Mark a public mutation: its name and arguments go into the basket's history."""
    names = list(inspect.signature(fn).parameters)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = dict(zip(names, args))
        given.update(kwargs)
        token = _OPERATION.set((fn.__name__, {k: v for k, v in given.items()
                                              if k not in _NOT_RECORDED}))
        try:
            return fn(*args, **kwargs)
        finally:
            _OPERATION.reset(token)

    return wrapper


def utc_now() -> datetime:
    return datetime.now(UTC)


class BasketEngine:
    """The local engine. Thread-safe (one connection behind a lock); several processes may
    open the same file at once."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 retention: history.Retention | None = None,
                 keep_history: bool = True, write_wait: float | None = None) -> None:
        """`write_wait`: seconds a write waits for a database locked by another process
        before failing with StoreBusy (503); default store.WRITE_WAIT. `retention`: how much
        history a basket keeps (history.py)."""
        # A postgresql:// URL opens the shared PostgreSQL store, anything else a SQLite file.
        self.store = open_store(path, write_wait=write_wait)
        self.path: Path | str = Path(path) if self.store.kind == "sqlite" else self.store.location
        self.retention = retention or history.Retention()
        # Off only for throwaway engines and the benchmark that measures what history costs.
        self.keep_history = keep_history
        self.clock = clock or utc_now
        try:
            # A read-only, locked or damaged database is reported now, not at the first write.
            self.store.check_writable()
            self.store.migrate()
        except BaseException:
            self.store.close()
            raise
        self._cat = catalogue_mod.Catalogue()
        self._renders = RenderCache()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> BasketEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def catalogue(self, conn: Conn | None = None) -> catalogue_mod.Catalogue:
        if conn is None:  # never the writer connection outside its lock: a reader
            return self.store.read(self.catalogue)
        rev = catalogue_mod.read_rev(conn)
        if rev != self._cat.rev:
            self._cat = catalogue_mod.load(conn)
        return self._cat

    def _now(self) -> datetime:
        return self.clock()

    def _mutate(self, basket_id: object, op: Callable[[Writer, catalogue_mod.Catalogue,
                                                        datetime], Any],
                *, expected_version: int | None = None, create: bool = True,
                allow_locked: bool = False, currency: str | None = None,
                commit: bool = True) -> tuple[Any, Basket]:
        """Run `op` on the basket in one write transaction; returns (op result, basket)."""
        bid = normalise_guid(basket_id, "id")
        cur_code = (currency or "GBP").upper()
        lookup_currency_or_400(cur_code)

        def tx(conn: Conn
               ) -> tuple[Any, Priced, catalogue_mod.Catalogue, datetime]:
            self.store.lock_basket(conn, bid)
            cat = self.catalogue(conn)
            now = self._now()
            state = load(conn, cat, bid)
            if state is None:
                if not create:
                    raise NotFound(f"Basket {bid} not found", [f"id: basket {bid} not found"])
                state = new_state(bid, cur_code, domain.iso(now))
            check_version(state, expected_version)
            if state.is_locked and not allow_locked:
                raise BasketLocked(f"Basket {bid} is locked", [f"id: basket {bid} is locked"])
            writer = Writer(conn, state)
            result = op(writer, cat, now)
            priced = price(state, cat, now)
            stamp, total = domain.iso(now), priced.grand_total.gross
            tail = None
            if writer.changed and self.keep_history:
                # Kept before the row is written: the version waits in the row
                # (history.keep), which the UPDATE bumping the version writes with it.
                name, args = _OPERATION.get() or ("change", {})
                tail = history.keep(conn, writer, state.version + 1, stamp, name, args, total,
                                    self.retention, now)
            writer.finish(stamp, priced.line_count, total, tail=tail)
            return result, priced, cat, now

        result, priced, cat, now = self.store.transaction(tx, commit=commit)
        # Built after the commit, outside the writer's lock: other writers need not wait
        # for it. A dry run's basket is never cached (it was not committed).
        return result, self._built(priced, cat, now, cache=commit)

    def _built(self, priced: Priced, cat: catalogue_mod.Catalogue, now: datetime, *,
               cache: bool = True) -> Basket:
        """The domain basket of a priced basket, once per basket version (renders.py)."""
        if not cache:
            return domain.basket(priced, cat, now)
        return self._renders.render(priced, cat, now)

    def written_outside(self, basket_id: str) -> None:
        """The basket's row was written outside the engine's operations (the demo's seed
        data does): its next version is kept whole, not as a change of the one before
        (history.seal)."""
        bid = normalise_guid(basket_id, "id")
        self.store.transaction(lambda conn: history.seal(conn, bid))

    def _record_deletion(self, conn: Conn, basket_id: str,
                         op: tuple[str, dict] | None = None) -> None:
        """A last version of a basket about to be deleted: its history stays (restorable)."""
        cat = self.catalogue(conn)
        state = load(conn, cat, basket_id) if self.keep_history else None
        if state is None:
            return
        name, args = op or _OPERATION.get() or ("change", {})
        now = self._now()
        history.keep_deletion(conn, state, version=state.version + 1, op=name, args=args,
                              at=domain.iso(now), grand_total_minor=state.stored_total_minor,
                              retention=self.retention, now=now)

    def _read(self, fn: Callable[[Conn, catalogue_mod.Catalogue, datetime], Any]):
        return self.store.read(lambda conn: fn(conn, self.catalogue(conn), self._now()))

    def _record(self, record_id: str) -> dict:
        return {"recordId": record_id, "id": 0, "isValid": True}

    # -- reads ------------------------------------------------------------------------------

    def get_basket(self, basket_id: object) -> Basket:
        """The basket; an unknown id gives an empty, unsaved basket (`isNew: true`)."""
        bid = normalise_guid(basket_id, "id")

        def fn(conn, cat, now):
            state = load(conn, cat, bid)
            if state is None:
                return domain.basket(price(new_state(bid, "GBP", ""), cat, now), cat, now)
            hit = self._renders.lookup(state, cat, now)
            return hit if hit is not None else self._built(price(state, cat, now), cat, now)

        return self._read(fn)

    def explain(self, basket_id: object) -> dict:
        """Why every figure of the basket is what it is (see engine/explain.py)."""
        bid = normalise_guid(basket_id, "id")

        def fn(conn, cat, now):
            state = load(conn, cat, bid) or new_state(bid, "GBP", "")
            return explain_mod.explain(price(state, cat, now), cat, now)

        return self._read(fn)

    # -- history ----------------------------------------------------------------------------

    def history(self, basket_id: object, *, offset: int = 0, limit: int = 50) -> dict:
        """The basket's versions, newest first: {basketId, total, offset, rows: [{version, at,
        actor, op, args, summary, grandTotalMinor, currency, deleted}]}. A deleted basket's
        history is kept until retention removes it."""
        bid = normalise_guid(basket_id, "id")
        limit = max(1, min(int(limit), 1000))
        return self.store.read(lambda conn: history.page(conn, bid, max(0, int(offset)), limit,
                                                         self.catalogue(conn)))

    def basket_version(self, basket_id: object, version: object) -> Basket:
        """The basket as it was at `version` (read-only), priced as of that moment."""
        bid = normalise_guid(basket_id, "id")
        number = inputs.whole_number(version, "version", minimum=1)

        def fn(conn, cat, now):
            snap, at, _deleted = history.version_row(conn, bid, number)
            when = promotions_time(at)
            state = history.state_of(snap, bid, number, cat)
            state.last_updated = at
            return domain.basket(price(state, cat, when), cat, when)

        return self._read(fn)

    @recorded
    def restore(self, basket_id: object, version: object, *,
                expected_version: int | None = None) -> Basket:
        """Make the basket what it was at `version`, as a new version (history is never
        rewritten); a deleted basket comes back. Its currency and lock stay as they are."""
        bid = normalise_guid(basket_id, "id")
        number = inputs.whole_number(version, "version", minimum=1)

        def op(w: Writer, cat, now):
            snap, _at, deleted = history.version_row(w.conn, bid, number)
            if deleted:
                raise field_error("version", f"version {number} is the deletion of the basket: "
                                             f"restore the version before it")
            if not w.state.persisted:  # a deleted basket: back at its old currency and number
                w.state.currency = snap["basket"].get("currency", "GBP")
                w.state.version = history.newest_version(w.conn, bid) or 0
                w.state.created = snap.get("created") or w.state.created
            history.restore(w, cat, snap, number)

        return self._mutate(bid, op, expected_version=expected_version)[1]

    def list_user_baskets(self, user_id: object) -> list[Basket]:
        """Endpoint 01: the user's baskets, oldest first (engine-rules §7: the storefront's
        login code merges into the last one); the wire shows them in the short shape
        (`wirejson.render.short_basket`)."""
        uid = normalise_guid(user_id, "userId")

        def fn(conn, cat, now):
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM baskets WHERE user_id = ? ORDER BY created, id", (uid,))]
            states = [s for s in (load(conn, cat, b) for b in ids) if s is not None]
            return [domain.basket(price(s, cat, now), cat, now) for s in states]

        return self._read(fn)

    def list_baskets(self, *, user_id: str | None = None, query: str | None = None,
                     offset: int = 0, limit: int = 100) -> dict:
        """One page of basket summaries for the workbench, newest first, from the summary
        columns (no pricing): {total, offset, rows: [...]}. `query` matches the basket id
        prefix, the user's id or email, or a product's stock code or name in the basket."""
        limit = max(1, min(int(limit), 1000))
        offset = max(0, int(offset))
        uid = normalise_guid(user_id, "userId") if user_id else None
        q = query.strip().lower() if query and query.strip() else ""
        found = basket_filter.parts(q, self.catalogue()) if q else []

        def fn(conn, cat, now):
            if found and uid is None:  # the workbench's filter, from indexes
                total, rows = basket_filter.page(conn, found, limit, offset,
                                                 steer=self.store.kind == "sqlite")
            else:
                where, params = [], []
                if uid is not None:
                    where.append("b.user_id = ?")
                    params.append(uid)
                if found:
                    where.append("(" + " OR ".join(f"({p.where})" for p in found) + ")")
                    params += [v for p in found for v in p.params]
                clause = f"WHERE {' AND '.join(where)}" if where else ""
                total = conn.execute(f"SELECT count(*) FROM baskets b {clause}",
                                     params).fetchone()[0]
                rows = conn.execute(
                    f"SELECT {basket_filter.SUMMARY_COLUMNS} FROM baskets b {clause} "
                    f"{basket_filter.ORDER} LIMIT ? OFFSET ?", [*params, limit, offset]
                ).fetchall()
            return {"total": total, "offset": offset, "rows": [_summary(r) for r in rows]}

        return self._read(fn)

    def related_products(self, basket_id: object) -> list[Product]:
        bid = normalise_guid(basket_id, "id")

        def fn(conn, cat, now):
            state = load(conn, cat, bid) or new_state(bid, "GBP", "")
            in_basket = {ln.product.product_id for ln in state.lines}
            cur = lookup_currency(state.currency)
            seen: set[str] = set()
            out = []
            for ln in state.lines:
                for code in ln.product.related:
                    p = cat.product_by_code(code)
                    if p and p.product_id not in in_basket and p.product_id not in seen:
                        seen.add(p.product_id)
                        out.append(domain.product(p, cur))
            return out

        return self._read(fn)

    def search_products(self, query: str = "", *, limit: int = 50,
                        currency: str = "GBP") -> list[Product]:
        """Catalogue search by name, stock code, category or product id (case-insensitive)."""
        cur = lookup_currency_or_400(currency)
        q = (query or "").strip().lower()
        cat = self._read(lambda conn, cat, now: cat)
        found = [p for p in cat.products.values()
                 if not q or q in p.name.lower() or q in p.stock_code.lower()
                 or q in p.category.lower() or p.product_id.startswith(q)]
        return [domain.product(p, cur) for p in found[: max(1, min(limit, 500))]]

    def list_promotions(self) -> list[dict]:
        def fn(conn, cat, now):
            promos = list(cat.promotions.values()) + [p for p in cat.auto_promotions if not p.code]
            return [promotion_summary(p, now) for p in sorted(promos, key=lambda p: p.promo_id)]

        return self._read(fn)

    def list_shipping_methods(self, country: str | None = None, *,
                              currency: str = "GBP") -> list[dict]:
        """Methods (for a country) with their price and free-over threshold in `currency`."""
        cur = lookup_currency_or_400(currency)
        cat = self._read(lambda conn, cat, now: cat)
        methods = cat.methods_for(country.upper(), cur.code) if country else [
            m for m in cat.shipping.values() if cur.code in m.prices]
        out = []
        for m in methods:
            price, free_over = m.prices[cur.code]
            out.append({"id": m.id, "shippingCode": m.code, "displayName": m.display_name,
                        "countries": list(m.countries), "currencyCode": cur.code,
                        "price": from_minor(price, cur),
                        "freeOver": from_minor(free_over, cur) if free_over is not None else None,
                        "isNominated": m.is_nominated, "expectedDaysToDeliver": m.expected_days})
        return out

    def list_stores(self) -> list[dict]:
        cat = self._read(lambda conn, cat, now: cat)
        return [{"id": s.id, "code": s.code, "name": s.name, "address1": s.address1,
                 "city": s.city, "postCode": s.post_code, "countryCode": s.country_code}
                for s in cat.stores.values()]

    def list_users(self) -> list[dict]:
        cat = self._read(lambda conn, cat, now: cat)
        return list(cat.users.values())

    def shipping_options(self, basket_id: object, country: object,
                         post_code: object = None) -> storefront_views.ShippingOptions:
        """Storefront route: the methods offered for the basket in a country."""
        return storefront_views.shipping_options(self, basket_id, country, post_code)

    def basket_promotions(self, basket_id: object) -> dict:
        """Storefront route: {applicablePromotions, availablePromotions}."""
        return storefront_views.basket_promotions(self, basket_id)

    # -- lines ------------------------------------------------------------------------------

    @recorded
    def add_item(self, basket_id: object, item: dict, *, currency: str | None = None,
                 expected_version: int | None = None) -> Basket:
        """Endpoint 11: add a quantity delta (engine-rules §2)."""
        return self._mutate(basket_id, lambda w, cat, now: ops_lines.add_item(w, cat, item),
                            expected_version=expected_version, currency=currency)[1]

    @recorded
    def add_bulk(self, basket_id: object, items: list, *, currency: str | None = None,
                 expected_version: int | None = None) -> Basket:
        """Endpoint 12: every element or none."""
        return self._mutate(basket_id, lambda w, cat, now: ops_lines.add_bulk(w, cat, items),
                            expected_version=expected_version, currency=currency)[1]

    @recorded
    def set_qty(self, basket_id: object, product_id: object, qty: object, *,
                expected_version: int | None = None) -> Basket:
        """Endpoint 15: absolute quantity of the product's top-level line."""
        return self._mutate(basket_id,
                            lambda w, cat, now: ops_lines.set_qty(w, cat, product_id, qty),
                            expected_version=expected_version)[1]

    @recorded
    def remove_item(self, basket_id: object, product_id: object, *,
                    expected_version: int | None = None) -> Basket:
        """Endpoint 14: remove the top-level line and its children; absent is a no-op."""
        return self._mutate(basket_id, lambda w, cat, now: ops_lines.remove_item(w, product_id),
                            expected_version=expected_version)[1]

    @recorded
    def set_display_order(self, basket_id: object, entries: list, *,
                          expected_version: int | None = None) -> bool:
        """Endpoint 13: [{id, displayOrder}] by line id or product id."""
        self._mutate(basket_id, lambda w, cat, now: ops_lines.set_display_order(w, entries),
                     expected_version=expected_version)
        return True

    # -- promotions -------------------------------------------------------------------------

    @recorded
    def apply_promo(self, basket_id: object, code: object, *,
                    expected_version: int | None = None) -> dict:
        """Endpoint 17: {isVaild, isValid, message, basket} (`basket`: the domain Basket); a
        refusal changes nothing."""
        (ok, message), basket = self._mutate(
            basket_id, lambda w, cat, now: ops_promos.apply(w, cat, code, now),
            expected_version=expected_version)
        return {"isVaild": ok, "isValid": ok, "message": message, "basket": basket}

    @recorded
    def remove_promo(self, basket_id: object, code: object, *,
                     expected_version: int | None = None) -> dict:
        (ok, message), basket = self._mutate(
            basket_id, lambda w, cat, now: ops_promos.remove(w, code),
            expected_version=expected_version)
        return {"isVaild": ok, "isValid": ok, "message": message, "basket": basket}

    def check_promo(self, basket_id: object, code: object) -> tuple[bool, str]:
        """Endpoint 16 with its reason: apply as a dry run that is always rolled back."""
        try:
            (ok, message), _ = self._mutate(
                basket_id, lambda w, cat, now: ops_promos.apply(w, cat, code, now), commit=False)
        except BasketLocked as exc:
            return False, exc.message
        return ok, message

    def validate_promo(self, basket_id: object, code: object) -> bool:
        return self.check_promo(basket_id, code)[0]

    # -- merge ------------------------------------------------------------------------------

    @recorded
    def merge(self, target_id: object, source_id: object, *, strategy: str = "sum",
              dry_run: bool = False, expected_version: int | None = None) -> Basket:
        """Endpoint 08: merge the source into the target and delete the source; `dry_run`
        returns the merged basket and changes nothing (the workbench's preview)."""
        target = normalise_guid(target_id, "id")
        if source_id is None or source_id == "":
            raise field_error("sourceBasketId", "is required")
        source = normalise_guid(source_id, "sourceBasketId")
        if source == target:
            raise field_error("sourceBasketId", f"cannot merge basket {target} into itself")
        strategy = (strategy or "sum").lower()

        def op(w: Writer, cat, now):
            self.store.lock_basket(w.conn, source)
            src = load(w.conn, cat, source)
            if src is None:
                raise NotFound(f"Source basket {source} not found",
                               [f"sourceBasketId: basket {source} not found"])
            if src.is_locked:
                raise BasketLocked(f"Source basket {source} is locked",
                                   [f"sourceBasketId: basket {source} is locked"])
            if not w.state.persisted:  # a target made by this merge takes the source's currency
                w.state.currency = src.currency
            ops_basket.merge_lines(w, cat, src, strategy)
            ops_promos.carry_over(w, cat, src.promo_codes, now)
            w.ensure_row()
            self._record_deletion(w.conn, source, op=("merged", {"into": target,
                                                                "strategy": strategy}))
            w.conn.execute("DELETE FROM baskets WHERE id = ?", (source,))
            self._renders.forget(source)

        return self._mutate(target, op, expected_version=expected_version,
                            commit=not dry_run)[1]

    # -- delivery ---------------------------------------------------------------------------

    @recorded
    def set_shipping_method(self, basket_id: object, shipping_method_id: object,
                            country_code: object, nominated: dict | None = None, *,
                            expected_version: int | None = None) -> Basket:
        return self._mutate(basket_id, lambda w, cat, now: ops_delivery.set_shipping_method(
            w, cat, shipping_method_id, country_code, nominated, now),
            expected_version=expected_version)[1]

    @recorded
    def set_delivery_plans(self, basket_id: object, plans: list, *,
                           expected_version: int | None = None) -> dict:
        rid, _ = self._mutate(basket_id, lambda w, cat, now: ops_delivery.set_delivery_plans(
            w, cat, plans, now), expected_version=expected_version)
        return self._record(rid)

    @recorded
    def set_line_delivery_plan(self, basket_id: object, plan: dict, *,
                               expected_version: int | None = None) -> dict:
        rid, _ = self._mutate(basket_id, lambda w, cat, now: ops_delivery.set_line_delivery_plan(
            w, cat, plan, now), expected_version=expected_version)
        return self._record(rid)

    @recorded
    def set_delivery_instruction(self, basket_id: object, text: object, *,
                                 expected_version: int | None = None) -> dict:
        bid = normalise_guid(basket_id, "id")
        self._mutate(bid, lambda w, cat, now: ops_delivery.set_instruction(w, text),
                     expected_version=expected_version)
        return self._record(bid)

    @recorded
    def set_click_collect_store(self, basket_id: object, store: dict, *,
                                expected_version: int | None = None) -> dict:
        rid, _ = self._mutate(basket_id, lambda w, cat, now: ops_delivery.set_click_collect(
            w, cat, store), expected_version=expected_version)
        return self._record(rid)

    # -- basket fields ----------------------------------------------------------------------

    @recorded
    def set_po(self, basket_id: object, po_reference: object, *,
               expected_version: int | None = None) -> dict:
        bid = normalise_guid(basket_id, "id")
        self._mutate(bid, lambda w, cat, now: ops_basket.set_po(w, po_reference),
                     expected_version=expected_version)
        return self._record(bid)

    @recorded
    def assign_user(self, basket_id: object, user_id: object, *,
                    expected_version: int | None = None) -> Basket:
        return self._mutate(basket_id, lambda w, cat, now: ops_basket.assign_user(w, cat, user_id),
                            expected_version=expected_version)[1]

    @recorded
    def set_custom_info(self, basket_id: object, info: dict, *,
                        expected_version: int | None = None) -> Basket:
        return self._mutate(basket_id, lambda w, cat, now: ops_basket.set_custom_info(w, info),
                            expected_version=expected_version)[1]

    @recorded
    def set_subscription(self, basket_id: object, product_id: object, settings: dict, *,
                         expected_version: int | None = None) -> Basket:
        return self._mutate(basket_id, lambda w, cat, now: ops_basket.set_subscription(
            w, product_id, settings), expected_version=expected_version)[1]

    @recorded
    def set_campaign(self, basket_id: object, campaign_code: object, *,
                     expected_version: int | None = None) -> Basket:
        return self._mutate(basket_id, lambda w, cat, now: ops_basket.set_campaign(
            w, campaign_code), expected_version=expected_version)[1]

    @recorded
    def set_locked(self, basket_id: object, locked: bool, *,
                   expected_version: int | None = None) -> Basket:
        """Extension: lock or unlock (no documented endpoint sets the flag)."""
        def op(w, cat, now):
            if w.state.is_locked != locked:
                w.set_fields(is_locked=bool(locked))
        return self._mutate(basket_id, op, expected_version=expected_version, create=False,
                            allow_locked=True)[1]

    @recorded
    def delete_basket(self, basket_id: object, *, expected_version: int | None = None) -> bool:
        """Endpoint 06: True if it existed. A locked basket is refused (423)."""
        bid = normalise_guid(basket_id, "id")

        def tx(conn):
            self.store.lock_basket(conn, bid)
            row = conn.execute("SELECT version, is_locked FROM baskets WHERE id = ?",
                               (bid,)).fetchone()
            if row is None:
                check_version(BasketState(id=bid), expected_version)
                return False
            check_version(BasketState(id=bid, version=row[0]), expected_version)
            if row[1]:
                raise BasketLocked(f"Basket {bid} is locked", [f"id: basket {bid} is locked"])
            self._record_deletion(conn, bid)
            conn.execute("DELETE FROM baskets WHERE id = ?", (bid,))
            self._renders.forget(bid)
            return True

        return self.store.transaction(tx)

    # -- Nexudus basket sessions ------------------------------------------------------------

    def create_session(self, business_id: object, session_id: object, json_contents: object,
                       updated_by: str | None = None) -> dict:
        now = domain.iso(self._now())
        return self.store.transaction(lambda c: sessions.create(
            c, business_id, session_id, json_contents, now, updated_by))

    def list_sessions(self, *, page: int = 1, size: int = 25,
                      session_id: str | None = None) -> dict:
        return self.store.read(lambda c: sessions.page(c, page, size, session_id))

    def get_session(self, record_id: int) -> dict | None:
        return self.store.read(lambda c: sessions.get(c, record_id))

    def update_session(self, record_id: int, fields: dict, updated_by: str | None = None
                       ) -> dict | None:
        now = domain.iso(self._now())
        return self.store.transaction(lambda c: sessions.update(c, record_id, fields, now,
                                                                updated_by))

    def delete_session(self, record_id: int) -> bool:
        return self.store.transaction(lambda c: sessions.delete(c, record_id))


def _summary(r: tuple) -> dict:
    """A basket's summary row (basket_filter.SUMMARY_COLUMNS) as the listing shows it."""
    cur = lookup_currency(r[3])
    return {
        "id": r[0], "userId": r[1], "userEmail": r[2], "currencyCode": r[3],
        "lineCount": r[4], "grandTotal": from_minor(r[5], cur),
        "grandTotalFormatted": format_amount(r[5], cur), "lastUpdated": r[6],
        "isLocked": bool(r[7]), "isQuote": bool(r[8]), "version": r[9],
    }


def promotions_time(at: str) -> datetime:
    """A version's timestamp as the moment its promotions are judged at."""
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def check_version(state: BasketState, expected: int | None) -> None:
    if expected is not None and state.version != expected:
        raise Conflict(
            f"Basket {state.id} is at version {state.version}, not {expected}",
            [f"If-Match: basket is at version {state.version}"], current_version=state.version)


def lookup_currency_or_400(code: str):
    try:
        return lookup_currency(code)
    except ValueError as exc:
        raise ValidationError(f"Currency: {exc}", [f"Currency: {exc}"]) from None


def promotion_summary(p: catalogue_mod.Promotion, now: datetime) -> dict:
    status = "active"
    if p.valid_to and now > parse_time(p.valid_to):
        status = "expired"
    elif p.valid_from and now < parse_time(p.valid_from):
        status = "not yet valid"
    elif p.usage_limit is not None and p.usage_count >= p.usage_limit:
        status = "exhausted"
    cur = lookup_currency(p.currency)
    return {
        "code": p.code, "name": p.name, "kind": p.kind,
        "percent": p.percent if p.percent_bp else None,
        "amount": from_minor(p.amount_minor, cur) if p.amount_minor else None,
        "minSubtotal": from_minor(p.min_subtotal_minor, cur) if p.min_subtotal_minor else None,
        "minItems": p.min_items or None, "requiredCategory": p.required_category,
        "requiredStockCode": p.required_stock_code, "category": p.target_category,
        "stockCode": p.target_stock_code, "productId": p.target_product_id,
        "buy": p.buy or None, "get": p.get or None,
        "shippingCodes": list(p.shipping_codes) or None, "currency": p.only_currency,
        "validFrom": p.valid_from, "validTo": p.valid_to, "usageLimit": p.usage_limit,
        "usageCount": p.usage_count, "priority": p.priority, "exclusive": p.exclusive,
        "autoApply": p.auto_apply, "status": status,
    }

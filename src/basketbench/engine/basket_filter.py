"""The workbench's basket filter, answered from indexes (issue 14: 100k baskets in <= 10 ms).

A query matches a basket whose id starts with it, whose user's id starts with it, whose
user's email or name contains it, or that holds a product whose stock code or name contains
it. Users and products are matched in the in-memory catalogue first, so each way of matching
becomes one indexed condition on `baskets` (a "part"). Then:

- the total: each part is counted from its own index; when only one part matches anything
  (the usual case: "alice" names a user and no product), that count is the total, with no
  union of ids; otherwise SQLite counts the OR of the parts (a multi-index OR, by rowid);
- the page, newest first: a part that is one user's baskets is read in order from the
  (user_id, last_updated) index; when the matches are dense (a large share of all baskets),
  the last_updated index is walked newest first and each row tested (the page fills after a
  few hundred rows) instead of sorting every match; otherwise the matches are sorted.

Plain SQL on the existing indexes: no schema change. The walk steers SQLite's planner (the
unary + and `max(rowid)` are SQLite's); on PostgreSQL the plain conditions go to its own
planner, which chooses between the indexes by their statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue
from .store_api import Conn

# Walk the last_updated index when it is expected to fill the page within this many rows.
WALK_BUDGET = 20_000
SUMMARY_COLUMNS = ("b.id, b.user_id, b.user_email, b.currency, b.line_count, "
                   "b.grand_total_minor, b.last_updated, b.is_locked, b.is_quote, b.version")
ORDER = "ORDER BY b.last_updated DESC, b.id"


@dataclass
class Part:
    """One indexed way of matching. `scan` is `where` with its columns behind a unary +,
    which keeps SQLite from using their indexes, so it walks the last_updated index."""

    where: str
    scan: str
    params: list
    count_sql: str
    one_user: bool = False


def parts(q: str, cat: Catalogue) -> list[Part]:
    users = [u["userId"] for u in cat.users.values()
             if q in (u["email"] or "").lower() or q in (u["name"] or "").lower()
             or u["userId"].startswith(q)]
    products = [p.product_id for p in cat.products.values()
                if q in p.stock_code.lower() or q in p.name.lower()]
    end = q + "\uffff"
    out = [
        Part("b.id >= ? AND b.id < ?", "+b.id >= ? AND +b.id < ?", [q, end],
             "SELECT count(*) FROM baskets b WHERE b.id >= ? AND b.id < ?"),
        Part("b.user_id >= ? AND b.user_id < ?", "+b.user_id >= ? AND +b.user_id < ?",
             [q, end], "SELECT count(*) FROM baskets b WHERE b.user_id >= ? AND b.user_id < ?"),
    ]
    if users:
        marks = ", ".join("?" * len(users))
        out.append(Part(f"b.user_id IN ({marks})", f"+b.user_id IN ({marks})", users,
                        f"SELECT count(*) FROM baskets b WHERE b.user_id IN ({marks})",
                        one_user=len(users) == 1))
    if products:
        marks = ", ".join("?" * len(products))
        inner = f"SELECT basket_id FROM lines WHERE product_id IN ({marks})"
        # Walking: a probe of the basket's own lines per row, not a set of every match.
        probe = (f"EXISTS (SELECT 1 FROM lines l WHERE l.basket_id = b.id "
                 f"AND +l.product_id IN ({marks}))")
        out.append(Part(f"b.id IN ({inner})", probe, products,
                        "SELECT count(DISTINCT basket_id) FROM lines "
                        f"WHERE product_id IN ({marks})"))
    return out


def page(conn: Conn, found: list[Part], limit: int, offset: int, *, steer: bool = True
         ) -> tuple[int, list[tuple]]:
    """(total, summary rows of one page) of the baskets any part matches. `steer`: choose
    the walk by hand (SQLite); off, the database's planner chooses (PostgreSQL)."""
    counts = [conn.execute(p.count_sql, p.params).fetchone()[0] for p in found]
    live = [p for p, n in zip(found, counts) if n]
    if not live:
        return 0, []
    params = [v for p in live for v in p.params]
    where = " OR ".join(f"({p.where})" for p in live)
    if len(live) == 1:
        total = counts[found.index(live[0])]
    else:
        total = conn.execute(f"SELECT count(*) FROM baskets b WHERE {where}",
                             params).fetchone()[0]
    if (len(live) == 1 and live[0].one_user) or not steer:
        pass  # in order from the (user_id, last_updated) index, or the planner's choice
    else:
        everything = conn.execute("SELECT max(rowid) FROM baskets").fetchone()[0] or 0
        if (offset + limit) * everything <= WALK_BUDGET * total:
            where = " OR ".join(f"({p.scan})" for p in live)
    rows = conn.execute(f"SELECT {SUMMARY_COLUMNS} FROM baskets b WHERE {where} {ORDER} "
                        "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return total, rows

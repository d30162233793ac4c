"""The database schema, created and migrated with sqlite-utils from a schema-version table.

Money columns end in `_minor` and hold integer minor units. JSON columns hold small documents
(custom info, delivery plans) whose money values are minor units too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .storage_errors import SchemaTooNew

if TYPE_CHECKING:  # imported by the engine only to migrate (engine.py): reads start faster
    import sqlite_utils

SCHEMA_VERSION = 7


def _v1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("products").create(
        {
            "product_id": str, "stock_code": str, "name": str, "category": str, "brand": str,
            "description": str, "tax_bp": int, "current_stock": int, "personalisable": int,
            "child_only": int, "excluded": int, "variant_group": str, "variant_attrs": str,
            "related": str, "position": int,
        },
        pk="product_id",
        not_null={"stock_code", "name", "tax_bp", "current_stock"},
    )
    db.table("products").create_index(["stock_code"], unique=True)
    db.table("product_prices").create(
        {"product_id": str, "currency": str, "price_minor": int},
        pk=("product_id", "currency"),
        foreign_keys=[("product_id", "products", "product_id")],
    )
    db.table("promotions").create(
        {
            "promo_id": int, "code": str, "name": str, "kind": str, "percent_bp": int,
            "amount_minor": int, "currency": str, "min_subtotal_minor": int, "min_items": int,
            "required_category": str, "required_stock_code": str, "target_category": str,
            "target_stock_code": str, "target_product_id": str, "buy": int, "get": int,
            "shipping_codes": str, "only_currency": str, "valid_from": str, "valid_to": str,
            "usage_limit": int, "usage_count": int, "priority": int, "exclusive": int,
            "auto_apply": int,
        },
        pk="promo_id",
    )
    db.table("promotions").create_index(["code"], unique=True)
    db.table("shipping_methods").create(
        {
            "id": str, "code": str, "display_name": str, "countries": str, "price_minor": int,
            "free_over_minor": int, "currency": str, "expected_days": int, "is_nominated": int,
            "tax_bp": int, "position": int,
        },
        pk="id",
    )
    db.table("shipping_methods").create_index(["code"], unique=True)
    db.table("stores").create(
        {
            "id": str, "code": str, "name": str, "address1": str, "city": str,
            "post_code": str, "country": str, "country_code": str, "phone": str,
        },
        pk="id",
    )
    db.table("stores").create_index(["code"], unique=True)
    db.table("users").create({"user_id": str, "email": str, "name": str}, pk="user_id")
    db.table("baskets").create(
        {
            "id": str, "user_id": str, "user_email": str, "currency": str, "version": int,
            "created": str, "last_updated": str, "is_locked": int, "created_by_admin": int,
            "is_quote": int, "quote_status": int, "valid_until": str,
            "shipping_method_id": str, "country_code": str, "nominated": str,
            "po_number": str, "delivery_instruction": str, "campaign_code": str,
            "custom_info": str, "store_id": str, "delivery_plans": str, "post_code": str,
            # Denormalised summary, written in the same transaction as every change, so the
            # basket list can page through 100k baskets without pricing each one.
            "line_count": int, "grand_total_minor": int,
        },
        pk="id",
        not_null={"currency", "version", "created", "last_updated"},
        defaults={"version": 0, "is_locked": 0, "created_by_admin": 0, "is_quote": 0,
                  "quote_status": 0, "line_count": 0, "grand_total_minor": 0},
    )
    db.table("baskets").create_index(["user_id", "last_updated"])
    db.table("baskets").create_index(["last_updated"])
    db.table("lines").create(
        {
            "id": int, "basket_id": str, "product_id": str, "parent_product_id": str,
            "qty": int, "display_order": int, "manual_price_minor": int,
            "additional_charge_minor": int, "custom_info": str, "item_type": int,
            "subscription": str, "gift_wrap_id": str, "is_gift_wrap": int,
        },
        pk="id",
        not_null={"basket_id", "product_id", "parent_product_id", "qty", "display_order"},
        defaults={"additional_charge_minor": 0, "item_type": 0, "is_gift_wrap": 0},
    )
    # sqlite-utils cannot declare ON DELETE CASCADE, so the foreign key is added by hand.
    db.execute("DROP TABLE lines")
    db.execute(
        """CREATE TABLE lines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            basket_id TEXT NOT NULL REFERENCES baskets(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL REFERENCES products(product_id),
            parent_product_id TEXT NOT NULL,
            qty INTEGER NOT NULL CHECK (qty > 0),
            display_order INTEGER NOT NULL,
            manual_price_minor INTEGER,
            additional_charge_minor INTEGER NOT NULL DEFAULT 0,
            custom_info TEXT,
            item_type INTEGER NOT NULL DEFAULT 0,
            subscription TEXT,
            gift_wrap_id TEXT,
            is_gift_wrap INTEGER NOT NULL DEFAULT 0,
            UNIQUE (basket_id, product_id, parent_product_id)
        )"""
    )
    db.table("lines").create_index(["basket_id", "display_order"])
    db.table("lines").create_index(["product_id"])
    db.execute(
        """CREATE TABLE basket_promos (
            basket_id TEXT NOT NULL REFERENCES baskets(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (basket_id, code)
        )"""
    )
    db.table("sessions").create(
        {
            "id": int, "business_id": int, "session_id": str, "json_contents": str,
            "created_on": str, "updated_on": str, "updated_by": str,
        },
        pk="id",
    )
    db.table("sessions").create_index(["session_id"])


def _v2(db: sqlite_utils.Database) -> None:
    """Session ids never reused (AUTOINCREMENT), and shipping prices per currency."""
    db.execute(
        """CREATE TABLE sessions_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            business_id INTEGER, session_id TEXT, json_contents TEXT,
            created_on TEXT, updated_on TEXT, updated_by TEXT
        )"""
    )
    db.execute("INSERT INTO sessions_v2 SELECT id, business_id, session_id, json_contents, "
               "created_on, updated_on, updated_by FROM sessions")
    db.execute("DROP TABLE sessions")
    db.execute("ALTER TABLE sessions_v2 RENAME TO sessions")
    db.table("sessions").create_index(["session_id"])
    db.execute(
        """CREATE TABLE shipping_prices (
            method_id TEXT NOT NULL REFERENCES shipping_methods(id) ON DELETE CASCADE,
            currency TEXT NOT NULL,
            price_minor INTEGER NOT NULL,
            free_over_minor INTEGER,
            PRIMARY KEY (method_id, currency)
        )"""
    )
    db.execute("INSERT INTO shipping_prices SELECT id, coalesce(currency, 'GBP'), price_minor, "
               "free_over_minor FROM shipping_methods")


def _v3(db: sqlite_utils.Database) -> None:
    """Personalised child lines keyed by their text (engine-rules §2): a `text_key` column in
    the line key, so a second engraving under one parent is a new line; a product's longest
    personalisation text; which shipping methods are click & collect."""
    db.execute(
        """CREATE TABLE lines_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            basket_id TEXT NOT NULL REFERENCES baskets(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL REFERENCES products(product_id),
            parent_product_id TEXT NOT NULL,
            text_key TEXT NOT NULL DEFAULT '',
            qty INTEGER NOT NULL CHECK (qty > 0),
            display_order INTEGER NOT NULL,
            manual_price_minor INTEGER,
            additional_charge_minor INTEGER NOT NULL DEFAULT 0,
            custom_info TEXT,
            item_type INTEGER NOT NULL DEFAULT 0,
            subscription TEXT,
            gift_wrap_id TEXT,
            is_gift_wrap INTEGER NOT NULL DEFAULT 0,
            UNIQUE (basket_id, product_id, parent_product_id, text_key)
        )"""
    )
    db.execute(
        "INSERT INTO lines_v3 (id, basket_id, product_id, parent_product_id, qty, display_order,"
        " manual_price_minor, additional_charge_minor, custom_info, item_type, subscription,"
        " gift_wrap_id, is_gift_wrap) SELECT id, basket_id, product_id, parent_product_id, qty,"
        " display_order, manual_price_minor, additional_charge_minor, custom_info, item_type,"
        " subscription, gift_wrap_id, is_gift_wrap FROM lines"
    )
    # Line ids are never reused: carry the AUTOINCREMENT high-water mark over.
    db.execute("INSERT INTO sqlite_sequence (name, seq) SELECT 'lines_v3', seq FROM "
               "sqlite_sequence WHERE name = 'lines'")
    db.execute("DROP TABLE lines")
    db.execute("ALTER TABLE lines_v3 RENAME TO lines")
    db.table("lines").create_index(["basket_id", "display_order"])
    db.table("lines").create_index(["product_id"])
    db.execute("ALTER TABLE products ADD COLUMN max_text_length INTEGER")
    db.execute("ALTER TABLE shipping_methods ADD COLUMN is_click_collect INTEGER NOT NULL "
               "DEFAULT 0")


def _v4(db: sqlite_utils.Database) -> None:
    """Basket history (engine/history.py): one row per version of a basket, written in the
    same transaction as the change. No foreign key: a deleted basket keeps its history."""
    db.execute(
        """CREATE TABLE basket_history (
            basket_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            op TEXT NOT NULL,
            args TEXT,
            summary TEXT NOT NULL,
            snapshot BLOB NOT NULL,
            grand_total_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (basket_id, version)
        )"""
    )
    # Only the primary key's index: retention works per basket, so `at` needs none, and every
    # index is one more page written per change.


def _v5_auth(db: sqlite_utils.Database) -> None:
    """Sandbox auth kept in the database, so every server process on the file shares it.

    auth_tokens: issued access and refresh tokens under their SHA-256 (never the token),
    with the principal and roles they stand for; a grant ties an access token to the refresh
    token issued with it (revoking the refresh token revokes both). Times are Unix seconds.
    auth_failures: failed token requests per key (client id, user, address) for the rate
    limit with lock-out."""
    db.execute(
        """CREATE TABLE auth_tokens (
            token_hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            grant_id TEXT NOT NULL,
            principal TEXT NOT NULL,
            roles TEXT NOT NULL DEFAULT '[]',
            issued REAL NOT NULL,
            expires REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX auth_tokens_grant ON auth_tokens (grant_id)")
    db.execute("CREATE INDEX auth_tokens_expires ON auth_tokens (expires)")
    db.execute(
        """CREATE TABLE auth_failures (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_start REAL NOT NULL,
            locked_until REAL NOT NULL DEFAULT 0
        )"""
    )


def _v6_history_new(db: sqlite_utils.Database) -> None:
    """The newest basket versions, appended to a table with no index (history.py): a
    version written to basket_history costs two pages of write-ahead log (the row and its
    primary-key entry, somewhere in the middle of the index), one appended here costs one.
    Every FLUSH_AT versions they move to basket_history in one go. The same columns."""
    db.execute(
        """CREATE TABLE basket_history_new (
            basket_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            op TEXT NOT NULL,
            args TEXT,
            summary TEXT NOT NULL,
            snapshot BLOB NOT NULL,
            grand_total_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0
        )"""
    )


def _v7_history_tail(db: sqlite_utils.Database) -> None:
    """Where history keeps a version (history.TAIL_BYTES): a basket's newest versions wait in
    its own row (`history_tail`, JSON lines, and `history_tail_version`, the newest one's
    number: the page holding the row is written by every change anyway), then move, several
    at once, to one row of basket_history_chunks. basket_history_new (schema 6) goes: its
    versions move to basket_history."""
    db.execute("ALTER TABLE baskets ADD COLUMN history_tail TEXT")
    db.execute("ALTER TABLE baskets ADD COLUMN history_tail_version INTEGER")
    db.execute(
        """CREATE TABLE basket_history_chunks (
            basket_id TEXT NOT NULL,
            first_version INTEGER NOT NULL,
            last_version INTEGER NOT NULL,
            first_at TEXT NOT NULL,
            versions INTEGER NOT NULL,
            entries BLOB NOT NULL,
            PRIMARY KEY (basket_id, first_version)
        )"""
    )
    db.execute(_MOVE_HISTORY_NEW)
    db.execute("DROP TABLE basket_history_new")


_HISTORY_COLUMNS = ("basket_id, version, at, actor, op, args, summary, snapshot, "
                    "grand_total_minor, currency, deleted")
# Schema 6's waiting versions into basket_history, the newer one winning a clash (as the
# flush of schema 6 did); "WHERE true": SQLite reads an ON right after a SELECT as a join's.
_MOVE_HISTORY_NEW = (
    f"INSERT INTO basket_history ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} "
    f"FROM basket_history_new WHERE true ORDER BY rowid "
    "ON CONFLICT (basket_id, version) DO UPDATE SET at = excluded.at, actor = excluded.actor, "
    "op = excluded.op, args = excluded.args, summary = excluded.summary, "
    "snapshot = excluded.snapshot, grand_total_minor = excluded.grand_total_minor, "
    "currency = excluded.currency, deleted = excluded.deleted")


# Each entry migrates from the version before it; append, never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5_auth,
                                                              _v6_history_new,
                                                              _v7_history_tail]
assert len(MIGRATIONS) == SCHEMA_VERSION


def current_version(db: sqlite_utils.Database) -> int:
    if "schema_version" not in db.table_names():
        return 0
    row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database, where: str = "the database") -> int:
    """Bring the schema up to SCHEMA_VERSION, in one transaction; a newer schema is refused
    with SchemaTooNew (nothing is changed)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "schema_version" not in db.table_names():
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT)")
        version = current_version(db)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"The database {where} has schema version {version}, newer than this "
                f"basketbench understands ({SCHEMA_VERSION}): it was written by a later "
                "release. Upgrade basketbench, or use another file with --db.")
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](db)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, datetime('now'))", (step + 1,)
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION

"""Sandbox extensions (engine-rules §10): ETag/If-Match, merge strategy and dry run,
lock/unlock, catalogue listings and the basket listing."""

from __future__ import annotations

from .conftest import PRODUCTS, USERS, add, demo_basket, error_body, new_id, ok_result


def lines(basket):
    return {ln["stockCode"]: ln["qty"] for ln in basket["lineItems"]}


def test_etag_and_if_match(api):
    bid = new_id()
    basket = add(api, bid, "MUG-WHITE")
    version = basket["version"]
    resp = api.get(f"/{bid}")
    assert resp.headers["etag"] == f'"{version}"'
    # Quoted, bare and weak forms are all accepted.
    for form in (f'"{version}"', f"{version + 1}", f'W/"{version + 2}"'):
        resp = api.put(f"/{bid}/items/add", json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1},
                       headers={"If-Match": form})
        assert resp.status_code == 200, (form, resp.text)
    current = version + 3
    assert ok_result(api.get(f"/{bid}"))["version"] == current
    stale = api.put(f"/{bid}/items/add", json={"productId": PRODUCTS["MUG-WHITE"], "qty": 1},
                    headers={"If-Match": f'"{version}"'})
    body = error_body(stale, 409, "CONFLICT", str(current))
    assert stale.headers["etag"] == f'"{current}"'
    assert body["result"] is None
    assert lines(ok_result(api.get(f"/{bid}"))) == {"MUG-WHITE": 4}
    error_body(api.put(f"/{bid}/po", params={"poReference": "x"}, headers={"If-Match": "abc"}),
               400, "VALIDATION", "If-Match", "abc")
    # "*" means any version.
    ok_result(api.put(f"/{bid}/po", params={"poReference": "x"}, headers={"If-Match": "*"}))


def test_if_match_on_other_mutations(api):
    bid = new_id()
    basket = add(api, bid, "MUG-WHITE", 2)
    stale = {"If-Match": str(basket["version"] - 1)}
    checks = [
        api.put(f"/{bid}/items/{PRODUCTS['MUG-WHITE']}/5", headers=stale),
        api.delete(f"/{bid}/items/{PRODUCTS['MUG-WHITE']}/remove", headers=stale),
        api.post(f"/{bid}/promo/SAVE10/apply", headers=stale),
        api.put(f"/{bid}/campaign", params={"campaignCode": "c"}, headers=stale),
        api.delete(f"/{bid}/delete", headers=stale),
        api.put(f"/{bid}/lock", headers=stale),
    ]
    for resp in checks:
        error_body(resp, 409, "CONFLICT")
    assert ok_result(api.get(f"/{bid}"))["version"] == basket["version"]


def test_merge_strategies_and_dry_run(api):
    def pair():
        target, source = new_id(), new_id()
        add(api, target, "MUG-WHITE", 5)
        add(api, source, "MUG-WHITE", 2)
        add(api, source, "CANDLE-FIG", 1)
        return target, source

    target, source = pair()
    preview = ok_result(api.put(f"/{target}/merge", params={
        "sourceBasketId": source, "strategy": "max", "dryRun": "true"}))
    assert lines(preview) == {"MUG-WHITE": 5, "CANDLE-FIG": 1}
    assert lines(ok_result(api.get(f"/{target}"))) == {"MUG-WHITE": 5}
    assert ok_result(api.get(f"/{source}"))["isNew"] is False  # nothing changed
    merged = ok_result(api.put(f"/{target}/merge", params={"sourceBasketId": source,
                                                          "strategy": "replace"}))
    assert lines(merged) == {"MUG-WHITE": 2, "CANDLE-FIG": 1}
    target, source = pair()
    assert lines(ok_result(api.put(f"/{target}/merge", params={
        "sourceBasketId": source, "strategy": ""}))) == {"MUG-WHITE": 7, "CANDLE-FIG": 1}
    error_body(api.put(f"/{target}/merge", params={"sourceBasketId": new_id(),
                                                   "strategy": "avg"}),
               400, "VALIDATION", "strategy", "avg")
    error_body(api.put(f"/{target}/merge", params={"sourceBasketId": new_id(),
                                                   "dryRun": "maybe"}),
               400, "VALIDATION", "dryRun", "maybe")


def test_lock_and_unlock(api):
    bid = new_id()
    add(api, bid, "MUG-WHITE")
    resp = api.put(f"/{bid}/lock")
    locked = ok_result(resp)
    assert locked["isLocked"] is True and resp.headers["etag"] == f'"{locked["version"]}"'
    error_body(api.put(f"/{bid}/items/add", json={"productId": PRODUCTS["MUG-WHITE"],
                                                  "qty": 1}), 423, "BASKET_LOCKED")
    assert ok_result(api.get(f"/{bid}"))["isLocked"] is True  # reads still work
    unlocked = ok_result(api.put(f"/{bid}/unlock"))
    assert unlocked["isLocked"] is False
    assert lines(add(api, bid, "MUG-WHITE")) == {"MUG-WHITE": 2}
    error_body(api.put(f"/{new_id()}/lock"), 404, "NOT_FOUND")
    error_body(api.put("/nope/lock"), 400, "VALIDATION", "nope")


def test_catalogue_products(api):
    found = ok_result(api.get("/catalogue/products", params={"q": "mug"}))
    assert "MUG-WHITE" in [p["stockCode"] for p in found]
    assert all("mug" in (p["name"] + p["stockCode"] + p.get("category", "")).lower()
               for p in found)
    assert len(ok_result(api.get("/catalogue/products", params={"limit": 2}))) == 2
    every = ok_result(api.get("/catalogue/products?q=&limit="))
    assert set(PRODUCTS) <= {p["stockCode"] for p in every}
    eur = ok_result(api.get("/catalogue/products", params={"q": "MUG-WHITE",
                                                           "currency": "EUR"}))
    assert eur[0]["productId"] == PRODUCTS["MUG-WHITE"]
    error_body(api.get("/catalogue/products", params={"limit": "lots"}), 400, "VALIDATION",
               "limit", "lots")
    error_body(api.get("/catalogue/products", params={"limit": "0"}), 400, "VALIDATION",
               "limit")
    error_body(api.get("/catalogue/products", params={"currency": "XYZ"}), 400, "VALIDATION",
               "Currency")


def test_catalogue_listings(api):
    promos = {p["code"]: p for p in ok_result(api.get("/catalogue/promotions"))}
    assert promos["SAVE10"]["status"] == "active"
    assert promos["XMAS2020"]["status"] == "expired"
    assert promos["VIP50"]["status"] == "exhausted"
    methods = ok_result(api.get("/catalogue/shipping-methods", params={"countryCode": "GB"}))
    assert {"STD", "NEXT", "NOM", "CNC"} <= {m["shippingCode"] for m in methods}
    assert "INTL-US" not in {m["shippingCode"] for m in methods}
    every = ok_result(api.get("/catalogue/shipping-methods?countryCode="))
    assert "INTL-US" in {m["shippingCode"] for m in every}
    stores = ok_result(api.get("/catalogue/stores"))
    assert {"LDN1", "MAN1", "EDI1"} <= {s["code"] for s in stores}
    users = ok_result(api.get("/catalogue/users"))
    assert USERS["alice"] in {u["userId"] for u in users}


def test_all_baskets_listing(api):
    page = ok_result(api.get("/all", params={"limit": 3}))
    assert page["offset"] == 0 and len(page["rows"]) == 3 and page["total"] >= 14
    row = page["rows"][0]
    assert {"id", "userId", "lineCount", "grandTotal", "version", "isLocked"} <= set(row)
    alice = ok_result(api.get("/all", params={"userId": USERS["alice"]}))
    assert demo_basket("alice-main") in {r["id"] for r in alice["rows"]}
    assert all(r["userId"] == USERS["alice"] for r in alice["rows"])
    by_query = ok_result(api.get("/all", params={"q": "bob@example"}))
    assert demo_basket("bob-locked") in {r["id"] for r in by_query["rows"]}
    second = ok_result(api.get("/all", params={"offset": 1, "limit": 1}))
    assert second["offset"] == 1 and len(second["rows"]) == 1
    error_body(api.get("/all", params={"offset": "-1"}), 400, "VALIDATION", "offset")
    error_body(api.get("/all", params={"userId": "u1"}), 400, "VALIDATION", "userId")


def test_get_cache_sees_writes_from_another_process(api, sandbox):
    """GET bodies are cached per version; a write made by another connection to the same
    database file (the CLI, the workbench in local mode) shows at once."""
    from basketbench.engine import BasketEngine

    bid = new_id()
    add(api, bid, "MUG-WHITE")
    first = ok_result(api.get(f"/{bid}"))
    assert ok_result(api.get(f"/{bid}")) == first  # served from the cache
    with BasketEngine(sandbox.db_path) as other:
        other.add_item(bid, {"productId": PRODUCTS["CANDLE-FIG"], "qty": 2})
    after = ok_result(api.get(f"/{bid}"))
    assert after["version"] == first["version"] + 1
    assert lines(after) == {"MUG-WHITE": 1, "CANDLE-FIG": 2}

"""Every route of the sandbox, for the bad-input and fuzz tests: (method, path template,
body kind). Body kinds: None (no body), "object", "array", "form" (object or form fields)."""

from __future__ import annotations

B = "/api/v2/commerce/basket"
N = "/api/billing/basketsessions"

ROUTES: list[tuple[str, str, str | None]] = [
    ("GET", f"{B}/user/{{userId}}/all", None),
    ("GET", f"{B}/{{id}}", None),
    ("PUT", f"{B}/{{id}}/campaign", None),
    ("PUT", f"{B}/{{id}}/custom-info", "object"),
    ("PUT", f"{B}/{{id}}/subscription/{{productId}}", "form"),
    ("DELETE", f"{B}/{{id}}/delete", None),
    ("GET", f"{B}/{{id}}/related-products", None),
    ("PUT", f"{B}/{{id}}/merge", None),
    ("PUT", f"{B}/{{id}}/po", None),
    ("PUT", f"{B}/{{id}}/user", None),
    ("PUT", f"{B}/{{id}}/items/add", "object"),
    ("PUT", f"{B}/{{id}}/items/add-bulk", "array"),
    ("PUT", f"{B}/{{id}}/items/display-order", "array"),
    ("DELETE", f"{B}/{{id}}/items/{{productId}}/remove", None),
    ("PUT", f"{B}/{{id}}/items/{{productId}}/{{qty}}", None),
    ("GET", f"{B}/{{id}}/promo/{{promoCode}}/validate", None),
    ("GET", f"{B}/{{id}}/promo/{{promoCode}}/apply", None),
    ("POST", f"{B}/{{id}}/promo/{{promoCode}}/apply", None),
    ("DELETE", f"{B}/{{id}}/promo/{{promoCode}}/remove", None),
    ("PUT", f"{B}/{{id}}/delivery/shipping-method", "optional-object"),
    ("PUT", f"{B}/{{id}}/delivery/plan", "array"),
    ("PUT", f"{B}/{{id}}/delivery/line-plan", "object"),
    ("PUT", f"{B}/{{id}}/delivery/instructions", "form"),
    ("PUT", f"{B}/{{id}}/delivery/click-collect-store", "object"),
    ("PUT", f"{B}/{{id}}/lock", None),
    ("PUT", f"{B}/{{id}}/unlock", None),
    ("GET", f"{B}/{{id}}/explain", None),
    ("GET", f"{B}/{{id}}/history", None),
    ("GET", f"{B}/{{id}}/history/{{version}}", None),
    ("GET", f"{B}/{{id}}/events", None),
    ("PUT", f"{B}/{{id}}/history/{{version}}/restore", None),
    ("GET", f"{B}/all", None),
    ("GET", f"{B}/catalogue/products", None),
    ("GET", f"{B}/catalogue/promotions", None),
    ("GET", f"{B}/catalogue/shipping-methods", None),
    ("GET", f"{B}/catalogue/stores", None),
    ("GET", f"{B}/catalogue/users", None),
    ("GET", "/api/v2/commerce/shipping-method", None),
    ("GET", "/api/v2/commerce/promotion/basket-promotions", None),
    ("POST", N, "object"),
    ("GET", N, None),
    ("GET", f"{N}/{{id}}", None),
    ("PUT", N, "object"),
    ("PUT", f"{N}/{{id}}", "object"),
    ("DELETE", f"{N}/{{id}}", None),
    ("POST", "/oAuth/Token", "form"),
    ("POST", "/oAuth/revoke", "form"),
    ("POST", "/api/token", "form"),
    ("POST", "/api/token/revoke", "form"),
]

QUERY_PARAMS = {
    "/commerce/shipping-method": ["basketId", "shipToCountryIso", "postCode"],
    "/basket-promotions": ["basketId"],
    "/campaign": ["campaignCode"], "/merge": ["sourceBasketId", "strategy", "dryRun"],
    "/po": ["poReference"], "/user": ["userId"],
    "/shipping-method": ["shippingMethodId", "countryCode"],
    "/all": ["userId", "q", "offset", "limit"], "/products": ["q", "limit", "currency"],
    "/shipping-methods": ["countryCode"], "/events": ["heartbeat"],
    N: ["page", "size", "BasketSession_SessionId"],
}


def query_names(path: str) -> list[str]:
    for suffix, names in QUERY_PARAMS.items():
        if path.endswith(suffix):
            return names
    return []


def is_nexudus(path: str) -> bool:
    return path.startswith(("/api/billing", "/api/token"))

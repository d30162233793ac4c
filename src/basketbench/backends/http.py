"""HttpBackend: the BetterCommerce v2 basket API over httpx.

Every documented operation maps to its documented route (api.md §1). The sandbox's extension
routes (lock, catalogue, paged listings, merge strategies and preview) are used only when
`extensions` is on, so a real BetterCommerce environment is never sent routes it lacks.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

from ..model.basket import Basket
from ..model.product import Product
from ..model.requests import (
    CustomInfo,
    DeliveryPlanInput,
    DisplayOrder,
    ItemInput,
    NominatedDay,
    StoreChoice,
    SubscriptionSettings,
)
from ..model.results import BasketShort, PromoResult, RecordResult
from ..model.summary import summary_from_row, summary_of
from ..redact import redact_url
from ..wire import dump_wire
from ..wire import inputs as bodies
from ..wirejson import parse
from .auth import ClientCredentials, StaticToken
from .base import MUTATIONS, BasketChange, BasketPage, Capabilities, PromoCheck
from .deadline import budget
from .envelope import read_envelope, read_result
from .errors import BackendError, read_only_error, unsupported
from .follow import OwnChanges, polled_changes, stream_changes
from .headers import storefront_headers, without_domain
from .precondition import if_match
from .request_log import RequestLog
from .transport import Reply, Transport, segment

BASKET = "/api/v2/commerce/basket"


class HttpBackend:
    kind = "bettercommerce"

    def __init__(self, base_url: str, *, auth_url: str | None = None,
                 client_id: str | None = None, client_secret: str | None = None,
                 token: str | None = None, headers: dict[str, str] | None = None,
                 read_only: bool = False, extensions: bool = False, profile: str = "api",
                 timeout: float = 15.0, retries: int = 2, backoff: float = 0.25,
                 max_connections: int = 8, verify: bool = True,
                 log: RequestLog | None = None, follow_interval: float = 0.0) -> None:
        """`follow_interval`: seconds between reads of a followed basket on an API without
        the sandbox's event stream; 0 (the default): not followed."""
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(400, "VALIDATION",
                               f"base_url: {base_url!r} is not an http:// or https:// URL")
        self.label = redact_url(base_url.rstrip("/"))  # shown in the status bar
        self.profile = profile
        self.log = log if log is not None else RequestLog()
        # The storefront's header set (headers.py), sent with every API call; the token
        # request carries only its form.
        self.headers = storefront_headers(headers)
        auth: Any = None
        if client_id or client_secret:
            if not (client_id and client_secret):
                missing = "client_secret" if client_id else "client_id"
                raise BackendError(400, "VALIDATION", f"{missing}: is required with "
                                   f"{'client_id' if client_id else 'client_secret'}")
            auth = ClientCredentials(auth_url or base_url, client_id, client_secret)
        elif token:
            auth = StaticToken(token)
        self.transport = Transport(self.label, log=self.log, auth=auth,
                                   timeout=timeout, retries=retries, backoff=backoff,
                                   max_connections=max_connections, verify=verify)
        if auth is not None:
            auth.register(self.transport)
        if self.headers.get("UserToken"):
            self.log.secrets.append(self.headers["UserToken"])
        self.extensions = extensions
        self.capabilities = Capabilities(
            read_only=read_only,
            merge_strategies=("sum", "max", "replace") if extensions else ("sum",),
            merge_preview=extensions, lock=extensions, catalogue=extensions,
            promotions=extensions, list_all=extensions, reference=extensions,
            history=extensions, explain=extensions,
            follow="stream" if extensions else ("poll" if follow_interval > 0 else None))
        self.follow_interval = follow_interval
        self.own = OwnChanges()
        self.reader = parse.Reader()  # unchanged lines stay the same objects (wirejson.parse)
        # What each kind of result is read with (wirejson.parse: plain Python, no pydantic).
        self.readers: dict[str, Callable[[Any], Any]] = {
            "Basket": self.reader.basket, "RecordResult": parse.record_result,
            "PromoResult": self.reader.promo_result,
            "list[Product]": lambda data: list(parse.products(data)),
            "list[BasketShort]": lambda data: [
                parse.basket(b, f"[{i}]") for i, b in enumerate(_listed(data))]}

    async def close(self) -> None:
        await self.transport.close()

    # -- plumbing ---------------------------------------------------------------------------

    async def _call(self, op: str, method: str, path: str, *, params: dict | None = None,
                    json: Any = None, form: dict | None = None,
                    domain: bool = True) -> tuple[Any, dict, Reply]:
        """The one place requests go out: read-only check, the storefront headers (DomainId
        unless `domain` is False), the envelope read."""
        if op in MUTATIONS and self.capabilities.read_only:
            raise read_only_error(op, self.profile)
        headers = self.headers if domain else without_domain(self.headers)
        # If-Match: the basket version the change was based on (see precondition.py).
        precondition = if_match(op)
        if precondition:
            headers = {**headers, **precondition}
        if op not in MUTATIONS:
            reply = await self.transport.send(method, path, params=params, json=json,
                                              form=form, headers=headers)
            result, env = read_envelope(reply, self.transport.scrub)
            return result, env, reply
        # A change notes the version it made, so `watch` does not report it as elsewhere.
        target = basket_of(path)
        self.own.begin(target)
        changed, version = False, None
        try:
            reply = await self.transport.send(method, path, params=params, json=json,
                                              form=form, headers=headers)
            result, env = read_envelope(reply, self.transport.scrub)
            changed, version = True, version_of(result, reply)
        finally:
            await self.own.end(target, version, changed=changed)
        return result, env, reply

    def operation(self, started: float | None = None) -> Any:
        """One budget over an operation that makes several calls (a read-back, a lookup, a
        CLI command), counted from `started` if it began before (the extension probe)."""
        return budget(self.transport.timeout, started)

    async def _typed(self, tp: str, op: str, method: str, path: str, **kw: Any) -> Any:
        """The call's result read into domain objects: `tp` names what it must be."""
        result, _, reply = await self._call(op, method, path, **kw)
        return self._read(tp, result, reply)

    def _read(self, tp: str, result: Any, reply: Reply) -> Any:
        return read_result(self.readers[tp], tp, result, reply, self.transport.scrub)

    def _need_extensions(self, op: str) -> None:
        if not self.extensions:
            raise unsupported(op, f"BetterCommerce API at {self.label} (sandbox extensions off)")

    @staticmethod
    def _b(basket_id: str, *rest: object) -> str:
        return "/".join([BASKET, segment(basket_id), *(segment(r) for r in rest)])

    # -- reads ------------------------------------------------------------------------------

    async def list_user_baskets(self, user_id: str) -> list[BasketShort]:
        return await self._typed("list[BasketShort]", "list_user_baskets", "GET",
                                 f"{BASKET}/user/{segment(user_id)}/all",
                                 json={"userId": user_id})

    async def get_basket(self, basket_id: str) -> Basket:
        # The storefront repeats the id in a JSON body, even on a GET.
        return await self._typed("Basket", "get_basket", "GET", self._b(basket_id),
                                 json={"basketId": basket_id})

    async def related_products(self, basket_id: str) -> list[Product]:
        return await self._typed("list[Product]", "related_products", "GET",
                                 self._b(basket_id, "related-products"))

    async def validate_promo(self, basket_id: str, code: str) -> PromoCheck:
        try:
            result, env, reply = await self._call("validate_promo", "GET",
                                                  self._b(basket_id, "promo", code, "validate"))
        except BackendError as exc:
            if exc.code.upper() == PROMO_REFUSED:  # the refused-apply shape, read the same
                return PromoCheck(False, exc.message)
            raise
        if not isinstance(result, bool):
            raise BackendError(reply.status, "BAD_RESPONSE",
                               f"{reply.where} returned {result!r}, not true or false",
                               where=reply.where)
        # The sandbox says why a code would not apply in the envelope's message.
        return PromoCheck(result, str(env.get("message") or ""))

    # -- extensions (sandbox) ---------------------------------------------------------------

    async def list_baskets(self, *, user_id: str | None = None, query: str | None = None,
                           offset: int = 0, limit: int = 100) -> BasketPage:
        if not self.extensions:
            if user_id and not query:
                # Endpoint 01 gives one user's baskets on any BetterCommerce API.
                shorts = await self.list_user_baskets(user_id)
                rows = [summary_of(b) for b in shorts]
                return BasketPage(total=len(rows), offset=offset,
                                  rows=rows[offset:offset + limit])
            self._need_extensions("list_baskets")
        result, _, reply = await self._call(
            "list_baskets", "GET", f"{BASKET}/all",
            params={k: v for k, v in {"userId": user_id, "q": query, "offset": offset,
                                      "limit": limit}.items() if v not in (None, "")})
        try:
            return BasketPage(total=int(result["total"]), offset=int(result["offset"]),
                              rows=[summary_from_row(r) for r in result["rows"]])
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendError(reply.status, "BAD_RESPONSE",
                               f"{reply.where} returned a basket page without {exc}",
                               where=reply.where) from None

    async def search_products(self, query: str = "", *, limit: int = 50) -> list[Product]:
        self._need_extensions("search_products")
        return await self._typed("list[Product]", "search_products", "GET",
                                 f"{BASKET}/catalogue/products",
                                 params={"q": query, "limit": limit})

    async def _listing(self, op: str, path: str, params: dict | None = None) -> list[dict]:
        self._need_extensions(op)
        result, _, reply = await self._call(op, "GET", f"{BASKET}/catalogue/{path}",
                                            params=params)
        if not isinstance(result, list):
            raise BackendError(reply.status, "BAD_RESPONSE",
                               f"{reply.where} returned {type(result).__name__}, not a list",
                               where=reply.where)
        return result

    async def list_promotions(self) -> list[dict]:
        return await self._listing("list_promotions", "promotions")

    async def list_shipping_methods(self, country: str | None = None) -> list[dict]:
        return await self._listing("list_shipping_methods", "shipping-methods",
                                   {"countryCode": country} if country else None)

    async def list_stores(self) -> list[dict]:
        return await self._listing("list_stores", "stores")

    async def list_users(self) -> list[dict]:
        return await self._listing("list_users", "users")

    async def explain(self, basket_id: str) -> dict:
        """Why every figure is what it is: a basketbench sandbox explains its own rules."""
        self._need_extensions("explain")
        result, _, _ = await self._call("explain", "GET", self._b(basket_id, "explain"))
        return result

    # -- following a basket (follow.py) ------------------------------------------------------

    def watch(self, basket_id: str) -> AsyncIterator[BasketChange]:
        """The sandbox's event stream; on a live API, GET basket every `follow_interval`
        seconds (stale markers only); neither: BackendError 501."""
        if self.extensions:
            return stream_changes(self, basket_id)
        if self.follow_interval > 0:
            return polled_changes(self, basket_id, self.follow_interval)
        raise unsupported("watch", f"BetterCommerce API at {self.label} (no event stream; "
                                   f"set follow_interval on the profile to poll it)")

    # -- basket history (sandbox extension, docs/history.md) ---------------------------------

    async def history(self, basket_id: str, *, offset: int = 0, limit: int = 50) -> dict:
        self._need_extensions("history")
        result, _, _ = await self._call("history", "GET", self._b(basket_id, "history"),
                                        params={"offset": offset, "limit": limit})
        return result

    async def basket_version(self, basket_id: str, version: int) -> Basket:
        self._need_extensions("basket_version")
        return await self._typed("Basket", "basket_version", "GET",
                                 self._b(basket_id, "history", version))

    async def restore(self, basket_id: str, version: int) -> Basket:
        self._need_extensions("restore")
        return await self._typed("Basket", "restore", "PUT",
                                 self._b(basket_id, "history", version, "restore"))

    async def set_locked(self, basket_id: str, locked: bool) -> Basket:
        if self.capabilities.read_only:
            raise read_only_error("set_locked", self.profile)
        self._need_extensions("set_locked")
        return await self._typed("Basket", "set_locked", "PUT",
                                 self._b(basket_id, "lock" if locked else "unlock"))

    # -- mutations --------------------------------------------------------------------------

    async def delete_basket(self, basket_id: str) -> bool:
        self.reader.forget(basket_id)  # its remembered lines go with it
        result, _, reply = await self._call("delete_basket", "DELETE",
                                            self._b(basket_id, "delete"),
                                            params={"basketId": basket_id})
        return _bool(result, reply)

    async def set_campaign(self, basket_id: str, campaign_code: str | None) -> Basket:
        with self.operation():
            result, _, reply = await self._call("set_campaign", "PUT",
                                                self._b(basket_id, "campaign"),
                                                params={"campaignCode": campaign_code or ""})
            if isinstance(result, dict) and ("lineItems" in result or "grandTotal" in result):
                return self._read("Basket", result, reply)
            # The documented API answers with an Address (quirks §2): read the basket back.
            return await self.get_basket(basket_id)

    async def set_custom_info(self, basket_id: str, info: CustomInfo) -> Basket:
        return await self._typed("Basket", "set_custom_info", "PUT",
                                 self._b(basket_id, "custom-info"),
                                 json=dump_wire(bodies.CustomInfoRequest.from_request(info)))

    async def set_subscription(self, basket_id: str, product_id: str,
                               settings: SubscriptionSettings) -> Basket:
        # Endpoint 05 takes form fields on the live API (api.md §1, 05).
        form = dump_wire(bodies.SubscriptionSettings.from_request(settings))
        return await self._typed("Basket", "set_subscription", "PUT",
                                 self._b(basket_id, "subscription", product_id), form=form)

    async def set_po(self, basket_id: str, po_reference: str | None) -> RecordResult:
        return await self._typed("RecordResult", "set_po", "PUT", self._b(basket_id, "po"),
                                 params={"poReference": po_reference or ""})

    async def assign_user(self, basket_id: str, user_id: str) -> Basket:
        return await self._typed("Basket", "assign_user", "PUT", self._b(basket_id, "user"),
                                 params={"userId": user_id},
                                 json={"id": basket_id, "userId": user_id})

    async def merge(self, target_id: str, source_id: str, *, strategy: str = "sum",
                    dry_run: bool = False) -> Basket:
        params: dict[str, Any] = {"sourceBasketId": source_id}
        strategy = (strategy or "sum").lower()
        if strategy != "sum":
            if strategy not in self.capabilities.merge_strategies:
                raise unsupported(f"merge strategy {strategy!r}", f"API at {self.label}")
            params["strategy"] = strategy
        if dry_run:
            if not self.capabilities.merge_preview:
                raise unsupported("merge preview", f"API at {self.label}")
            params["dryRun"] = "true"
        # A preview changes nothing, so read-only profiles may use it.
        return await self._typed("Basket", "merge_preview" if dry_run else "merge", "PUT",
                                 self._b(target_id, "merge"), params=params)

    async def add_item(self, basket_id: str, item: ItemInput) -> Basket:
        return await self._typed("Basket", "add_item", "PUT", self._b(basket_id, "items", "add"),
                                 json=add_body(basket_id, item))

    async def add_bulk(self, basket_id: str, items: list[ItemInput]) -> Basket:
        return await self._typed("Basket", "add_bulk", "PUT",
                                 self._b(basket_id, "items", "add-bulk"),
                                 json=dump_wire(bodies.BulkLine.from_requests(items)))

    async def set_display_order(self, basket_id: str, entries: list[DisplayOrder]) -> bool:
        result, _, reply = await self._call(
            "set_display_order", "PUT", self._b(basket_id, "items", "display-order"),
            json=dump_wire(bodies.DisplayOrderEntry.from_requests(entries)))
        return _bool(result, reply)

    async def remove_item(self, basket_id: str, product_id: str) -> Basket:
        return await self._typed("Basket", "remove_item", "DELETE",
                                 self._b(basket_id, "items", product_id, "remove"))

    async def set_qty(self, basket_id: str, product_id: str, qty: int) -> Basket:
        return await self._typed("Basket", "set_qty", "PUT",
                                 self._b(basket_id, "items", product_id, qty))

    async def apply_promo(self, basket_id: str, code: str) -> PromoResult:
        # Headed GET in the doc, but real clients send POST (quirks §4); the sandbox takes both.
        return await self._promo("apply_promo", "POST", basket_id, "apply", code)

    async def remove_promo(self, basket_id: str, code: str) -> PromoResult:
        return await self._promo("remove_promo", "DELETE", basket_id, "remove", code)

    async def _promo(self, op: str, method: str, basket_id: str, verb: str,
                     code: str) -> PromoResult:
        """A refused code is an answer, not a failure: engine-rules §4's `success: false`
        with PROMO_NOT_APPLICABLE, or an empty result (what the storefront reads as refused),
        becomes a PromoResult that is not valid, with the reason. A refusal carries no basket,
        so it is read back (unchanged): every backend's PromoResult has its basket."""
        with self.operation():
            try:
                result, env, reply = await self._call(op, method,
                                                      self._b(basket_id, "promo", code, verb),
                                                      domain=False)
            except BackendError as exc:
                if exc.code.upper() != PROMO_REFUSED:
                    raise
                result, env, reason = None, {}, exc.message
            else:
                reason = str(env.get("message") or "the promo code was not applied")
            if not result:
                refused = refused_promo(reason)
                # The unchanged basket, as the local backend gives it; not essential.
                with contextlib.suppress(BackendError):
                    refused = dataclasses.replace(refused,
                                                  basket=await self.get_basket(basket_id))
                return refused
            # Either spelling of isVaild/isValid, in either case (parse.promo_result).
            return self._read("PromoResult", result, reply)

    async def set_shipping_method(self, basket_id: str, shipping_method_id: str,
                                  country_code: str,
                                  nominated: NominatedDay | None = None) -> Basket:
        body = None if nominated is None else \
            dump_wire(bodies.NominatedDelivery.from_request(nominated))
        return await self._typed(
            "Basket", "set_shipping_method", "PUT",
            self._b(basket_id, "delivery", "shipping-method"),
            params={"shippingMethodId": shipping_method_id, "countryCode": country_code},
            json=body)

    async def set_delivery_plans(self, basket_id: str,
                                 plans: list[DeliveryPlanInput]) -> RecordResult:
        return await self._typed("RecordResult", "set_delivery_plans", "PUT",
                                 self._b(basket_id, "delivery", "plan"),
                                 json=dump_wire(bodies.DeliveryPlanInput.from_requests(plans)))

    async def set_line_delivery_plan(self, basket_id: str,
                                     plan: DeliveryPlanInput) -> RecordResult:
        return await self._typed("RecordResult", "set_line_delivery_plan", "PUT",
                                 self._b(basket_id, "delivery", "line-plan"),
                                 json=dump_wire(bodies.DeliveryPlanInput.from_request(plan)))

    async def set_delivery_instruction(self, basket_id: str, text: str | None) -> RecordResult:
        # Endpoint 22 is a form field on the live API.
        return await self._typed("RecordResult", "set_delivery_instruction", "PUT",
                                 self._b(basket_id, "delivery", "instructions"),
                                 form={"fieldValue": text or ""})

    async def set_click_collect_store(self, basket_id: str, store: StoreChoice) -> RecordResult:
        with self.operation():
            if self.capabilities.read_only:
                raise read_only_error("set_click_collect_store", self.profile)
            body = dump_wire(bodies.ClickCollectStore.from_request(
                await self._store_object(store)))
            return await self._typed("RecordResult", "set_click_collect_store", "PUT",
                                     self._b(basket_id, "delivery", "click-collect-store"),
                                     json=body)

    async def _store_object(self, store: StoreChoice) -> StoreChoice:
        """The whole store object, as the storefront sends it: a bare id (or code) is
        completed from the sandbox's store listing when there is one."""
        if store.enable_click_collect is not None:
            return store  # turning click & collect off: nothing to complete
        full = store
        key = str(store.id or store.code or "").lower()
        if key and store.only_named and self.capabilities.reference:
            for row in await self.list_stores():
                if key in (str(row.get("id", "")).lower(), str(row.get("code", "")).lower()):
                    listed = bodies.ClickCollectStore.model_validate(
                        bodies.bind_keys(row, bodies.ClickCollectStore)).to_request()
                    full = replace(listed, id=row.get("id"))
                    break
        return store_body(full)


PROMO_REFUSED = "PROMO_NOT_APPLICABLE"
# The storefront's add body, in its order; anything else the caller gives follows.
ADD_KEYS = ("basketId", "productId", "qty", "stockCode", "isMembership")


def add_body(basket_id: str, item: ItemInput) -> dict:
    """Endpoint 11 as the storefront sends it: basketId, productId, qty, stockCode and
    isMembership (false unless given), then any other field the caller set."""
    given = dump_wire(bodies.AddItemRequest.from_request(item))
    body: dict[str, Any] = {"basketId": basket_id}
    for key in ADD_KEYS[1:4]:
        if key in given:
            body[key] = given[key]
    body["isMembership"] = bool(given.get("isMembership", False))
    body.update({k: v for k, v in given.items() if k not in ADD_KEYS})
    return body


def store_body(store: StoreChoice) -> StoreChoice:
    """Endpoint 23 as the storefront sends it: the store object with its external reference
    and the delivery option it picks for a collection."""
    return replace(store, external_ref_id=store.external_ref_id or store.code or None,
                   delivery_option=store.delivery_option or "orderIntoStore")


def refused_promo(reason: str) -> PromoResult:
    return PromoResult(is_valid=False, message=reason)


def _listed(data: Any) -> list:
    if not isinstance(data, list):
        raise parse.WireError("", data, "an array")
    return data


def _bool(result: Any, reply: Reply) -> bool:
    if isinstance(result, bool):
        return result
    raise BackendError(reply.status, "BAD_RESPONSE",
                       f"{reply.where} returned {result!r}, not true or false",
                       where=reply.where)


def basket_of(path: str) -> str:
    """The basket a change's path names (`/basket/{id}/...`), "" when none."""
    rest = path[len(BASKET) + 1:] if path.startswith(BASKET + "/") else ""
    return rest.split("/", 1)[0].lower()


def version_of(result: Any, reply: Reply) -> int | None:
    """The basket version a change answered: the ETag (sandbox), else the basket's own."""
    etag = reply.headers.get("etag")
    if etag:
        text = etag.strip().removeprefix("W/").strip('"')
        if text.isdigit():
            return int(text)
    basket = result.get("basket") if isinstance(result, dict) and "basket" in result else result
    version = basket.get("version") if isinstance(basket, dict) else None
    return version if isinstance(version, int) else None

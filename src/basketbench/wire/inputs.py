"""Request bodies of the BetterCommerce basket endpoints (api.md §1: 04, 05, 11-13, 19-23).

Every field is optional here: which ones an endpoint needs is a rule of the engine, which
reports missing values as its own validation errors. Form bodies (05, 22) arrive as strings
("1", "0", "{}"); pydantic's lax mode turns digit strings into numbers and "1"/"0" into bools.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Annotated, Any, ClassVar, Self, get_args

from pydantic import BaseModel, ValidationError, WithJsonSchema

from basketbench.model import requests as typed
from basketbench.model.line_input import first_set
from basketbench.wire.base import WireModel
from basketbench.wire.delivery import DeliveryCenterRef
from basketbench.wire.line import SubscriptionUserSettings
from basketbench.wire.price import Price, RawAmounts
from basketbench.wire.types import DateText, Guid, IntOrStr, Money, WireDecimal


def bind_keys(value: Any, model: type[BaseModel]) -> Any:
    """`value` (an object or an array of them) with its keys spelt as `model` spells them.

    ASP.NET binds JSON keys case-insensitively (`ProductId` is `productId`; the storefront
    sends both), so a key that matches a field when case is ignored takes the field's
    spelling, in nested models too. Unknown keys are kept as sent (and ignored by the rules);
    when a body spells one field two ways, the exact spelling wins.
    """
    if isinstance(value, list):
        return [bind_keys(item, model) for item in value]
    if not isinstance(value, dict):
        return value
    fields = _key_table(model)
    out: dict[str, Any] = {}
    for key, item in value.items():
        known = fields.get(key.lower()) if isinstance(key, str) else None
        if known is None:
            out.setdefault(key, item)
            continue
        name, nested = known
        if key != name and name in value:
            continue
        out[name] = bind_keys(item, nested) if nested is not None else item
    return out


@cache
def _key_table(model: type[BaseModel]) -> dict[str, tuple[str, type[BaseModel] | None]]:
    """lower-case key -> (the model's spelling, the nested model of that field if any)."""
    return {(field.alias or name).lower(): (field.alias or name, _nested_model(field.annotation))
            for name, field in model.model_fields.items()}


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


# Where a product is named: a GUID, or (engine-rules §2) the numeric id of a basket line, which
# the storefront's cart page sends as `productId`.
ProductRef = Annotated[str, WithJsonSchema({"anyOf": [
    {"type": "string", "format": "uuid"}, {"type": "integer", "minimum": 1},
    {"type": "string", "pattern": "^[0-9]+$"}]})]


class RequestModel(WireModel):
    """Writes back only the fields that were given, so a body forwarded to a live API carries
    no nulls the caller never sent.

    `from_request` makes the body of a typed request (model/requests.py), `to_request` reads
    one back: `HttpBackend` writes every request through these, and the CLI and the history
    exporter read JSON bodies into typed requests with them."""

    omit_unset: ClassVar[bool] = True
    # The typed request this body carries; fields named alike map to each other.
    request_type: ClassVar[Any] = None
    # typed field -> this model's field, where their names differ
    renamed: ClassVar[dict[str, str]] = {}
    # typed fields written by `special_out` and read by `special_in` instead
    special: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_request(cls, request: Any) -> Self:
        return cls.model_validate(_field_values(request, cls))

    @classmethod
    def from_requests(cls, requests: Any) -> list[Self]:
        return [cls.from_request(r) for r in requests]

    def to_request(self) -> Any:
        assert self.request_type is not None, f"{type(self).__name__} carries no request"
        return self.request_type(**_request_values(self, self.request_type))


def _field_values(request: Any, model: type[BaseModel]) -> dict[str, Any]:
    """A typed request as `model`'s field values (by field name, None left out); texts
    become custom_info1..5 (and `formatted` custom_info1..5_formatted). A value the model
    has no field for is a bug, not something to drop silently."""
    renamed = getattr(model, "renamed", {})
    special: frozenset[str] = getattr(model, "special", frozenset())
    out: dict[str, Any] = {}
    for f in fields(request):
        value = getattr(request, f.name)
        if value is None or f.name in special or (value == () and f.default == ()):
            continue  # not given (an empty tuple that is the default: none given)
        if isinstance(value, typed.CustomTexts):
            suffix = "_formatted" if f.name == "formatted" else ""
            out.update({f"custom_info{n}{suffix}": text for n, text in
                        enumerate(value.texts, start=1) if text is not None})
            continue
        name = renamed.get(f.name, f.name)
        if name not in model.model_fields:
            raise ValueError(f"{model.__name__} has no field for {type(request).__name__}."
                             f"{f.name}")
        nested = _nested_model(model.model_fields[name].annotation)
        if isinstance(value, tuple):
            out[name] = [_field_values(v, nested) if nested else v for v in value]
        elif nested is not None and not isinstance(value, (str, int, bool)):
            out[name] = _field_values(value, nested)
        else:
            out[name] = value
    for key, value in getattr(model, "special_out", lambda r: {})(request).items():
        out[key] = value
    return out


def _typed_value(value: Any) -> Any:
    """A nested body as its typed request; a plain value as it is."""
    to_request = getattr(value, "to_request", None) if isinstance(value, BaseModel) else None
    return to_request() if to_request is not None else value


def _request_values(body: BaseModel, request_type: type) -> dict[str, Any]:
    """The inverse of `_field_values`: this body's given values as the typed request's."""
    renamed = getattr(body, "renamed", {})
    special: frozenset[str] = getattr(body, "special", frozenset())
    out: dict[str, Any] = {}
    for f in fields(request_type):
        name = renamed.get(f.name, f.name)
        if f.name in special:
            continue
        if f.name in ("texts", "formatted"):
            suffix = "_formatted" if f.name == "formatted" else ""
            texts = [getattr(body, f"custom_info{n}{suffix}", None) for n in range(1, 6)]
            if any(t is not None for t in texts):
                out[f.name] = typed.CustomTexts.of([t if isinstance(t, str) else None
                                                    for t in texts])
            continue
        value = getattr(body, name, None)
        if isinstance(value, list):
            out[f.name] = tuple(_typed_value(v) for v in value)
        elif value is not None:
            out[f.name] = _typed_value(value)
    out.update(getattr(body, "special_in", lambda: {})())
    return out


class AddItemRequest(RequestModel):
    """Endpoint 11 `basketLine`. Both names of the two renamed fields are kept as sent."""

    basket_id: Guid | None = None
    product_id: ProductRef | None = None
    qty: int | None = None
    manual_unit_price: Money | None = None
    display_order: int | None = None
    stock_code: str | None = None
    item_type: int | None = None
    post_code: str | None = None
    parent_product_id: Guid | None = None
    is_subscription: bool | None = None
    subscription_plan_id: Guid | None = None
    subscription_term_id: Guid | None = None
    user_subscription_pricing: int | None = None
    gift_wrap_id: str | None = None
    is_gift_wrap_applied: bool | None = None
    line_item_type: int | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    price_match_req_id: Guid | None = None
    is_membership: bool | None = None
    # Documented but absent from the example.
    additional_charge: Money | None = None
    user_pricing_type: int | None = None
    subscription_json: str | None = None
    authorization_amount: Money | None = None

    request_type: ClassVar[Any] = typed.ItemInput

    @property
    def effective_item_type(self) -> int | None:
        return first_set(self.item_type, self.line_item_type)

    @property
    def effective_user_pricing_type(self) -> int | None:
        return first_set(self.user_pricing_type, self.user_subscription_pricing)

    def special_in(self) -> dict[str, Any]:
        return _effective_types(self)


def _effective_types(body: AddItemRequest | BulkLine) -> dict[str, Any]:
    """Of the two names of each renamed field, the value that counts (model/line_input.py)."""
    values = {"item_type": body.effective_item_type,
              "user_pricing_type": body.effective_user_pricing_type}
    return {k: v for k, v in values.items() if v is not None}


class BulkLine(RequestModel):
    """One element of the endpoint 12 array."""

    product_id: ProductRef | None = None
    stock_code: str | None = None
    product_name: str | None = None  # undocumented, present in the example
    parent_product_id: Guid | None = None
    qty: int | None = None
    item_type: int | None = None
    line_item_type: int | None = None  # endpoint 11's other name, read the same way
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    custom_info1_formatted: str | None = None
    custom_info2_formatted: str | None = None
    custom_info3_formatted: str | None = None
    custom_info4_formatted: str | None = None
    custom_info5_formatted: str | None = None
    post_code: str | None = None
    is_subscription: bool | None = None
    subscription_plan_id: Guid | None = None
    subscription_term_id: Guid | None = None
    user_subscription_pricing: int | None = None
    display_order: int | None = None
    # Documented but absent from the example.
    additional_charge: Money | None = None
    user_pricing_type: int | None = None

    request_type: ClassVar[Any] = typed.ItemInput

    @property
    def effective_item_type(self) -> int | None:
        return first_set(self.item_type, self.line_item_type)

    @property
    def effective_user_pricing_type(self) -> int | None:
        return first_set(self.user_pricing_type, self.user_subscription_pricing)

    def special_in(self) -> dict[str, Any]:
        return _effective_types(self)


class DisplayOrderEntry(RequestModel):
    """Endpoint 13 element: `id` is a line id or a product id."""

    id: str | None = None
    display_order: int | None = None

    request_type: ClassVar[Any] = typed.DisplayOrder
    renamed: ClassVar[dict[str, str]] = {"line": "id"}


class LineInfo(RequestModel):
    product_id: Guid | None = None
    parent_product_id: Guid | None = None
    line_id: str | None = None
    custom_info1: str | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    custom_info1_formatted: str | None = None
    custom_info2_formatted: str | None = None
    custom_info3_formatted: str | None = None
    custom_info4_formatted: str | None = None
    custom_info5_formatted: str | None = None
    qty: int | None = None
    additional_charge: Money | None = None
    service_type: str | None = None
    length_mm: WireDecimal | None = None
    additional_service_cost: Money | None = None

    request_type: ClassVar[Any] = typed.LineInfo


class GiftNote(RequestModel):
    """The storefront's gift note, sent as the basket's customInfo1 object."""

    message: str | None = None
    image_url: str | None = None

    request_type: ClassVar[Any] = typed.GiftNote


class CustomInfoRequest(RequestModel):
    """Endpoint 04 `info`. The storefront sends customInfo1 as its gift note object."""

    basket_id: str | None = None
    custom_info1: str | GiftNote | None = None
    custom_info2: str | None = None
    custom_info3: str | None = None
    custom_info4: str | None = None
    custom_info5: str | None = None
    line_info: list[LineInfo] | None = None

    request_type: ClassVar[Any] = typed.CustomInfo
    renamed: ClassVar[dict[str, str]] = {"lines": "line_info"}
    special: ClassVar[frozenset[str]] = frozenset({"note"})

    @staticmethod
    def special_out(request: typed.CustomInfo) -> dict[str, Any]:
        if request.note is None:
            return {}
        return {"custom_info1": {"message": request.note.message,
                                 "image_url": request.note.image_url}}

    def special_in(self) -> dict[str, Any]:
        note = self.custom_info1
        return {"note": note.to_request()} if isinstance(note, GiftNote) else {}


class SubscriptionSettings(SubscriptionUserSettings):
    """Endpoint 05 `userSetting`: the same fields as a line's subscriptionUserSettings."""

    omit_unset: ClassVar[bool] = True

    @classmethod
    def from_request(cls, request: typed.SubscriptionSettings) -> SubscriptionSettings:
        return cls.model_validate(_field_values(request, cls))

    def to_request(self) -> typed.SubscriptionSettings:
        return typed.SubscriptionSettings(**_request_values(self, typed.SubscriptionSettings))


class NominatedRawPrice(RawAmounts):
    omit_unset: ClassVar[bool] = True


class NominatedPrice(Price):
    """The nominated day's price, documented as a whole Price; only `raw.withTax` is read,
    and a request written from a typed one carries only that."""

    omit_unset: ClassVar[bool] = True
    raw: NominatedRawPrice | None = None


class NominatedDelivery(RequestModel):
    """Endpoint 19 optional body."""

    day_text: str | None = None
    day_no: int | None = None
    cut_off_time: int | None = None
    price: NominatedPrice | None = None
    carrier_code: str | None = None
    delivery_date: DateText | None = None

    request_type: ClassVar[Any] = typed.NominatedDay
    special: ClassVar[frozenset[str]] = frozenset({"price"})

    @staticmethod
    def special_out(request: typed.NominatedDay) -> dict[str, Any]:
        return {} if request.price is None else {"price": {"raw": {"with_tax": request.price}}}

    def special_in(self) -> dict[str, Any]:
        raw = self.price.raw if self.price is not None else None
        return {} if raw is None or raw.with_tax is None else {"price": raw.with_tax}


class DeliveryPlanItemInput(RequestModel):
    record_id: Guid | None = None
    basket_line_id: IntOrStr | None = None  # doc: number; line ids are numeric strings
    parent_product_id: Guid | None = None
    order_line_record_id: Guid | None = None
    stock_code: str | None = None
    product_id: Guid | None = None
    qty: int | None = None
    fulfilment_channel: int | None = None
    created: DateText | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    delivery_type: int | None = None
    inventory_type: int | None = None
    pool_code: str | None = None
    line_delivery_center_code: str | None = None
    line_delivery_center_id: Guid | None = None

    request_type: ClassVar[Any] = typed.PlanItem


class DeliveryCenterInput(DeliveryCenterRef):
    """The delivery centre a plan names, written with only the fields given."""

    omit_unset: ClassVar[bool] = True

    def to_request(self) -> typed.DeliveryCenterRef:
        return typed.DeliveryCenterRef(**_request_values(self, typed.DeliveryCenterRef))


class DeliveryPlanInput(RequestModel):
    """Endpoint 20 (array of these) and 21 (one). `shippingCharge` becomes the plan's `cost`."""

    record_id: Guid | None = None
    delivery_type: int | None = None
    fulfilment_channel: int | None = None
    shipping_type: int | None = None
    shipping_method_id: Guid | None = None
    shipping_charge: Money | None = None
    pickup_store_id: Guid | None = None
    ref_store_id: str | None = None
    pickup_store_code: str | None = None
    delivery_center: DeliveryCenterInput | None = None
    lead_time: int | None = None
    lead_time_uom: int | None = None
    pool_code: str | None = None
    items: list[DeliveryPlanItemInput] | None = None

    request_type: ClassVar[Any] = typed.DeliveryPlanInput


class DeliveryInstruction(RequestModel):
    """Endpoint 22 (a form field or JSON)."""

    field_value: str | None = None


class StoreSlot(RequestModel):
    slot: str | None = None
    slot_message: str | None = None

    request_type: ClassVar[Any] = typed.StoreSlot


class ClickCollectStore(RequestModel):
    """Endpoint 23 `address`: the chosen store, as the storefront sends its whole store
    object; `id` or `code` finds it."""

    id: str | None = None
    code: str | None = None
    external_ref_id: str | None = None
    name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    post_code: str | None = None
    your_id: str | None = None
    distance_from_post_code: WireDecimal | None = None
    distance_unit: str | None = None
    shipping_plan_id: str | None = None
    type: str | None = None
    lead_time_unit: str | None = None
    lead_time_min: int | None = None
    lead_time_max: int | None = None
    delivery_option: str | None = None
    shipping_address_id: str | None = None
    opening_hours: str | None = None
    slots: list[StoreSlot] | None = None
    why_delay_msg1: str | None = None
    why_delay_msg2: str | None = None
    why_delay_msg3: str | None = None
    selected_slot: str | None = None
    phone_no: str | None = None
    timeslot_actual: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    image: str | None = None
    country: str | None = None
    hdn_code: str | None = None
    enable_click_collect: bool | None = None
    country_code: str | None = None  # the sandbox's store listing has it

    request_type: ClassVar[Any] = typed.StoreChoice


# The body model of each Backend parameter that carries a request (`many`: an array of them).
BODY_OF_PARAMETER: dict[str, tuple[type[RequestModel] | type[SubscriptionSettings], bool]] = {
    "item": (AddItemRequest, False), "items": (BulkLine, True),
    "info": (CustomInfoRequest, False), "settings": (SubscriptionSettings, False),
    "entries": (DisplayOrderEntry, True), "nominated": (NominatedDelivery, False),
    "plans": (DeliveryPlanInput, True), "plan": (DeliveryPlanInput, False),
    "store": (ClickCollectStore, False),
}


def request_of(parameter: str, value: Any) -> Any:
    """A JSON body (keys bound as the server binds them) as the typed request that the
    Backend parameter `parameter` takes: the one way a body given by a person (the CLI) or
    kept in basket history (flow export) becomes a typed request. Raises ValueError naming
    the first value the model cannot read ("[1].qty: ..."); None stays None."""
    model, many = BODY_OF_PARAMETER[parameter]
    if value is None:
        return None
    bound = bind_keys(value, model)
    if not many:
        return _read(model, bound, "")
    if not isinstance(bound, list):
        raise ValueError(f"{parameter}: must be a JSON array")
    return [_read(model, v, f"[{i}].") for i, v in enumerate(bound)]


def _read(model: Any, value: Any, where: str) -> Any:
    try:
        return model.model_validate(value).to_request()
    except ValidationError as exc:
        first = exc.errors()[0]
        path = where + ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path.rstrip('.') or 'body'}: {first['msg']} "
                         f"(got {first.get('input')!r})") from None

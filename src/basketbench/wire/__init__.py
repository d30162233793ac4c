"""Pydantic v2 models of the BetterCommerce basket API and Nexudus BasketSession wire formats.

Read with `from_json` / `parse_wire` (Decimals never pass through float); write with
`dump_wire` / `to_json` (camelCase keys in documented order, exact Decimal numbers).
"""

from basketbench.wire.address import Address, BasketAddress, normalise_country_code
from basketbench.wire.base import (
    WireBase,
    WireModel,
    dump_wire,
    from_json,
    parse_wire,
    to_json,
)
from basketbench.wire.basket import Basket, BasketOrRaw, BasketShort, BasketShortLine
from basketbench.wire.delivery import (
    DeliveryCenter,
    DeliveryCenterRef,
    DeliveryPlan,
    ShippingMethod,
)
from basketbench.wire.envelope import Envelope, error_envelope, ok_envelope, reason_phrase
from basketbench.wire.inputs import (
    AddItemRequest,
    BulkLine,
    ClickCollectStore,
    CustomInfoRequest,
    DeliveryInstruction,
    DeliveryPlanInput,
    DeliveryPlanItemInput,
    DisplayOrderEntry,
    LineInfo,
    NominatedDelivery,
    RequestModel,
    StoreSlot,
    SubscriptionSettings,
)
from basketbench.wire.line import (
    CategoryItem,
    LineItem,
    SubscriptionUserSettings,
    VariantProduct,
    VariantProductsAttribute,
)
from basketbench.wire.nexudus import (
    BasketSession,
    BasketSessionCreate,
    BasketSessionPage,
    NexudusEnvelope,
    NexudusError,
    NexudusModel,
)
from basketbench.wire.price import (
    FormattedAmounts,
    LoosePrice,
    Price,
    PriceAny,
    PriceEx,
    RawAmounts,
)
from basketbench.wire.promotion import Promotion
from basketbench.wire.results import Product, PromoResult, RecordResult
from basketbench.wire.types import DateText, Guid, IntOrStr, Money, WireDecimal

__all__ = [
    "AddItemRequest", "Address", "Basket", "BasketAddress", "BasketOrRaw", "BasketSession",
    "BasketSessionCreate", "BasketSessionPage", "BasketShort", "BasketShortLine", "BulkLine",
    "CategoryItem", "ClickCollectStore", "CustomInfoRequest", "DateText", "DeliveryCenter",
    "DeliveryCenterRef", "DeliveryInstruction", "DeliveryPlan", "DeliveryPlanInput",
    "DeliveryPlanItemInput", "DisplayOrderEntry", "Envelope", "FormattedAmounts", "Guid",
    "IntOrStr", "LineInfo", "LineItem", "LoosePrice", "Money", "NexudusEnvelope",
    "NexudusError", "NexudusModel", "NominatedDelivery", "Price", "PriceAny", "PriceEx",
    "Product", "PromoResult", "Promotion", "RawAmounts", "RecordResult", "RequestModel",
    "ShippingMethod", "StoreSlot", "SubscriptionSettings", "SubscriptionUserSettings",
    "VariantProduct", "VariantProductsAttribute", "WireBase", "WireDecimal", "WireModel",
    "dump_wire", "error_envelope", "from_json", "normalise_country_code", "ok_envelope",
    "parse_wire", "reason_phrase", "to_json",
]

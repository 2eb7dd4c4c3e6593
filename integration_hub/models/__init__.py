"""Core models of the hub. Import them from here: ``from integration_hub.models import Order``."""

from integration_hub.models.access import HubAccess, PersonalDataAccess
from integration_hub.models.carriers import (
    CarrierMapping,
    MarketplaceCarrier,
    ShippingType,
    normalize_carrier,
)
from integration_hub.models.catalog import Product, Validation
from integration_hub.models.connection import (
    ConnectionCheck,
    MarketplaceShop,
    PartialAcceptance,
    ShopModel,
)
from integration_hub.models.integration import (
    CallLimitMode,
    Flow,
    Integration,
    ShortStockPolicy,
)
from integration_hub.models.orders import EventSource, HubStatus, Order, OrderEvent, OrderLine
from integration_hub.models.outbox import JobStatus, OutboundJob
from integration_hub.models.stock import MarketplaceImport, PriceLedgerEntry, StockLedgerEntry
from integration_hub.models.sync import (
    RunOutcome,
    SyncCursor,
    SyncRun,
    WebhookReceipt,
    WorkerHeartbeat,
)

__all__ = [
    "CallLimitMode",
    "CarrierMapping",
    "ConnectionCheck",
    "EventSource",
    "Flow",
    "HubAccess",
    "HubStatus",
    "Integration",
    "JobStatus",
    "MarketplaceCarrier",
    "MarketplaceImport",
    "MarketplaceShop",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OutboundJob",
    "PartialAcceptance",
    "PersonalDataAccess",
    "PriceLedgerEntry",
    "Product",
    "RunOutcome",
    "ShippingType",
    "ShopModel",
    "ShortStockPolicy",
    "StockLedgerEntry",
    "SyncCursor",
    "SyncRun",
    "Validation",
    "WebhookReceipt",
    "WorkerHeartbeat",
    "normalize_carrier",
]

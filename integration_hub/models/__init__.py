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
from integration_hub.models.listings import (
    AttributeMapping,
    CatalogueImport,
    CatalogueImportLine,
    CategoryMapping,
    ListingStatus,
    MarketplaceAttribute,
    MarketplaceCategory,
    MarketplaceValueList,
    Requirement,
    ValueMapping,
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
    "AttributeMapping",
    "CallLimitMode",
    "CarrierMapping",
    "CatalogueImport",
    "CatalogueImportLine",
    "CategoryMapping",
    "ConnectionCheck",
    "EventSource",
    "Flow",
    "HubAccess",
    "HubStatus",
    "Integration",
    "JobStatus",
    "ListingStatus",
    "MarketplaceAttribute",
    "MarketplaceCarrier",
    "MarketplaceCategory",
    "MarketplaceImport",
    "MarketplaceShop",
    "MarketplaceValueList",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OutboundJob",
    "PartialAcceptance",
    "PersonalDataAccess",
    "PriceLedgerEntry",
    "Product",
    "Requirement",
    "RunOutcome",
    "ShippingType",
    "ShopModel",
    "ShortStockPolicy",
    "StockLedgerEntry",
    "SyncCursor",
    "SyncRun",
    "Validation",
    "ValueMapping",
    "WebhookReceipt",
    "WorkerHeartbeat",
    "normalize_carrier",
]

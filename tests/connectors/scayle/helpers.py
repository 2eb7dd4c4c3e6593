"""Shared builders for the SCAYLE connector tests."""

from __future__ import annotations

from decimal import Decimal

from connectors.base import SourceOrderLine, SourceOrderRequest
from connectors.scayle import ScayleConnector
from tests.support.clock import FakeClock
from tests.support.orders import source_order_request, test_address

BASE = "https://acme-live.admin.api.scayle.cloud/api/admin/v1"
TOKEN = "tok-SECRET-0123456789"
WEBHOOK_SECRET = "whsec-SECRET-abcdef"
ORDERS = f"{BASE}/shops/jl/countries/GB/orders"
RATE_OK = {
    "x-ratelimit-scope": "ordersRead",
    "x-ratelimit-limit": "1000",
    "x-ratelimit-remaining": "999",
    "x-ratelimit-reset": "60",
}


def make_connector(clock: FakeClock | None = None, **options) -> ScayleConnector:
    clock = clock or FakeClock()
    settings = {"shop_key": "jl", "channel_key": "marketplace_john_lewis", **options}
    return ScayleConnector(
        base_url=BASE,
        credentials={"access_token": TOKEN, "webhook_secret": WEBHOOK_SECRET},
        sleep=clock.sleep,
        clock=clock,
        **settings,
    )


def scayle_errors(key: str, message: str, context: dict | None = None) -> dict:
    return {"errors": [{"errorKey": key, "message": message, "context": context or {}}]}


def order_request(reference: str = "JL-1001", qty: int = 2) -> SourceOrderRequest:
    line = SourceOrderLine(
        sku="SC-0001-M", quantity=qty, unit_price=Decimal("12.00"), tax_amount=Decimal("4.00")
    )
    return source_order_request(
        reference,
        lines=[line],
        address=test_address(street_2="Flat 2"),
        shipping_price=Decimal("3.95"),
        shipping_method="standard",
    )


def order_json(order_id: int = 42, reference: str | None = "JL-1001", **extra) -> dict:
    return {
        "id": order_id,
        "publicKey": f"SB{order_id}",
        "referenceKey": reference,
        "status": "payment_reserved",
        "updatedAt": "2026-11-22T10:00:00+00:00",
        "cost": {
            "appliedFees": [{"category": "delivery", "key": "marketplace", "option": "express"}]
        },
        "items": [],
        "packages": [],
        **extra,
    }

"""Small builders for the hub's core rows (tests only)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from integration_hub.models import Integration, Order, OrderLine

SOURCE_SECRET = "shpat_super-secret-source-token"
MARKETPLACE_SECRET = "mirakl-secret-key-123"


def integration_make(name: str = "acme", **fields) -> Integration:
    defaults = {
        "source_kind": "shopify",
        "source_url": "https://acme.myshopify.com",
        "source_credentials": {"access_token": SOURCE_SECRET},
        "marketplace_url": "https://jl.mirakl.net",
        "marketplace_credentials": {"api_key": MARKETPLACE_SECRET},
    }
    return Integration.objects.create(name=name, **{**defaults, **fields})


def order_make(integration: Integration, commercial_id: str = "8817455903", **fields) -> Order:
    defaults = {
        "marketplace_order_id": f"{commercial_id}-A",
        "marketplace_state": "SHIPPING",
        "total_price": Decimal("59.99"),
        "marketplace_created_at": timezone.now(),
        "raw": {
            "customer": {
                "shipping_address": {
                    "firstname": "Ada",
                    "lastname": "Lovelace",
                    "street_1": "12 Byron Road",
                    "city": "London",
                    "zip_code": "N1 9GU",
                    "country_iso_code": "GBR",
                }
            }
        },
    }
    order = Order.objects.create(
        integration=integration, commercial_id=commercial_id, **{**defaults, **fields}
    )
    OrderLine.objects.create(
        order=order,
        marketplace_line_id=f"{order.marketplace_order_id}-1",
        offer_sku="SKU-1",
        quantity=1,
        unit_price=Decimal("59.99"),
        price=Decimal("59.99"),
        state=order.marketplace_state,
    )
    return order

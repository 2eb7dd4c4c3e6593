"""Marketplace reference data the flows rely on: approved carriers (SH21), shipping types (SH12).

Both may be read once a day; the orders pass refreshes them when a day has gone by.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from integration_hub.models import Integration, MarketplaceCarrier, ShippingType

REFRESH_AFTER = dt.timedelta(days=1)


def marketplace_reference_due(integration: Integration, *, now: dt.datetime) -> bool:
    last = MarketplaceCarrier.objects.filter(integration=integration).aggregate(m=Max("fetched_at"))
    return last["m"] is None or last["m"] < now - REFRESH_AFTER


def marketplace_reference_refresh(integration: Integration, client) -> dict[str, int]:
    """Upsert SH21 carriers (missing ones become inactive) and SH12 shipping types."""
    now = timezone.now()
    carriers = client.carriers_list()
    for carrier in carriers:
        MarketplaceCarrier.objects.update_or_create(
            integration=integration,
            code=carrier.code,
            defaults={
                "label": carrier.label or carrier.code,
                "standard_code": carrier.standard_code or "",
                "tracking_url": carrier.tracking_url or "",
                "active": True,
                "fetched_at": now,
            },
        )
    MarketplaceCarrier.objects.filter(integration=integration).exclude(
        code__in=[c.code for c in carriers]
    ).update(active=False)
    types = client.shipping_types_list()
    for shipping_type in types:
        ShippingType.objects.update_or_create(
            integration=integration,
            code=shipping_type.code,
            defaults={
                "label": shipping_type.label or shipping_type.code,
                "mandatory_tracking": bool(shipping_type.mandatory_tracking),
                "fetched_at": now,
            },
        )
    return {"carriers": len(carriers), "shipping_types": len(types)}

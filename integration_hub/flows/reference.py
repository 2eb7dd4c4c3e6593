"""Marketplace reference data the flows rely on: approved carriers (SH21), shipping types
(SH12), and the shop's model and platform settings (A01, PC01).

Each may be read once a day; the orders pass refreshes each part when its day has gone by
(a "test connection" in between counts: it stores A01 and PC01 too).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Max
from django.utils import timezone

from connectors.base import PermanentError, TransientError
from integration_hub.models import Integration, MarketplaceCarrier, ShippingType
from integration_hub.services.shop_settings import shop_settings_due, shop_settings_refresh

logger = logging.getLogger("integration_hub.flows.reference")

REFRESH_AFTER = dt.timedelta(days=1)


def _carriers_due(integration: Integration, *, now: dt.datetime) -> bool:
    last = MarketplaceCarrier.objects.filter(integration=integration).aggregate(m=Max("fetched_at"))
    return last["m"] is None or last["m"] < now - REFRESH_AFTER


def marketplace_reference_due(integration: Integration, *, now: dt.datetime) -> bool:
    return _carriers_due(integration, now=now) or shop_settings_due(integration, now=now)


def marketplace_reference_refresh(integration: Integration, client) -> dict[str, int]:
    """Refresh each part whose day is over: carriers and shipping types, shop settings."""
    now = timezone.now()
    counts: dict[str, int] = {}
    if _carriers_due(integration, now=now):
        try:
            counts.update(carriers_refresh(integration, client, now=now))
        except (TransientError, PermanentError) as error:  # orders are pulled all the same
            logger.warning("integration %s: carriers not read: %s", integration, error)
            counts["carriers_failed"] = 1
    if shop_settings_due(integration, now=now):
        try:
            counts.update(shop_settings_refresh(integration, client, now=now))
        except (TransientError, PermanentError) as error:  # the orders pass goes on
            logger.warning("integration %s: shop settings not read: %s", integration, error)
            counts["shop_settings_failed"] = 1
    return counts


def carriers_refresh(integration: Integration, client, *, now: dt.datetime) -> dict[str, int]:
    """Upsert SH21 carriers (missing ones become inactive) and SH12 shipping types."""
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

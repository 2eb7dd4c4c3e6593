"""Writing to an order's timeline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from integration_hub.models import EventSource, Order, OrderEvent


def order_event_add(
    order: Order,
    *,
    source: str,
    kind: str,
    message: str,
    at: dt.datetime | None = None,
    actor=None,
    data: dict | None = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        source=source,
        kind=kind,
        message=message[:500],
        at=at or timezone.now(),
        actor=actor,
        data=data or {},
    )


MARKETPLACE, SOURCE, HUB, USER = (
    EventSource.MARKETPLACE,
    EventSource.SOURCE,
    EventSource.HUB,
    EventSource.USER,
)

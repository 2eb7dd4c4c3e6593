"""Daily completeness check: every paid marketplace order is in the source, exactly once."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from exceptions_queue.services import exception_record
from integration_hub.models import HubStatus, Integration, Order
from integration_hub.services.runs import RunRecorder

LOOKBACK = dt.timedelta(days=7)
IN_SOURCE = [HubStatus.INJECTED, HubStatus.DISPATCHED]


def orders_audit_pass(integration: Integration, run: RunRecorder) -> None:
    from integration_hub.clients import source_connector_for

    connector = source_connector_for(integration)
    recent = Order.objects.filter(
        integration=integration,
        hub_status__in=IN_SOURCE,
        marketplace_created_at__gte=timezone.now() - LOOKBACK,
    ).select_related("integration")
    for order in recent:
        if connector.order_find(order.commercial_id) is None:
            _flag(
                order,
                "order_not_injected",
                f"Order {order.commercial_id} was created in the source as "
                f"{order.source_order_number or order.source_order_id}, but the source no "
                "longer finds it by the JL order number.",
            )
            run.add("missing_in_source")
        else:
            run.add("present")
    _duplicates_flag(integration, run)


def _duplicates_flag(integration: Integration, run: RunRecorder) -> None:
    shared = (
        Order.objects.filter(integration=integration)
        .exclude(source_order_id="")
        .values("source_order_id")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .values_list("source_order_id", flat=True)
    )
    for order in Order.objects.filter(integration=integration, source_order_id__in=list(shared)):
        _flag(
            order,
            "order_injection_failed",
            f"Order {order.commercial_id} shares source order {order.source_order_id} with "
            "another marketplace order: check both in the source.",
        )
        run.add("duplicate")


def _flag(order: Order, kind: str, message: str) -> None:
    exception_record(
        integration=order.integration,
        kind=kind,
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        payload={"order_id": order.pk},
        message=message,
    )

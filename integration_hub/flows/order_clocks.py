"""Deadlines and delays on orders: raise the exception before the marketplace punishes it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from exceptions_queue.services import exception_record
from integration_hub.models import HubStatus, Integration, Order
from integration_hub.services.runs import RunRecorder

DISPATCH_WARNING = dt.timedelta(hours=12)
NOT_SHIPPED = [HubStatus.ACCEPTED, HubStatus.TO_INJECT, HubStatus.INJECTED]


def _raise(order: Order, kind: str, message: str, due_by=None) -> None:
    exception_record(
        integration=order.integration,
        kind=kind,
        subject_type="order",
        subject_id=order.marketplace_order_id,
        order=order,
        due_by=due_by,
        payload={"order_id": order.pk},
        message=message,
    )


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%a %d %b %H:%M")


def acceptance_clock(integration: Integration, run: RunRecorder, now: dt.datetime) -> None:
    """Undecided orders in the last quarter of their acceptance window."""
    last_quarter = dt.timedelta(hours=integration.acceptance_window_hours) / 4
    late = Order.objects.filter(
        integration=integration,
        hub_status__in=[HubStatus.NEW, HubStatus.HELD],
        marketplace_state="WAITING_ACCEPTANCE",
        acceptance_deadline__lte=now + last_quarter,
    ).select_related("integration")
    for order in late:
        _raise(
            order,
            "acceptance_deadline",
            due_by=order.acceptance_deadline,
            message=f"Order {order.commercial_id} is still undecided; the marketplace refuses "
            f"it automatically at {_local(order.acceptance_deadline)}.",
        )
        run.add("acceptance_deadline")


def dispatch_clocks(integration: Integration, run: RunRecorder, now: dt.datetime) -> None:
    """Orders near or past their shipping deadline, dispatches not confirmed, orders missing."""
    due = Order.objects.filter(
        integration=integration,
        hub_status__in=NOT_SHIPPED,
        shipping_deadline__lte=now + DISPATCH_WARNING,
    ).select_related("integration")
    for order in due:
        when = "was" if order.shipping_deadline <= now else "is"
        _raise(
            order,
            "dispatch_deadline",
            due_by=order.shipping_deadline,
            message=f"Order {order.commercial_id} has not shipped; its shipping deadline "
            f"{when} {_local(order.shipping_deadline)}.",
        )
        run.add("dispatch_deadline")
    unconfirmed = Order.objects.filter(
        integration=integration,
        hub_status=HubStatus.DISPATCHED,
        shipped_at__lte=now - dt.timedelta(minutes=integration.shipped_not_confirmed_minutes),
    ).select_related("integration")
    for order in unconfirmed:
        _raise(
            order,
            "shipped_not_confirmed",
            due_by=order.shipping_deadline,
            message=f"Order {order.commercial_id} left the warehouse at "
            f"{_local(order.shipped_at)} but is not confirmed on the marketplace.",
        )
        run.add("shipped_not_confirmed")
    missing = Order.objects.filter(
        integration=integration,
        hub_status=HubStatus.TO_INJECT,
        marketplace_updated_at__lte=now
        - dt.timedelta(minutes=integration.order_not_injected_minutes),
    ).select_related("integration")
    for order in missing:
        _raise(
            order,
            "order_not_injected",
            due_by=order.shipping_deadline,
            message=f"Order {order.commercial_id} is paid on the marketplace but not in the "
            "source system yet, so it will not be picked.",
        )
        run.add("order_not_injected")

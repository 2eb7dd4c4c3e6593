"""Reads for the returns screens and the order panel."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from integration_hub.models import Order
from returns.flows import allocation
from returns.flows.cancellations import NOT_SHIPPED
from returns.models import Cancellation, Refund, Return

REFUNDABLE_STATES = ("SHIPPED", "RECEIVED", "CLOSED")


def returns_for_list() -> QuerySet[Return]:
    return Return.objects.select_related("integration", "order").prefetch_related("lines")


def order_panel(order: Order) -> dict:
    """Everything the order page shows about returns, refunds and cancellations. Only lines
    the marketplace says can be refunded (``can_refund``) or cancelled (``can_cancel``) are
    offered in the forms."""
    lines = list(order.lines.all())
    refundable = []
    for line in lines:
        goods, shipping = allocation.left_on(line)
        if line.can_refund and line.state in REFUNDABLE_STATES and (goods > 0 or shipping > 0):
            refundable.append({"line": line, "goods_left": goods, "shipping_left": shipping})
    return {
        "returns": list(
            Return.objects.filter(order=order).prefetch_related("lines").order_by("id")
        ),
        "refunds": list(
            Refund.objects.filter(order=order)
            .select_related("created_by")
            .prefetch_related("lines__order_line")
            .order_by("id")
        ),
        "cancellations": list(
            Cancellation.objects.filter(order=order).select_related("created_by").order_by("id")
        ),
        "refundable": refundable,
        "shipping_left": sum((r["shipping_left"] for r in refundable), Decimal("0")),
        "cancellable": [line for line in lines if _cancellable(line)],
    }


def _cancellable(line) -> bool:
    return line.can_cancel and line.state in NOT_SHIPPED and bool(line.quantity)

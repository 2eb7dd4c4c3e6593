"""Retry handlers for finance's exception kinds, registered at start-up (AppConfig.ready).

A retry re-matches exactly the item's subject (one order, one line, one payout) and says
whether the problem is gone; pressing it twice is harmless.
"""

from __future__ import annotations

from exceptions_queue.models import ExceptionItem
from exceptions_queue.services import retry_handler_register


def retry_variance(item: ExceptionItem) -> bool:
    from integration_hub.models import Order
    from reconciliation.matching import (
        QUEUED_ORDER_STATUSES,
        options_for,
        order_reconcile,
        payouts_check,
    )
    from reconciliation.models import Payout, PayoutStatus

    if item.subject_type == "payout":
        payouts_check(item.integration, options=options_for(item.integration))
        payout = Payout.objects.filter(integration=item.integration, cycle_id=item.subject_id)
        return payout.exclude(status=PayoutStatus.VARIANCE).exists()
    order = Order.objects.filter(
        integration=item.integration, marketplace_order_id=item.subject_id
    ).first()
    if order is None:
        return False
    row = order_reconcile(order)
    return row is not None and row.status not in QUEUED_ORDER_STATUSES


def retry_unmatched(item: ExceptionItem) -> bool:
    from reconciliation.matching import (
        QUEUED_LINE_STATUSES,
        lines_link,
        lines_queue,
        lines_status_update,
    )
    from reconciliation.models import TransactionLine

    lines = TransactionLine.objects.filter(integration=item.integration, line_id=item.subject_id)
    if not lines.exists():
        return False
    lines_link(item.integration, lines)
    lines_status_update(item.integration, lines)
    lines_queue(item.integration, lines)
    return not lines.filter(match_status__in=QUEUED_LINE_STATUSES).exists()


def handlers_register() -> None:
    retry_handler_register("payout_variance", retry_variance)
    retry_handler_register("payout_unmatched", retry_unmatched)

"""The refunds each order says were made, read from its last OR11 payload into ExpectedRefund.

Matching needs them as rows so it can add them up in SQL. Only orders changed since the last
pass are read (a cursor on the order's ``updated_at``), so a pass costs what changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration, Order, OrderLine
from reconciliation.models import ExpectedRefund

CURSOR = "settlements.refunds_orders_updated_since"
IGNORED_STATES = {"REFUSED", "CANCELED"}


def _money(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _tax_total(taxes) -> Decimal:
    return sum((_money(t.get("amount")) for t in taxes or [] if isinstance(t, dict)), Decimal(0))


def refunds_of(raw_line: dict) -> list[dict]:
    """The refunds of one OR11 order line, as ExpectedRefund fields (refused ones left out)."""
    refunds = []
    for item in raw_line.get("refunds") or []:
        state = str(item.get("state") or item.get("refund_state") or "")
        if not item.get("id") or state in IGNORED_STATES:
            continue
        commission_vat = item.get("commission_tax_amount")
        refunds.append(
            {
                "refund_id": str(item["id"]),
                "amount": _money(item.get("amount")),
                "shipping_amount": _money(item.get("shipping_amount")),
                "commission": _money(item.get("commission_amount")),
                "commission_vat": _money(commission_vat)
                if commission_vat is not None
                else _tax_total(item.get("commission_taxes")),
                "state": state,
            }
        )
    return refunds


def expected_refunds_sync(integration: Integration) -> int:
    """Read the refunds of orders changed since the cursor; returns how many were stored."""
    stored = cursor_get(integration, CURSOR)
    orders = Order.objects.filter(integration=integration).order_by("updated_at", "pk")
    if stored:
        orders = orders.filter(updated_at__gte=dt.datetime.fromisoformat(stored))
    newest, count = None, 0
    for order in orders.only("pk", "raw", "updated_at").iterator(chunk_size=500):
        count += order_refunds_store(order)
        newest = order.updated_at
    if newest is not None:
        cursor_set(integration, CURSOR, newest.isoformat())
    return count


@transaction.atomic
def order_refunds_store(order: Order) -> int:
    raw_lines = [line for line in (order.raw or {}).get("order_lines") or [] if line.get("refunds")]
    if not raw_lines:
        return 0
    lines = {
        line.marketplace_line_id: line
        for line in OrderLine.objects.filter(order=order).only("pk", "marketplace_line_id")
    }
    count = 0
    for raw_line in raw_lines:
        line = lines.get(str(raw_line.get("order_line_id") or ""))
        if line is None:
            continue
        for refund in refunds_of(raw_line):
            ExpectedRefund.objects.update_or_create(
                order_line=line,
                refund_id=refund.pop("refund_id"),
                defaults={**refund, "order": order},
            )
            count += 1
    return count

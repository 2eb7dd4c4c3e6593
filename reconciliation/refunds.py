"""What each order says beyond its line prices, read from its last OR11 payload: the refunds
made (ExpectedRefund, with the fees they gave back) and the fees the customer paid on each line
(``order_lines[].fees[]`` into ExpectedFee, which the marketplace credits as ORDER_FEE_AMOUNT).

Matching needs them as rows so it can add them up in SQL. Only orders changed since the last
pass are read (a cursor on the order's ``updated_at``), so a pass costs what changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration, Order, OrderLine
from reconciliation.models import ExpectedFee, ExpectedRefund

CURSOR = "settlements.refunds_orders_updated_since"
IGNORED_STATES = {"REFUSED", "CANCELED"}


def _money(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _tax_total(taxes) -> Decimal:
    return sum((_money(t.get("amount")) for t in taxes or [] if isinstance(t, dict)), Decimal(0))


def fees_of(raw_line: dict) -> dict[str, Decimal]:
    """The fees of one OR11 order line (``fees[]``: code and amount), summed per code."""
    fees: dict[str, Decimal] = {}
    for fee in raw_line.get("fees") or []:
        if isinstance(fee, dict) and fee.get("code"):
            code = str(fee["code"])
            fees[code] = fees.get(code, Decimal(0)) + _money(fee.get("amount"))
    return fees


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
                "fees": _tax_total(item.get("fees")),
                "state": state,
            }
        )
    return refunds


def expected_refunds_sync(integration: Integration) -> int:
    """Read the refunds and line fees of orders changed since the cursor; returns how many
    refunds and fees were stored."""
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
    """The order's refunds and line fees as rows; a fee no longer on the order is removed."""
    raw_lines = [line for line in (order.raw or {}).get("order_lines") or [] if line]
    if not any(line.get("fees") or line.get("refunds") for line in raw_lines):
        ExpectedFee.objects.filter(order=order).delete()
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
        count += _line_fees_store(order, line, fees_of(raw_line))
        for refund in refunds_of(raw_line):
            ExpectedRefund.objects.update_or_create(
                order_line=line,
                refund_id=refund.pop("refund_id"),
                defaults={**refund, "order": order},
            )
            count += 1
    return count


def _line_fees_store(order: Order, line: OrderLine, fees: dict[str, Decimal]) -> int:
    ExpectedFee.objects.filter(order_line=line).exclude(code__in=fees).delete()
    for code, amount in fees.items():
        ExpectedFee.objects.update_or_create(
            order_line=line, code=code, defaults={"amount": amount, "order": order}
        )
    return len(fees)

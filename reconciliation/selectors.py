"""Reads for the finance screens: a payout's orders, an order's lines, the margin views."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth

from integration_hub.models import Order, OrderLine
from reconciliation.matching import (
    NOT_SETTLED,
    VOID_LINE_STATES,
    settled_annotations,
    settled_lines,
)
from reconciliation.models import (
    ExpectedFee,
    ExpectedRefund,
    OrderReconciliation,
    Payout,
    TransactionLine,
)
from reconciliation.types import (
    COMMISSION,
    COMMISSION_VAT,
    REFUNDS,
    SALES,
    SHIPPING,
)

ZERO = Decimal("0.00")


def payout_orders(payout: Payout):
    """The reconciliation rows of the orders that have lines in ``payout``."""
    order_ids = TransactionLine.objects.filter(
        integration=payout.integration, billing_cycle_id=payout.cycle_id, order__isnull=False
    ).values("order_id")
    return OrderReconciliation.objects.filter(order_id__in=order_ids).select_related("order")


def payout_lines(payout: Payout):
    return TransactionLine.objects.filter(
        integration=payout.integration, billing_cycle_id=payout.cycle_id
    ).select_related("order")


def order_line_breakdown(order: Order) -> list[dict]:
    """Per order line: expected vs settled net (lines the marketplace did not tie to a line of
    the order, such as seller fees, are shown on their own row), so finance sees which line is
    short."""
    settled = {
        row.pop("order_line_id"): row
        for row in settled_lines(order.integration, order=order)
        .values("order_line_id")
        .annotate(**settled_annotations())
    }
    refunds = _per_line(
        ExpectedRefund.objects.filter(order=order),
        F("amount") + F("shipping_amount") + F("fees") - F("commission") - F("commission_vat"),
    )
    fees = _per_line(ExpectedFee.objects.filter(order=order), F("amount"))
    rows = []
    for line in OrderLine.objects.filter(order=order).order_by("line_index"):
        expected = ZERO
        if line.state not in VOID_LINE_STATES:
            expected = line.price + line.shipping_price - line.commission_fee - line.commission_vat
            expected += fees.get(line.pk, ZERO)
        expected -= refunds.get(line.pk, ZERO)
        rows.append(
            _breakdown_row(line.offer_sku, line.marketplace_line_id, expected, settled.get(line.pk))
        )
    if None in settled:
        rows.append(_breakdown_row("", "not tied to a line", ZERO, settled[None]))
    return rows


def _per_line(rows, amount) -> dict[int, Decimal]:
    sums = rows.values("order_line_id").annotate(total=Sum(amount))
    return {row["order_line_id"]: row["total"] or ZERO for row in sums}


def _breakdown_row(sku: str, label: str, expected: Decimal, settled: dict | None) -> dict:
    net = (settled or {}).get("total") or ZERO  # every line, whatever its type
    return {
        "sku": sku,
        "line": label,
        "expected": expected,
        "settled": net,
        "variance": net - expected,
    }


def _margin_sums() -> dict:
    def bucket(name: str):
        return Sum("amount", filter=Q(type__in=_types(name)))

    return {
        "gross": Sum("amount", filter=Q(type__in=_types(SALES) + _types(SHIPPING))),
        "commission": bucket(COMMISSION),
        "commission_vat": bucket(COMMISSION_VAT),
        "refunds": bucket(REFUNDS),
        "net": Sum("amount"),
    }


def _types(bucket: str) -> list[str]:
    from reconciliation.types import types_in_bucket

    return types_in_bucket(bucket)


def margin_lines(integration=None):
    lines = TransactionLine.objects.filter(order__isnull=False).exclude(payment_state=NOT_SETTLED)
    return lines.filter(integration=integration) if integration is not None else lines


def margin_by_sku(integration=None) -> list[dict]:
    """Gross, commission, VAT on commission, refunds and net per SKU (settled money)."""
    rows = (
        margin_lines(integration)
        .filter(order_line__isnull=False)
        .values("currency", sku=F("order_line__offer_sku"))
        .annotate(**_margin_sums())
        .order_by("sku")
    )
    return [_zeroed(row) for row in rows]


def margin_by_month(integration=None) -> list[dict]:
    """The same per month the order was placed."""
    rows = (
        margin_lines(integration)
        .annotate(month=TruncMonth("order__marketplace_created_at"))
        .values("month", "currency")
        .annotate(**_margin_sums())
        .order_by("-month")
    )
    return [_zeroed(row) for row in rows]


def _zeroed(row: dict) -> dict:
    for key in ("gross", "commission", "commission_vat", "refunds", "net"):
        row[key] = row[key] or ZERO
    return row


def margin_orders(integration=None):
    rows = OrderReconciliation.objects.select_related("order", "integration").annotate(
        gross=F("settled_sales") + F("settled_shipping")
    )
    return rows.filter(integration=integration) if integration is not None else rows

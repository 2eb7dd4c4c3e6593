"""`hub bench` entries for finance: reconciling N transaction lines against M orders, and the
Excel export, each beside the plainest way of doing the same work (one SQL aggregation;
openpyxl write-only fed by one values_list query). Called from integration_hub.bench inside
its rolled-back transaction.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal

import openpyxl
from django.db import connection
from django.utils import timezone

from integration_hub.bench import Result, _bench_integration, _timed
from integration_hub.models import Order, OrderLine
from reconciliation.export import workbook_write
from reconciliation.matching import reconcile
from reconciliation.models import OrderReconciliation, OrderStatus, Payout, TransactionLine
from reconciliation.types import type_info

BATCH = 10_000
CYCLES = 10
# One order line of 24.00 + 3.60 shipping, 3.00 commission and 0.60 VAT on it, as five lines.
ORDER_LINES = [
    ("ORDER_AMOUNT", Decimal("20.00")),
    ("ORDER_AMOUNT_TAX", Decimal("4.00")),
    ("ORDER_SHIPPING_AMOUNT", Decimal("3.60")),
    ("COMMISSION_FEE", Decimal("-3.00")),
    ("COMMISSION_VAT", Decimal("-0.60")),
]


def _orders_create(integration, count: int, prefix: str) -> None:
    now = timezone.now()
    for start in range(0, count, BATCH):
        orders = Order.objects.bulk_create(
            Order(
                integration=integration,
                marketplace_order_id=f"{prefix}{n}-A",
                commercial_id=f"{prefix}{n}",
                marketplace_state="SHIPPED",
                shipped_at=now,
                marketplace_created_at=now,
            )
            for n in range(start, min(start + BATCH, count))
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                marketplace_line_id=f"{order.marketplace_order_id}-1",
                offer_sku=f"SKU-{order.pk % 500}",
                quantity=1,
                price=Decimal("24.00"),
                shipping_price=Decimal("3.60"),
                commission_fee=Decimal("3.00"),
                commission_vat=Decimal("0.60"),
                state="SHIPPED",
            )
            for order in orders
        )


def _lines_create(integration, orders: int, lines: int, prefix: str) -> None:
    """``lines`` transaction lines over ``orders`` orders; every 100th order is a penny short."""
    now = timezone.now()
    per_order = max(1, lines // orders)

    def rows(start: int, stop: int):
        for n in range(start, stop):
            order_no, kind_no = divmod(n, per_order)
            kind, amount = ORDER_LINES[kind_no % len(ORDER_LINES)]
            if kind_no == 0 and order_no % 100 == 0:
                amount -= Decimal("0.50")
            yield TransactionLine(
                integration=integration,
                line_id=f"{prefix}L{n}",
                type=kind,
                category=type_info(kind).category,
                amount=amount if kind_no < len(ORDER_LINES) else Decimal("0.00"),
                payment_state="PAID",
                date_created=now,
                last_updated=now,
                billing_cycle_id=f"{prefix}C{order_no % CYCLES}",
                marketplace_order_id=f"{prefix}{order_no}-A",
                marketplace_line_id=f"{prefix}{order_no}-A-1",
            )

    for start in range(0, lines, BATCH):
        TransactionLine.objects.bulk_create(rows(start, min(start + BATCH, lines)))


def bench_reconcile(scale: dict) -> Result:
    """Link, match and queue N transaction lines against M orders, and check every payout."""
    orders, lines = scale.get("recon_orders", 40), scale.get("recon_lines", 200)
    integration = _bench_integration("bench-reconcile", "k")
    _orders_create(integration, orders, "R")
    _lines_create(integration, orders, lines, "R")
    Payout.objects.bulk_create(
        Payout(integration=integration, cycle_id=f"RC{c}", amount_to_seller=Decimal("0"))
        for c in range(CYCLES)
    )
    seconds, peak, counts = _timed(lambda: reconcile(integration))
    again_seconds, _peak, _counts = _timed(lambda: reconcile(integration))  # nothing changed
    matched = OrderReconciliation.objects.filter(integration=integration)
    assert matched.count() == orders, f"{matched.count()} of {orders} orders reconciled"

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [integration.pk, integration.pk])
            return cursor.fetchall()

    baseline_seconds, _peak, rows = _timed(baseline)
    assert len(rows) == orders, f"baseline saw {len(rows)} orders"
    return Result(
        "reconciliation (TL02 lines vs orders, payouts)",
        lines,
        seconds,
        baseline_seconds,
        peak,
        {
            "orders": orders,
            "variances": counts.get(f"orders {OrderStatus.VARIANCE}", 0),
            "payouts": CYCLES,
            "second pass s": round(again_seconds, 2),
        },
    )


# The same logical work in the plainest SQL: expected and settled net per order, side by side.
BASELINE_SQL = """
SELECT e.order_id, e.expected, s.settled FROM (
    SELECT l.order_id, SUM(l.price + l.shipping_price - l.commission_fee - l.commission_vat)
        AS expected
    FROM integration_hub_orderline l JOIN integration_hub_order o ON o.id = l.order_id
    WHERE o.integration_id = %s GROUP BY l.order_id
) e LEFT JOIN (
    SELECT o.id AS order_id, SUM(t.amount) AS settled
    FROM reconciliation_transactionline t
    JOIN integration_hub_order o
        ON o.integration_id = t.integration_id AND o.marketplace_order_id = t.marketplace_order_id
    WHERE t.integration_id = %s GROUP BY o.id
) s ON s.order_id = e.order_id
"""


def bench_excel_export(scale: dict) -> Result:
    """The finance workbook with N order rows vs openpyxl write-only fed by one query."""
    count = scale.get("export_orders", 50)
    integration = _bench_integration("bench-export", "k")
    _orders_create(integration, count, "X")
    order_ids = Order.objects.filter(integration=integration).values_list("pk", flat=True)
    for start in range(0, count, BATCH):
        OrderReconciliation.objects.bulk_create(
            OrderReconciliation(
                order_id=pk,
                integration=integration,
                expected_sales=Decimal("24.00"),
                expected_net=Decimal("20.40"),
                settled_sales=Decimal("24.00"),
                settled_net=Decimal("20.40"),
                status=OrderStatus.MATCHED,
            )
            for pk in order_ids[start : start + BATCH]
        )
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/hub.xlsx"
        seconds, peak, counts = _timed(lambda: workbook_write(path, integration=integration))
        assert counts["Orders"] == count, f"exported {counts['Orders']} orders"
        baseline_seconds, _peak, _ = _timed(lambda: _plain_export(integration, f"{folder}/b.xlsx"))
    return Result("Excel export (Orders sheet, write-only)", count, seconds, baseline_seconds, peak)


def _plain_export(integration, path: str) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Orders")
    rows = OrderReconciliation.objects.filter(integration=integration).values_list(
        "order__marketplace_order_id", "order__commercial_id", "currency", "expected_net",
        "settled_net", "variance", "status",
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        sheet.append(list(row))
    workbook.save(path)

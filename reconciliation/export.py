"""The finance workbook: sheets Payouts, Orders, Transactions and Journal (openpyxl write-only,
so 100,000 rows stream through in constant memory).

Amounts are numbers with the currency's number format, dates are dates, and any text that a
spreadsheet would run as a formula (starting with = + - @) is escaped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
from django.db.models import Q, Sum
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from integration_hub.models import Integration
from integration_hub.tabular import cell_safe
from reconciliation.matching import NOT_SETTLED, other_kinds_text
from reconciliation.models import OrderReconciliation, Payout, TransactionLine
from reconciliation.types import JOURNAL_COLUMNS, PAYOUT, types_in_journal

CURRENCY_FORMATS = {
    "GBP": '"£"#,##0.00;-"£"#,##0.00',
    "EUR": '"€"#,##0.00;-"€"#,##0.00',
    "USD": '"$"#,##0.00;-"$"#,##0.00',
}
DATE_FORMAT = "yyyy-mm-dd hh:mm"
CHUNK = 2000

PAYOUT_HEADER = [
    "Integration", "Billing cycle", "Date", "Currency", "Transferred to seller",
    "Sum of lines", "Variance", "Status", "Open items", "Pay-out state", "Pay-out reference",
]  # fmt: skip
# Settled net = Sales + Shipping + Commission + VAT on commission + Refunds + Order fees + Other
# fees: every line bound to the order. Columns are a contract: new ones go at the end.
ORDER_HEADER = [
    "Integration", "Order ID", "Customer order number", "Currency", "Expected net",
    "Settled net", "Variance", "Status", "Sales", "Shipping", "Commission",
    "VAT on commission", "Refunds", "Other fees", "Write-off reason", "Order fees",
    "Expected order fees", "Not predicted by the order",
]  # fmt: skip
TRANSACTION_HEADER = [
    "Integration", "Transaction ID", "Date", "Type", "Category", "Amount", "Currency",
    "Payment state", "Billing cycle", "Order ID", "Customer order number", "Order line ID",
    "Match status", "Source",
]  # fmt: skip
JOURNAL_HEADER = [
    "Integration", "Billing cycle", "Date", "Currency", "Sales", "Shipping", "Commission",
    "VAT on commission", "Refunds", "Fees", "Payout", "Difference",
]  # fmt: skip


def currency_format(currency: str) -> str:
    return CURRENCY_FORMATS.get(currency, f'#,##0.00 "{currency}";-#,##0.00 "{currency}"')


class SheetWriter:
    """Appends rows to a write-only sheet, typing each value (money, date, escaped text)."""

    def __init__(self, workbook, title: str, header: list[str]) -> None:
        self.sheet = workbook.create_sheet(title)
        self.rows = 0
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)
        self.sheet.freeze_panes = "A2"

    def money(self, value, currency: str):
        if value is None:
            return None
        cell = WriteOnlyCell(self.sheet, value=Decimal(value))
        cell.number_format = currency_format(currency)
        return cell

    def date(self, value):
        if value is None:
            return None
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def append(self, values: list) -> None:
        self.sheet.append([cell_safe(v) if isinstance(v, str) else v for v in values])
        self.rows += 1


def workbook_write(target, *, integration: Integration | None = None, cycle_id: str = "") -> dict:
    """Write the workbook to ``target`` (a path or a binary file); returns rows per sheet."""
    workbook = openpyxl.Workbook(write_only=True)
    counts = {
        "Payouts": _payouts_sheet(workbook, integration, cycle_id),
        "Orders": _orders_sheet(workbook, integration, cycle_id),
        "Transactions": _transactions_sheet(workbook, integration, cycle_id),
        "Journal": _journal_sheet(workbook, integration, cycle_id),
    }
    workbook.save(target)
    return counts


def _scoped(queryset, integration, field="integration"):
    return queryset.filter(**{field: integration}) if integration is not None else queryset


def _payouts_sheet(workbook, integration, cycle_id) -> int:
    out = SheetWriter(workbook, "Payouts", PAYOUT_HEADER)
    payouts = _scoped(Payout.objects.select_related("integration"), integration)
    if cycle_id:
        payouts = payouts.filter(cycle_id=cycle_id)
    for p in payouts.order_by("date_created", "id"):
        out.append([
            p.integration.name, p.cycle_id, out.date(p.date_created), p.currency,
            out.money(p.amount_to_seller, p.currency), out.money(p.lines_total, p.currency),
            out.money(p.variance, p.currency), p.get_status_display(), p.open_items,
            p.pay_out_state, p.pay_out_reference,
        ])  # fmt: skip
    return out.rows


def _orders_sheet(workbook, integration, cycle_id) -> int:
    out = SheetWriter(workbook, "Orders", ORDER_HEADER)
    rows = _scoped(OrderReconciliation.objects.all(), integration)
    if cycle_id:
        in_cycle = TransactionLine.objects.filter(billing_cycle_id=cycle_id).values("order_id")
        rows = rows.filter(order_id__in=in_cycle)
    columns = rows.order_by("order_id").values_list(
        "integration__name", "order__marketplace_order_id", "order__commercial_id", "currency",
        "expected_net", "settled_net", "variance", "status", "settled_sales", "settled_shipping",
        "settled_commission", "settled_commission_vat", "settled_refunds", "settled_other",
        "write_off_reason", "settled_order_fees", "expected_order_fees", "settled_other_kinds",
    )  # fmt: skip
    for (
        name,
        order_id,
        number,
        cur,
        *money,
        status,
        s,
        sh,
        c,
        cv,
        r,
        o,
        reason,
        f,
        ef,
        kinds,
    ) in columns.iterator(chunk_size=CHUNK):
        out.append([
            name, order_id, number, cur, *[out.money(v, cur) for v in money], status,
            *[out.money(v, cur) for v in (s, sh, c, cv, r, o)], reason, out.money(f, cur),
            out.money(ef, cur), other_kinds_text(kinds),
        ])  # fmt: skip
    return out.rows


def _transactions_sheet(workbook, integration, cycle_id) -> int:
    out = SheetWriter(workbook, "Transactions", TRANSACTION_HEADER)
    lines = _scoped(TransactionLine.objects.all(), integration)
    if cycle_id:
        lines = lines.filter(billing_cycle_id=cycle_id)
    columns = lines.order_by("date_created", "id").values_list(
        "integration__name", "line_id", "date_created", "type", "category", "amount", "currency",
        "payment_state", "billing_cycle_id", "marketplace_order_id", "commercial_id",
        "marketplace_line_id", "match_status", "source",
    )  # fmt: skip
    for name, line_id, date, kind, category, amount, cur, *rest in columns.iterator(
        chunk_size=CHUNK
    ):
        out.append(
            [name, line_id, out.date(date), kind, category, out.money(amount, cur), cur, *rest]
        )
    return out.rows


def journal_rows(integration: Integration | None = None, cycle_id: str = "") -> list[dict]:
    """Per billing cycle: the sums an accountant posts (sales ... fees) and the payout."""
    lines = _scoped(TransactionLine.objects.exclude(billing_cycle_id=""), integration)
    lines = lines.exclude(payment_state=NOT_SETTLED)  # as the payout check: never paid out
    if cycle_id:
        lines = lines.filter(billing_cycle_id=cycle_id)
    sums = {
        column: Sum("amount", filter=Q(type__in=types_in_journal(column)))
        for column in JOURNAL_COLUMNS
        if column != PAYOUT
    }
    sums["fees"] = Sum("amount", filter=~Q(type__in=_typed_not_fees()))  # unknown types too
    sums["paid"] = Sum("amount", filter=Q(type="PAYMENT"))
    payouts = {
        (p.integration_id, p.cycle_id): p for p in _scoped(Payout.objects.all(), integration)
    }
    rows = []
    grouped = lines.values("integration_id", "integration__name", "billing_cycle_id", "currency")
    for row in grouped.annotate(**sums).order_by("billing_cycle_id"):
        payout = payouts.get((row["integration_id"], row["billing_cycle_id"]))
        transferred = (
            payout.amount_to_seller if payout and payout.amount_to_seller is not None else None
        )
        if transferred is None and row["paid"] is not None:
            transferred = -row["paid"]
        parts = [row[c] or Decimal(0) for c in JOURNAL_COLUMNS if c != PAYOUT]
        row.update(
            payout=transferred,
            date=payout.date_created if payout else None,
            difference=sum(parts, Decimal(0)) - (transferred or Decimal(0)),
        )
        rows.append(row)
    return rows


def _typed_not_fees() -> list[str]:
    return [t for c in JOURNAL_COLUMNS if c != "fees" for t in types_in_journal(c)]


def _journal_sheet(workbook, integration, cycle_id) -> int:
    out = SheetWriter(workbook, "Journal", JOURNAL_HEADER)
    for row in journal_rows(integration, cycle_id):
        cur = row["currency"]
        money = [row[c] or Decimal(0) for c in JOURNAL_COLUMNS if c != PAYOUT]
        out.append([
            row["integration__name"], row["billing_cycle_id"], out.date(row["date"]), cur,
            *[out.money(v, cur) for v in money], out.money(row["payout"], cur),
            out.money(row["difference"], cur),
        ])  # fmt: skip
    return out.rows


def export_file_name(integration: Integration | None, cycle_id: str = "") -> str:
    scope = integration.name if integration else "all"
    suffix = f"-{cycle_id}" if cycle_id else ""
    return f"reconciliation-{scope}{suffix}-{dt.date.today():%Y%m%d}.xlsx"

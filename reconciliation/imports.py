"""Import a settlement/payout report that finance received by hand (.xlsx or .csv).

Columns (header row, any order): ``transaction_id``, ``date``, ``type``, ``amount`` (required),
``currency``, ``payment_state``, ``order_id`` (the marketplace order id), ``customer_order_number``,
``order_line_id``, ``billing_cycle_id``, ``accounting_document_number`` (optional). Each row becomes
a transaction line keyed on ``transaction_id``, exactly like a TL02 line, so importing a file
twice (or a file overlapping what the API brought) doubles nothing. All or nothing: any bad
row rejects the file with every problem listed by row number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from integration_hub.columns import columns_problems
from integration_hub.models import Integration
from integration_hub.services.carrier_mappings import ImportRejected, ImportReport
from integration_hub.tabular import TableError, table_read
from reconciliation.models import Payout, SettlementImport, Source, TransactionLine
from reconciliation.pull import LINE_FIELDS
from reconciliation.types import type_info

REQUIRED = ["transaction_id", "date", "type", "amount"]
OPTIONAL = [
    "currency",
    "payment_state",
    "order_id",
    "customer_order_number",
    "order_line_id",
    "billing_cycle_id",
    "accounting_document_number",
]
# The file's column for each TransactionLine field it fills (for the row's error messages).
COLUMN_OF_FIELD = {
    "line_id": "transaction_id",
    "date_created": "date",
    "marketplace_order_id": "order_id",
    "commercial_id": "customer_order_number",
    "marketplace_line_id": "order_line_id",
}
PAYMENT_STATES = {"PENDING", "PAYABLE", "PAID", "NOT_APPLICABLE", "RESERVE"}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")
AMOUNT_NOISE = re.compile(r"[£€$,\s]")


def parse_amount(text: str) -> Decimal:
    """ "1,234.50", "£-3.20", "(3.20)" -> Decimal; ValueError naming the value otherwise."""
    raw = AMOUNT_NOISE.sub("", text)
    if raw.startswith("(") and raw.endswith(")"):
        raw = "-" + raw[1:-1]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"amount {text!r} is not a number") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValueError(f"amount {text!r} has more than 2 decimal places")
    try:
        return value.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than any amount (1E+30)
        raise ValueError(f"amount {text!r} is too large") from None


def parse_date(text: str) -> dt.datetime:
    """A date or date-time (ISO, or day/month/year as UK spreadsheets write it), UTC."""
    value = text.strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"date {text!r} is not a date (use 2026-11-30 or 30/11/2026)")
    if not 2000 <= parsed.year <= 2100:  # 9999-12-31+05:00 would overflow once moved to UTC
        raise ValueError(f"date {text!r} is not between 2000 and 2100")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _row_values(row) -> tuple[dict, list[str]]:
    values, problems = row.values, []
    fields: dict = {}
    for name in REQUIRED:
        if not values.get(name):
            problems.append(f"{name} is empty")
    try:
        fields["amount"] = parse_amount(values.get("amount", "")) if values.get("amount") else None
    except ValueError as error:
        problems.append(str(error))
    try:
        fields["date_created"] = parse_date(values["date"]) if values.get("date") else None
    except ValueError as error:
        problems.append(str(error))
    currency = (values.get("currency") or "GBP").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(f"currency {values.get('currency')!r} is not a 3-letter code")
    state = (values.get("payment_state") or "PAID").upper()
    if state not in PAYMENT_STATES:
        problems.append(
            f"payment_state {state!r} must be one of {', '.join(sorted(PAYMENT_STATES))}"
        )
    info = type_info(values.get("type", ""))
    fields.update(
        type=values.get("type", "").strip().upper(),
        category=info.category,
        known=info.known,
        currency=currency,
        payment_state=state,
        last_updated=fields.get("date_created"),
        transaction_date=fields.get("date_created"),
        marketplace_order_id=values.get("order_id", ""),
        commercial_id=values.get("customer_order_number", ""),
        marketplace_line_id=values.get("order_line_id", ""),
        billing_cycle_id=values.get("billing_cycle_id", ""),
        accounting_document_number=values.get("accounting_document_number", ""),
        source=Source.FILE,
    )
    if not problems:  # a value too long or too large for its column is refused, never cut
        stored = {**fields, "line_id": values["transaction_id"]}
        problems += columns_problems(TransactionLine, stored, COLUMN_OF_FIELD)
    return fields, [f"row {row.number}: {problem}" for problem in problems]


def _rows_checked(path) -> dict[str, dict]:
    try:
        rows = table_read(path, required=REQUIRED, optional=OPTIONAL)
    except TableError as error:
        raise ImportRejected([str(error)]) from None
    if not rows:
        raise ImportRejected(["the file has a header but no rows"])
    parsed, errors, first_seen = {}, [], {}
    for row in rows:
        fields, problems = _row_values(row)
        errors += problems
        line_id = row.values.get("transaction_id", "")
        if line_id in first_seen:
            errors.append(
                f"row {row.number}: transaction_id {line_id!r} repeats row {first_seen[line_id]}"
            )
        first_seen.setdefault(line_id, row.number)
        parsed[line_id] = fields
    if errors:
        raise ImportRejected(errors)
    return parsed


def settlement_file_import(
    integration: Integration, path: str | Path, *, actor=None
) -> ImportReport:
    """Validate every row, then store them all in one transaction (or nothing)."""
    path = Path(path)
    parsed = _rows_checked(path)
    report = ImportReport()
    with transaction.atomic():
        existing = {
            line.line_id: line
            for line in TransactionLine.objects.filter(integration=integration, line_id__in=parsed)
        }
        for line_id, fields in parsed.items():
            outcome = _line_apply(integration, line_id, fields, existing.get(line_id))
            setattr(report, outcome, getattr(report, outcome) + 1)
        _payouts_from_file(integration, {f["billing_cycle_id"] for f in parsed.values()})
        SettlementImport.objects.create(
            integration=integration,
            file_name=path.name[:255],
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            rows=len(parsed),
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            imported_by=actor,
        )
    return report


def _line_apply(integration, line_id: str, fields: dict, line: TransactionLine | None) -> str:
    if line is None:
        TransactionLine.objects.create(integration=integration, line_id=line_id, **fields)
        return "created"
    if line.source == Source.API:
        return "unchanged"  # the marketplace's own record wins over a hand-made report
    if all(getattr(line, name) == fields[name] for name in fields if name in LINE_FIELDS):
        return "unchanged"
    TransactionLine.objects.filter(pk=line.pk).update(**fields)
    return "updated"


def _payouts_from_file(integration: Integration, cycle_ids: set[str]) -> None:
    """A cycle the API has not told about yet takes its transfer from the file's PAYMENT lines."""
    known = set(
        Payout.objects.filter(integration=integration, cycle_id__in=cycle_ids, source=Source.API)
        .exclude(amount_to_seller=None)
        .values_list("cycle_id", flat=True)
    )
    for cycle_id in cycle_ids - known - {""}:
        lines = TransactionLine.objects.filter(integration=integration, billing_cycle_id=cycle_id)
        paid = lines.filter(type="PAYMENT").aggregate(total=Sum("amount"))["total"]
        first = lines.order_by("date_created").values_list("date_created", "currency").first()
        Payout.objects.update_or_create(
            integration=integration,
            cycle_id=cycle_id,
            defaults={
                "amount_to_seller": -paid if paid is not None else None,
                "date_created": first[0] if first else None,
                "currency": first[1] if first else "GBP",
                "source": Source.FILE,
            },
        )

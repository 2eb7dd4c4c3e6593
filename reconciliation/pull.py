"""Pull settlements from the marketplace: TL02 transaction lines, SBC11 billing cycles, IV01
accounting documents, each upserted on the marketplace's id.

TL02 is read incrementally on ``last_updated`` (oldest first, seek pages of up to 2000). Every
page is upserted in its own transaction and only then does the cursor move, to the newest
``last_updated`` of that page; the next pass asks from the cursor minus an overlap, and a line
whose ``last_updated`` is not newer than the stored one changes nothing. So a crash, a spent call
budget (CallDeferred) or a repeated page never loses or doubles a line, and a payment state that
moves PENDING -> PAYABLE -> PAID updates the same row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.utils import timezone

from connectors.mirakl.dtos import BillingCycle, Invoice
from connectors.mirakl.dtos import TransactionLine as LineDTO
from connectors.mirakl.limiter import CallDeferred
from connectors.mirakl.parse import ParseErrors
from exceptions_queue.services import exception_record
from integration_hub.columns import columns_problems, unstorable_record
from integration_hub.flows.orders_pull import cursor_get, cursor_set
from integration_hub.models import Integration
from integration_hub.services.runs import RunRecorder
from reconciliation.models import AccountingDocument, Payout, Source, TransactionLine
from reconciliation.types import type_info

CURSOR = "settlements.lines_updated_since"
OVERLAP = dt.timedelta(minutes=5)
PAGE = 2000
CYCLES_LOOKBACK = dt.timedelta(days=120)

LINE_FIELDS = [
    "type",
    "category",
    "known",
    "amount",
    "amount_credited",
    "amount_debited",
    "balance",
    "currency",
    "payment_state",
    "date_created",
    "last_updated",
    "transaction_date",
    "accounting_document_id",
    "accounting_document_number",
    "billing_cycle_id",
    "marketplace_order_id",
    "commercial_id",
    "marketplace_line_id",
    "refund_id",
    "source",
]


def line_values(dto: LineDTO) -> dict:
    """The model fields of one TL02 line (classification included)."""
    info = type_info(dto.type)
    return {
        "type": dto.type,
        "category": info.category,
        "known": info.known,
        "amount": dto.amount,
        "amount_credited": dto.amount_credited,
        "amount_debited": dto.amount_debited,
        "balance": dto.balance,
        "currency": dto.currency_iso_code or "GBP",
        "payment_state": dto.payment_state,
        "date_created": dto.date_created,
        "last_updated": dto.last_updated,
        "transaction_date": dto.transaction_date,
        "accounting_document_id": dto.accounting_document_id,
        "accounting_document_number": dto.accounting_document_number,
        "billing_cycle_id": dto.seller_billing_cycle_id,
        "marketplace_order_id": dto.order_id,
        "commercial_id": dto.order_commercial_id,
        "marketplace_line_id": dto.order_line_id,
        "refund_id": dto.refund_id,
        "source": Source.API,
    }


def _pages(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while page := list(islice(iterator, size)):
        yield page


def transaction_lines_pull(
    integration: Integration, client, run: RunRecorder, *, page_size: int = PAGE
) -> None:
    """TL02 from the cursor to the end; each page committed before the cursor moves."""
    stored = cursor_get(integration, CURSOR)
    since = dt.datetime.fromisoformat(stored) - OVERLAP if stored else None
    listing = client.transaction_logs_list(
        last_updated_from=since, limit=page_size, sort="lastUpdated,ASC"
    )
    unreadable: list[ParseErrors] = []
    try:
        for page in _pages(_readable(listing, unreadable), page_size):
            counts = transaction_lines_upsert(integration, page)
            for _ in range(counts.pop("unstorable", 0)):
                run.item_failed("lines unstorable")
            for name, amount in counts.items():
                run.add(f"lines {name}", amount)
            newest = max((dto.last_updated for dto in page if dto.last_updated), default=None)
            if newest is not None and (not stored or newest.isoformat() > stored):
                stored = newest.isoformat()
                cursor_set(integration, CURSOR, stored)
    except CallDeferred:
        run.add("TL02 deferred (call budget spent; the next pass goes on)")
    for errors in unreadable:
        _unreadable_record(integration, errors, run)


def _readable(items: Iterable, unreadable: list[ParseErrors]) -> Iterator:
    """The good lines; the ParseErrors raised after them is kept so the last page is stored."""
    try:
        yield from items
    except ParseErrors as errors:
        unreadable.append(errors)


@transaction.atomic
def transaction_lines_upsert(integration: Integration, dtos: list[LineDTO]) -> dict[str, int]:
    """Create new lines, update the ones that changed since stored; returns the counts."""
    latest: dict[str, LineDTO] = {}
    for dto in dtos:  # the same line twice in one page: keep the newest
        seen = latest.get(dto.id)
        if seen is None or _stamp(dto) >= _stamp(seen):
            latest[dto.id] = dto
    existing = {
        line.line_id: line
        for line in TransactionLine.objects.filter(integration=integration, line_id__in=latest)
    }
    new, changed, unstorable = [], [], 0
    for line_id, dto in latest.items():
        values = line_values(dto)
        if problems := columns_problems(TransactionLine, {**values, "line_id": line_id}):
            _unstorable_record(integration, "transaction_line", line_id, problems)
            unstorable += 1
            continue
        line = existing.get(line_id)
        if line is None:
            new.append(TransactionLine(integration=integration, line_id=line_id, **values))
        elif _is_newer(dto, line) and any(getattr(line, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(line, key, value)
            changed.append(line)
    TransactionLine.objects.bulk_create(new, batch_size=1000)
    TransactionLine.objects.bulk_update(changed, LINE_FIELDS, batch_size=1000)
    unchanged = len(latest) - len(new) - len(changed) - unstorable
    counts = {"new": len(new), "updated": len(changed), "unchanged": unchanged}
    return {**counts, "unstorable": unstorable} if unstorable else counts


def _unstorable_record(integration, subject_type: str, subject_id: str, problems, *, what=""):
    """Queued for finance and not stored: stored, it would break every finance screen, export
    and pass that reads it (issue 18)."""
    unstorable_record(
        integration,
        kind="payout_unmatched",
        subject_type=subject_type,
        subject_id=subject_id,
        problem="; ".join(problems),
        what=what,
    )


def _stamp(dto: LineDTO) -> dt.datetime:
    return dto.last_updated or dt.datetime.min.replace(tzinfo=dt.UTC)


def _is_newer(dto: LineDTO, line: TransactionLine) -> bool:
    if line.source == Source.FILE:
        return True  # the marketplace's own record replaces a hand-imported row
    return line.last_updated is None or (dto.last_updated and dto.last_updated > line.last_updated)


def _unreadable_record(integration: Integration, errors: ParseErrors, run: RunRecorder) -> None:
    """A line the hub cannot read is queued for finance, never silently dropped."""
    for line_id, reason, _raw in errors.failures:
        run.item_failed("lines unreadable")
        exception_record(
            integration=integration,
            kind="payout_unmatched",
            subject_type="transaction_line",
            subject_id=str(line_id),
            message=f"Transaction line {line_id} could not be read: {reason}",
        )


def billing_cycles_pull(integration: Integration, client, run: RunRecorder) -> None:
    """SBC11 for the last months (once a day at most): payouts and their transfer state."""
    since = timezone.now() - CYCLES_LOOKBACK
    try:
        for cycle in client.billing_cycles_list(start_date=since):
            run.add(f"payouts {payout_upsert(integration, cycle)}")
    except CallDeferred:
        run.add("SBC11 deferred (once a day)")
    except ParseErrors as errors:
        run.item_failed("payouts unreadable")
        run.add("payouts unreadable ids: " + ",".join(str(i) for i in errors.ids[:5]))


def payout_upsert(integration: Integration, cycle: BillingCycle) -> str:
    values = {
        "date_created": cycle.date_created,
        "currency": cycle.currency_iso_code or "GBP",
        "amount_to_seller": cycle.amount_transferred_to_seller,
        "amount_to_operator": cycle.amount_transferred_to_operator,
        "pay_out_state": cycle.pay_out_state,
        "pay_out_reference": cycle.pay_out_reference,
        "pay_out_date": cycle.pay_out_transaction_date,
        "payment_voucher_number": cycle.payment_voucher_number,
        "summary": {k: str(v) for k, v in cycle.summary.items()},
        "source": Source.API,
    }
    if problems := columns_problems(Payout, {**values, "cycle_id": cycle.id}):
        _unstorable_record(integration, "payout", cycle.id, problems)
        return "unstorable"
    payout, created = Payout.objects.get_or_create(
        integration=integration, cycle_id=cycle.id, defaults=values
    )
    if created:
        return "new"
    if all(getattr(payout, k) == v for k, v in values.items()):
        return "unchanged"
    Payout.objects.filter(pk=payout.pk).update(**values)
    return "updated"


def invoices_pull(integration: Integration, client, run: RunRecorder) -> None:
    """IV01 (every type) for the last months (once a day at most)."""
    since = timezone.now() - CYCLES_LOOKBACK
    try:
        for invoice in client.invoices_list(start_date=since, type="ALL"):
            run.add(f"documents {document_upsert(integration, invoice)}")
    except CallDeferred:
        run.add("IV01 deferred (once a day)")
    except ParseErrors as errors:
        run.item_failed("documents unreadable")
        run.add("documents unreadable ids: " + ",".join(str(i) for i in errors.ids[:5]))


def document_upsert(integration: Integration, invoice: Invoice) -> str:
    values = {
        "invoice_id": invoice.invoice_id,
        "type": invoice.type,
        "state": invoice.state,
        "currency": invoice.currency_iso_code,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "total_excl_taxes": invoice.total_amount_excl_taxes,
        "total_incl_taxes": invoice.total_amount_incl_taxes,
        "total_taxes": (
            sum((t.amount for t in invoice.total_taxes), Decimal(0))
            if invoice.total_taxes
            else None
        ),
        "payment_state": invoice.payment_state,
        "payment_reference": invoice.payment_reference,
        "payment_date": invoice.payment_transaction_date,
    }
    if problems := columns_problems(AccountingDocument, {**values, "document_id": invoice.id}):
        _unstorable_record(integration, "payout", invoice.id, problems, what="accounting document")
        return "unstorable"
    _doc, created = AccountingDocument.objects.update_or_create(
        integration=integration, document_id=invoice.id, defaults=values
    )
    return "new" if created else "seen"

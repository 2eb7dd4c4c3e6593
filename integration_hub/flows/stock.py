"""Stock to the marketplace: only SKUs whose pushed quantity changed, in one STO01 per window.

    pushed = max(0, source available - buffer - committed to marketplace orders not yet in
                 the source)

Each push writes a ledger row per SKU (source qty, buffer, committed, pushed, import id,
outcome) so anyone can see why the marketplace shows a number. A SKU counts as synced only
when its import completed without an error for it (STO02, then STO03's error report). Never
OF24: it resets every field it is not sent.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from connectors.mirakl.dtos import StockRow
from connectors.mirakl.limiter import CallDeferred
from exceptions_queue.models import ExceptionItem
from exceptions_queue.models import Status as ExceptionStatus
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.catalogue import stock_levels_read
from integration_hub.flows.orders_accept import committed_lines
from integration_hub.models import (
    Integration,
    MarketplaceImport,
    Product,
    StockLedgerEntry,
    Validation,
)
from integration_hub.services.runs import RunRecorder

Outcome = StockLedgerEntry.Outcome


def offer_known_q(integration: Integration) -> Q:
    """With catalogue publishing on, the SKUs that may have an offer to update.

    Until the hub has read the marketplace's offer list once (the offers audit), it does not
    know which SKUs sell already, so every SKU is sent, as without catalogue publishing:
    never oversell an offer the hub has not seen yet. After that: the SKUs whose offer exists,
    created by OF01, confirmed by a stock or price import, or in the offers audit's export.
    """
    from integration_hub.flows.offers_audit import SEEN
    from integration_hub.flows.orders_pull import cursor_get

    if not integration.catalogue_enabled or not cursor_get(integration, SEEN):
        return Q()
    return (
        Q(listing_live_at__isnull=False)
        | Q(last_pushed_qty__isnull=False)
        | Q(last_pushed_price__isnull=False)
        | Q(marketplace_checked_at__isnull=False)
    )


def stock_targets(integration: Integration, *, live_only: bool = True):
    """Every publishable SKU annotated with ``held`` (buffer), ``taken`` (committed) and
    ``pushed`` (what the marketplace should show now), computed in the database.

    With catalogue publishing on, only SKUs whose offer exists are published (``live_only``);
    OF01 asks for the others, to create their offer with the right quantity."""
    committed = (
        committed_lines(integration)
        .filter(offer_sku=OuterRef("offer_sku"))
        .values("offer_sku")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    products = Product.objects.filter(
        integration=integration,
        last_source_qty__isnull=False,
        validation_status=Validation.VALID,  # an invalid SKU is not published
    )
    if live_only:
        products = products.filter(offer_known_q(integration))
    return products.annotate(
        held=Coalesce("buffer_override", Value(integration.default_buffer)),
        taken=Coalesce(Subquery(committed, output_field=IntegerField()), Value(0)),
    ).annotate(pushed=Greatest(F("last_source_qty") - F("held") - F("taken"), Value(0)))


def stock_plan(integration: Integration) -> list[tuple[Product, int, int]]:
    """(product, committed, pushed) for every SKU whose pushed quantity changed.

    Computed in the database, so only the changed SKUs are loaded. SKUs in an import still
    running are left for the next pass; a SKU whose source changed but whose pushed quantity
    did not is marked in sync without a push.
    """
    in_flight = StockLedgerEntry.objects.filter(
        product__integration=integration, outcome=Outcome.PENDING
    ).values("product_id")
    # a SKU the marketplace rejected waits for a person (its exception's retry re-sends it)
    rejected = ExceptionItem.objects.filter(
        integration=integration, kind="stock_import_error", status=ExceptionStatus.OPEN
    ).values("subject_id")
    candidates = (
        stock_targets(integration).exclude(pk__in=in_flight).exclude(offer_sku__in=rejected)
    )
    changed = Q(last_pushed_qty__isnull=True) | ~Q(pushed=F("last_pushed_qty"))
    in_sync_newer = candidates.filter(~changed).filter(
        Q(last_pushed_at__isnull=True) | Q(last_pushed_at__lt=F("last_source_qty_at"))
    )
    Product.objects.filter(pk__in=list(in_sync_newer.values_list("pk", flat=True))).update(
        last_pushed_at=timezone.now()
    )
    last_outcome = (
        StockLedgerEntry.objects.filter(product_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("outcome")[:1]
    )
    plan = (
        candidates.filter(changed)
        .annotate(last_outcome=Subquery(last_outcome))
        .select_related("integration")
    )
    return [(product, product.taken, product.pushed) for product in plan]


def stock_push(integration: Integration, client, run: RunRecorder) -> None:
    """Send every changed SKU in one STO01 import (the spec allows one a minute)."""
    plan = stock_plan(integration)
    if not plan:
        return
    rows = [StockRow(product.offer_sku, pushed) for product, _taken, pushed in plan]
    try:
        import_id = client.stock_import_create(rows=rows)
    except CallDeferred:
        run.add("stock_push_deferred")  # the window's import already went; the next pass sends
        return
    with transaction.atomic():
        sent = MarketplaceImport.objects.create(
            integration=integration,
            kind=MarketplaceImport.Kind.STOCK,
            import_id=import_id,
            lines=len(rows),
            submitted_at=timezone.now(),
        )
        StockLedgerEntry.objects.bulk_create(
            StockLedgerEntry(
                product=product,
                marketplace_import=sent,
                source_qty=product.last_source_qty,
                buffer=product.buffer,
                committed=taken,
                pushed_qty=pushed,
                reason=_push_reason(product),
            )
            for product, taken, pushed in plan
        )
    run.add("stock_skus_sent", len(rows))


def _push_reason(product: Product) -> str:
    """Why a SKU is sent: a drift repair, a re-send after a rejection, or a change."""
    if product.drift_found_at is not None:
        return StockLedgerEntry.Reason.DRIFT
    if product.last_outcome == Outcome.REJECTED:
        return StockLedgerEntry.Reason.RETRY
    return StockLedgerEntry.Reason.CHANGE


def imports_confirm(integration: Integration, kind: str, status_of, errors_of, settle) -> None:
    """Poll the running imports of ``kind`` (``status_of``: STO02 or PRI02) and hand each
    finished one to ``settle(sent, status, {offer_sku: error})`` with its error report
    (``errors_of``: STO03 or PRI03). Stops quietly when the call budget is spent."""
    running = MarketplaceImport.objects.filter(
        integration=integration, kind=kind, status=MarketplaceImport.Status.SUBMITTED
    ).order_by("submitted_at")
    for sent in running:
        try:
            status = status_of(sent.import_id)
        except CallDeferred:
            return
        if not status.finished:
            continue
        errors = {}
        if status.status == "COMPLETE" and (status.has_error_report or status.lines_in_error):
            errors = {e.sku: e.message for e in errors_of(sent.import_id)}
        settle(sent, status.status, errors)


def stock_confirm(integration: Integration, client, run: RunRecorder) -> None:
    """Poll the running imports (STO02) and settle each SKU from the error report (STO03)."""
    imports_confirm(
        integration,
        MarketplaceImport.Kind.STOCK,
        client.stock_import_status,
        client.stock_import_errors,
        lambda sent, status, errors: _import_settle(sent, status, errors, run),
    )


@transaction.atomic
def _import_settle(sent: MarketplaceImport, status: str, errors: dict[str, str], run) -> None:
    now = timezone.now()
    failed = status == "FAILED"
    for entry in sent.entries.select_related("product", "product__integration"):
        product = entry.product
        message = "the whole import failed" if failed else errors.get(product.offer_sku)
        if message:
            _entry_rejected(entry, message, sent)
            run.add("stock_skus_rejected")
            continue
        StockLedgerEntry.objects.filter(pk=entry.pk).update(
            outcome=Outcome.CONFIRMED, confirmed_at=now
        )
        Product.objects.filter(pk=product.pk).update(
            last_pushed_qty=entry.pushed_qty, last_pushed_at=now
        )
        if entry.reason == StockLedgerEntry.Reason.DRIFT:
            from integration_hub.flows.offers_audit import drift_repaired

            drift_repaired(product, f"import {sent.import_id} set {entry.pushed_qty} again")
        exception_clear(
            integration=sent.integration,
            kind="stock_import_error",
            subject_type="sku",
            subject_id=product.offer_sku,
            note=f"import {sent.import_id} confirmed {entry.pushed_qty}",
        )
        run.add("stock_skus_confirmed")
    sent.status = MarketplaceImport.Status.FAILED if failed else MarketplaceImport.Status.COMPLETE
    sent.lines_in_error = len(errors) if not failed else sent.lines
    sent.finished_at = now
    sent.save(update_fields=["status", "lines_in_error", "finished_at"])


def _entry_rejected(entry: StockLedgerEntry, message: str, sent: MarketplaceImport) -> None:
    StockLedgerEntry.objects.filter(pk=entry.pk).update(
        outcome=Outcome.REJECTED, error=message[:500]
    )
    exception_record(
        integration=sent.integration,
        kind="stock_import_error",
        subject_type="sku",
        subject_id=entry.product.offer_sku,
        payload={"product_id": entry.product_id},
        message=(
            f"The marketplace rejected stock {entry.pushed_qty} for offer SKU "
            f"{entry.product.offer_sku!r} (import {sent.import_id}): {message}"
        ),
    )


def stock_stale_check(integration: Integration, run: RunRecorder, now: dt.datetime) -> None:
    """One exception per integration while stock changes wait too long for confirmation."""
    cutoff = now - dt.timedelta(minutes=integration.stock_stale_minutes)
    waiting = Product.objects.filter(
        integration=integration,
        last_source_qty_at__lte=cutoff,
        validation_status=Validation.VALID,  # an invalid SKU is not published: not late either
    ).filter(Q(last_pushed_at__isnull=True) | Q(last_pushed_at__lt=F("last_source_qty_at")))
    waiting = waiting.filter(offer_known_q(integration))  # no offer yet: not late either
    count = waiting.count()
    subject = f"{integration.name}:stock"
    if not count:
        exception_clear(
            integration=integration,
            kind="stock_sync_stale",
            subject_type="integration",
            subject_id=subject,
            note="every stock change is confirmed",
        )
        return
    oldest = waiting.order_by("last_source_qty_at").first()
    exception_record(
        integration=integration,
        kind="stock_sync_stale",
        subject_type="integration",
        subject_id=subject,
        message=(
            f"{count} SKU stock change(s) not confirmed on the marketplace within "
            f"{integration.stock_stale_minutes} minutes (oldest: {oldest.offer_sku}, changed "
            f"{timezone.localtime(oldest.last_source_qty_at):%H:%M})."
        ),
    )
    run.add("stock_stale", count)


def stock_pass(integration: Integration, run: RunRecorder) -> None:
    """Check staleness, read source stock, settle running imports, push what changed."""
    from integration_hub.clients import marketplace_client_for, source_connector_for

    stock_stale_check(integration, run, timezone.now())
    stock_levels_read(integration, source_connector_for(integration), run)
    client = marketplace_client_for(integration)
    stock_confirm(integration, client, run)
    stock_push(integration, client, run)

"""Send valid products (P41) and their first offers (OF01); settle each SKU from the reports.

One product import per pass at most, and only while none is unfinished (P41: once every 15
minutes at most; the limiter holds the window). A SKU is sent when its built record passes
its category's rules and differs from the record the marketplace last accepted. A P41 that
fails after it may have arrived is sent again by the next pass: a product import updates a
product of the same shop SKU, so a repeat does no harm.

OF01 carries only offers (never ``with_products``), for SKUs whose product the marketplace
integrated (P45) and that have no offer yet, once: a refused offer waits for its
``offer_import_error`` retry. From COMPLETE on, the stock and price flows own the offer.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from connectors.base import PermanentError
from connectors.mirakl import dtos
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.listing_build import BLOCKING
from integration_hub.flows.listing_rules import CatalogueStructure
from integration_hub.flows.listings import SUBJECT, import_state
from integration_hub.models import (
    CatalogueImport,
    CatalogueImportLine,
    Integration,
    ListingStatus,
    Product,
    Validation,
)
from integration_hub.services.runs import RunRecorder

logger = logging.getLogger("integration_hub.flows.catalogue")
Kind = CatalogueImport.Kind
Outcome = CatalogueImportLine.Outcome
FAILED_STATUSES = {"FAILED", "CANCELLED", "TRANSFORMATION_FAILED"}
MAX_PRODUCTS_PER_FILE = 10_000


def _unfinished(integration: Integration, kind: str):
    return CatalogueImport.objects.filter(integration=integration, kind=kind, finished=False)


# --- P41: products ------------------------------------------------------------------------


def product_columns(structure: CatalogueStructure, records: list[dict]) -> list[str]:
    """The file's header: the SKU and category columns first, then every other code sorted."""
    first = [structure.sku_column, structure.category_column]
    rest = sorted({code for record in records for code in record} - set(first))
    return first + rest


def product_import_send(
    integration: Integration, client, structure: CatalogueStructure, run: RunRecorder
) -> CatalogueImport | None:
    """One P41 with every ready SKU (valid, changed since accepted, not rejected as is)."""
    if _unfinished(integration, Kind.PRODUCTS).exists():
        return None
    products = list(
        Product.objects.filter(integration=integration, listing_status=ListingStatus.READY)
        .order_by("pk")
        .only("pk", "sku", "listing_record", "listing_record_hash")[:MAX_PRODUCTS_PER_FILE]
    )
    products += list(_live_changed(integration))
    if not products:
        return None
    records = [p.listing_record for p in products]
    import_id = client.product_import_create(
        columns=product_columns(structure, records), rows=records
    )
    sent = _import_record(integration, Kind.PRODUCTS, import_id, products)
    run.add("products_sent", len(products))
    return sent


def _live_changed(integration: Integration) -> list[Product]:
    """Live or integrated SKUs whose valid record changed since the marketplace accepted it:
    sent again so the marketplace's product follows the source."""
    rows = (
        Product.objects.filter(
            integration=integration,
            listing_status__in=[ListingStatus.LIVE, ListingStatus.INTEGRATED],
        )
        .exclude(listing_accepted_hash="")
        .exclude(listing_record_hash=F("listing_accepted_hash"))
        .only("pk", "sku", "listing_record", "listing_record_hash", "listing_problems")
    )
    _pending, latest = import_state(integration)
    return [
        product
        for product in rows
        if product.listing_record
        and not any(p["kind"] in BLOCKING for p in product.listing_problems or [])
        and not _refused_as_is(latest.get(product.sku), product.listing_record_hash)
    ]


def _refused_as_is(line: dict | None, record_hash: str) -> bool:
    """The marketplace refused this very record last time: it waits for a change or a retry."""
    return bool(line) and line["outcome"] == "rejected" and line["record_hash"] == record_hash


@transaction.atomic
def _import_record(integration, kind, import_id, products, records=None) -> CatalogueImport:
    now = timezone.now()
    sent = CatalogueImport.objects.create(
        integration=integration,
        kind=kind,
        import_id=str(import_id),
        status="SENT_BY_HUB",
        lines=len(products),
        sent_at=now,
    )
    CatalogueImportLine.objects.bulk_create(
        CatalogueImportLine(
            catalogue_import=sent,
            product_id=product.pk,
            sku=product.sku,
            record=records[i] if records else product.listing_record,
            record_hash="" if records else product.listing_record_hash,
        )
        for i, product in enumerate(products)
    )
    if kind == Kind.PRODUCTS:
        Product.objects.filter(pk__in=[p.pk for p in products]).filter(
            listing_status=ListingStatus.READY
        ).update(listing_status=ListingStatus.SUBMITTED)
    return sent


def product_imports_check(integration: Integration, client, structure, run: RunRecorder) -> None:
    """P42 for each unfinished product import; a final one is settled from P47, P44 and P45."""
    for sent in _unfinished(integration, Kind.PRODUCTS).order_by("sent_at"):
        status = client.product_import_status(sent.import_id)
        _status_store(sent, status.status, status)
        if not status.is_final:
            continue
        if status.status in FAILED_STATUSES:
            reason = status.reason_status or f"the import ended {status.status}"
            _lines_settle(sent, rejected={line.sku: (reason, ()) for line in _pending(sent)})
        else:
            _product_reports_settle(sent, client, structure, status)
        run.add("product_imports_finished")


def _pending(sent: CatalogueImport):
    return sent.import_lines.filter(outcome=Outcome.PENDING)


def _status_store(sent: CatalogueImport, status: str, answer) -> None:
    sent.status = status
    sent.checked_at = timezone.now()
    sent.answer = {k: str(v) for k, v in vars(answer).items()} if answer is not None else {}
    sent.save(update_fields=["status", "checked_at", "answer"])


def _report_lines(read, sent, sku_column: str) -> list:
    try:
        return read(sent.import_id, sku_column=sku_column)
    except PermanentError as error:
        sent.error = f"{sent.error}\n{error}".strip()
        raise


def _product_reports_settle(sent, client, structure, status) -> None:
    sku_column = structure.sku_column
    known = structure.attribute_codes()  # a quoted value in a message is not an attribute
    rejected: dict[str, tuple[str, tuple]] = {}
    for flag, read in (
        (status.has_transformation_error_report, client.product_import_transformation_errors),
        (status.has_error_report, client.product_import_error_report),
    ):
        if flag:
            for line in _report_lines(read, sent, sku_column):
                if line.message:
                    message, attributes = rejected.get(line.sku, ("", ()))
                    joined = f"{message}; {line.message}" if message else line.message
                    named = tuple(a for a in line.attributes if a in known)
                    rejected[line.sku] = (joined, tuple(attributes) + named)
    integrated: set[str] = set()
    if status.has_new_product_report:
        integrated = {
            line.sku for line in _report_lines(client.product_import_new_products, sent, sku_column)
        }
    _lines_settle(sent, rejected=rejected, integrated=integrated)


@transaction.atomic
def _lines_settle(sent, *, rejected: dict, integrated: set[str] = frozenset()) -> None:
    now = timezone.now()
    lines = {line.sku: line for line in sent.import_lines.select_related("product")}
    unknown = sorted((set(rejected) | set(integrated)) - set(lines))
    for line in lines.values():
        if line.sku in rejected:
            message, attributes = rejected[line.sku]
            _line_rejected(sent, line, message, list(dict.fromkeys(a for a in attributes if a)))
        else:
            _line_accepted(sent, line, integrated=line.sku in integrated, now=now)
    sent.finished = True
    sent.finished_at = now
    if unknown:  # recorded, not dropped: the import's page lists them
        sent.answer = {**sent.answer, "unknown_skus": unknown}
    sent.save(update_fields=["finished", "finished_at", "answer"])


def _line_rejected(sent, line, message: str, attributes: list[str]) -> None:
    line.outcome, line.message, line.attributes = Outcome.REJECTED, message, attributes
    line.save(update_fields=["outcome", "message", "attributes"])
    kind = "product_import_error" if sent.kind == Kind.PRODUCTS else "offer_import_error"
    named = f" ({', '.join(attributes)})" if attributes else ""
    exception_record(
        integration=sent.integration,
        kind=kind,
        subject_type=SUBJECT,
        subject_id=line.sku,
        payload={"product_id": line.product_id, "import_id": sent.import_id},
        message=f"SKU {line.sku} was refused by the marketplace in {sent}{named}: {message}",
    )


def _line_accepted(sent, line, *, integrated: bool, now) -> None:
    line.outcome = Outcome.ACCEPTED
    line.save(update_fields=["outcome"])
    product = line.product
    kind = "product_import_error" if sent.kind == Kind.PRODUCTS else "offer_import_error"
    exception_clear(
        integration=sent.integration,
        kind=kind,
        subject_type=SUBJECT,
        subject_id=line.sku,
        note=f"the marketplace accepted it in {sent}",
    )
    if product is None:
        return
    if sent.kind == Kind.PRODUCTS:
        product.listing_accepted_hash = line.record_hash
        if integrated and product.listing_integrated_at is None:
            product.listing_integrated_at = now
        product.save(update_fields=["listing_accepted_hash", "listing_integrated_at"])
    else:
        _offer_live(product, line.record, now)


# --- OF01: offers -------------------------------------------------------------------------


def offers_due(integration: Integration):
    """Integrated SKUs with no offer, never refused, with a valid SKU map, EAN and price."""
    tried = CatalogueImportLine.objects.filter(
        catalogue_import__integration=integration,
        catalogue_import__kind=Kind.OFFERS,
        retry_requested=False,
    ).values("product_id")
    return (
        Product.objects.filter(
            integration=integration,
            listing_integrated_at__isnull=False,
            listing_live_at__isnull=True,
            validation_status=Validation.VALID,
            price__gt=0,
            last_source_qty__isnull=False,
        )
        .exclude(ean="")
        .exclude(pk__in=tried)
        .order_by("pk")
    )


def offer_import_send(integration: Integration, client, run: RunRecorder) -> None:
    from integration_hub.flows.prices import price_push_blocked
    from integration_hub.flows.stock import stock_targets

    if _unfinished(integration, Kind.OFFERS).exists():
        return
    if price_push_blocked(integration, run):  # OF01's price is PRI01's: wholesale on DROPSHIP
        run.add("offers_held_dropship")
        return
    due = {p.pk: p for p in offers_due(integration)[:MAX_PRODUCTS_PER_FILE]}
    if not due:
        return
    quantities = dict(
        stock_targets(integration, live_only=False)
        .filter(pk__in=list(due))
        .values_list("pk", "pushed")
    )
    rows = [_offer_row(integration, product, quantities.get(pk, 0)) for pk, product in due.items()]
    # OF01 may be repeated: "If Mirakl detects a duplicate import request, the API will
    # return the import_id of the existing import" (OF01_Response_201), so a lost answer is
    # simply sent again by the next pass.
    import_id = client.offer_import_create(rows=rows, import_mode="NORMAL")
    records = [_offer_record(row) for row in rows]
    _import_record(integration, Kind.OFFERS, import_id, list(due.values()), records)
    run.add("offers_sent", len(rows))


def _offer_row(integration: Integration, product: Product, quantity: int) -> dtos.OfferRow:
    return dtos.OfferRow(
        sku=product.offer_sku,
        product_id=product.ean,
        product_id_type="EAN",
        price=product.price,
        quantity=max(0, int(quantity)),
        state=integration.offer_state,
        leadtime_to_ship=integration.offer_leadtime_to_ship,
    )


def _offer_record(row: dtos.OfferRow) -> dict:
    return {
        "sku": row.sku,
        "product-id": row.product_id,
        "product-id-type": row.product_id_type,
        "price": format(row.price, "f"),
        "quantity": str(row.quantity),
        "state": row.state,
        "leadtime-to-ship": "" if row.leadtime_to_ship is None else str(row.leadtime_to_ship),
    }


def offer_imports_check(integration: Integration, client, run: RunRecorder) -> None:
    """OF02 for each unfinished offer import; OF03 lines become per-SKU exceptions."""
    for sent in _unfinished(integration, Kind.OFFERS).order_by("sent_at"):
        status = client.offer_import_status(sent.import_id)
        _status_store(sent, status.status, status)
        if not status.is_final:
            continue
        rejected: dict[str, tuple[str, tuple]] = {}
        if status.status in FAILED_STATUSES:
            reason = status.reason_status or "the offer import FAILED"
            rejected = {line.sku: (reason, ()) for line in _pending(sent)}
        elif status.has_error_report:
            offer_skus = dict(sent.import_lines.values_list("record__sku", "sku"))
            for error in client.offer_import_errors(sent.import_id):
                sku = offer_skus.get(error.sku, error.sku)
                rejected[sku] = (error.message or "refused (no reason given)", ())
        _lines_settle(sent, rejected=rejected)
        run.add("offer_imports_finished")


def _offer_live(product: Product, record: dict, now) -> None:
    """The offer exists: from now on the stock and price flows own quantity and price, and
    they start from what OF01 set (a stock or price line refused while there was no offer is
    settled by it)."""
    for kind in ("stock_import_error", "price_import_error"):
        exception_clear(
            integration=product.integration,
            kind=kind,
            subject_type="sku",
            subject_id=product.offer_sku,
            note="OF01 created the offer with its quantity and price",
        )
    product.listing_live_at = now
    product.last_pushed_qty = int(record.get("quantity") or 0)
    product.last_pushed_at = now
    product.last_pushed_price = Decimal(record["price"]) if record.get("price") else None
    product.last_pushed_price_at = now
    product.save(
        update_fields=[
            "listing_live_at",
            "last_pushed_qty",
            "last_pushed_at",
            "last_pushed_price",
            "last_pushed_price_at",
        ]
    )


# --- the pass -----------------------------------------------------------------------------


def catalogue_pass(integration: Integration, run: RunRecorder) -> None:
    """Structure when due, settle finished imports, rebuild the listings, send what is due.

    A step stopped by the call budget (CallDeferred) is counted and the next step still runs:
    the structure's hourly window must not hold back an offer import."""
    from integration_hub.clients import marketplace_client_for
    from integration_hub.flows.catalogue_structure import structure_due, structure_pull
    from integration_hub.flows.listing_rules import structure_for
    from integration_hub.flows.listings import listings_refresh

    client = marketplace_client_for(integration)
    if structure_due(integration, now=timezone.now()):
        _step(run, "structure", structure_pull, integration, client, run)
    structure = structure_for(integration)
    if not structure.pulled:
        return
    _step(run, "product_reports", product_imports_check, integration, client, structure, run)
    _step(run, "offer_reports", offer_imports_check, integration, client, run)
    listings_refresh(integration, run)
    _step(run, "products_send", product_import_send, integration, client, structure, run)
    _step(run, "offers_send", offer_import_send, integration, client, run)


def _step(run: RunRecorder, name: str, step, *args) -> None:
    from connectors.mirakl.limiter import CallDeferred

    try:
        step(*args)
    except CallDeferred as deferred:
        run.add(f"{name}_deferred")
        logger.info("catalogue %s deferred: %s", name, deferred)


def catalogue_line_retry(integration: Integration, *, kind: str, sku: str) -> int:
    """Send the SKU's refused product (or offer) again: its refused lines no longer hold it
    back. Idempotent; returns how many lines were released."""
    return CatalogueImportLine.objects.filter(
        catalogue_import__integration=integration,
        catalogue_import__kind=kind,
        sku=sku,
        outcome=Outcome.REJECTED,
        retry_requested=False,
    ).update(retry_requested=True)

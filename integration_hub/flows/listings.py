"""Listings: every SKU's built product record, its problems and its status ("why is this SKU
not live?"), stored on the Product and kept in step with the exceptions queue.

:func:`listings_refresh` is database-only: the catalogue pass calls it after reading the
structure and the import reports, the mapping screens and imports call it after a change.
Only SKUs whose result changed are written.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from exceptions_queue.services import exception_clear, exception_record
from integration_hub.flows.listing_build import INVALID, MISSING, REJECTED, listing_build
from integration_hub.flows.listing_rules import structure_for
from integration_hub.models import (
    CatalogueImport,
    CatalogueImportLine,
    Integration,
    ListingStatus,
    Product,
)
from integration_hub.services.runs import RunRecorder

SUBJECT = "listing"
BUILD_KINDS = {MISSING: "missing_attribute", INVALID: "invalid_attribute_value"}
STORE_BATCH = 500
_FIELDS = (
    "pk",
    "sku",
    "ean",
    "title",
    "price",
    "source_content",
    "source_categories",
    "sheet_content",
    "listing_status",
    "listing_category",
    "listing_problems",
    "listing_record",
    "listing_record_hash",
    "listing_accepted_hash",
    "listing_integrated_at",
    "listing_live_at",
)


def import_state(integration: Integration) -> tuple[set[str], dict[str, dict]]:
    """(SKUs in an unfinished product import, the latest finished product line per SKU)."""
    lines = CatalogueImportLine.objects.filter(
        catalogue_import__integration=integration,
        catalogue_import__kind=CatalogueImport.Kind.PRODUCTS,
    )
    pending = set(lines.filter(catalogue_import__finished=False).values_list("sku", flat=True))
    latest: dict[str, dict] = {}
    for row in (
        lines.filter(catalogue_import__finished=True, retry_requested=False)
        .order_by("id")
        .values("sku", "outcome", "record_hash", "message", "attributes")
    ):
        latest[row["sku"]] = row
    return pending, latest


def listing_status_for(row: dict, built, pending: set[str], latest: dict[str, dict]) -> str:
    if row["listing_live_at"]:
        return ListingStatus.LIVE
    if built.blocked:
        return ListingStatus.INCOMPLETE
    if row["sku"] in pending:
        return ListingStatus.SUBMITTED
    last = latest.get(row["sku"])
    if last and last["outcome"] == "rejected" and last["record_hash"] == built.record_hash:
        return ListingStatus.REJECTED
    if row["listing_integrated_at"]:
        return ListingStatus.INTEGRATED
    if row["listing_accepted_hash"] == built.record_hash:
        return ListingStatus.SUBMITTED  # accepted, the operator has not integrated it yet
    return ListingStatus.READY


def _rejection_problems(row: dict, built, latest: dict[str, dict]) -> list[dict]:
    last = latest.get(row["sku"])
    if not last or last["outcome"] != "rejected" or last["record_hash"] != built.record_hash:
        return []
    attributes = last["attributes"] or [""]
    return [{"attribute": a, "kind": REJECTED, "message": last["message"]} for a in attributes]


def listings_refresh(integration: Integration, run: RunRecorder | None = None) -> dict[str, int]:
    """Build and validate every SKU of ``integration``; store what changed; count per status.

    Does nothing (returns ``{"not_pulled": 1}``) before the structure was first pulled, so a new
    integration does not open an exception per SKU for rules it has never seen."""
    structure = structure_for(integration)
    if not structure.pulled:
        return {"not_pulled": 1}
    pending, latest = import_state(integration)
    counts: Counter[str] = Counter()
    now = timezone.now()
    batch: list[tuple[dict, object, str, list[dict]]] = []
    rows = Product.objects.filter(integration=integration).order_by("pk").values(*_FIELDS)
    for row in rows.iterator(chunk_size=STORE_BATCH):
        built = listing_build(row, structure)
        status = listing_status_for(row, built, pending, latest)
        problems = built.problems + _rejection_problems(row, built, latest)
        counts[status] += 1
        if _unchanged(row, built, status, problems):
            continue
        counts["changed"] += 1
        batch.append((row, built, status, problems))
        if len(batch) >= STORE_BATCH:
            _listings_store(integration, batch, now)
            batch = []
    _listings_store(integration, batch, now)
    if run is not None:
        for status in ListingStatus.values:
            run.add(f"listings_{status}", counts[status])
    return dict(counts)


def _unchanged(row: dict, built, status: str, problems: list[dict]) -> bool:
    return (
        row["listing_status"] == status
        and row["listing_category"] == built.category
        and row["listing_problems"] == problems
        and row["listing_record"] == built.record
    )


@transaction.atomic
def _listings_store(integration: Integration, batch: list, now) -> None:
    """The listing columns of each changed SKU, then the exceptions that changed, in one
    transaction per batch (bulk_update's CASE per row is slower here than plain UPDATEs)."""
    for row, built, status, problems in batch:
        Product.objects.filter(pk=row["pk"]).update(
            listing_status=status,
            listing_category=built.category,
            listing_problems=problems,
            listing_record=built.record,
            listing_record_hash=built.record_hash,
            listing_checked_at=now,
        )
    for row, built, _status, problems in batch:
        _exceptions_sync(integration, row, built, problems)


def _exceptions_sync(integration: Integration, row: dict, built, problems: list[dict]) -> None:
    """Record the SKU's missing/invalid item with every message, or clear the one it had."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        if problem["kind"] in BUILD_KINDS:
            by_kind[BUILD_KINDS[problem["kind"]]].append(problem["message"])
    before: dict[str, list[str]] = defaultdict(list)
    for problem in row["listing_problems"] or []:
        if problem["kind"] in BUILD_KINDS:
            before[BUILD_KINDS[problem["kind"]]].append(problem["message"])
    for kind in BUILD_KINDS.values():
        if kind in by_kind and by_kind[kind] != before.get(kind):
            where = f" in category {built.category}" if built.category else ""
            exception_record(
                integration=integration,
                kind=kind,
                subject_type=SUBJECT,
                subject_id=row["sku"],
                payload={"product_id": row["pk"], "category": built.category},
                message=f"SKU {row['sku']} cannot be listed{where}: "
                + "; ".join(by_kind[kind])
                + ".",
            )
        elif kind in before and kind not in by_kind:
            exception_clear(
                integration=integration,
                kind=kind,
                subject_type=SUBJECT,
                subject_id=row["sku"],
                note="the SKU's product record passes its category's rules now",
            )


def source_fields_seen(integration: Integration) -> list[tuple[str, int]]:
    """Every source field in the integration's catalogue, with how many products carry it."""
    seen: Counter[str] = Counter()
    rows = Product.objects.filter(integration=integration).values_list("source_content", flat=True)
    for content in rows.iterator(chunk_size=2000):
        seen.update(name for name, value in (content or {}).items() if value not in ("", None, []))
    return sorted(seen.items())

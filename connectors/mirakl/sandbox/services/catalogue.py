"""P41 product imports and the shared life cycle of P41 / OF01 imports.

A product import moves WAITING → RUNNING → SENT → COMPLETE, an offer import WAITING → RUNNING
→ COMPLETE, one stage per status poll or per 30 s of sandbox clock, whichever is further along.
Entering RUNNING checks the header (no SKU or category column: FAILED); entering SENT runs the
structure check (P47); entering COMPLETE runs the operator's rules (P44) and turns the lines
that pass both into marketplace products (P45 lists them with their ``product-sku``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from connectors.mirakl.sandbox import catalogue_data as data
from connectors.mirakl.sandbox.models import SandboxCatalogImport, SandboxProduct, SandboxShop
from connectors.mirakl.sandbox.services import catalogue_rules as rules
from connectors.mirakl.sandbox.services import offer_imports
from connectors.mirakl.sandbox.services.catalogue_files import (
    FileLine,
    file_header,
    file_lines,
    padded,
    report_csv,
)
from connectors.mirakl.sandbox.services.common import MiraklError, now_for

Kind = SandboxCatalogImport.Kind
STAGE_SECONDS = 30
FINAL = ("COMPLETE", "FAILED")
STAGES = {
    Kind.PRODUCT: ["WAITING", "RUNNING", "SENT", "COMPLETE"],
    Kind.OFFER: ["WAITING", "RUNNING", "COMPLETE"],
}
CONVERSION_TYPES = ("AI_CONVERTER", "STANDARD")
# The spec's example product SKU is "MKP100000000037254": the sandbox numbers its own so.
PRODUCT_SKU_FORMAT = "MKP1{:014d}"


def product_import_create(
    *,
    shop: SandboxShop,
    file_text: str,
    conversion_type: str = "",
    operator_format: bool = False,
    now: dt.datetime | None = None,
) -> SandboxCatalogImport:
    """Record a P41 upload; an empty file or an unknown conversion type is a 400."""
    file_header(file_text)
    if conversion_type and conversion_type not in CONVERSION_TYPES:
        raise MiraklError(400, f"Invalid value '{conversion_type}' for parameter conversion_type")
    return SandboxCatalogImport.objects.create(
        shop=shop,
        kind=Kind.PRODUCT,
        file_text=file_text,
        conversion_type=conversion_type,
        operator_format=operator_format,
        created_at=now_for(now),
    )


def catalog_import_get(shop: SandboxShop, kind: str, import_id: int) -> SandboxCatalogImport:
    job = SandboxCatalogImport.objects.filter(shop=shop, kind=kind, pk=import_id).first()
    if job is None:
        raise MiraklError(404, f"Import '{import_id}' not found")
    return job


def _stage(job: SandboxCatalogImport, now: dt.datetime) -> int:
    last = len(STAGES[job.kind]) - 1
    by_time = int((now - job.created_at).total_seconds() // STAGE_SECONDS)
    return min(max(by_time, job.polls - 1, 0), last)


@transaction.atomic
def catalog_import_poll(
    job: SandboxCatalogImport, now: dt.datetime | None = None, *, polled: bool = True
) -> SandboxCatalogImport:
    """Advance the import as a status call (or time) would, running each stage it enters."""
    job = SandboxCatalogImport.objects.select_for_update().get(pk=job.pk)
    if job.status in FINAL:
        return job
    now = now_for(now)
    if polled:
        job.polls += 1
    stages = STAGES[job.kind]
    for stage in stages[stages.index(job.status) + 1 : _stage(job, now) + 1]:
        job.status = stage
        STEPS[job.kind].get(stage, _nothing)(job, now)
        if job.status == "FAILED":
            break
    job.save()
    return job


def catalog_imports_settle(shop: SandboxShop, now: dt.datetime | None = None) -> None:
    """Bring every pending import of the shop as far as the clock allows."""
    for job in shop.catalog_imports.exclude(status__in=FINAL):
        catalog_import_poll(job, now, polled=False)


def _nothing(job: SandboxCatalogImport, now: dt.datetime) -> None:
    return None


# --- product import stages ------------------------------------------------------------------


def _products_start(job: SandboxCatalogImport, now: dt.datetime) -> None:
    header = file_header(job.file_text)
    for column in (rules.SKU_COLUMN, rules.CATEGORY_COLUMN):
        if column not in header:
            job.status = "FAILED"
            job.reason_status = f"The file has no '{column}' column"
            return


def _products_transform(job: SandboxCatalogImport, now: dt.datetime) -> None:
    header, lines = file_lines(job.file_text)
    checked = [(line, *rules.line_transformation(header, line.values)) for line in lines]
    job.lines_read = len(lines)
    job.lines_in_error = sum(1 for _, errors, _ in checked if errors)
    job.lines_with_warning = sum(1 for _, _, warnings in checked if warnings)
    job.lines_in_success = job.lines_read - job.lines_in_error
    rows = [
        [*padded(line.values, len(header)), ",".join(errors), ",".join(warnings)]
        for line, errors, warnings in checked
        if errors or warnings
    ]
    job.transformation_report = report_csv([*header, "errors", "warnings"], rows) if rows else ""


def _products_integrate(job: SandboxCatalogImport, now: dt.datetime) -> None:
    header, lines = file_lines(job.file_text)
    rejected: list[list[str]] = []
    integrated: list[list[str]] = []
    for line in lines:
        errors, warnings = rules.line_transformation(header, line.values)
        if errors:
            continue
        row = rules.line_values(header, line.values)
        problems = rules.line_integration(row, _ean_owner(job.shop, row))
        if problems:
            rejected.append([*line.values, ",".join(problems), ",".join(warnings)])
            continue
        product = product_upsert(job.shop, row, import_id=job.pk, now=now)
        integrated.append([*line.values, product.product_sku])
    job.products_rejected, job.products_integrated = len(rejected), len(integrated)
    job.error_report = report_csv([*header, "errors", "warnings"], rejected) if rejected else ""
    job.new_product_report = report_csv([*header, "product-sku"], integrated) if integrated else ""


def _ean_owner(shop: SandboxShop, row: dict[str, str]) -> str | None:
    ean = row.get("ean")
    if not ean:
        return None
    other = shop.products.filter(ean=ean).exclude(shop_sku=row[rules.SKU_COLUMN]).first()
    return other.shop_sku if other else None


def product_upsert(
    shop: SandboxShop, row: dict[str, str], *, import_id: int, now: dt.datetime
) -> SandboxProduct:
    """Create the marketplace product of a line, or update the one with its shop SKU."""
    usable = data.attributes_for_category(row[rules.CATEGORY_COLUMN])
    values = {
        code: value
        for code, value in row.items()
        if value and code in usable and usable[code].requirement_level != "DISABLED"
    }
    fields = {
        "category_code": row[rules.CATEGORY_COLUMN],
        "ean": row.get("ean", ""),
        "title": row.get("title", "")[:200],
        "attributes": values,
        "import_id": import_id,
        "updated_at": now,
    }
    product = shop.products.filter(shop_sku=row[rules.SKU_COLUMN]).first()
    if product is None:
        product = SandboxProduct.objects.create(
            shop=shop, shop_sku=row[rules.SKU_COLUMN], product_sku="", created_at=now, **fields
        )
        product.product_sku = PRODUCT_SKU_FORMAT.format(product.pk)
        product.save(update_fields=["product_sku"])
        return product
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    return product


def product_rows_integrate(
    shop: SandboxShop, header: list[str], lines: list[FileLine], *, now: dt.datetime
) -> list[SandboxProduct]:
    """Both checks then the upsert, at once (the seed's shortcut past the import)."""
    products = []
    for line in lines:
        errors, _ = rules.line_transformation(header, line.values)
        row = rules.line_values(header, line.values)
        errors = errors or rules.line_integration(row, _ean_owner(shop, row))
        if errors:
            raise MiraklError(400, f"Line {line.number}: {', '.join(errors)}")
        products.append(product_upsert(shop, row, import_id=0, now=now))
    return products


STEPS: dict[str, dict[str, Callable[[SandboxCatalogImport, dt.datetime], None]]] = {
    Kind.PRODUCT: {
        "RUNNING": _products_start,
        "SENT": _products_transform,
        "COMPLETE": _products_integrate,
    },
    Kind.OFFER: {"RUNNING": offer_imports.offers_start, "COMPLETE": offer_imports.offers_apply},
}

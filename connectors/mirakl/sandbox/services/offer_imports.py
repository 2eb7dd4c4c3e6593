"""OF01 offer imports: each line must point at an existing marketplace product.

Columns are the spec's OF01 names (``sku``, ``product-id``, ``product-id-type``, ``price``,
``quantity``, ``state``, optional ``discount-price``, ``discount-start-date``,
``discount-end-date``, ``update-delete``). A valid line creates or updates the shop's offer
(so OF21, OF52, STO01 and PRI01 see it); REPLACE mode also deletes the shop's offers whose SKU
the file does not name. The error report (OF03) repeats the file's columns, then
``error-line`` and ``error-message``, as the spec's OF03 example does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from connectors.mirakl.sandbox import catalogue_data as data
from connectors.mirakl.sandbox.models import (
    SandboxCatalogImport,
    SandboxOffer,
    SandboxProduct,
    SandboxShop,
)
from connectors.mirakl.sandbox.services.catalogue_files import (
    FileLine,
    file_header,
    file_lines,
    padded,
    report_csv,
)
from connectors.mirakl.sandbox.services.common import MiraklError, now_for
from connectors.mirakl.sandbox.services.imports import _price_entry

IMPORT_MODES = ("NORMAL", "REPLACE")
MANDATORY_COLUMNS = ["sku", "product-id", "product-id-type", "price", "quantity", "state"]
# product-id-type -> the product field it matches ("SKU" is the marketplace product SKU)
PRODUCT_ID_TYPES = {"SHOP_SKU": "shop_sku", "EAN": "ean", "SKU": "product_sku"}
# OF02 ``type`` ("will be removed"): the sandbox reads every file as Mirakl's own format.
IMPORT_FILE_TYPE = "MIRAKL"  # unconfirmed: go-live question


def offer_import_create(
    *,
    shop: SandboxShop,
    file_text: str,
    mode: str,
    with_products: bool = False,
    now: dt.datetime | None = None,
) -> SandboxCatalogImport:
    """Record an OF01 upload; the same file and mode still pending answers that import."""
    if mode not in IMPORT_MODES:
        raise MiraklError(400, f"Invalid value '{mode}' for parameter import_mode")
    if with_products:
        raise MiraklError(400, "with_products is not supported: import products with P41")
    file_header(file_text)
    pending = shop.catalog_imports.filter(
        kind=SandboxCatalogImport.Kind.OFFER, file_text=file_text, mode=mode
    ).exclude(status__in=("COMPLETE", "FAILED"))
    return pending.first() or SandboxCatalogImport.objects.create(
        shop=shop,
        kind=SandboxCatalogImport.Kind.OFFER,
        file_text=file_text,
        mode=mode,
        created_at=now_for(now),
    )


def offers_start(job: SandboxCatalogImport, now: dt.datetime) -> None:
    header = file_header(job.file_text)
    missing = [column for column in MANDATORY_COLUMNS if column not in header]
    if missing:
        job.status = "FAILED"
        job.reason_status = f"The file is missing the mandatory column(s): {', '.join(missing)}"


def _row(header: list[str], line: FileLine) -> dict[str, str]:
    return {name: (value or "").strip() for name, value in zip(header, line.values, strict=False)}


def offers_apply(job: SandboxCatalogImport, now: dt.datetime) -> None:
    header, lines = file_lines(job.file_text)
    offers = {offer.shop_sku: offer for offer in job.shop.offers.all()}
    errors: list[list[str]] = []
    named: set[str] = set()
    for line in lines:
        row = _row(header, line)
        error = _line_error(job.shop, row, offers, named)
        named.add(row.get("sku", ""))
        if error:
            errors.append([*padded(line.values, len(header)), str(line.number), error])
            continue
        _line_apply(job, row, offers, now)
    if job.mode == "REPLACE":
        gone = [sku for sku in offers if sku not in named]
        job.offer_deleted += job.shop.offers.filter(shop_sku__in=gone).delete()[0]
    job.lines_read = len(lines)
    job.lines_in_error = len(errors)
    job.lines_in_success = len(lines) - len(errors)
    columns = [*header, "error-line", "error-message"]
    job.error_report = report_csv(columns, errors) if errors else ""


def _deleting(row: dict[str, str]) -> bool:
    return row.get("update-delete", "").lower() == "delete"


def _line_error(
    shop: SandboxShop, row: dict[str, str], offers: dict[str, SandboxOffer], named: set[str]
) -> str | None:
    sku = row.get("sku", "")
    if not sku:
        return "The 'sku' field is mandatory"
    if sku in named:
        return "The 'sku' field is duplicated in the source file"
    if _deleting(row):
        return None if sku in offers else f"The offer with sku '{sku}' does not exist"
    product = line_product(shop, row)
    if isinstance(product, str):
        return product
    if sku in offers and offers[sku].product_sku != product.product_sku:
        return (
            "The product linked to the new offer is different from the product linked to "
            "the existing offer"
        )
    return _price_error(row) or _quantity_error(row) or _state_error(row)


def line_product(shop: SandboxShop, row: dict[str, str]) -> SandboxProduct | str:
    """The product the line points at, or the error message."""
    id_type = row.get("product-id-type", "")
    if id_type not in PRODUCT_ID_TYPES:
        return f"The product-id-type '{id_type}' is unknown"
    lookup = {PRODUCT_ID_TYPES[id_type]: row.get("product-id", "")}
    product = shop.products.filter(**lookup).first() if row.get("product-id") else None
    return product or "The product does not exist"


def _price_error(row: dict[str, str]) -> str | None:
    if not row.get("price"):
        return "The 'price' field is mandatory"
    try:
        price = Decimal(row["price"])
        discount = Decimal(row["discount-price"]) if row.get("discount-price") else None
    except InvalidOperation:
        return "The price or discount-price is not a valid number"
    if not price.is_finite() or price <= 0:
        return f"The price '{row['price']}' is invalid: it must be a positive number"
    if discount is not None and not 0 <= discount < price:
        return "The discount price is incorrect: must not be null or must be lower than price"
    return None


def _quantity_error(row: dict[str, str]) -> str | None:
    if not row.get("quantity", "").isdigit():
        return f"The quantity '{row.get('quantity', '')}' is invalid: it must be a positive integer"
    return None


def _state_error(row: dict[str, str]) -> str | None:
    return None if row.get("state") in data.OFFER_STATES else "The state of the product is unknown"


def _line_apply(
    job: SandboxCatalogImport,
    row: dict[str, str],
    offers: dict[str, SandboxOffer],
    now: dt.datetime,
) -> None:
    sku = row["sku"]
    if _deleting(row):
        offers.pop(sku).delete()
        job.offer_deleted += 1
        return
    product = line_product(job.shop, row)
    fields = {
        "product_sku": product.product_sku,
        "product_title": product.title,
        "category_code": product.category_code,
        "ean": product.ean,
        "quantity": int(row["quantity"]),
        "prices": [_price_entry(row)],
        "state_code": row["state"],
        "active": True,
        "last_updated": now,
    }
    offer, created = SandboxOffer.objects.update_or_create(
        shop=job.shop, shop_sku=sku, defaults=fields
    )
    offers[sku] = offer
    if created:
        job.offer_inserted += 1
    else:
        job.offer_updated += 1

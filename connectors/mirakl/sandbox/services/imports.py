"""STO01 stock and PRI01 price CSV imports: validated on upload, applied when COMPLETE.

Status moves WAITING → RUNNING → COMPLETE with each status poll or with time (30 s, 60 s of
sandbox clock), whichever is further along. Bad lines go to the error report, never to an
HTTP error. The error report repeats the file's columns after ``error-line`` and
``error-message`` so it can be fixed and re-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction

from connectors.mirakl.sandbox.models import SandboxImport, SandboxOffer, SandboxShop
from connectors.mirakl.sandbox.services.common import MiraklError, money, now_for

STAGES = ["WAITING", "RUNNING", "COMPLETE"]
MANDATORY_COLUMNS = {"STOCK": ["offer-sku", "quantity"], "PRICING": ["offer-sku", "price"]}
MAX_PRICES_PER_OFFER = 50
CHANNELS = {"JL-UK"}  # the instance's only sales channel (PC01 channel_pricing SINGLE)


def _rows(file_text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(file_text.lstrip("\ufeff")), delimiter=";")
    rows = [row for row in reader if any((value or "").strip() for value in row.values())]
    return [name.strip() for name in reader.fieldnames or []], rows


def import_create(
    *, shop: SandboxShop, kind: str, file_text: str, now: dt.datetime | None = None
) -> SandboxImport:
    """Record the upload; a file without the mandatory columns is rejected with a 400."""
    header, _ = _rows(file_text)
    missing = [column for column in MANDATORY_COLUMNS[kind] if column not in header]
    if missing:
        raise MiraklError(400, f"The file is missing the mandatory column(s): {', '.join(missing)}")
    return SandboxImport.objects.create(
        shop=shop, kind=kind, file_text=file_text, created_at=now_for(now)
    )


def _stage(job: SandboxImport, now: dt.datetime) -> int:
    age = (now - job.created_at).total_seconds()
    by_time = 2 if age >= 60 else 1 if age >= 30 else 0
    by_polls = min(max(job.polls - 1, 0), 2)
    return max(by_time, by_polls)


@transaction.atomic
def import_poll(job: SandboxImport, now: dt.datetime | None = None, *, polled: bool = True):
    """Advance the import as a status call (or time) would; apply it on reaching COMPLETE."""
    job = SandboxImport.objects.select_for_update().get(pk=job.pk)
    if job.status in ("COMPLETE", "FAILED"):
        return job
    if polled:
        job.polls += 1
    job.status = STAGES[_stage(job, now_for(now))]
    if job.status == "COMPLETE":
        _apply(job, now_for(now))
    job.save()
    return job


def imports_settle(shop: SandboxShop, now: dt.datetime | None = None) -> None:
    """Complete the imports old enough to be done (so OF21 reflects them)."""
    for job in shop.imports.exclude(status__in=("COMPLETE", "FAILED")):
        import_poll(job, now, polled=False)


def _apply(job: SandboxImport, now: dt.datetime) -> None:
    header, rows = _rows(job.file_text)
    offers = {offer.shop_sku: offer for offer in job.shop.offers.all()}
    apply = _apply_stock if job.kind == SandboxImport.Kind.STOCK else _apply_prices
    errors = apply(rows, offers, now)
    job.lines_read = len(rows)
    job.lines_in_error = len(errors)
    job.lines_in_success = len(rows) - len(errors)
    job.error_report = _report(header, rows, errors) if errors else ""


def _report(header: list[str], rows: list[dict], errors: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["error-line", "error-message", *header])
    for index in sorted(errors):
        row = rows[index]
        writer.writerow([index + 2, errors[index], *[row.get(name) or "" for name in header]])
    return out.getvalue()


def _sku_error(row: dict, offers: dict[str, SandboxOffer]) -> str | None:
    sku = (row.get("offer-sku") or "").strip()
    if not sku:
        return "The offer-sku is required"
    if sku not in offers:
        return f"The offer with sku '{sku}' does not exist"
    return None


def _quantity_error(row: dict) -> str | None:
    if (row.get("update-delete") or "").strip().lower() == "delete":
        return None
    raw = (row.get("quantity") or "").strip()
    if not raw.isdigit():
        return f"The quantity '{raw}' is invalid: it must be a positive integer"
    return None


def _apply_stock(rows: list[dict], offers: dict, now: dt.datetime) -> dict[int, str]:
    errors: dict[int, str] = {}
    totals: dict[str, int] = {}
    for index, row in enumerate(rows):
        error = _sku_error(row, offers) or _quantity_error(row)
        if error:
            errors[index] = error
            continue
        sku = row["offer-sku"].strip()
        deleting = (row.get("update-delete") or "").strip().lower() == "delete"
        totals[sku] = totals.get(sku, 0) + (0 if deleting else int(row["quantity"].strip()))
    for sku, quantity in totals.items():
        SandboxOffer.objects.filter(pk=offers[sku].pk).update(quantity=quantity, last_updated=now)
    return errors


def _price_error(row: dict) -> str | None:
    try:
        price = Decimal((row.get("price") or "").strip())
        discount = (row.get("discount-price") or "").strip()
        discount_price = Decimal(discount) if discount else None
    except InvalidOperation:
        return "The price or discount-price is not a valid number"
    if price < 0 or (discount_price is not None and discount_price < 0):
        return "Prices must not be negative"
    if discount_price is not None and discount_price > price:
        return "The discount-price must be lower than the price"
    unknown = sorted(set(_channels(row)) - CHANNELS)
    if unknown:
        return f"The channel '{unknown[0]}' does not exist"
    return None


def _channels(row: dict) -> list[str]:
    """Channel Pricing's ``channels`` column: codes separated by ``|``; empty = default price."""
    return [code.strip() for code in (row.get("channels") or "").split("|") if code.strip()]


def _price_entry(row: dict) -> dict:
    discount = (row.get("discount-price") or "").strip()
    return {
        "price": str(money(row["price"].strip())),
        "discount_price": str(money(discount)) if discount else None,
        "discount_start_date": (row.get("discount-start-date") or "").strip() or None,
        "discount_end_date": (row.get("discount-end-date") or "").strip() or None,
        "channel_codes": _channels(row),
    }


def _apply_prices(rows: list[dict], offers: dict, now: dt.datetime) -> dict[int, str]:
    """Delete-and-replace: an offer's prices become exactly its lines in this file."""
    errors: dict[int, str] = {}
    by_sku: dict[str, list[int]] = {}
    failed: set[str] = set()
    for index, row in enumerate(rows):
        sku = (row.get("offer-sku") or "").strip()
        error = _sku_error(row, offers) or _price_error(row)
        if error:
            errors[index] = error
            failed.add(sku)
        else:
            by_sku.setdefault(sku, []).append(index)
    for sku, indexes in by_sku.items():
        if sku in failed:
            errors.update({i: "Another price of this offer is in error" for i in indexes})
            continue
        if len(indexes) > MAX_PRICES_PER_OFFER:
            errors.update(
                {i: f"More than {MAX_PRICES_PER_OFFER} prices for the offer" for i in indexes}
            )
            continue
        prices = [_price_entry(rows[i]) for i in indexes]
        SandboxOffer.objects.filter(pk=offers[sku].pk).update(prices=prices, last_updated=now)
    return errors

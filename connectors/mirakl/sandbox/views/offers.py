"""STO01-03 stock imports, PRI01-03 price imports, OF21 offers, OF52-54 async offer export."""

from __future__ import annotations

import csv
import io
import json

from django.http import HttpResponse
from django.urls import reverse

from connectors.mirakl.sandbox.models import (
    SandboxImport,
    SandboxOffer,
    SandboxOfferExport,
    SandboxShop,
)
from connectors.mirakl.sandbox.serializers import export_offer_json, iso, offer_json
from connectors.mirakl.sandbox.services import MiraklError
from connectors.mirakl.sandbox.services.imports import import_create, import_poll, imports_settle
from connectors.mirakl.sandbox.services.orders import (
    offer_default_price,
    offer_is_active,
    offer_price,
)
from connectors.mirakl.sandbox.views.base import (
    CREATED,
    CREATED_RANGE,
    api_json,
    date_param,
    filtered,
    json_body,
    list_param,
    offset_page,
    operation,
    seek_page,
    seek_params,
)

Kind = SandboxImport.Kind


def _uploaded_text(request) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        raise MiraklError(400, "The multipart part 'file' is required")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MiraklError(400, "The file must be UTF-8 encoded") from None


def _job(shop, kind: str, import_id: str) -> SandboxImport:
    job = SandboxImport.objects.filter(shop=shop, kind=kind, import_id=import_id).first()
    if job is None:
        raise MiraklError(404, f"Import '{import_id}' not found")
    return job


def _status_json(job: SandboxImport) -> dict:
    return {
        "import_id": job.import_id,
        "shop_id": job.shop.shop_id,
        "status": job.status,
        "date_created": iso(job.created_at),
        "has_error_report": bool(job.error_report),
        "lines_in_success": job.lines_in_success,
        "lines_in_error": job.lines_in_error,
    }


def _error_report(job: SandboxImport) -> HttpResponse:
    if not job.error_report:
        raise MiraklError(404, f"No error report for import '{job.import_id}'")
    return HttpResponse(job.error_report, content_type="text/csv; charset=utf-8")


@operation("STO01")
def stock_import_post(request, *, shop, now):
    job = import_create(shop=shop, kind=Kind.STOCK, file_text=_uploaded_text(request), now=now)
    return api_json({"import_id": job.import_id}, status=201)


@operation("STO02")
def stock_import_status(request, *, shop, now, import_id):
    return api_json(_status_json(import_poll(_job(shop, Kind.STOCK, import_id), now)))


@operation("STO03")
def stock_import_errors(request, *, shop, now, import_id):
    return _error_report(_job(shop, Kind.STOCK, import_id))


@operation("PRI01")
def price_import_post(request, *, shop, now):
    job = import_create(shop=shop, kind=Kind.PRICING, file_text=_uploaded_text(request), now=now)
    return api_json({"import_id": job.import_id, "importId": job.import_id}, status=201)


def _price_import_json(job: SandboxImport) -> dict:
    return {
        **_status_json(job),
        "offers_in_error": len(
            {line.split('";"')[2] for line in job.error_report.splitlines()[1:]}
        ),
        "offers_updated": job.lines_in_success,
        "origin": "API",
        "reason_status": job.status,
    }


@operation("PRI02")
def price_imports_list(request, *, shop, now):
    params, state = seek_params(request)
    jobs = shop.imports.filter(kind=Kind.PRICING)
    ids = list_param(params, "import_id")
    if ids:
        jobs = jobs.filter(import_id__in=ids)
        for job in jobs.exclude(status__in=("COMPLETE", "FAILED")):
            import_poll(job, now)
    if params.get("status"):
        jobs = jobs.filter(status=params["status"])
    jobs = filtered(jobs, params, {}, CREATED_RANGE)
    return seek_page(
        jobs, params, state, _price_import_json, sorts=CREATED, desc=True, max_limit=100
    )


@operation("PRI03")
def price_import_errors(request, *, shop, now, import_id):
    return _error_report(_job(shop, Kind.PRICING, import_id))


OFFER_SORTS = {
    "totalPrice": lambda offer: (offer_price(offer), offer.pk),
    "price": lambda offer: (offer_price(offer), offer.pk),
    "productTitle": lambda offer: (offer.product_title, offer.pk),
}


@operation("OF21")
def offers_list(request, *, shop, now):
    imports_settle(shop, now)
    offers = shop.offers.all()
    if request.GET.get("sku"):
        offers = offers.filter(shop_sku=request.GET["sku"])
    if request.GET.get("product_id"):
        offers = offers.filter(product_sku=request.GET["product_id"])
    offers = filtered(offers, request.GET, {"offer_state_codes": "state_code__in"}, {})
    sort = request.GET.get("sort") or "totalPrice"
    if sort not in OFFER_SORTS:
        raise MiraklError(400, f"Invalid sort '{sort}'")
    ordered = sorted(
        offers, key=OFFER_SORTS[sort], reverse=(request.GET.get("order") or "asc").lower() == "desc"
    )
    return offset_page(request, ordered, "offers", lambda o: offer_json(o, shop.currency, now))


def _export_kind(request) -> str:
    """OF52's two limits: a full export (no ``last_request_date``) is once a day."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return "OF52"
    return "OF52" if isinstance(body, dict) and body.get("last_request_date") else "OF52:full"


@operation("OF52", limit_key=_export_kind)
def offers_export_post(request, *, shop, now):
    body = json_body(request) or {}
    if not isinstance(body, dict):
        raise MiraklError(400, "The request body must be a JSON object")
    export_type = body.get("export_type") or "text/csv"
    if export_type not in ("text/csv", "application/json"):
        raise MiraklError(400, "export_type must be text/csv or application/json")
    since = None
    if body.get("last_request_date"):
        since = date_param({"d": body["last_request_date"]}, "d")
    include_inactive = body.get("include_inactive_offers", False)
    if not isinstance(include_inactive, bool):
        raise MiraklError(400, "include_inactive_offers must be true or false")
    export = SandboxOfferExport.objects.create(
        shop=shop,
        export_type=export_type,
        last_request_date=since,
        include_inactive_offers=include_inactive,
        created_at=now,
    )
    return api_json({"tracking_id": export.tracking_id})


def _export(shop, tracking_id: str) -> SandboxOfferExport:
    export = SandboxOfferExport.objects.filter(shop=shop, tracking_id=tracking_id).first()
    if export is None:
        raise MiraklError(404, f"Export '{tracking_id}' not found")
    return export


@operation("OF53")
def offers_export_status(request, *, shop, now, tracking_id):
    export = _export(shop, tracking_id)
    export.polls += 1
    export.save(update_fields=["polls"])
    if export.polls < 2:
        return api_json({"status": "PENDING", "last_updated": iso(now)})
    path = reverse("mirakl-sandbox:offers-export-file", args=[tracking_id, 1])
    url = request.build_absolute_uri(path)
    return api_json({"status": "COMPLETED", "last_updated": iso(now), "urls": [url]})


def _exported(shop: SandboxShop, export: SandboxOfferExport) -> list[SandboxOffer]:
    """Differential: every offer changed since, active or not. Full: active ones unless asked."""
    offers = list(shop.offers.all())
    if export.last_request_date:
        return [offer for offer in offers if offer.last_updated > export.last_request_date]
    if export.include_inactive_offers:
        return offers
    return [offer for offer in offers if offer_is_active(offer)]


CSV_COLUMNS = [
    "offer-id",
    "shop-sku",
    "product-sku",
    "quantity",
    "price",
    "origin-price",
    "discount-price",
    "state-code",
    "active",
    "deleted",
    "currency-iso-code",
    "shop-id",
    "shop-name",
    "last-updated",
    "leadtime-to-ship",
]


def _csv_row(offer: SandboxOffer, shop: SandboxShop) -> list:
    default = offer_default_price(offer) or {}
    return [
        offer.pk,
        offer.shop_sku,
        offer.product_sku,
        offer.quantity,
        offer_price(offer) if default else "",
        default.get("price") or "",
        default.get("discount_price") or "",
        offer.state_code,
        json.dumps(offer_is_active(offer)),
        "false",
        shop.currency,
        shop.shop_id,
        shop.name,
        iso(offer.last_updated),
        shop.lead_time_to_ship_days,
    ]


@operation("OF54")
def offers_export_file(request, *, shop, now, tracking_id, chunk):
    export = _export(shop, tracking_id)
    offers = _exported(shop, export)
    if export.export_type == "application/json":
        return api_json([export_offer_json(offer, shop) for offer in offers])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(offer, shop) for offer in offers)
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")

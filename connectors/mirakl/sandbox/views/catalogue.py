"""H11 hierarchies, PM11 attributes, VL11 values lists, P41-P47 product imports, OF01-03.

Reports are files: the spec declares ``application/octet-stream`` for P44, P45, P47 and OF03.
A report whose ``has_*`` flag is false is a 404, like an unknown import.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict

from connectors.mirakl.sandbox import catalogue_data as data
from connectors.mirakl.sandbox.models import SandboxCatalogImport
from connectors.mirakl.sandbox.serializers import iso
from connectors.mirakl.sandbox.services.catalogue import (
    catalog_import_get,
    catalog_import_poll,
    product_import_create,
)
from connectors.mirakl.sandbox.services.common import MiraklError
from connectors.mirakl.sandbox.services.offer_imports import (
    IMPORT_FILE_TYPE,
    offer_import_create,
)
from connectors.mirakl.sandbox.views.base import api_json, int_param, operation

Kind = SandboxCatalogImport.Kind
OCTET = "application/octet-stream"


def _translated(text: str) -> list[dict[str, str]]:
    return [{"locale": data.LOCALE, "value": text}] if text else []


def _hierarchy_param(params: QueryDict) -> str | None:
    code = params.get("hierarchy") or None
    if code is not None and code not in data.HIERARCHIES:
        raise MiraklError(400, f"The hierarchy '{code}' does not exist")
    return code


def _max_level(params: QueryDict) -> int | None:
    level = int_param(params, "max_level", -1, low=0)
    return None if level < 0 else level


def _flag(params: QueryDict | dict, name: str) -> bool:
    raw = (params.get(name) or "false").lower()
    if raw not in ("true", "false"):
        raise MiraklError(400, f"Invalid value '{raw}' for parameter {name}")
    return raw == "true"


def _hierarchy_json(item: data.Hierarchy) -> dict:
    return {
        "code": item.code,
        "label": item.label,
        "label_translations": _translated(item.label),
        "level": item.level,
        "parent_code": item.parent_code,
    }


@operation("H11")
def hierarchies_list(request: HttpRequest, *, shop, now) -> HttpResponse:
    items = data.hierarchy_below(_hierarchy_param(request.GET), _max_level(request.GET))
    return api_json({"hierarchies": [_hierarchy_json(item) for item in items]})


def _attribute_json(attribute: data.Attribute) -> dict:
    return {
        "code": attribute.code,
        "label": attribute.label,
        "label_translations": _translated(attribute.label),
        "description": attribute.description or None,
        "description_translations": _translated(attribute.description),
        "hierarchy_code": attribute.hierarchy_code,
        "requirement_level": attribute.requirement_level,
        "required": attribute.requirement_level == "REQUIRED",
        "type": attribute.type,
        "type_parameter": attribute.type_parameter,
        "type_parameters": data.attribute_type_parameters(attribute),
        "validations": attribute.validations or None,
        "roles": [{"type": role, "parameters": []} for role in attribute.roles],
        "variant": attribute.variant,
        "default_value": None,
        "example": attribute.example,
    }


def _attributes(params: QueryDict) -> list[data.Attribute]:
    """Shared attributes, those of the hierarchy's parents, its own and its children's."""
    code = _hierarchy_param(params)
    codes = {item.code for item in data.hierarchy_below(code, _max_level(params))}
    if code:
        codes.update(data.hierarchy_ancestors(code))
    found = [a for a in data.ATTRIBUTES if not a.hierarchy_code or a.hierarchy_code in codes]
    if not _flag(params, "all_operator_attributes"):
        found = [a for a in found if a.requirement_level != "DISABLED"]
    if _flag(params, "with_roles"):
        found = [a for a in found if a.roles]
    return found


@operation("PM11")
def attributes_list(request: HttpRequest, *, shop, now) -> HttpResponse:
    return api_json({"attributes": [_attribute_json(a) for a in _attributes(request.GET)]})


def _values_list_json(code: str) -> dict:
    label, values = data.VALUES_LISTS[code]
    return {
        "code": code,
        "label": label,
        "label_translations": _translated(label),
        "values": [
            {"code": value, "label": text, "label_translations": _translated(text)}
            for value, text in values
        ],
    }


@operation("VL11")
def values_lists_list(request: HttpRequest, *, shop, now) -> HttpResponse:
    code = request.GET.get("code") or None
    if code is not None and code not in data.VALUES_LISTS:
        raise MiraklError(400, f"The values list '{code}' does not exist")
    codes = [code] if code else list(data.VALUES_LISTS)
    return api_json({"values_lists": [_values_list_json(c) for c in codes]})


# --- P41 - P47 ------------------------------------------------------------------------------


def _uploaded_text(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        raise MiraklError(400, "The multipart part 'file' is required")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MiraklError(400, "The file must be a UTF-8 encoded CSV file") from None


@operation("P41")
def product_import_post(request: HttpRequest, *, shop, now) -> HttpResponse:
    job = product_import_create(
        shop=shop,
        file_text=_uploaded_text(request),
        conversion_type=request.POST.get("conversion_type", ""),
        operator_format=_flag(request.POST, "operator_format"),
        now=now,
    )
    return api_json({"import_id": job.import_id}, status=201)


def _integration_details(job: SandboxCatalogImport) -> dict:
    details = dict.fromkeys(
        (
            "products_not_accepted_in_time",
            "products_not_synchronized_in_time",
            "products_reimported",
            "products_with_synchronization_issues",
            "products_with_wrong_identifiers",
        ),
        0,
    )
    return {
        **details,
        "invalid_products": job.lines_in_error,
        "rejected_products": job.products_rejected,
        "products_successfully_synchronized": job.products_integrated,
    }


def _product_import_json(job: SandboxCatalogImport) -> dict:
    complete = job.status == "COMPLETE"
    body = {
        "import_id": job.import_id,
        "shop_id": job.shop.shop_id,
        "import_status": job.status,
        "date_created": iso(job.created_at),
        "has_error_report": complete and bool(job.error_report),
        "has_new_product_report": complete and bool(job.new_product_report),
        "has_transformed_file": False,  # the transformed file (P46) is not simulated
        "transform_lines_read": job.lines_read,
        "transform_lines_in_success": job.lines_in_success,
        "transform_lines_in_error": job.lines_in_error,
        "transform_lines_with_warning": job.lines_with_warning,
    }
    if job.status in ("SENT", "COMPLETE"):
        body["has_transformation_error_report"] = bool(job.transformation_report)
    if complete:
        body["integration_details"] = _integration_details(job)
    if job.reason_status:
        body["reason_status"] = job.reason_status
    if job.conversion_type == "AI_CONVERTER":
        body["conversion_type"] = job.conversion_type
    return body


@operation("P42")
def product_import_status(request: HttpRequest, *, shop, now, **path) -> HttpResponse:
    job = catalog_import_poll(catalog_import_get(shop, Kind.PRODUCT, path["import"]), now)
    return api_json(_product_import_json(job))


def _report(job: SandboxCatalogImport, text: str, name: str) -> HttpResponse:
    if not text:
        raise MiraklError(404, f"No {name} for import '{job.import_id}'")
    response = HttpResponse(text.encode(), content_type=OCTET)
    response["Content-Disposition"] = f'attachment; filename="{name.replace(" ", "_")}.csv"'
    return response


@operation("P44")
def product_import_errors(request: HttpRequest, *, shop, now, **path) -> HttpResponse:
    job = catalog_import_get(shop, Kind.PRODUCT, path["import"])
    text = job.error_report if job.status == "COMPLETE" else ""
    return _report(job, text, "error report")


@operation("P45")
def product_import_new_products(request: HttpRequest, *, shop, now, **path) -> HttpResponse:
    job = catalog_import_get(shop, Kind.PRODUCT, path["import"])
    text = job.new_product_report if job.status == "COMPLETE" else ""
    return _report(job, text, "new product report")


@operation("P47")
def product_import_transformation_errors(
    request: HttpRequest, *, shop, now, **path
) -> HttpResponse:
    job = catalog_import_get(shop, Kind.PRODUCT, path["import"])
    return _report(job, job.transformation_report, "transformation error report")


# --- OF01 - OF03 ----------------------------------------------------------------------------


def _offer_import_kind(request: HttpRequest) -> str:
    """OF01's two limits: once a minute with offers only, every 15 minutes with products."""
    return "OF01:products" if request.POST.get("with_products") == "true" else "OF01"


@operation("OF01", limit_key=_offer_import_kind)
def offer_import_post(request: HttpRequest, *, shop, now) -> HttpResponse:
    text = _uploaded_text(request)
    mode = request.POST.get("import_mode")
    if not mode:
        raise MiraklError(400, "The parameter import_mode is required")
    _flag(request.POST, "operator_format")  # accepted; every file is read in one format
    with_products = _flag(request.POST, "with_products")
    job = offer_import_create(
        shop=shop, file_text=text, mode=mode, with_products=with_products, now=now
    )
    return api_json({"import_id": job.import_id}, status=201)


def _offer_import_json(job: SandboxCatalogImport) -> dict:
    return {
        "import_id": job.import_id,
        "date_created": iso(job.created_at),
        "status": job.status,
        "reason_status": job.reason_status,
        "mode": job.mode,
        "type": IMPORT_FILE_TYPE,
        "has_error_report": bool(job.error_report),
        "lines_read": job.lines_read,
        "lines_in_success": job.lines_in_success,
        "lines_in_error": job.lines_in_error,
        "lines_in_pending": 0,
        "offer_inserted": job.offer_inserted,
        "offer_updated": job.offer_updated,
        "offer_deleted": job.offer_deleted,
    }


@operation("OF02")
def offer_import_status(request: HttpRequest, *, shop, now, **path) -> HttpResponse:
    job = catalog_import_poll(catalog_import_get(shop, Kind.OFFER, path["import"]), now)
    return api_json(_offer_import_json(job))


@operation("OF03")
def offer_import_errors(request: HttpRequest, *, shop, now, **path) -> HttpResponse:
    job = catalog_import_get(shop, Kind.OFFER, path["import"])
    return _report(job, job.error_report, "error report")

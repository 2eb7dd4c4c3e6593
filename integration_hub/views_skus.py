"""The SKU map screens (issue 5): list, one SKU with its ledgers and history, edits, files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from integration_hub.filters import ProductFilter
from integration_hub.forms import MappingUploadForm, ProductMappingForm
from integration_hub.history import history_entries
from integration_hub.models import Integration, Product
from integration_hub.services.sku_mappings import (
    product_mapping_update,
    sku_mappings_export,
    sku_mappings_import,
)
from integration_hub.tables import ProductTable, table_export_requested, table_xlsx_response
from integration_hub.views_catalogue import LISTINGS_PERMISSION, listing_panel
from integration_hub.views_mappings_files import (
    import_report_text,
    mapping_file_download,
    mapping_file_import,
)

read = permission_required("integration_hub.view_dashboard", raise_exception=True)
edit = permission_required("integration_hub.edit_mappings", raise_exception=True)

PRODUCT_HISTORY_FIELDS = [
    "offer_sku",
    "buffer_override",
    "ean",
    "title",
    "price",
    "currency",
    "validation_status",
]
LEDGER_ROWS = 50


@read
@require_GET
def sku_map(request: HttpRequest) -> HttpResponse:
    products = Product.objects.select_related("integration")
    product_filter = ProductFilter(request.GET, queryset=products)
    table = ProductTable(product_filter.qs)
    if table_export_requested(request):
        return table_xlsx_response(table, "sku-map")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {
        "filter": product_filter,
        "table": table,
        "upload_form": MappingUploadForm(),
        "integrations": Integration.objects.all(),
    }
    return render(request, "mappings/skus.html", context)


def _detail_context(request: HttpRequest, product: Product, form: ProductMappingForm) -> dict:
    return {
        "product": product,
        "form": form,
        "can_edit": request.user.has_perm("integration_hub.edit_mappings"),
        "listing": (listing_panel(product) if request.user.has_perm(LISTINGS_PERMISSION) else None),
        "stock_ledger": product.ledger.select_related("marketplace_import")[:LEDGER_ROWS],
        "price_ledger": product.price_ledger.select_related("marketplace_import")[:LEDGER_ROWS],
        "history": history_entries(
            product.history.all(), model=Product, fields=PRODUCT_HISTORY_FIELDS
        ),
    }


@read
@require_GET
def sku_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("integration"), pk=pk)
    form = ProductMappingForm(
        initial={"offer_sku": product.offer_sku, "buffer_override": product.buffer_override}
    )
    return render(request, "mappings/sku_detail.html", _detail_context(request, product, form))


@edit
@require_POST
def sku_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Inline edit of offer SKU and buffer; errors are shown next to the field."""
    product = get_object_or_404(Product.objects.select_related("integration"), pk=pk)
    form = ProductMappingForm(request.POST)
    if form.is_valid():
        try:
            changed = product_mapping_update(
                product,
                offer_sku=form.cleaned_data["offer_sku"],
                buffer_override=form.cleaned_data["buffer_override"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name, problem)
        else:
            if changed:
                messages.success(request, f"SKU {product.sku} saved.")
            else:
                messages.info(request, f"SKU {product.sku}: nothing changed.")
            return redirect("sku-detail", pk=product.pk)
    product.refresh_from_db()
    context = _detail_context(request, product, form)
    return render(request, "mappings/sku_detail.html", context, status=400)


MAP_FIELDS = ("offer_sku", "buffer_override", "ean")


def _map_snapshot(integration: Integration) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Product.objects.filter(integration=integration).values_list("pk", *MAP_FIELDS)
    }


def _import_history_record(integration: Integration, before: dict[int, tuple], user) -> None:
    """The file import updates rows in bulk (no model save), so record the SKUs it changed in
    the history here, as this user's "file import"."""
    changed = [
        product
        for product in Product.objects.filter(integration=integration)
        if before.get(product.pk) != tuple(getattr(product, name) for name in MAP_FIELDS)
    ]
    if changed:
        Product.history.bulk_history_create(
            changed, update=True, default_user=user, default_change_reason="file import"
        )


@edit
@require_http_methods(["GET", "POST"])
def sku_import(request: HttpRequest) -> HttpResponse:
    form = MappingUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        integration = form.cleaned_data["integration"]
        before = _map_snapshot(integration)
        report, errors = mapping_file_import(
            sku_mappings_import, integration, form.cleaned_data["file"]
        )
        if report is not None:
            _import_history_record(integration, before, request.user)
            messages.success(request, f"SKU map for {integration}: {import_report_text(report)}")
            return redirect("sku-map")
    context = {"form": form, "errors": errors, "kind": "SKU map", "back": "sku-map"}
    return render(request, "mappings/import.html", context, status=400 if errors else 200)


@read
@require_GET
def sku_export(request: HttpRequest, name: str) -> HttpResponse:
    integration = get_object_or_404(Integration, name=name)
    return mapping_file_download(sku_mappings_export, integration, "sku-map")

"""Catalogue screens (issue 21): Listings ("why is this SKU not live?"), the SKU page's Listing
panel, and the category / attribute / value mapping editors with their history.

Every mapping change refreshes the integration's listings (``listings_refresh``: database
only, no call to the marketplace) and says how many SKUs are in each status afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from integration_hub.filters_catalogue import ListingFilter
from integration_hub.flows.listing_build import INVALID, MISSING, REJECTED, WARNING
from integration_hub.flows.listing_rules import CatalogueStructure, structure_for
from integration_hub.flows.listings import listings_refresh
from integration_hub.forms_catalogue import MAPPING_FORMS
from integration_hub.history import history_entries
from integration_hub.models import (
    AttributeMapping,
    CatalogueImportLine,
    CategoryMapping,
    Integration,
    ListingStatus,
    MarketplaceCategory,
    Product,
    ValueMapping,
)
from integration_hub.selectors_catalogue import (
    FORM_CONTEXT,
    LIST_CONTEXT,
    listing_completeness,
    listing_status_counts,
    mapping_warnings,
)
from integration_hub.tables import table_export_requested, table_xlsx_response
from integration_hub.tables_catalogue import ListingTable, status_badge

LISTINGS_PERMISSION = "integration_hub.view_product"
TRACE_ROWS = 50


@dataclass(frozen=True)
class MappingKind:
    """One of the three catalogue mapping editors."""

    slug: str
    model: type[models.Model]
    title: str
    noun: str
    history_fields: tuple[str, ...]
    carried: tuple[str, ...]  # form fields a "Map it" link may fill in

    def permission(self, action: str) -> str:
        return f"integration_hub.{action}_{self.model._meta.model_name}"

    def url_name(self, suffix: str = "") -> str:
        return f"catalogue-{self.slug}{suffix}"

    @property
    def list_url(self) -> str:
        return reverse(self.url_name())

    @property
    def new_url(self) -> str:
        return reverse(self.url_name("-new"))

    @property
    def history_url(self) -> str:
        return reverse(self.url_name("-history"))


KINDS = {
    "categories": MappingKind(
        "categories",
        CategoryMapping,
        "Category mappings",
        "category mapping",
        ("source_category", "marketplace_category"),
        ("source_category", "marketplace_category"),
    ),
    "attributes": MappingKind(
        "attributes",
        AttributeMapping,
        "Attribute mappings",
        "attribute mapping",
        ("marketplace_attribute", "marketplace_category", "source_field", "default"),
        ("marketplace_attribute", "marketplace_category", "source_field"),
    ),
    "values": MappingKind(
        "values",
        ValueMapping,
        "Value mappings",
        "value mapping",
        ("marketplace_attribute", "source_value", "marketplace_value"),
        ("marketplace_attribute", "source_value", "marketplace_value"),
    ),
}


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def refresh_note(counts: dict[str, int]) -> str:
    """What ``listings_refresh`` answered, for a flash message."""
    if counts.get("not_pulled"):
        return (
            "Listings not refreshed: the marketplace's catalogue structure has not been pulled "
            "yet (run `hub sync catalogue`)."
        )
    parts = [f"{counts[status]} {status}" for status in ListingStatus.values if counts.get(status)]
    changed = counts.get("changed", 0)
    return f"Listings refreshed: {', '.join(parts) or 'no SKUs'}; {changed} SKU(s) changed."


# --- Listings -------------------------------------------------------------------------------


def _without(params: QueryDict, name: str) -> QueryDict:
    kept = params.copy()
    kept.pop(name, None)
    return kept


@require_GET
def listings(request: HttpRequest) -> HttpResponse:
    """Every SKU with its listing status, what is missing or wrong, counts and completeness."""
    _require(request, LISTINGS_PERMISSION)
    products = Product.objects.select_related("integration").order_by("integration__name", "sku")
    listing_filter = ListingFilter(request.GET, queryset=products)
    table = ListingTable(listing_filter.qs)
    if table_export_requested(request):
        return table_xlsx_response(table, "listings")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    any_status = ListingFilter(_without(request.GET, "listing_status"), queryset=products).qs
    categories = MarketplaceCategory.objects.all()
    if listing_filter.form.is_valid() and listing_filter.form.cleaned_data.get("integration"):
        categories = categories.filter(integration=listing_filter.form.cleaned_data["integration"])
    context = {
        "filter": listing_filter,
        "table": table,
        "status_counts": listing_status_counts(any_status),
        "current_status": request.GET.get("listing_status", ""),
        "completeness": listing_completeness(
            any_status, dict(categories.values_list("code", "label"))
        ),
    }
    return render(request, "catalogue/listings.html", context)


def _attribute_rows(product: Product, structure: CatalogueStructure) -> tuple[list, list]:
    """(one row per attribute of the category with its state, problems naming no attribute
    of the category)."""
    problems: dict[str, list[dict]] = defaultdict(list)
    for problem in product.listing_problems or []:
        problems[problem.get("attribute", "")].append(problem)
    category = product.listing_category
    specs = structure.attributes_for(category) if category in structure.categories else []
    rows = []
    for spec in specs:
        own = problems.pop(spec.code, [])
        kinds = {problem["kind"] for problem in own}
        if kinds & {INVALID, REJECTED}:
            state = "invalid"
        elif MISSING in kinds:
            state = "missing"
        elif WARNING in kinds:
            state = "warning"
        else:
            state = "present" if spec.code in (product.listing_record or {}) else "empty"
        value = (product.listing_record or {}).get(spec.code, "")
        rows.append({"spec": spec, "value": value, "state": state, "problems": own})
    return rows, [problem for rest in problems.values() for problem in rest]


def listing_panel(product: Product) -> dict:
    """The SKU page's Listing panel: status, category, the built record next to the category's
    attributes, and every catalogue import line that carried this SKU."""
    structure = structure_for(product.integration)
    rows, general = _attribute_rows(product, structure)
    category = structure.categories.get(product.listing_category)
    trace = (
        CatalogueImportLine.objects.filter(
            Q(product=product)
            | Q(product=None, sku=product.sku, catalogue_import__integration=product.integration)
        )
        .select_related("catalogue_import")
        .order_by("-catalogue_import__sent_at", "-pk")[:TRACE_ROWS]
    )
    return {
        "pulled": structure.pulled,
        "badge": status_badge(product.listing_status),
        "category": category,
        "rows": rows,
        "general_problems": general,
        "warnings": sum(1 for row in rows if row["state"] == "warning"),
        "trace": list(trace),
    }


# --- Catalogue mappings ---------------------------------------------------------------------


def _integration_chosen(request: HttpRequest) -> Integration | None:
    """``?integration=<name>``, else the first integration by name."""
    integrations = Integration.objects.order_by("name")
    name = request.GET.get("integration", "")
    return integrations.filter(name=name).first() or integrations.first()


def _back_to_list(kind: MappingKind, integration: Integration, **params: str) -> str:
    query = QueryDict(mutable=True)
    query.update({"integration": integration.name, **{k: v for k, v in params.items() if v}})
    return f"{reverse(kind.url_name())}?{query.urlencode()}"


@require_GET
def catalogue_mappings(request: HttpRequest) -> HttpResponse:
    """Per integration: the pulled structure, how many rows each mapping has, the listings."""
    _require(request, KINDS["categories"].permission("view"))
    integrations = Integration.objects.order_by("name").annotate(
        categories=Count("marketplace_categories", distinct=True),
        attributes=Count("marketplace_attributes", distinct=True),
        value_lists=Count("marketplace_value_lists", distinct=True),
        fetched_at=Max("marketplace_categories__fetched_at"),
    )
    overview = []
    for integration in integrations:
        counts = {
            slug: kind.model.objects.filter(integration=integration).count()
            for slug, kind in KINDS.items()
        }
        statuses = listing_status_counts(Product.objects.filter(integration=integration))
        overview.append(
            {
                "integration": integration,
                "mappings": counts,
                "statuses": statuses,
                "skus": sum(entry["count"] for entry in statuses),
            }
        )
    return render(request, "catalogue/mappings.html", {"overview": overview, "kinds": KINDS})


def _permissions(request: HttpRequest, kind: MappingKind) -> dict[str, bool]:
    return {
        f"can_{action}": request.user.has_perm(kind.permission(action))
        for action in ("add", "change", "delete")
    }


@require_GET
def mapping_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind's rows for one integration, how many SKUs each reaches, and the marketplace's
    choices (categories, attributes per category, value lists) beside them."""
    mapping_kind = KINDS[kind]
    _require(request, mapping_kind.permission("view"))
    integration = _integration_chosen(request)
    context = {
        "kind": mapping_kind,
        "integration": integration,
        "integrations": Integration.objects.order_by("name"),
        **_permissions(request, mapping_kind),
    }
    if integration is not None:
        context.update(LIST_CONTEXT[kind](integration, request.GET))
    return render(request, f"catalogue/{kind}.html", context)


def _form_integration(request: HttpRequest, mapping) -> Integration | None:
    if mapping is not None:
        return mapping.integration
    chosen = request.POST.get("integration", "")
    if chosen.isascii() and chosen.isdigit():
        return Integration.objects.filter(pk=chosen).first()
    return _integration_chosen(request)


def _after_change(request: HttpRequest, integration: Integration, done: str) -> None:
    messages.success(request, f"{done} {refresh_note(listings_refresh(integration))}")


@require_http_methods(["GET", "POST"])
def mapping_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Add or change one mapping row; its codes are checked against the pulled structure."""
    mapping_kind = KINDS[kind]
    mapping = get_object_or_404(mapping_kind.model, pk=pk) if pk else None
    _require(request, mapping_kind.permission("change" if mapping else "add"))
    integration = _form_integration(request, mapping)
    initial = {name: request.GET[name] for name in mapping_kind.carried if name in request.GET}
    form = MAPPING_FORMS[kind](
        request.POST or None, instance=mapping, integration=integration, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        for warning in mapping_warnings(saved):
            messages.warning(request, warning)
        _after_change(
            request, saved.integration, f"{mapping_kind.noun.capitalize()} {saved} saved."
        )
        return redirect(_back_to_list(mapping_kind, saved.integration, **_list_params(saved)))
    context = {"kind": mapping_kind, "form": form, "mapping": mapping, "integration": integration}
    if integration is not None:
        context.update(FORM_CONTEXT[kind](form, integration))
    return render(request, "catalogue/mapping_form.html", context)


def _list_params(mapping) -> dict[str, str]:
    """Keep the list page on the category or attribute the saved row is about."""
    if isinstance(mapping, AttributeMapping):
        return {"category": mapping.marketplace_category}
    if isinstance(mapping, ValueMapping):
        return {"attribute": mapping.marketplace_attribute}
    return {}


@require_http_methods(["GET", "POST"])
def mapping_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    mapping_kind = KINDS[kind]
    mapping = get_object_or_404(mapping_kind.model.objects.select_related("integration"), pk=pk)
    _require(request, mapping_kind.permission("delete"))
    if request.method == "POST":
        label, integration, params = str(mapping), mapping.integration, _list_params(mapping)
        mapping.delete()
        _after_change(request, integration, f"{mapping_kind.noun.capitalize()} {label} deleted.")
        return redirect(_back_to_list(mapping_kind, integration, **params))
    return render(
        request, "catalogue/mapping_delete.html", {"kind": mapping_kind, "mapping": mapping}
    )


def _history_subject(record) -> str:
    if hasattr(record, "source_category"):
        what = record.source_category
    elif hasattr(record, "source_value"):
        what = f"{record.marketplace_attribute}: {record.source_value}"
    else:
        where = f" [{record.marketplace_category}]" if record.marketplace_category else ""
        what = f"{record.marketplace_attribute}{where}"
    return f"{record.integration.name}: {what}"


@require_GET
def mapping_history(request: HttpRequest, kind: str) -> HttpResponse:
    """Every change of one kind (deleted rows too): who changed what, from what to what."""
    mapping_kind = KINDS[kind]
    _require(request, mapping_kind.permission("view"))
    entries = history_entries(
        mapping_kind.model.history.select_related("integration"),
        model=mapping_kind.model,
        fields=list(mapping_kind.history_fields),
        subject=_history_subject,
    )
    return render(
        request, "catalogue/mapping_history.html", {"kind": mapping_kind, "history": entries}
    )

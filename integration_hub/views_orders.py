"""Order screens: the decision form for held orders, and carrier mappings (edit with a
preview of the held dispatches a change releases, history, Excel import and export)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integration_hub.flows.dispatch import carrier_code_for, carrier_subject
from integration_hub.flows.orders_accept import order_decision_submit
from integration_hub.forms import CarrierMappingForm, MappingUploadForm
from integration_hub.history import history_entries
from integration_hub.models import (
    CarrierMapping,
    HubStatus,
    Integration,
    Order,
    normalize_carrier,
)
from integration_hub.services.carrier_mappings import (
    carrier_mapping_save,
    carrier_mappings_export,
    carrier_mappings_import,
)
from integration_hub.views_mappings_files import (
    import_report_text,
    mapping_file_download,
    mapping_file_import,
)

act = permission_required("integration_hub.handle_exceptions", raise_exception=True)
mappings_edit = permission_required("integration_hub.edit_mappings", raise_exception=True)


@act
@require_POST
def order_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Ops accept or refuse every line of a held order (one OR21 is queued)."""
    order = get_object_or_404(Order, pk=pk)
    line_ids = list(order.lines.values_list("marketplace_line_id", flat=True))
    choices = {line_id: request.POST.get(f"line-{line_id}") for line_id in line_ids}
    if any(choice not in ("accept", "refuse") for choice in choices.values()):
        messages.error(request, "Decide every line: accept or refuse.")
        return redirect("order-detail", pk=pk)
    decisions = {line_id: choice == "accept" for line_id, choice in choices.items()}
    try:
        outcome = order_decision_submit(order, decisions, actor=request.user)
    except ValueError as error:
        messages.error(request, f"Not sent: {error}.")
    else:
        messages.success(
            request, f"Decision queued for the marketplace ({outcome.replace('_', ' ')})."
        )
    return redirect("order-detail", pk=pk)


def held_dispatches(integration: Integration | None = None) -> list[dict]:
    """Dispatched orders waiting for a carrier mapping, grouped by source carrier and service."""
    held = Order.objects.filter(hub_status=HubStatus.DISPATCHED, carrier_code="")
    if integration:
        held = held.filter(integration=integration)
    groups = (
        held.values("integration__name", "integration_id", "carrier_name", "carrier_service")
        .annotate(orders=Count("id"))
        .order_by("-orders")
    )
    return [
        {**group, "subject": carrier_subject(group["carrier_name"], group["carrier_service"])}
        for group in groups
    ]


def releasable_count(integration: Integration) -> int:
    """Held dispatches whose carrier now has a mapping: the next pass sends them."""
    return sum(
        group["orders"]
        for group in held_dispatches(integration)
        if carrier_code_for(integration, group["carrier_name"], group["carrier_service"])
    )


def held_released_by(
    integration: Integration | None, source_carrier: str, source_service: str
) -> list[dict]:
    """The held dispatch groups a mapping of (carrier, service) would release: the same
    carrier, and the same service unless the mapping covers every service."""
    if integration is None or not source_carrier.strip():
        return []
    carrier_key, service_key = normalize_carrier(source_carrier), normalize_carrier(source_service)
    return [
        group
        for group in held_dispatches(integration)
        if normalize_carrier(group["carrier_name"]) == carrier_key
        and (not service_key or normalize_carrier(group["carrier_service"]) == service_key)
    ]


def _held_orders(integration: Integration, groups: list[dict]) -> list[Order]:
    names = {group["carrier_name"] for group in groups}
    held = Order.objects.filter(
        integration=integration,
        hub_status=HubStatus.DISPATCHED,
        carrier_code="",
        carrier_name__in=names,
    )
    services = {normalize_carrier(g["carrier_service"]) for g in groups}
    return [o for o in held[:200] if normalize_carrier(o.carrier_service) in services][:20]


@mappings_edit
def carrier_mappings(request: HttpRequest) -> HttpResponse:
    mappings = CarrierMapping.objects.select_related("integration", "carrier")
    context = {
        "mappings": mappings,
        "held": held_dispatches(),
        "integrations": Integration.objects.all(),
    }
    return render(request, "mappings/carriers.html", context)


def _preview(form: CarrierMappingForm) -> dict:
    """Which held dispatches saving the form would release (from the submitted or given
    source carrier), so ops see the effect before they save."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    if data is None:
        source = form.data if form.is_bound else form.initial
        chosen = str(source.get("integration") or "")
        integration = (
            Integration.objects.filter(pk=chosen).first()
            if chosen.isascii() and chosen.isdigit()
            else None
        )
        carrier, service = source.get("source_carrier", ""), source.get("source_service", "")
    else:
        integration = data["integration"]
        carrier, service = data["source_carrier"], data["source_service"]
    groups = held_released_by(integration, carrier or "", service or "")
    return {
        "release_groups": groups,
        "release_orders": _held_orders(integration, groups) if groups else [],
        "release_count": sum(group["orders"] for group in groups),
    }


@mappings_edit
@require_http_methods(["GET", "POST"])
def carrier_mapping_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mapping = get_object_or_404(CarrierMapping, pk=pk) if pk else None
    initial = {key: request.GET.get(key, "") for key in ("source_carrier", "source_service")}
    if request.GET.get("integration"):
        initial["integration"] = request.GET["integration"]
    form = CarrierMappingForm(request.POST or None, mapping=mapping, initial=initial)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            saved, outcome = carrier_mapping_save(
                integration=data["integration"],
                source_carrier=data["source_carrier"],
                source_service=data["source_service"],
                carrier_code=data["carrier"].code,
            )
        except ValueError as error:
            form.add_error("carrier", str(error))
        else:
            count = releasable_count(data["integration"])
            note = f" {count} held dispatch(es) go out on the next dispatch pass." if count else ""
            messages.success(request, f"Mapping {saved} {outcome}.{note}")
            return redirect("carrier-mappings")
    context = {"form": form, "mapping": mapping, "held": held_dispatches(), **_preview(form)}
    return render(request, "mappings/carrier_form.html", context)


@mappings_edit
@require_GET
def carrier_mapping_history(request: HttpRequest) -> HttpResponse:
    """Every mapping change (deleted mappings too): who changed what, from what to what."""
    entries = history_entries(
        CarrierMapping.history.select_related("integration"),
        model=CarrierMapping,
        fields=["source_carrier", "source_service", "carrier"],
        subject=lambda record: (
            f"{record.integration.name}: {record.source_carrier}"
            + (f" / {record.source_service}" if record.source_service else "")
        ),
    )
    return render(request, "mappings/carrier_history.html", {"history": entries})


@mappings_edit
@require_http_methods(["GET", "POST"])
def carrier_mapping_import(request: HttpRequest) -> HttpResponse:
    form = MappingUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        integration = form.cleaned_data["integration"]
        report, errors = mapping_file_import(
            carrier_mappings_import, integration, form.cleaned_data["file"]
        )
        if report is not None:
            count = releasable_count(integration)
            note = f" {count} held dispatch(es) go out on the next dispatch pass." if count else ""
            messages.success(
                request, f"Carrier mappings for {integration}: {import_report_text(report)}{note}"
            )
            return redirect("carrier-mappings")
    context = {
        "form": form,
        "errors": errors,
        "kind": "carrier mappings",
        "back": "carrier-mappings",
    }
    return render(request, "mappings/import.html", context, status=400 if errors else 200)


@mappings_edit
@require_GET
def carrier_mapping_export(request: HttpRequest, name: str) -> HttpResponse:
    integration = get_object_or_404(Integration, name=name)
    return mapping_file_download(carrier_mappings_export, integration, "carrier-mappings")


@mappings_edit
@require_http_methods(["GET", "POST"])
def carrier_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(CarrierMapping.objects.select_related("carrier"), pk=pk)
    if request.method == "POST":
        label = str(mapping)
        mapping.delete()
        messages.success(request, f"Mapping {label} deleted. New dispatches from it will be held.")
        return redirect("carrier-mappings")
    return render(request, "mappings/carrier_delete.html", {"mapping": mapping})

"""Integration screens for Admins: create, edit, and test the connection in the background."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integration_hub.forms import INTEGRATION_FIELDS, IntegrationForm
from integration_hub.models import Integration
from integration_hub.services.connection_checks import (
    connection_check_json,
    connection_check_request,
)
from integration_hub.services.integrations import integration_create

configure = permission_required("integration_hub.configure_integrations", raise_exception=True)

# What integration_create sets (and cleans) itself; the screen adds the rest.
SERVICE_FIELDS = {
    "name",
    "source_kind",
    "source_url",
    "marketplace_url",
    "shop_id",
    "default_buffer",
    "call_limit_mode",
}

# Service errors keyed by model field -> the form field that shows them.
ERROR_FIELDS = {
    "marketplace_credentials": "marketplace_api_key",
    "source_credentials": "source_credentials_text",
}


def _create(form: IntegrationForm) -> Integration | None:
    """Create through the same service as `hub integration add` (its checks), then apply the
    screen's extra settings."""
    data = form.cleaned_data
    try:
        integration = integration_create(
            name=data["name"],
            source_kind=data["source_kind"],
            source_url=data["source_url"],
            marketplace_url=data["marketplace_url"],
            marketplace_api_key=data["marketplace_api_key"],
            shop_id=data["shop_id"],
            default_buffer=data["default_buffer"],
            call_limit_mode=data["call_limit_mode"],
        )
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            target = ERROR_FIELDS.get(name, name if name in form.fields else None)
            for problem in problems:
                form.add_error(target, problem)
        return None
    for name in set(INTEGRATION_FIELDS) - SERVICE_FIELDS:
        setattr(integration, name, data[name])
    form.credentials_apply(integration)
    integration.save()
    return integration


@configure
@require_http_methods(["GET", "POST"])
def integration_new(request: HttpRequest) -> HttpResponse:
    form = IntegrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        integration = _create(form)
        if integration is not None:
            messages.success(
                request, f"Integration {integration} created. Test the connection next."
            )
            return redirect("integration-detail", name=integration.name)
    return render(request, "integrations/form.html", {"form": form, "integration": None})


@configure
@require_http_methods(["GET", "POST"])
def integration_edit(request: HttpRequest, name: str) -> HttpResponse:
    integration = get_object_or_404(Integration, name=name)
    form = IntegrationForm(request.POST or None, instance=integration)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        form.credentials_apply(saved)
        saved.save()
        messages.success(request, f"Integration {saved} saved.")
        return redirect("integration-detail", name=saved.name)
    context = {"form": form, "integration": integration}
    return render(request, "integrations/form.html", context)


@configure
@require_POST
def integration_test(request: HttpRequest, name: str) -> HttpResponse:
    integration = get_object_or_404(Integration, name=name)
    connection_check_request(integration=integration, user=request.user)
    messages.info(
        request,
        "Connection test queued: the worker calls the marketplace (A01 account, PC01 "
        "platform settings) and the source. The result appears below.",
    )
    return redirect("integration-detail", name=integration.name)


@configure
@never_cache
@require_GET
def integration_check_status(request: HttpRequest, name: str) -> JsonResponse:
    integration = get_object_or_404(Integration, name=name)
    return JsonResponse(connection_check_json(integration.connection_checks.first()))

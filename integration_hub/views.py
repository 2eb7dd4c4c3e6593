"""Server-rendered screens. No outbound HTTP here: buttons enqueue work, pages show its state."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from connectors.shopify.versions import API_VERSION as SHOPIFY_API_VERSION
from connectors.shopify.versions import api_version_warning
from integration_hub.filters import OrderFilter
from integration_hub.forms import INTEGRATION_FIELDS
from integration_hub.history import history_entries
from integration_hub.models import HubStatus, Integration, Order, PersonalDataAccess
from integration_hub.selectors import (
    dashboard_data,
    finance_home,
    order_outbound_jobs,
    order_search,
    order_timeline,
    order_tracking_url,
)
from integration_hub.services.health import health_report
from integration_hub.services.integrations import integration_summary
from integration_hub.tables import (
    OrderTable,
    table_export_requested,
    table_xlsx_response,
)

RETURNS_PANEL = "returns/_order_panel.html"


def _perm(codename: str):
    return permission_required(f"integration_hub.{codename}", raise_exception=True)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@_perm("view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    """One home, shaped by role: Ops sees what is due and red, Finance payouts, CX search."""
    context = dashboard_data()
    if request.user.has_perm("integration_hub.view_finance"):
        context["finance"] = finance_home()
    return render(request, "dashboard.html", context)


@_perm("configure_integrations")
def integration_list(request: HttpRequest) -> HttpResponse:
    summaries = [integration_summary(i) for i in Integration.objects.all()]
    return render(request, "integrations/list.html", {"integrations": summaries})


@_perm("configure_integrations")
def integration_detail(request: HttpRequest, name: str) -> HttpResponse:
    integration = get_object_or_404(Integration, name=name)
    context = {
        "integration": integration,
        "summary": integration_summary(integration),
        "runs": integration.runs.all()[:20],
        "check": integration.connection_checks.select_related("requested_by").first(),
        "history": history_entries(
            integration.history.all(), model=Integration, fields=INTEGRATION_FIELDS
        ),
        "source_version_warning": _source_version_warning(integration),
    }
    return render(request, "integrations/detail.html", context)


def _source_version_warning(integration: Integration) -> str:
    """Shopify answers an unsupported API version with a newer one: say so before it happens."""
    if integration.source_kind != "shopify":
        return ""
    version = str((integration.source_options or {}).get("api_version") or SHOPIFY_API_VERSION)
    return api_version_warning(version, today=timezone.now().date())


@_perm("view_orders")
def order_list(request: HttpRequest) -> HttpResponse:
    orders = Order.objects.select_related("integration")
    order_filter = OrderFilter(request.GET, queryset=orders)
    table = OrderTable(order_filter.qs)
    if table_export_requested(request):
        return table_xlsx_response(table, "orders")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "orders/list.html", {"filter": order_filter, "table": table})


@_perm("view_orders")
@require_GET
def order_search_view(request: HttpRequest) -> HttpResponse:
    """CX's one box: an exact identifier opens the order, anything else lists the matches."""
    query = request.GET.get("q", "")
    result = order_search(query)
    if result.exact is not None:
        return redirect("order-detail", pk=result.exact.pk)
    table = None
    if result.orders is not None:
        table = OrderTable(result.orders)
        if table_export_requested(request):
            return table_xlsx_response(table, "search")
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "search.html", {"result": result, "table": table, "query": query})


def _customer_for(request: HttpRequest, order: Order) -> dict | None:
    """The customer's name, address and phone, for roles that may see them; each view is
    logged (PersonalDataAccess) so an audit can say who looked at whose address."""
    if not request.user.has_perm("integration_hub.view_personal_data"):
        return None
    customer = (order.raw or {}).get("customer")
    if customer:
        PersonalDataAccess.objects.create(user=request.user, order=order, path=request.path)
    return customer


def _returns_panel() -> str:
    """The returns app's order panel, once that app is installed and ships the template."""
    if not apps.is_installed("returns"):
        return ""
    try:
        get_template(RETURNS_PANEL)
    except TemplateDoesNotExist:
        return ""
    return RETURNS_PANEL


@_perm("view_orders")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.select_related("integration"), pk=pk)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "timeline": order_timeline(order),
        "exceptions": order.exceptions.select_related("assignee").order_by("-last_seen"),
        "jobs": order_outbound_jobs(order),
        "tracking_link": order_tracking_url(order),
        "customer": _customer_for(request, order),
        "can_see_personal_data": request.user.has_perm("integration_hub.view_personal_data"),
        "can_decide": request.user.has_perm("integration_hub.handle_exceptions")
        and order.hub_status in (HubStatus.NEW, HubStatus.HELD)
        and order.marketplace_state == "WAITING_ACCEPTANCE",
        "returns_panel": _returns_panel(),
    }
    return render(request, "orders/detail.html", context)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)

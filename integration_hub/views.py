"""Server-rendered screens. No outbound HTTP here: buttons enqueue work, pages show its state."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from integration_hub.filters import OrderFilter
from integration_hub.models import HubStatus, Integration, Order, PersonalDataAccess
from integration_hub.selectors import dashboard_data, order_timeline
from integration_hub.services.health import health_report
from integration_hub.services.integrations import integration_summary
from integration_hub.tables import OrderTable


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
    return render(request, "dashboard.html", dashboard_data())


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
    }
    return render(request, "integrations/detail.html", context)


@_perm("view_orders")
def order_list(request: HttpRequest) -> HttpResponse:
    orders = Order.objects.select_related("integration")
    order_filter = OrderFilter(request.GET, queryset=orders)
    table = OrderTable(order_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "orders/list.html", {"filter": order_filter, "table": table})


@_perm("view_orders")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.select_related("integration"), pk=pk)
    customer = None
    if request.user.has_perm("integration_hub.view_personal_data"):
        customer = (order.raw or {}).get("customer")
        if customer:
            PersonalDataAccess.objects.create(user=request.user, order=order, path=request.path)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "timeline": order_timeline(order),
        "customer": customer,
        "can_see_personal_data": request.user.has_perm("integration_hub.view_personal_data"),
        "can_decide": request.user.has_perm("integration_hub.handle_exceptions")
        and order.hub_status in (HubStatus.NEW, HubStatus.HELD)
        and order.marketplace_state == "WAITING_ACCEPTANCE",
    }
    return render(request, "orders/detail.html", context)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)

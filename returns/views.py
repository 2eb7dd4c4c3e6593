"""The returns list and the order panel's two forms (POST only; the calls go out through the
outbox, never inside the request)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from integration_hub.models import Order
from returns import selectors
from returns.filters import ReturnFilter
from returns.flows.cancellations import cancellation_from_hub
from returns.flows.refunds import refund_from_hub
from returns.forms import CancelForm, RefundForm
from returns.tables import ReturnTable

view_orders = permission_required("integration_hub.view_orders", raise_exception=True)
act = permission_required("integration_hub.handle_exceptions", raise_exception=True)


@view_orders
def return_list(request: HttpRequest) -> HttpResponse:
    return_filter = ReturnFilter(request.GET, queryset=selectors.returns_for_list())
    table = ReturnTable(return_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "returns/list.html", {"filter": return_filter, "table": table})


def _form_errors(form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


@act
@require_POST
def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    """Ops refund shipped lines and/or shipping; one OR28 is queued."""
    order = get_object_or_404(Order.objects.select_related("integration"), pk=pk)
    lines = [row["line"] for row in selectors.order_panel(order)["refundable"]]
    form = RefundForm(request.POST, order=order, lines=lines)
    if not form.is_valid():
        messages.error(request, f"Refund not sent: {_form_errors(form)}.")
        return redirect("order-detail", pk=pk)
    data = form.cleaned_data
    try:
        refund = refund_from_hub(
            order=order,
            quantities=form.quantities(),
            amounts=form.amounts(),
            shipping=data.get("shipping") or 0,
            reason_code=data["reason"],
            actor=request.user,
            note=data.get("note") or "",
        )
    except ValueError as error:
        messages.error(request, f"Refund not sent: {error}.")
    else:
        messages.success(
            request,
            f"Refund of {refund.currency} {refund.total} queued for the marketplace (sent once).",
        )
    return redirect("order-detail", pk=pk)


@act
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Ops cancel lines not shipped yet; one OR30 is queued."""
    order = get_object_or_404(Order.objects.select_related("integration"), pk=pk)
    form = CancelForm(request.POST, order=order, lines=selectors.order_panel(order)["cancellable"])
    if not form.is_valid():
        messages.error(request, f"Cancellation not sent: {_form_errors(form)}.")
        return redirect("order-detail", pk=pk)
    try:
        cancellation_from_hub(
            order=order,
            quantities=form.quantities(),
            reason_code=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValueError as error:
        messages.error(request, f"Cancellation not sent: {error}.")
    else:
        messages.success(request, "Cancellation queued for the marketplace (sent once).")
    return redirect("order-detail", pk=pk)

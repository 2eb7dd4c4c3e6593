"""Finance screens: payouts, a payout's orders and lines, the queue with its actions, the
margin views, the Excel download and the settlement file upload.

Reading needs ``view_finance``; matching, write-offs, undo and imports need ``reconcile``; the
workbook needs ``export_finance`` (Finance and Admin have all three; other roles get a 403).
Every change is a POST behind a confirmation page; nothing here calls the marketplace.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from integration_hub.models import Integration, Order
from integration_hub.services.carrier_mappings import ImportRejected
from reconciliation import actions, selectors
from reconciliation.export import export_file_name, workbook_write
from reconciliation.filters import PayoutFilter, QueueFilter
from reconciliation.forms import LineMatchForm, ReasonForm, SettlementImportForm, UndoForm
from reconciliation.imports import OPTIONAL, REQUIRED, settlement_file_import
from reconciliation.matching import QUEUED_LINE_STATUSES, QUEUED_ORDER_STATUSES, reconcile
from reconciliation.models import OrderReconciliation, Payout, ReconciliationAction, TransactionLine
from reconciliation.tables import (
    MarginMonthTable,
    MarginOrderTable,
    MarginSkuTable,
    OrderReconciliationTable,
    PayoutTable,
    TransactionLineTable,
)

view_finance = permission_required("integration_hub.view_finance", raise_exception=True)
can_reconcile = permission_required("integration_hub.reconcile", raise_exception=True)
can_export = permission_required("integration_hub.export_finance", raise_exception=True)


def _posted(request):
    """The form data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _table(request, table, prefix="", per_page=50):
    table.prefix = prefix
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table


def _acts(request) -> dict:
    return {
        "can_reconcile": request.user.has_perm("integration_hub.reconcile"),
        "can_export": request.user.has_perm("integration_hub.export_finance"),
    }


@view_finance
@require_GET
def payout_list(request: HttpRequest) -> HttpResponse:
    payouts = Payout.objects.select_related("integration")
    payout_filter = PayoutFilter(request.GET, queryset=payouts)
    table = _table(request, PayoutTable(payout_filter.qs))
    context = {"filter": payout_filter, "table": table, **_acts(request)}
    return render(request, "reconciliation/payouts.html", context)


@view_finance
@require_GET
def payout_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payout = get_object_or_404(Payout.objects.select_related("integration"), pk=pk)
    context = {
        "payout": payout,
        "orders": _table(request, OrderReconciliationTable(selectors.payout_orders(payout)), "o-"),
        "lines": _table(request, TransactionLineTable(selectors.payout_lines(payout)), "l-", 100),
        **_acts(request),
    }
    return render(request, "reconciliation/payout_detail.html", context)


@view_finance
@require_GET
def reconcile_queue(request: HttpRequest) -> HttpResponse:
    queue_filter = QueueFilter(request.GET, queryset=Integration.objects.all())
    integration = (
        queue_filter.form.cleaned_data.get("integration") if queue_filter.is_valid() else None
    )
    orders = OrderReconciliation.objects.filter(status__in=QUEUED_ORDER_STATUSES)
    lines = TransactionLine.objects.filter(match_status__in=QUEUED_LINE_STATUSES)
    done = ReconciliationAction.objects.select_related("actor", "order", "line", "undone_by")
    if integration is not None:
        orders, lines = (
            orders.filter(integration=integration),
            lines.filter(integration=integration),
        )
        done = done.filter(integration=integration)
    context = {
        "filter": queue_filter,
        "orders": _table(request, OrderReconciliationTable(orders.select_related("order")), "o-"),
        "lines": lines.select_related("order")[:200],
        "line_count": lines.count(),
        "recent": done[:30],
        **_acts(request),
    }
    return render(request, "reconciliation/queue.html", context)


@view_finance
@require_GET
def order_reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.select_related("integration"), pk=pk)
    context = {
        "order": order,
        "row": OrderReconciliation.objects.filter(order=order).first(),
        "breakdown": selectors.order_line_breakdown(order),
        "lines": TransactionLine.objects.filter(order=order).order_by("date_created", "id"),
        "history": ReconciliationAction.objects.filter(Q(order=order) | Q(line__order=order))
        .select_related("actor", "undone_by")
        .distinct()[:50],
        **_acts(request),
    }
    return render(request, "reconciliation/order.html", context)


@view_finance
@require_GET
def margin(request: HttpRequest) -> HttpResponse:
    queue_filter = QueueFilter(request.GET, queryset=Integration.objects.all())
    integration = (
        queue_filter.form.cleaned_data.get("integration") if queue_filter.is_valid() else None
    )
    context = {
        "filter": queue_filter,
        "orders": _table(request, MarginOrderTable(selectors.margin_orders(integration)), "o-"),
        "skus": _table(request, MarginSkuTable(selectors.margin_by_sku(integration)), "s-"),
        "months": _table(request, MarginMonthTable(selectors.margin_by_month(integration)), "m-"),
    }
    return render(request, "reconciliation/margin.html", context)


@can_reconcile
def line_match(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(TransactionLine.objects.select_related("integration"), pk=pk)
    form = LineMatchForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["order_number"]
        order = Order.objects.filter(
            Q(commercial_id=number) | Q(marketplace_order_id=number), integration=line.integration
        ).first()
        if order is None:
            form.add_error("order_number", f"no order {number!r} in {line.integration.name}")
        else:
            return _acted(request, lambda: actions.line_match(
                line=line, order=order, actor=request.user, reason=form.cleaned_data["reason"]
            ), f"Line {line.line_id} matched to order {order.commercial_id}.")  # fmt: skip
    return render(request, "reconciliation/line_match.html", {"line": line, "form": form})


@can_reconcile
def line_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(TransactionLine.objects.select_related("integration"), pk=pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        return _acted(request, lambda: actions.line_write_off(
            line=line, actor=request.user, reason=form.cleaned_data["reason"]
        ), f"Line {line.line_id} written off.")  # fmt: skip
    subject = f"transaction line {line.line_id} ({line.type}, {line.currency} {line.amount})"
    return render(request, "reconciliation/confirm.html", _confirm(form, "Write off", subject))


@can_reconcile
def order_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        return _acted(request, lambda: actions.order_write_off(
            order=order, actor=request.user, reason=form.cleaned_data["reason"]
        ), f"Variance of order {order.commercial_id} written off.")  # fmt: skip
    row = OrderReconciliation.objects.filter(order=order).first()
    subject = f"the variance of order {order.commercial_id}" + (f" ({row.variance})" if row else "")
    return render(request, "reconciliation/confirm.html", _confirm(form, "Write off", subject))


@can_reconcile
def action_undo(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ReconciliationAction.objects.select_related("actor"), pk=pk)
    form = UndoForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        return _acted(request, lambda: actions.action_undo(
            action=action, actor=request.user, reason=form.cleaned_data["reason"]
        ), f"{action.get_kind_display()} of {action.at:%d %b %H:%M} undone.")  # fmt: skip
    subject = (
        f"the {action.get_kind_display().lower()} by {action.actor} on {action.at:%d %b %Y %H:%M}"
    )
    return render(request, "reconciliation/confirm.html", _confirm(form, "Undo", subject))


def _confirm(form, verb: str, subject: str) -> dict:
    return {"form": form, "verb": verb, "subject": subject}


def _acted(request, act, success: str) -> HttpResponse:
    """Run a finance action; refusals go back to the page as a message, not a 500."""
    try:
        act()
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("reconcile-queue")


@can_export
@require_GET
def export_download(request: HttpRequest) -> FileResponse:
    integration = None
    if request.GET.get("integration"):
        integration = get_object_or_404(Integration, pk=request.GET["integration"])
    cycle_id = request.GET.get("cycle", "")[:64]
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook_write(handle, integration=integration, cycle_id=cycle_id)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export_file_name(integration, cycle_id),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@can_reconcile
def settlement_import(request: HttpRequest) -> HttpResponse:
    form = SettlementImportForm(_posted(request), request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        integration = form.cleaned_data["integration"]
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                report = settlement_file_import(integration, path, actor=request.user)
            except ImportRejected as rejected:
                errors = rejected.errors
            else:
                reconcile(integration)
                messages.success(
                    request,
                    f"{upload.name}: {report.created} new, {report.updated} updated, "
                    f"{report.unchanged} unchanged line(s); matching ran again.",
                )
                return redirect("payout-list")
    context = {"form": form, "errors": errors, "required": REQUIRED, "optional": OPTIONAL}
    return render(request, "reconciliation/import.html", context)

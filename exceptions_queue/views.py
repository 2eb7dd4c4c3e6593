"""Exceptions screens. Everyone with the dashboard reads; Ops and Admin act (POST + CSRF).

No outbound HTTP here: a retry is queued for the worker (its handler may call a remote
system) and the page says so; the item's history shows the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from exceptions_queue import services
from exceptions_queue.filters import ExceptionFilter
from exceptions_queue.forms import (
    ASSIGN,
    IGNORE,
    RESOLVE,
    RETRY,
    ExceptionAssignForm,
    ExceptionBulkForm,
    ExceptionCloseForm,
)
from exceptions_queue.models import ACTIVE_STATUSES, ExceptionItem, Status
from exceptions_queue.selectors import (
    exception_list_queryset,
    exception_retry_history,
    exception_timeline,
)
from exceptions_queue.tables import ExceptionTable
from exceptions_queue.tasks import exception_retry_enqueue

read_required = permission_required("integration_hub.view_dashboard", raise_exception=True)
act_required = permission_required("integration_hub.handle_exceptions", raise_exception=True)

# action -> (service, statuses it applies to, past tense for messages)
CLOSERS = {
    RESOLVE: (services.exception_resolve, [*ACTIVE_STATUSES, Status.IGNORED], "resolved"),
    IGNORE: (services.exception_ignore, ACTIVE_STATUSES, "ignored"),
}


def _can_act(request: HttpRequest) -> bool:
    return request.user.has_perm("integration_hub.handle_exceptions")


@read_required
def exception_list(request: HttpRequest) -> HttpResponse:
    item_filter = ExceptionFilter(request.GET, queryset=exception_list_queryset())
    exclude = () if _can_act(request) else ("ids",)
    table = ExceptionTable(item_filter.qs, exclude=exclude)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {
        "filter": item_filter,
        "table": table,
        "can_act": _can_act(request),
        "bulk_form": ExceptionBulkForm(),
    }
    return render(request, "exceptions_queue/list.html", context)


@read_required
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(exception_list_queryset(), pk=pk)
    context = {
        "item": item,
        "kind": item.kind_info,
        "timeline": exception_timeline(item),
        "retries": exception_retry_history(item),
        "alerts": item.alerts.all(),
        "can_act": _can_act(request),
        "assign_form": ExceptionAssignForm(initial={"assignee": item.assignee_id}),
    }
    return render(request, "exceptions_queue/detail.html", context)


@act_required
@require_POST
def exception_retry(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ExceptionItem, pk=pk)
    if item.status != Status.OPEN:
        messages.error(request, f"#{pk} is {item.get_status_display().lower()}: nothing to retry.")
    else:
        exception_retry_enqueue(item.pk, actor_id=request.user.pk)
        messages.success(request, f"Retry queued for #{pk}. Its history shows the outcome.")
    return redirect("exception-detail", pk=pk)


@act_required
@require_http_methods(["GET", "POST"])
def exception_close(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Resolve or ignore one item: a confirmation page with the required note."""
    item = get_object_or_404(ExceptionItem.objects.select_related("integration"), pk=pk)
    service, statuses, done = CLOSERS[action]
    if item.status not in statuses:
        messages.error(request, f"#{pk} is {item.get_status_display().lower()} already.")
        return redirect("exception-detail", pk=pk)
    form = ExceptionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service(item, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, f"#{pk} {done}.")
        return redirect("exception-detail", pk=pk)
    context = {"item": item, "form": form, "action": action}
    return render(request, "exceptions_queue/close.html", context)


@act_required
@require_POST
def exception_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ExceptionItem, pk=pk)
    form = ExceptionAssignForm(request.POST)
    if form.is_valid():
        services.exception_assign(item, actor=request.user, assignee=form.cleaned_data["assignee"])
        messages.success(request, f"#{pk} assigned.")
    else:
        messages.error(request, f"Not assigned: {form.errors['assignee'][0]}")
    return redirect("exception-detail", pk=pk)


@act_required
@require_POST
def exception_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ExceptionItem, pk=pk)
    try:
        services.exception_reopen(item, actor=request.user)
    except ValueError as exc:
        messages.error(request, f"Not reopened: {exc}.")
    else:
        messages.success(request, f"#{pk} reopened.")
    return redirect("exception-detail", pk=pk)


@act_required
@require_POST
def exception_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the selected items; resolve and ignore ask to confirm first."""
    form = ExceptionBulkForm(request.POST)
    if not form.is_valid() or form.needs_confirmation:
        context = {"form": form, "selected": _selected(request.POST.getlist("ids"))}
        return render(request, "exceptions_queue/bulk.html", context)
    data = form.cleaned_data
    items = list(data["ids"])
    if data["action"] == RETRY:
        summary = _bulk_retry(items, request.user.pk)
    elif data["action"] == ASSIGN:
        for item in items:
            services.exception_assign(item, actor=request.user, assignee=data["assignee"])
        summary = f"{len(items)} assigned."
    else:
        summary = _bulk_close(items, data["action"], request.user, data["note"])
    messages.success(request, summary)
    return HttpResponseRedirect(_back_to_list(request))


def _selected(raw_ids: Iterable[str]) -> list[ExceptionItem]:
    ids = [int(i) for i in raw_ids if str(i).isascii() and str(i).isdigit()]
    return list(exception_list_queryset().filter(pk__in=ids))


def _bulk_retry(items: list[ExceptionItem], actor_id: int) -> str:
    queued = [item for item in items if item.status == Status.OPEN]
    for item in queued:
        exception_retry_enqueue(item.pk, actor_id=actor_id)
    return f"Retry queued for {len(queued)}; {len(items) - len(queued)} skipped (not open)."


def _bulk_close(items: list[ExceptionItem], action: str, actor, note: str) -> str:
    service, statuses, done = CLOSERS[action]
    closable = [item for item in items if item.status in statuses]
    for item in closable:
        service(item, actor=actor, note=note)
    return f"{len(closable)} {done}; {len(items) - len(closable)} skipped (already closed)."


def _back_to_list(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    list_url = reverse("exception-list")
    return back if back.startswith(list_url) else list_url

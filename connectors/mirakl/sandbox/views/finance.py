"""TL02 transaction logs, SBC11 billing cycles, IV01 invoices, RT11/RT21/RT25/RT27 returns."""

from __future__ import annotations

from connectors.mirakl.sandbox.models import SandboxBillingCycle, SandboxTransaction
from connectors.mirakl.sandbox.serializers_account import (
    cycle_json,
    invoice_json,
    return_json,
    transaction_json,
)
from connectors.mirakl.sandbox.services import MiraklError, returns_transition
from connectors.mirakl.sandbox.views.base import (
    api_json,
    date_param,
    endpoint,
    int_param,
    json_body,
    list_param,
    offset_page,
    operation,
    seek_page,
    seek_params,
)

TL02_LISTS = {
    "payment_state": "payment_state__in",
    "transaction_type": "type__in",
    "order_id": "order__order_id__in",
    "order_line_id": "line__line_id__in",
    "seller_billing_cycle_id": "billing_cycle__cycle_id__in",
}
TL02_DATES = {
    "date_created_from": "created_at__gte",
    "date_created_to": "created_at__lte",
    "transaction_date_from": "created_at__gte",
    "transaction_date_to": "created_at__lte",
    "last_updated_from": "updated_at__gte",
}


def _first_offset_page(request) -> bool:
    """IV01: once a day "and as many times as there are pages", so later pages are free."""
    return request.GET.get("offset", "0") in ("", "0")


def _first_seek_page(request) -> bool:
    """SBC11: the same, for seek paging (a ``page_token`` asks for a later page)."""
    return not request.GET.get("page_token")


def _filtered(items, params, lists: dict[str, str], dates: dict[str, str]):
    for name, lookup in lists.items():
        values = list_param(params, name)
        if values:
            items = items.filter(**{lookup: values})
    for name, lookup in dates.items():
        value = date_param(params, name)
        if value is not None:
            items = items.filter(**{lookup: value})
    return items


@operation("TL02")
def transactions_list(request, *, shop, now):
    params, state = seek_params(request)
    lines = _filtered(SandboxTransaction.objects.filter(shop=shop), params, TL02_LISTS, TL02_DATES)
    if params.get("accounting_document_number"):
        lines = lines.filter(
            billing_cycle__invoice_id=int_param(params, "accounting_document_number", 0)
        )
    lines = lines.select_related("shop", "order", "line", "billing_cycle")
    page = seek_page(
        lines,
        params,
        state,
        sorts={"dateCreated": "created_at", "lastUpdated": "updated_at"},
        default_sort="dateCreated",
        default_desc=True,
        max_limit=2000,
    )
    page["data"] = [transaction_json(line) for line in page["data"]]
    return api_json(page)


@operation("SBC11", counted=_first_seek_page)
def billing_cycles_list(request, *, shop, now):
    params, state = seek_params(request)
    cycles = _filtered(
        SandboxBillingCycle.objects.filter(shop=shop).select_related("shop"),
        params,
        {"id": "cycle_id__in", "pay_out_state": "pay_out_state__in"},
        {"start_date": "created_at__gte", "end_date": "created_at__lte"},
    )
    page = seek_page(
        cycles,
        params,
        state,
        sorts={"dateCreated": "created_at"},
        default_sort="dateCreated",
        default_desc=False,
        max_limit=1000,
    )
    page["data"] = [cycle_json(cycle) for cycle in page["data"]]
    return api_json(page)


@operation("IV01", counted=_first_offset_page)
def invoices_list(request, *, shop, now):
    kind = request.GET.get("type") or "AUTO_INVOICE"
    if kind not in ("ALL", "AUTO_INVOICE", "MANUAL_INVOICE", "MANUAL_CREDIT"):
        raise MiraklError(400, f"Invalid value '{kind}' for parameter type")
    cycles = _filtered(
        SandboxBillingCycle.objects.filter(shop=shop).select_related("shop"),
        request.GET,
        {"seller_billing_cycle_id": "cycle_id__in", "invoice_id": "invoice_id__in"},
        {"start_date": "created_at__gte", "end_date": "created_at__lte"},
    )
    if kind not in ("ALL", "AUTO_INVOICE") or request.GET.get("payment_status") in (
        "PENDING",
        "FAILED",
    ):
        cycles = cycles.none()
    page, total, headers = offset_page(request, cycles.order_by("created_at", "id"))
    body = {"invoices": [invoice_json(cycle) for cycle in page], "total_count": total}
    return api_json(body, headers=headers)


RT11_LISTS = {
    "return_id": "return_id__in",
    "return_state": "state__in",
    "order_commercial_id": "order__commercial_id__in",
    "return_rma": "rma__in",
}
RT11_DATES = {
    "return_creation_date_from": "created_at__gte",
    "return_creation_date_to": "created_at__lte",
    "return_last_updated_from": "updated_at__gte",
    "return_last_updated_to": "updated_at__lte",
}


@operation("RT11")
def returns_list(request, *, shop, now):
    params, state = seek_params(request)
    returns = _filtered(shop.returns.select_related("order"), params, RT11_LISTS, RT11_DATES)
    page = seek_page(
        returns,
        params,
        state,
        sorts={"dateCreated": "created_at", "lastUpdated": "updated_at"},
        default_sort="dateCreated",
        default_desc=False,
        max_limit=100,
    )
    page["data"] = [return_json(item) for item in page["data"]]
    return api_json(page)


def _transition(action: str):
    def handler(request, *, shop, now):
        result = returns_transition(shop=shop, action=action, body=json_body(request), now=now)
        return api_json(result)

    return handler


transactions = endpoint(GET=transactions_list)
billing_cycles = endpoint(GET=billing_cycles_list)
invoices = endpoint(GET=invoices_list)
returns = endpoint(GET=returns_list)
returns_accept = endpoint(PUT=operation("RT21")(_transition("accept")))
returns_receive = endpoint(PUT=operation("RT25")(_transition("receive")))
returns_close = endpoint(PUT=operation("RT27")(_transition("close")))

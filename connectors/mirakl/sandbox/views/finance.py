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
    CREATED,
    CREATED_OR_UPDATED,
    CREATED_RANGE,
    api_json,
    filtered,
    first_offset_page,
    int_param,
    json_body,
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


def _first_seek_page(request) -> bool:
    """SBC11: once a day "and as many times as there are pages", so later pages are free (a
    ``page_token`` asks for a later page); IV01 the same with offset paging."""
    return not request.GET.get("page_token")


@operation("TL02")
def transactions_list(request, *, shop, now):
    params, state = seek_params(request)
    lines = filtered(SandboxTransaction.objects.filter(shop=shop), params, TL02_LISTS, TL02_DATES)
    if params.get("accounting_document_number"):
        invoice_id = int_param(params, "accounting_document_number", 0)
        lines = lines.filter(billing_cycle__invoice_id=invoice_id)
    lines = lines.select_related("shop", "order", "line", "billing_cycle")
    return seek_page(
        lines, params, state, transaction_json, sorts=CREATED_OR_UPDATED, desc=True, max_limit=2000
    )


@operation("SBC11", counted=_first_seek_page)
def billing_cycles_list(request, *, shop, now):
    params, state = seek_params(request)
    cycles = filtered(
        SandboxBillingCycle.objects.filter(shop=shop).select_related("shop"),
        params,
        {"id": "cycle_id__in", "pay_out_state": "pay_out_state__in"},
        CREATED_RANGE,
    )
    return seek_page(cycles, params, state, cycle_json, sorts=CREATED, desc=False, max_limit=1000)


@operation("IV01", counted=first_offset_page)
def invoices_list(request, *, shop, now):
    kind = request.GET.get("type") or "AUTO_INVOICE"
    if kind not in ("ALL", "AUTO_INVOICE", "MANUAL_INVOICE", "MANUAL_CREDIT"):
        raise MiraklError(400, f"Invalid value '{kind}' for parameter type")
    cycles = filtered(
        SandboxBillingCycle.objects.filter(shop=shop).select_related("shop"),
        request.GET,
        {"seller_billing_cycle_id": "cycle_id__in", "invoice_id": "invoice_id__in"},
        CREATED_RANGE,
    )
    unpaid = request.GET.get("payment_status") in ("PENDING", "FAILED")
    if kind not in ("ALL", "AUTO_INVOICE") or unpaid:
        cycles = cycles.none()
    return offset_page(request, cycles.order_by("created_at", "id"), "invoices", invoice_json)


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
    returns = filtered(shop.returns.select_related("order"), params, RT11_LISTS, RT11_DATES)
    return seek_page(
        returns, params, state, return_json, sorts=CREATED_OR_UPDATED, desc=False, max_limit=100
    )


def _transition(code: str, action: str):
    @operation(code)
    def handler(request, *, shop, now):
        result = returns_transition(shop=shop, action=action, body=json_body(request), now=now)
        return api_json(result)

    return handler


returns_accept = _transition("RT21", "accept")
returns_receive = _transition("RT25", "receive")
returns_close = _transition("RT27", "close")

"""OR11 list, OR21 accept, OR23 tracking, OR24 ship, OR28 refund, OR29/OR30 cancel."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse

from connectors.mirakl.sandbox.models import OrderState, SandboxAdjustment
from connectors.mirakl.sandbox.serializers import adjustment_tax
from connectors.mirakl.sandbox.serializers import order_json as render_order
from connectors.mirakl.sandbox.services import (
    MiraklError,
    order_accept,
    order_cancel,
    order_lines_cancel,
    order_ship,
    order_tracking_set,
    refunds_create,
)
from connectors.mirakl.sandbox.services.orders import order_get
from connectors.mirakl.sandbox.views.base import (
    CREATED_RANGE,
    api_json,
    bool_param,
    date_param,
    filtered,
    first_offset_page,
    json_body,
    list_param,
    no_content,
    offset_page,
    operation,
)

# Mirakl subtracts a delta from start_update_date so that no order is missed (spec, OR11).
UPDATE_SAFETY_DELTA = dt.timedelta(minutes=2)
STATES = {choice.value for choice in OrderState} | {"WAITING_DEBIT", "TO_COLLECT"}


def _first_page(request) -> bool:
    """Paging on and explicit id look-ups do not count against OR11's once-a-minute limit."""
    return first_offset_page(request) and not request.GET.get("order_ids")


def _filter(orders, params):
    orders = filtered(orders, params, {"order_ids": "order_id__in"}, {})
    states = list_param(params, "order_state_codes", limit=20)
    unknown = set(states) - STATES
    if unknown:
        raise MiraklError(400, f"Invalid value '{sorted(unknown)[0]}' for order_state_codes")
    if states:
        orders = orders.filter(state__in=states)
    orders = filtered(orders, params, {}, CREATED_RANGE)
    since = date_param(params, "start_update_date")
    if since is not None:
        orders = orders.filter(updated_at__gte=since - UPDATE_SAFETY_DELTA)
    orders = filtered(orders, params, {}, {"end_update_date": "updated_at__lte"})
    debited = bool_param(params, "customer_debited")
    if debited is not None:
        orders = orders.filter(customer_debited_date__isnull=not debited)
    if bool_param(params, "has_incident") is True:
        orders = orders.none()
    return orders


@operation("OR11", counted=_first_page)
def orders_list(request, *, shop, now):
    orders = _filter(shop.orders.all(), request.GET)
    sort = request.GET.get("sort") or "dateCreated"
    if sort != "dateCreated":
        raise MiraklError(400, f"Invalid sort '{sort}': expected dateCreated")
    orders = orders.order_by("created_at", "order_id")
    if (request.GET.get("order") or "asc").lower() == "desc":
        orders = orders.reverse()
    orders = orders.select_related("shop").prefetch_related("lines__adjustments")
    return offset_page(request, orders, "orders", render_order)


@operation("OR21")
def order_accept_put(request, *, shop, now, order_id):
    body = json_body(request)
    order = order_get(shop, order_id)
    order_accept(order, body.get("order_lines") if isinstance(body, dict) else None, now)
    return no_content()


@operation("OR23")
def order_tracking_put(request, *, shop, now, order_id):
    body = json_body(request)
    if not isinstance(body, dict):
        raise MiraklError(400, "The request body must be a JSON object")
    order_tracking_set(order_get(shop, order_id), body, now)
    return no_content()


@operation("OR24")
def order_ship_put(request, *, shop, now, order_id):
    order_ship(order_get(shop, order_id), now)
    return no_content()


@operation("OR29")
def order_cancel_put(request, *, shop, now, order_id):
    order_cancel(order_get(shop, order_id), now)
    return no_content()


def _adjustment_out(adjustment: SandboxAdjustment, currency: str) -> dict:
    data = {
        "amount": adjustment.amount,
        "currency_iso_code": currency,
        "order_line_id": adjustment.line.line_id,
        "quantity": adjustment.quantity,
        "reason_code": adjustment.reason_code,
        "shipping_amount": adjustment.shipping_amount,
        "taxes": [adjustment_tax(adjustment.amount, adjustment.line.tax_rate)],
        "shipping_taxes": [adjustment_tax(adjustment.shipping_amount, adjustment.line.tax_rate)],
        "fees": [],
    }
    if adjustment.kind == SandboxAdjustment.Kind.REFUND:
        return {
            **data,
            "refund_id": adjustment.adjustment_id,
            "order_refund_id": adjustment.order_refund_id,
        }
    return {**data, "cancelation_id": adjustment.adjustment_id}


def _adjustments_answer(shop, key: str, adjustments: list[SandboxAdjustment]) -> HttpResponse:
    """OR28's ``refunds`` or OR30's ``cancelations``."""
    items = [_adjustment_out(adjustment, shop.currency) for adjustment in adjustments]
    return api_json({"order_tax_mode": shop.order_tax_mode, key: items})


@operation("OR28")
def refunds_put(request, *, shop, now):
    refunds = refunds_create(shop=shop, body=json_body(request), now=now)
    return _adjustments_answer(shop, "refunds", refunds)


@operation("OR30")
def cancelations_put(request, *, shop, now):
    cancelations = order_lines_cancel(shop=shop, body=json_body(request), now=now)
    return _adjustments_answer(shop, "cancelations", cancelations)

"""The iHub REST paths the hub uses, answered from the sandbox tables.

Every view runs the shared fault injection first, then iHub's own checks: the query string
length (IIS refuses more than 2048 characters with a 404.15 page), the API key (``api_key``
or the legacy ``token`` query parameter; 401 ``{"Message": ...}`` otherwise) and the per-key
rate limit (429 with Retry-After, when configured). Business refusals are HTTP 200 with
``CallStatus.Success: false``; lists hold one object for one item and an array for several.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from connectors.sandbox.faults import fault_for
from connectors.seko import contract
from connectors.seko.sandbox import orders, services
from connectors.seko.sandbox.services import SekoRefusal

Handler = Callable[..., dict]
DENIED = "Authorization has been denied for this request."
QUERY_TOO_LONG = (
    "<html><body><h2>HTTP Error 404.15 - Not Found</h2><p>The request filtering module is "
    "configured to deny a request where the query string is too long.</p></body></html>"
)


def _error_body(status: int, message: str) -> dict:
    return {"Message": message}


def _listed(key: str, items: list[dict]) -> dict:
    """SEKO's list shape: an object for one item, an array for several."""
    if not items:
        return {"List": {}}
    return {"List": {key: items[0] if len(items) == 1 else items}}


def _ok(result: dict) -> JsonResponse:
    call_status = {"Success": True, "Code": 0, "Message": ""}
    return JsonResponse({"Response": {"CallStatus": call_status, **result}})


def _refused(error: SekoRefusal) -> JsonResponse:
    call_status = {"Success": False, "Code": error.code, "Message": error.message}
    return JsonResponse({"Response": {"CallStatus": call_status}})


def _gate(request: HttpRequest) -> HttpResponse | None:
    if len(request.META.get("QUERY_STRING", "")) > contract.QUERY_LIMIT:
        return HttpResponse(QUERY_TOO_LONG, status=404, content_type="text/html")
    key = request.GET.get(contract.KEY_PARAM) or request.GET.get(contract.KEY_PARAM_LEGACY, "")
    if not services.api_key_valid(key):
        return JsonResponse({"Message": DENIED}, status=401)
    wait = services.rate_limit_wait(key)
    if wait is not None:
        response = JsonResponse({"Message": "API rate limit exceeded. Retry later."}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return None


def endpoint(method: str, handler: Handler) -> Callable:
    @login_not_required
    @csrf_exempt
    def view(request: HttpRequest, **kwargs: str) -> HttpResponse:
        fault = fault_for("seko", request, error_body=_error_body)
        if fault is not None:
            return fault
        if request.method != method:
            return JsonResponse(
                {"Message": f"The requested resource does not support http method "
                 f"'{request.method}'."},
                status=405,
            )  # fmt: skip
        refusal = _gate(request)
        if refusal is not None:
            return refusal
        try:
            return _ok(handler(request, **kwargs))
        except SekoRefusal as error:
            return _refused(error)

    return view


def _time(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SekoRefusal(f"'{value}' is not a valid date.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _codes(request: HttpRequest) -> list[str] | None:
    raw = request.GET.get("ProductCodes", "")
    codes = [code.strip() for code in raw.replace("~", ",").split(",") if code.strip()]
    return codes or None


# --- salesorders/v1 ----------------------------------------------------------------------------


def order_websubmit(request: HttpRequest) -> dict:
    try:
        body: Any = json.loads(request.body or b"")
    except ValueError:
        raise SekoRefusal(
            "Cannot process json sales order A JSONObject text must begin with '{' at character 1"
        ) from None
    return {"GUID": orders.order_submit(body).guid}


def order_status(request: HttpRequest, number: str) -> dict:
    return {contract.ORDER_STATUS_ITEM: orders.order_status_json(services.order_lookup(number))}


def order_tracking(request: HttpRequest, number: str) -> dict:
    order = services.order_lookup(number)
    dispatch = getattr(order, "dispatch", None)
    if dispatch is None:
        raise SekoRefusal(f"Sales Order {order.sales_order_number} has not been dispatched.")
    return {contract.TRACKING_ITEM: services.dispatch_json(dispatch)}


# --- stock/v1 ----------------------------------------------------------------------------------


def stock_all(request: HttpRequest) -> dict:
    rows = services.stock_rows(dc_code=request.GET.get("dc") or None, product_codes=_codes(request))
    return _listed(contract.STOCK_LIST_ITEM, rows)


def stock_dc(request: HttpRequest, dc: str) -> dict:
    rows = services.stock_rows(dc_code=dc, product_codes=_codes(request))
    return _listed(contract.STOCK_LIST_ITEM, rows)


def stock_product(request: HttpRequest) -> dict:
    rows = services.stock_rows(dc_code=request.GET.get("dc") or None, product_codes=_codes(request))
    return _listed(contract.STOCK_LIST_ITEM, rows)


def stock_adjustments(request: HttpRequest, start: str, end: str) -> dict:
    rows = services.stock_events_between(
        "adjustment", _time(start), _time(end), request.GET.get("dc") or None
    )
    return _listed(contract.ADJUSTMENT_LIST_ITEM, rows)


def stock_movements(request: HttpRequest, start: str, end: str) -> dict:
    rows = services.stock_events_between(
        "movement", _time(start), _time(end), request.GET.get("dc") or None
    )
    return _listed(contract.MOVEMENT_LIST_ITEM, rows)


# --- dispatches/v1 -----------------------------------------------------------------------------


def dispatch_statuses(request: HttpRequest, start: str, end: str) -> dict:
    status = request.GET.get("status", contract.DISPATCHED)
    if status != contract.DISPATCHED:
        return _listed(contract.DISPATCH_LIST_ITEM, [])
    rows = services.dispatches_between(_time(start), _time(end), request.GET.get("dc") or None)
    return _listed(contract.DISPATCH_LIST_ITEM, rows)


# --- receipts/v1 and GRN/v1 (returns) ------------------------------------------------------------


def receipt_submit(request: HttpRequest) -> dict:
    from connectors.seko.sandbox import receipts

    try:
        body: Any = json.loads(request.body or b"")
    except ValueError:
        raise SekoRefusal("Cannot process json ASN") from None
    return {"ASNNumber": receipts.receipt_submit(body).asn_number}


def receipt_status(request: HttpRequest, number: str) -> dict:
    from connectors.seko.sandbox import receipts

    return {contract.RECEIPT_ITEM: receipts.receipt_json(receipts.receipt_lookup(number))}


def grn_list(request: HttpRequest, start: str, end: str) -> dict:
    from connectors.seko.sandbox import receipts

    rows = receipts.grn_between(_time(start), _time(end), request.GET.get("dc") or None)
    return _listed(contract.GRN_LIST_ITEM, rows)

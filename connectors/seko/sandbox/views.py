"""The iHub REST paths the hub uses, answered from the sandbox tables.

Every view runs the shared fault injection first, then iHub's own checks: the query string
length (IIS refuses more than 2048 characters with a 404.15 page), the API key (``api_key``
or the legacy ``token`` query parameter; 401 ``{"Message": ...}`` otherwise) and the per-key
rate limit (429 with Retry-After, when configured). Business refusals are HTTP 200 with
``CallStatus.Success: false``; lists hold one object for one item and an array for several.
Status and tracking are found by the order's GUID only, and answer flat (``Status``, ``GUID``;
``Courier``, ``GUID``, ``TrackingNumber``), like SEKO's published examples. Written from SEKO's
manuals and the Ruby client's fixtures, independently of the hub's connector.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from connectors.sandbox.faults import sandbox_view
from connectors.sandbox.formats import iso_datetime
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox import orders, receipts, services
from connectors.seko.sandbox.services import SekoRefusal

Handler = Callable[..., dict]
QUERY_LIMIT = 2048  # IIS's default maximum query string
KEY_PARAMS = ("api_key", "token")  # current manuals, and the legacy SupplyStream hub
STOCK_ITEM = "StockQuantityLineItem"
EVENT_ITEMS = {"adjustment": "StockAdjustmentLineItem", "movement": "StockMovementLineItem"}
DISPATCH_ITEM = "DispatchLineItem"
DISPATCHED = "Dispatched"
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
    if len(request.META.get("QUERY_STRING", "")) > QUERY_LIMIT:
        return HttpResponse(QUERY_TOO_LONG, status=404, content_type="text/html")
    key = next((request.GET[name] for name in KEY_PARAMS if request.GET.get(name)), "")
    if m.ApiKey.holder(key) is None:
        return JsonResponse({"Message": DENIED}, status=401)
    wait = services.rate_limit_wait(key)
    if wait is not None:
        response = JsonResponse({"Message": "API rate limit exceeded. Retry later."}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return None


def endpoint(method: str, handler: Handler, *, bare: bool = False) -> Callable:
    @sandbox_view("seko", _error_body)
    def view(request: HttpRequest, **kwargs: str) -> HttpResponse:
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
            result = handler(request, **kwargs)
            return JsonResponse(result) if bare else _ok(result)
        except SekoRefusal as error:
            return _refused(error)

    return view


def _time(value: str) -> dt.datetime:
    try:
        return iso_datetime(value)
    except ValueError:
        raise SekoRefusal(f"'{value}' is not a valid date.") from None


def _codes(request: HttpRequest) -> list[str] | None:
    raw = request.GET.get("ProductCodes", "")
    codes = [code.strip() for code in raw.replace("~", ",").split(",") if code.strip()]
    return codes or None


# --- echo/v1 and salesorders/v1 ---------------------------------------------------------------


def echo(request: HttpRequest, parameter: str) -> dict:
    return {"msg": parameter}


def order_websubmit(request: HttpRequest) -> dict:
    try:
        body: Any = json.loads(request.body or b"")
    except ValueError:
        raise SekoRefusal(
            "Cannot process json sales order A JSONObject text must begin with '{' at character 1"
        ) from None
    return {"GUID": orders.order_submit(body).guid}


def order_status(request: HttpRequest, guid: str) -> dict:
    order = services.order_by_guid(guid)
    return {"GUID": order.guid, "Status": orders.status_text(order)}


def order_tracking(request: HttpRequest, guid: str) -> dict:
    order = services.order_by_guid(guid)
    dispatch = getattr(order, "dispatch", None)
    if dispatch is None:  # SEKO answers an empty element (``{}``) until the DC dispatches
        return {"Courier": {}, "GUID": order.guid, "TrackingNumber": {}}
    return {
        "Courier": dispatch.courier,
        "GUID": order.guid,
        "TrackingNumber": dispatch.tracking_number,
    }


# --- stock/v1 ----------------------------------------------------------------------------------


def stock_query(request: HttpRequest) -> dict:
    """``stock/v1/all`` and ``stock/v1/product``: optional ``dc`` and ``ProductCodes``."""
    rows = services.stock_rows(dc_code=request.GET.get("dc") or None, product_codes=_codes(request))
    return _listed(STOCK_ITEM, rows)


def stock_dc(request: HttpRequest, dc: str) -> dict:
    rows = services.stock_rows(dc_code=dc, product_codes=_codes(request))
    return _listed(STOCK_ITEM, rows)


def stock_events(request: HttpRequest, kind: str, start: str, end: str) -> dict:
    """``stock/v1/adjustment/...`` or ``stock/v1/movement/...``: the window's stock events."""
    dc_code = request.GET.get("dc") or None
    rows = services.stock_events_between(kind, _time(start), _time(end), dc_code)
    return _listed(EVENT_ITEMS[kind], rows)


# --- dispatches/v1 -----------------------------------------------------------------------------


def dispatch_statuses(request: HttpRequest, start: str, end: str) -> dict:
    """The GUIDs of the orders dispatched in the window (the list names nothing else)."""
    if request.GET.get("status", DISPATCHED) != DISPATCHED:
        return _listed(DISPATCH_ITEM, [])
    rows = services.dispatched_between(_time(start), _time(end), request.GET.get("dc") or None)
    return _listed(DISPATCH_ITEM, rows)


# --- receipts/v1 and GRN/v1 (returns) ------------------------------------------------------------


def receipt_submit(request: HttpRequest) -> dict:
    try:
        body: Any = json.loads(request.body or b"")
    except ValueError:
        raise SekoRefusal("Cannot process json receipt") from None
    return {"GUID": receipts.receipt_submit(body).guid}


def grn_list(request: HttpRequest, start: str, end: str) -> dict:
    records = receipts.grn_between(_time(start), _time(end), request.GET.get("dc") or None)
    return _listed(receipts.GRN_ITEM, records)

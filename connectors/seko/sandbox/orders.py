"""iHub's Load Web Sales Order rules, as the sandbox enforces them on ``websubmit``.

The whole order is refused when any line fails (iHub reports the first error it finds), when
a ProductCode repeats, or when the SalesOrderNumber exists; free stock is available stock
minus every open order, checked at once (stock reads lag ~5 minutes behind). The client may
give the order's GUID (``WebSalesOrder.GUID``); otherwise iHub generates one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from connectors.seko.sandbox import models as m
from connectors.seko.sandbox.services import SekoRefusal, free_quantity, items_of, money, now


def _refuse(number: str, reason: str) -> SekoRefusal:
    return SekoRefusal(f"Error Submitting SalesOrder: {number} - Error. {reason}")


def _header(request: Mapping) -> tuple[str, str, str, str]:
    web = request.get("WebSalesOrder") or {}
    number = str(web.get("SalesOrderNumber") or "")
    if not number:
        raise SekoRefusal("Error Submitting SalesOrder: SalesOrderNumber is required.")
    if len(number) > 50:
        raise _refuse(number, "SalesOrderNumber exceeds 50 characters.")
    reference = str(web.get("SalesOrderReference") or "")
    if len(reference) > 50:
        raise _refuse(number, "SalesOrderReference exceeds 50 characters.")
    dc_code = str((request.get("SalesOrderHeader") or {}).get("DCCode") or "")
    if not m.StockRow.objects.filter(dc_code=dc_code).exists():
        raise _refuse(number, f"DCCode {dc_code or '(empty)'} is not valid for this client.")
    return number, reference, dc_code, str(web.get("SalesOrderDate") or "")


def _guid(request: Mapping, number: str) -> str:
    given = str((request.get("WebSalesOrder") or {}).get("GUID") or "").strip()
    if not given:
        return str(uuid.uuid4())
    try:
        guid = str(uuid.UUID(given))
    except ValueError:
        raise _refuse(number, f"GUID {given} is not a valid GUID.") from None
    if m.SalesOrder.objects.filter(guid=guid).exists():
        raise _refuse(number, f"GUID {guid} already exists.")
    return guid


def status_text(order: m.SalesOrder) -> str:
    """The order's status as iHub names it ('To Be Picked' until the DC dispatches it)."""
    return "To Be Picked" if order.status == m.SalesOrder.RECEIVED else order.status


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _lines_check(number: str, lines: list[dict], dc_code: str) -> None:
    if not lines:
        raise _refuse(number, "Sales order has no SalesOrderLineItem.")
    seen: set[str] = set()
    for line in lines:
        code = str(line.get("ProductCode") or "")
        if code in seen:
            raise _refuse(number, f"Product {code} appears on more than one line.")
        seen.add(code)
        if not m.Product.objects.filter(product_code=code).exists():
            raise _refuse(number, f"Product {code} is not a valid product code.")
        quantity = _int(line.get("Quantity"))
        if quantity < 1:
            raise _refuse(number, f"Quantity for product {code} must be at least 1.")
        if free_quantity(code, dc_code) < quantity:
            raise _refuse(number, f"Product {code} has no free stock.")


@transaction.atomic
def order_submit(body: Any) -> m.SalesOrder:
    """Create the order from a ``websubmit`` body, or raise the refusal iHub would give."""
    request = body.get("Request") if isinstance(body, Mapping) else None
    if not isinstance(request, Mapping):
        raise SekoRefusal("Cannot process json sales order: Request is missing.")
    number, reference, dc_code, order_date = _header(request)
    if m.SalesOrder.objects.filter(sales_order_number=number).exists():
        raise _refuse(number, "SalesOrderNumber already exists.")
    lines = items_of(request.get("List"), "SalesOrderLineItem")
    _lines_check(number, lines, dc_code)
    order = m.SalesOrder.objects.create(
        guid=_guid(request, number),
        sales_order_number=number,
        sales_order_reference=reference,
        dc_code=dc_code,
        sales_order_date=order_date,
        delivery=dict(request.get("DeliveryDetails") or {}),
        created_at=now(),
    )
    for index, line in enumerate(lines, start=1):
        m.SalesOrderLine.objects.create(
            order=order,
            line_number=_int(line.get("LineNumber")) or index,
            product_code=str(line["ProductCode"]),
            quantity=_int(line["Quantity"]),
            unit_price=money(line.get("UnitPrice")),
            currency_code=str(line.get("CurrencyCode") or "GBP").upper()[:3],
            vat=money(line.get("VAT")),
        )
    return order

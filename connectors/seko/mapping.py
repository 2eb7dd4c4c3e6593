"""SEKO shapes <-> the hub's DTOs: list-or-object lists, order bodies, stock rows, dispatches."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from connectors.base import Shipment, ShipmentLine, SourceOrderRequest, StockLevel
from connectors.seko import contract

_UNSAFE = re.compile(r"[^A-Za-z0-9_\-]")


def list_of(container: Any, item_key: str) -> list[dict]:
    """``List.<item_key>`` as a list: SEKO sends an object for one item, an array for several."""
    if not isinstance(container, Mapping):
        return []
    value = container.get(item_key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def response_list(response: Mapping, item_key: str) -> list[dict]:
    return list_of(response.get("List"), item_key)


def text(value: Any) -> str:
    """A SEKO value as text: iHub's JSON renders an empty XML element as ``{}``."""
    if value is None or isinstance(value, Mapping | list):
        return ""
    return str(value)


def order_guid(number: str, *, scope: str) -> str:
    """The GUID we give SEKO for a SalesOrderNumber: the same inputs always give the same GUID."""
    namespace = uuid.UUID(contract.ORDER_GUID_NAMESPACE)
    return str(uuid.uuid5(namespace, f"{scope}/{number}"))


def sales_order_number(external_reference: str) -> str:
    """Our SalesOrderNumber for a JL order number: the same input always gives the same number.

    Clean, short references are used as they are after the prefix; anything else is cut and
    suffixed with a hash of the full reference so two references never share a number.
    """
    reference = external_reference.strip()
    if not reference:
        raise ValueError("an order needs the JL order number")
    number = f"{contract.ORDER_NUMBER_PREFIX}-{reference}"
    if not _UNSAFE.search(reference) and len(number) <= contract.ORDER_NUMBER_MAX:
        return number
    digest = hashlib.sha256(reference.encode()).hexdigest()[:10]
    room = contract.ORDER_NUMBER_MAX - len(contract.ORDER_NUMBER_PREFIX) - len(digest) - 2
    return f"{contract.ORDER_NUMBER_PREFIX}-{_UNSAFE.sub('_', reference)[:room]}-{digest}"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def order_body(request: SourceOrderRequest, *, dc_code: str, guid: str) -> dict:
    """The ``websubmit`` request. Values with leading zeros must be strings: all are strings."""
    address = request.shipping_address
    lines = [
        {
            "LineNumber": index,
            "ProductCode": line.sku,
            "Quantity": line.quantity,
            "UnitPrice": _money(line.unit_price),
            "CurrencyCode": request.currency.upper(),
            "VAT": _money(line.tax_amount),
        }
        for index, line in enumerate(request.lines, start=1)
    ]
    return {
        "Request": {
            "DeliveryDetails": {
                "FirstName": address.first_name,
                "LastName": address.last_name,
                "Line1": address.street_1,
                "Line2": address.street_2,
                "City": address.city,
                "PostcodeZip": address.postcode,
                "CountryCode": address.country_iso2.upper(),
                "EmailAddress": request.customer_email,
                "PhoneNumber": address.phone,
            },
            "List": {"SalesOrderLineItem": lines},
            "SalesOrderHeader": {"DCCode": dc_code},
            "WebSalesOrder": {
                "GUID": guid,
                "SalesOrderNumber": sales_order_number(request.external_reference),
                "SalesOrderReference": request.external_reference[: contract.ORDER_REFERENCE_MAX],
                "SalesOrderDate": time_format(request.placed_at),
            },
        }
    }


def duplicate_skus(request: SourceOrderRequest) -> list[str]:
    seen: set[str] = set()
    return sorted({line.sku for line in request.lines if line.sku in seen or seen.add(line.sku)})


def sellable_totals(rows: Iterable[Mapping], *, dc_code: str) -> dict[str, int]:
    """Summed ``Available Stock`` per ProductCode in our DC; other location types are not sold."""
    totals: dict[str, int] = {}
    for row in rows:
        sku = str(row.get("ProductCode") or "")
        if not sku or str(row.get("DCCode") or dc_code) != dc_code:
            continue
        if str(row.get("LocationType") or "") != contract.SELLABLE_LOCATION_TYPE:
            totals.setdefault(sku, 0)
            continue
        totals[sku] = totals.get(sku, 0) + max(0, int_or_zero(row.get("Quantity")))
    return totals


def int_or_zero(value: Any) -> int:
    try:
        return int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return 0


def levels_for(totals: Mapping[str, int], requested: Iterable[str]) -> list[StockLevel]:
    """A level for every requested SKU: one SEKO left out has no stock (zero rows are omitted)."""
    return [StockLevel(sku=sku, available=totals.get(sku, 0)) for sku in requested]


def time_parse(value: Any) -> dt.datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)  # SEKO times are UTC


def time_format(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(contract.PATH_TIME_FORMAT)


def dispatch_lines(item: Mapping) -> list[ShipmentLine]:
    rows = response_list(item, "DispatchLineItem") or response_list(item, "SalesOrderLineItem")
    return [
        ShipmentLine(sku=text(row["ProductCode"]), quantity=int_or_zero(row.get("Quantity")))
        for row in rows
        if text(row.get("ProductCode"))
    ]


def shipment_from(item: Mapping, *, fallback_time: dt.datetime, guid: str = "") -> Shipment:
    """A Shipment from a tracking answer or a pushed record; ``guid`` is the order's GUID.

    The tracking answer is flat (``Courier``, ``GUID``, ``TrackingNumber``) and names no
    order reference: the hub then finds the order by its GUID (``source_order_id``).
    """
    guid = guid or text(item.get("GUID"))
    return Shipment(
        shipment_id=guid or text(item.get("InterfaceRecordId")) or text(item.get("DispatchNumber")),
        source_order_id=guid or text(item.get("SalesOrderNumber")),
        external_reference=text(item.get("SalesOrderReference")),
        carrier_name=text(item.get("Courier")) or text(item.get("CarrierName")),
        carrier_service=text(item.get("CourierService")) or text(item.get("CarrierService")),
        tracking_number=text(item.get("TrackingNumber")) or text(item.get("PrimaryTrackingNumber")),
        tracking_url=text(item.get("TrackingUrl")) or text(item.get("PrimaryTrackingUrl")),
        shipped_at=time_parse(text(item.get("DispatchDate"))) or fallback_time,
        lines=dispatch_lines(item),
    )

"""Return ASNs (receipts/v1) and their goods received notes (GRN/v1) in the sandbox.

``receipt_submit`` refuses a repeated ASNNumber, an unknown DC or ProductCode and an ASN
without lines, like iHub refuses sales orders. ``receipt_receive`` is the DC receiving the
goods: sellable units go back to Available Stock, the rest to a Damaged location, each as a
stock adjustment; the GRN lines are what ``GRN/v1`` lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from connectors.seko import contract
from connectors.seko.sandbox import models as m
from connectors.seko.sandbox.services import (
    AVAILABLE,
    SekoRefusal,
    _quantity,
    now,
    product_get,
    stock_set,
)

DAMAGED = "Damaged"


def _items(container: Any, key: str) -> list[dict]:
    value = container.get(key) if isinstance(container, Mapping) else None
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _refuse(number: str, reason: str) -> SekoRefusal:
    return SekoRefusal(f"Error Submitting ASN: {number} - Error. {reason}")


@transaction.atomic
def receipt_submit(body: Any) -> m.Receipt:
    request = body.get("Request") if isinstance(body, Mapping) else None
    header = (request or {}).get("ASNHeader") or {}
    number = str(header.get("ASNNumber") or "")
    if not number:
        raise SekoRefusal("Error Submitting ASN: ASNNumber is required.")
    if len(number) > contract.RECEIPT_NUMBER_MAX:
        raise _refuse(number, "ASNNumber exceeds 50 characters.")
    if m.Receipt.objects.filter(asn_number=number).exists():
        raise _refuse(number, f"ASN {number} already exists.")
    dc_code = str(header.get("DCCode") or "")
    if not m.StockRow.objects.filter(dc_code=dc_code).exists():
        raise _refuse(number, f"DCCode {dc_code or '(empty)'} is not valid for this client.")
    lines = _items((request or {}).get("List"), contract.RECEIPT_LINE_ITEM)
    if not lines:
        raise _refuse(number, "ASN has no ASNLineItem.")
    for line in lines:
        code = str(line.get("ProductCode") or "")
        if not m.Product.objects.filter(product_code=code).exists():
            raise _refuse(number, f"Product {code} does not exist.")
    return m.Receipt.objects.create(
        asn_number=number,
        receipt_type=str(header.get("ReceiptType") or ""),
        customer_reference=str(header.get("CustomerReference") or "")[:50],
        dc_code=dc_code,
        lines=[
            {"ProductCode": str(line["ProductCode"]), "Quantity": int(line.get("Quantity") or 0)}
            for line in lines
        ],
        created_at=now(),
    )


def receipt_lookup(number: str) -> m.Receipt:
    receipt = m.Receipt.objects.filter(asn_number=number).first()
    if receipt is None:
        raise SekoRefusal(f"ASN {number} does not exist.")
    return receipt


def receipt_json(receipt: m.Receipt) -> dict:
    return {
        "ASNNumber": receipt.asn_number,
        "ReceiptType": receipt.receipt_type,
        "CustomerReference": receipt.customer_reference,
        "DCCode": receipt.dc_code,
        "Status": "Received" if receipt.received_at else "Awaiting",
        "List": {"ASNLineItem": receipt.lines},
    }


@transaction.atomic
def receipt_receive(*, number: str, sellable: dict[str, int] | None = None) -> m.Receipt:
    """The DC received the ASN's goods: every unit sellable unless ``sellable`` says how many
    per ProductCode; the rest are booked to Damaged."""
    receipt = m.Receipt.objects.select_for_update().get(pk=receipt_lookup(number).pk)
    if receipt.received_at is not None:
        raise SekoRefusal(f"ASN {number} has already been received.")
    grn = []
    for line in receipt.lines:
        code, quantity = line["ProductCode"], int(line["Quantity"])
        good = quantity if sellable is None else max(0, min(sellable.get(code, 0), quantity))
        for location, units in ((AVAILABLE, good), (DAMAGED, quantity - good)):
            if units:
                product = product_get(code)
                held = _quantity(product, receipt.dc_code, location)
                stock_set(
                    product_code=code,
                    quantity=held + units,
                    dc_code=receipt.dc_code,
                    location_type=location,
                    reason_code="RETURN",
                )
                grn.append({"ProductCode": code, "Quantity": units, "LocationType": location})
    receipt.grn, receipt.received_at = grn, now()
    receipt.save(update_fields=["grn", "received_at"])
    return receipt


def grn_between(start: dt.datetime, end: dt.datetime, dc_code: str | None) -> list[dict]:
    receipts = m.Receipt.objects.filter(received_at__gte=start, received_at__lte=end)
    if dc_code:
        receipts = receipts.filter(dc_code=dc_code)
    return [
        {
            **row,
            "ASNNumber": receipt.asn_number,
            "CustomerReference": receipt.customer_reference,
            "ReceivedDate": receipt.received_at.strftime(contract.PATH_TIME_FORMAT),
            "DCCode": receipt.dc_code,
        }
        for receipt in receipts.order_by("received_at", "id")
        for row in receipt.grn
    ]

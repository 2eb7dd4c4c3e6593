"""Return ASNs (receipts/v1 "Load Receipts") and their goods received notes in the sandbox.

``receipt_submit`` takes SEKO's documented shape (``Receipt``, ``ReceiptHeader``,
``List.ReceiptLineItem``) and refuses a repeated ASNNumber ("ASN number must be unique in the
system"), an unknown DC or ProductCode and an ASN without lines. ``receipt_receive`` is the DC
receiving the goods: sellable units go back to Available Stock, the rest to a Damaged
location, each as a stock adjustment. A GRN, like SEKO's, names the delivery by
``DeliveryNumber`` (the ASN number) and gives received quantities only, no location type.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from connectors.seko.sandbox import models as m
from connectors.seko.sandbox.services import (
    AVAILABLE,
    SekoRefusal,
    held_quantity,
    items_of,
    now,
    stock_set,
)

DAMAGED = "Damaged"
ASN_NUMBER_MAX = 100  # "Alphanumeric Text - 100 characters" (Load Receipts)
LINE_ITEM = "ReceiptLineItem"
GRN_ITEM = "GRN"
GRN_LINE_ITEM = "GRNLineItem"


def _refuse(number: str, reason: str) -> SekoRefusal:
    return SekoRefusal(f"Error Submitting Receipt: {number} - Error. {reason}")


def _lines_check(number: str, lines: list[dict]) -> None:
    if not lines:
        raise _refuse(number, f"Receipt has no {LINE_ITEM}.")
    for line in lines:
        code = str(line.get("ProductCode") or "")
        if not m.Product.objects.filter(product_code=code).exists():
            raise _refuse(number, f"Product {code} does not exist.")


@transaction.atomic
def receipt_submit(body: Any) -> m.Receipt:
    request = (body.get("Request") if isinstance(body, Mapping) else None) or {}
    details = request.get("Receipt") or {}
    number = str(details.get("ASNNumber") or "")
    if not number:
        raise SekoRefusal("Error Submitting Receipt: ASNNumber is required.")
    if len(number) > ASN_NUMBER_MAX:
        raise _refuse(number, f"ASNNumber exceeds {ASN_NUMBER_MAX} characters.")
    if m.Receipt.objects.filter(asn_number=number).exists():
        raise _refuse(number, f"ASN {number} already exists.")
    dc_code = str((request.get("ReceiptHeader") or {}).get("DCCode") or "")
    if not m.StockRow.objects.filter(dc_code=dc_code).exists():
        raise _refuse(number, f"DCCode {dc_code or '(empty)'} is not valid for this client.")
    lines = items_of(request.get("List"), LINE_ITEM)
    _lines_check(number, lines)
    is_return = str(details.get("IsReturn")).lower() == "true"
    return m.Receipt.objects.create(
        asn_number=number,
        guid=str(uuid.uuid4()),
        receipt_type="Return" if is_return else "Standard",
        customer_reference=str(details.get("HBReference") or number)[:50],
        dc_code=dc_code,
        lines=[
            {"ProductCode": str(line["ProductCode"]), "Quantity": int(line.get("Quantity") or 0)}
            for line in lines
        ],
        created_at=now(),
    )


@transaction.atomic
def receipt_receive(*, number: str, sellable: dict[str, int] | None = None) -> m.Receipt:
    """The DC received the ASN's goods: every unit sellable unless ``sellable`` says how many
    per ProductCode; the rest are booked to Damaged."""
    receipt = m.Receipt.objects.select_for_update().filter(asn_number=number).first()
    if receipt is None:
        raise SekoRefusal(f"ASN {number} does not exist.")
    if receipt.received_at is not None:
        raise SekoRefusal(f"ASN {number} has already been received.")
    grn = []
    for line in receipt.lines:
        code, quantity = line["ProductCode"], int(line["Quantity"])
        good = quantity if sellable is None else max(0, min(sellable.get(code, 0), quantity))
        for location, units in ((AVAILABLE, good), (DAMAGED, quantity - good)):
            if units:
                held = held_quantity(code, receipt.dc_code, location)
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
    """GRN records received in the window: quantities per line, no location type."""
    receipts = m.Receipt.objects.filter(received_at__gte=start, received_at__lte=end)
    if dc_code:
        receipts = receipts.filter(dc_code=dc_code)
    return [_grn_json(receipt) for receipt in receipts.order_by("received_at", "id")]


def _grn_json(receipt: m.Receipt) -> dict:
    received: dict[str, int] = {}
    for row in receipt.grn:
        received[row["ProductCode"]] = received.get(row["ProductCode"], 0) + row["Quantity"]
    lines = [
        {"LineNumber": index, "ProductCode": code, "Quantity": quantity}
        for index, (code, quantity) in enumerate(received.items(), start=1)
    ]
    return {
        "DeliveryNumber": receipt.asn_number,
        "HBRef": receipt.customer_reference,
        "DCCode": receipt.dc_code,
        "ConfirmedTimestamp": receipt.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "List": {GRN_LINE_ITEM: lines[0] if len(lines) == 1 else lines},
    }

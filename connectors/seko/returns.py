"""Returns through SEKO: an ASN announces the goods, the GRN says what came back.

* return_authorise -> ``receipts/v1/submit`` ("Load Receipts": ``Receipt``, ``ReceiptHeader``,
  ``ReceiptLineItem``) with an ASNNumber derived from the marketplace return id. SEKO keeps ASN
  numbers unique and offers no ASN read-back, so a repeated submit (after a lost answer) is
  refused as a duplicate, which proves the first one arrived.
* returns_read -> ``GRN/v1/{from}/{to}?dc=`` in overlapping windows (like dispatches): GRN
  records of our return ASNs, matched by ``DeliveryNumber`` (SEKO's name for the ASN number).
  A GRN gives confirmed quantities, not where the units were put away, so ``sellable`` is None.

SEKO has no refunds or cancellations API the hub can use (the base class keeps them
unsupported: manual). Unconfirmed shapes: see ``contract`` [Q16]-[Q20].
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from connectors.base import (
    Page,
    PermanentError,
    ReturnReceiptLine,
    SourceReturnReceipt,
    SourceReturnRef,
    SourceReturnRequest,
)
from connectors.seko import contract, mapping


def return_number(reference: str) -> str:
    """Our ASNNumber for a marketplace return id: the same input always gives the same number."""
    number = f"{contract.RETURN_NUMBER_PREFIX}{reference.strip()}"
    if len(number) <= contract.RECEIPT_NUMBER_MAX:
        return number
    digest = hashlib.sha256(reference.encode()).hexdigest()[:10]
    keep = contract.RECEIPT_NUMBER_MAX - len(digest) - 1
    return f"{number[:keep]}-{digest}"


class SekoReturnsMixin:
    """The optional returns part of the source contract, for :class:`SekoConnector`."""

    def return_authorise(self, request: SourceReturnRequest) -> SourceReturnRef:
        """Submit the return ASN; SEKO refusing our (deterministic) ASNNumber as a duplicate
        means an earlier submit arrived. A transient failure is raised for a later retry."""
        number = return_number(request.reference)
        body = receipt_body(
            request, number, dc_code=self.dc_code, supplier=self._setting("supplier_code")
        )
        try:
            self.http.write(contract.RECEIPT_SUBMIT_PATH, body)
        except PermanentError as error:
            if error.code != "duplicate":
                raise
        return SourceReturnRef(number, number)

    def returns_read(self, cursor: str = "") -> Page:
        times, end, has_more = self._window(cursor)
        response = self.http.read(contract.GRN_PATH.format(**times), {"dc": self.dc_code})
        records = mapping.response_list(response, contract.GRN_ITEM)
        receipts = receipts_of(records, fallback=end)
        return Page(items=receipts, next_cursor=times["end"], has_more=has_more)


def receipt_body(request: SourceReturnRequest, number: str, *, dc_code: str, supplier: str) -> dict:
    """The "Load Receipts" request for a customer return (one line per SKU)."""
    quantities: dict[str, int] = defaultdict(int)
    for line in request.lines:
        quantities[line.sku] += line.quantity
    lines = []
    for index, (sku, quantity) in enumerate(quantities.items(), start=1):
        line = {"LineNumber": index, "ProductCode": sku, "Quantity": quantity}
        lines.append({**line, "SupplierCompanyCode": supplier} if supplier else line)
    reference = (request.rma or request.external_reference or number)[:50]
    return {
        "Request": {
            "List": {contract.RECEIPT_LINE_ITEM: lines},
            "Receipt": {"ASNNumber": number, "HBReference": reference, "IsReturn": True},
            "ReceiptHeader": {"DCCode": dc_code},
        }
    }


def receipts_of(records: list[dict], *, fallback: dt.datetime) -> list[SourceReturnReceipt]:
    """One receipt per return ASN of ours; lots of one product are summed."""
    received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    received_at: dict[str, dt.datetime] = {}
    for record in records:
        number = mapping.text(record.get("DeliveryNumber"))
        if not number.startswith(contract.RETURN_NUMBER_PREFIX):
            continue  # a stock delivery, or a return the DC raised itself
        for line in mapping.response_list(record, contract.GRN_LINE_ITEM):
            sku = mapping.text(line.get("ProductCode"))
            received[number][sku] += mapping.int_or_zero(line.get("Quantity"))
        received_at[number] = _grn_time(record) or received_at.get(number) or fallback
    return [
        SourceReturnReceipt(
            source_return_id=number,
            source_order_id="",
            external_reference="",
            lines=[
                ReturnReceiptLine(sku=sku, received=quantity, sellable=None)
                for sku, quantity in skus.items()
                if sku and quantity > 0
            ],
            received_at=received_at[number],
        )
        for number, skus in received.items()
    ]


def _grn_time(record: dict) -> dt.datetime | None:
    for key in contract.GRN_TIME_KEYS:
        parsed = mapping.time_parse(mapping.text(record.get(key)))
        if parsed is not None:
            return parsed
    return None

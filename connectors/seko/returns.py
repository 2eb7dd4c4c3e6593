"""Returns through SEKO: an ASN announces the goods, the GRN says what came back.

* return_authorise -> ``receipts/v1/submit`` with an ASNNumber derived from the marketplace
  return id; the ASN is looked up by that number first (``receipts/v1/{number}/status``), and
  after a lost answer or a "duplicate" refusal it is looked up again, so it is never doubled.
* returns_read -> ``GRN/v1/{from}/{to}?dc=`` in overlapping windows (like dispatches): the
  GRN lines of our return ASNs, grouped per ASN; units booked to Available Stock are sellable.

SEKO has no refunds or cancellations API the hub can use (the base class keeps them
unsupported: manual). Every shape here is unconfirmed: see ``contract`` [Q16]-[Q20].
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from connectors.base import (
    Page,
    PermanentError,
    ReturnReceiptLine,
    SourceReturnReceipt,
    SourceReturnRef,
    SourceReturnRequest,
    TransientError,
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


def _path(template: str, **values: str) -> str:
    return template.format(version=contract.SERVICE_VERSION, **values)


class SekoReturnsMixin:
    """The optional returns part of the source contract, for :class:`SekoConnector`."""

    def return_authorise(self, request: SourceReturnRequest) -> SourceReturnRef:
        number = return_number(request.reference)
        if self._receipt_exists(number):
            return SourceReturnRef(number, number)
        body = _receipt_body(request, number, self.dc_code)
        try:
            self.http.write(_path(contract.RECEIPT_SUBMIT_PATH), body)
        except TransientError:
            if not self._receipt_exists(number):
                raise
        except PermanentError as error:
            if error.code != "duplicate" or not self._receipt_exists(number):
                raise
        return SourceReturnRef(number, number)

    def returns_read(self, cursor: str = "") -> Page:
        start, end, has_more = self._window(cursor)
        path = _path(
            contract.GRN_PATH, start=mapping.time_format(start), end=mapping.time_format(end)
        )
        response = self.http.read(path, {"dc": self.dc_code})
        rows = mapping.response_list(response, contract.GRN_LIST_ITEM)
        receipts = _receipts_of(rows, fallback=end)
        return Page(items=receipts, next_cursor=mapping.time_format(end), has_more=has_more)

    def _receipt_exists(self, number: str) -> bool:
        try:
            self.http.read(_path(contract.RECEIPT_STATUS_PATH, number=number))
        except PermanentError as error:
            if error.code == "not_found":
                return False
            raise
        return True


def _receipt_body(request: SourceReturnRequest, number: str, dc_code: str) -> dict:
    lines: dict[str, int] = defaultdict(int)
    for line in request.lines:
        lines[line.sku] += line.quantity
    return {
        "Request": {
            "ASNHeader": {
                "ASNNumber": number,
                "ReceiptType": contract.RECEIPT_TYPE_RETURN,
                "DCCode": dc_code,
                "CustomerReference": (request.rma or request.external_reference)[:50],
            },
            "List": {
                contract.RECEIPT_LINE_ITEM: [
                    {"LineNumber": index, "ProductCode": sku, "Quantity": quantity}
                    for index, (sku, quantity) in enumerate(lines.items(), start=1)
                ]
            },
        }
    }


def _receipts_of(rows: list[dict], *, fallback) -> list[SourceReturnReceipt]:
    by_asn: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    received_at = {}
    for row in rows:
        number = str(row.get("ASNNumber") or "")
        if not number.startswith(contract.RETURN_NUMBER_PREFIX):
            continue  # a stock delivery, not one of our returns
        counts = by_asn[number][str(row.get("ProductCode") or "")]
        quantity = mapping.int_or_zero(row.get("Quantity"))
        counts[0] += quantity
        if row.get("LocationType") == contract.SELLABLE_LOCATION_TYPE:
            counts[1] += quantity
        received_at[number] = mapping.time_parse(row.get("ReceivedDate")) or fallback
    return [
        SourceReturnReceipt(
            source_return_id=number,
            source_order_id="",
            external_reference="",
            lines=[
                ReturnReceiptLine(sku=sku, received=got, sellable=good)
                for sku, (got, good) in skus.items()
            ],
            received_at=received_at[number],
        )
        for number, skus in by_asn.items()
    ]

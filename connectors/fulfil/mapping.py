"""Pure functions: Fulfil records to the contract's dataclasses, keyset cursors, sale payloads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.base import (
    Address,
    FieldValue,
    PermanentError,
    Shipment,
    ShipmentLine,
    SourceOrderRequest,
    SourceProduct,
    SourceRefund,
)
from connectors.fulfil import contract

# --- values --------------------------------------------------------------------------------


def dotted_value(record: Mapping, path: str) -> Any:
    """A (possibly dotted) field from a read record.

    Fulfil may answer ``{"carrier.name": "DPD"}`` (flat) or Tryton's nested
    ``{"carrier.": {"name": "DPD"}}``; both are read so the choice stays in one place.
    """
    if path in record:
        return record[path]
    head, _, rest = path.partition(".")
    if not rest:
        return None
    nested = record.get(f"{head}.")
    if isinstance(nested, Mapping):
        return dotted_value(nested, rest)
    return None


def as_datetime(value: Any) -> dt.datetime | None:
    """A Fulfil date/datetime (decoded Tryton object or ISO string) as aware UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return None


def as_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def text(value: Any) -> str:
    return "" if value in (None, False) else str(value)


# --- keyset cursors --------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyset:
    """Position in a (write_date, id) ordered read: rows strictly after it come next."""

    write_date: dt.datetime | None = None
    record_id: int = 0

    @classmethod
    def decode(cls, cursor: str) -> Keyset:
        if not cursor:
            return cls()
        stamp, _, record_id = cursor.rpartition("|")
        try:
            return cls(as_datetime(stamp), int(record_id))
        except ValueError:
            raise PermanentError(f"invalid Fulfil cursor {cursor!r}") from None

    def encode(self) -> str:
        if self.write_date is None:
            return ""
        return f"{self.write_date.astimezone(dt.UTC).isoformat()}|{self.record_id}"

    def domain(self) -> list:
        """The v2 (Tryton) domain selecting rows after this position."""
        if self.write_date is None:
            return []
        stamp = self.write_date
        after = [["write_date", "=", stamp], ["id", ">", self.record_id]]
        return [["OR", [["write_date", ">", stamp]], after]]

    def where(self, stamp_field: str = contract.V3_UPDATED_FIELD) -> dict:
        """The v3 ``where`` selecting rows after this position (v3 names the stamp itself)."""
        if self.write_date is None:
            return {}
        stamp = self.write_date.astimezone(dt.UTC).isoformat()
        return {
            "or": [
                {stamp_field: {"gt": stamp}},
                {stamp_field: stamp, "id": {"gt": self.record_id}},
            ]
        }


def keyset_next(
    start: Keyset,
    rows: list[Mapping],
    *,
    has_more: bool,
    overlap: int,
    stamp_field: str = contract.V2_UPDATED_FIELD,
) -> str:
    """The cursor after ``rows``: exact mid-walk, rewound by ``overlap`` seconds at the end.

    Fulfil stamps ``write_date`` when a transaction starts, so a long transaction can commit
    a row older than one already read; re-reading the last ``overlap`` seconds catches it
    (the hub upserts, so a repeated row is harmless).
    """
    if not rows:
        return start.encode()
    last = rows[-1]
    position = Keyset(as_datetime(last.get(stamp_field)), int(last["id"]))
    if has_more or not overlap or position.write_date is None:
        return position.encode()
    rewound = Keyset(position.write_date - dt.timedelta(seconds=overlap), 0)
    if start.write_date and rewound.write_date <= start.write_date:
        return start.encode()
    return rewound.encode()


# --- records to dataclasses -------------------------------------------------------------------


def product_from(
    record: Mapping,
    *,
    barcode_field: str,
    currency: str,
    stamp_field: str,
    attributes: Mapping[str, FieldValue] | None = None,
    categories: tuple[str, ...] = (),
) -> SourceProduct:
    """One variant; ``attributes``/``categories``: its content (``content.ProductContent``)."""
    return SourceProduct(
        sku=text(record.get("code")),
        title=text(record.get("variant_name")) or text(record.get("rec_name")),
        price=as_decimal(record.get("list_price")),
        barcode=text(dotted_value(record, barcode_field)),
        currency=currency,
        source_ids={"product_id": str(record["id"])},
        attributes=dict(attributes or {}),
        updated_at=as_datetime(record.get(stamp_field)),
        categories=categories,
    )


def available_sum(inventory: Mapping, product_id: int, warehouse_ids: list[int]) -> int:
    """Summed ``quantity_available`` of one product over the configured warehouses (>= 0)."""
    per_location = inventory.get(str(product_id)) or inventory.get(product_id) or {}
    total = Decimal(0)
    for warehouse_id in warehouse_ids:
        levels = per_location.get(str(warehouse_id)) or per_location.get(warehouse_id) or {}
        total += Decimal(str(levels.get("quantity_available") or 0))
    return max(int(total), 0)


def shipment_from(
    record: Mapping, *, references: Mapping[int, str], moves: Mapping[int, Mapping]
) -> Shipment:
    """One shipment; ``references`` by sale id and ``moves`` by id come from the same page."""
    fields = contract.SHIPMENT_FIELDS
    sale_ids = record.get(fields["sales"]) or []
    move_ids = record.get(fields["moves"]) or []
    sale_id = int(sale_ids[0]) if sale_ids else None
    written = as_datetime(record.get(fields["write_date"]))
    shipped_on = as_datetime(record.get(fields["shipped_on"]))
    if shipped_on and written and shipped_on.date() == written.date():
        shipped_on = written  # the day is the effective date; the time is when it was done
    return Shipment(
        shipment_id=str(record["id"]),
        source_order_id=text(sale_id),
        external_reference=references.get(sale_id, "") if sale_id else "",
        carrier_name=text(dotted_value(record, fields["carrier_name"])),
        carrier_service=text(dotted_value(record, fields["carrier_service"])),
        tracking_number=text(dotted_value(record, fields["tracking_number"])),
        tracking_url=text(dotted_value(record, fields["tracking_url"])),
        shipped_at=shipped_on or written,
        lines=shipment_lines([moves[m] for m in move_ids if m in moves]),
    )


def shipment_lines(rows: list[Mapping]) -> list[ShipmentLine]:
    """Stock moves or sale lines (``product.code``, ``quantity``), quantities made positive."""
    return [
        ShipmentLine(sku=text(dotted_value(x, "product.code")), quantity=abs(int(x["quantity"])))
        for x in rows
    ]


def refund_from(
    record: Mapping, lines: list[Mapping], *, shipping_product_id: int | None
) -> SourceRefund:
    """A return sale (negative total) as a refund of its reference's JL order."""
    goods = [line for line in lines if line.get("product") != shipping_product_id]
    shipping = [
        line for line in lines if shipping_product_id and line.get("product") == shipping_product_id
    ]
    shipping_amount = sum((abs(as_decimal(x.get("amount")) or 0) for x in shipping), Decimal(0))
    return SourceRefund(
        refund_id=str(record["id"]),
        source_order_id=str(record["id"]),
        external_reference=text(record.get("reference")),
        amount=abs(as_decimal(record.get(contract.RETURN_TOTAL_FIELD)) or Decimal(0)),
        shipping_amount=shipping_amount,
        created_at=as_datetime(record.get("write_date")),
        lines=shipment_lines(goods),
    )


# --- the sale payload --------------------------------------------------------------------------


def address_values(address: Address, *, party_id: int, country_id: int) -> dict:
    names = contract.ADDRESS_FIELDS
    values = {
        "party": party_id,
        names["name"]: f"{address.first_name} {address.last_name}".strip(),
        names["street"]: address.street_1,
        names["street_2"]: address.street_2,
        names["city"]: address.city,
        names["postcode"]: address.postcode,
        names["country"]: country_id,
    }
    if address.company:
        values[names["name"]] = f"{values[names['name']]}, {address.company}"
    return values


def phone_values(address: Address, *, party_id: int) -> dict | None:
    """The party.contact_mechanism holding the recipient's phone (None without a phone)."""
    if not address.phone:
        return None
    return {"type": "phone", "value": address.phone, "party": party_id}


def sale_values(
    request: SourceOrderRequest,
    *,
    product_ids: Mapping[str, int],
    party_id: int,
    shipment_address_id: int,
    invoice_address_id: int | None,
    channel_id: int | None,
    shipping_product_id: int | None,
) -> dict:
    """The ``sale.sale`` create values: JL number in ``reference``, lines nested."""
    lines = [
        {
            "product": product_ids[line.sku],
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "description": line.title or line.sku,
        }
        for line in request.lines
    ]
    if request.shipping_price and shipping_product_id:
        lines.append(
            {
                "product": shipping_product_id,
                "quantity": 1,
                "unit_price": request.shipping_price,
                "description": f"Shipping ({request.shipping_method})",
            }
        )
    values = {
        "reference": request.external_reference,
        "sale_date": request.placed_at.astimezone(dt.UTC).date(),
        "party": party_id,
        "shipment_address": shipment_address_id,
        contract.SALE_NOTE_FIELD: f"John Lewis Marketplace order {request.marketplace_order_id}",
        "lines": [["create", lines]],
    }
    if invoice_address_id:
        values["invoice_address"] = invoice_address_id
    if channel_id:
        values["channel"] = channel_id
    return values

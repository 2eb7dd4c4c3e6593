"""Magento JSON <-> the contract's dataclasses (pure functions, no HTTP)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import (
    Address,
    Shipment,
    ShipmentLine,
    SourceOrderRequest,
    SourceRefund,
    StockLevel,
)
from connectors.magento.search import magento_time_parse

MISSING_TELEPHONE = "0000000000"  # Magento requires a telephone on every address by default
SNAPSHOT_BUCKETS = 64
SNAPSHOT_PREFIX = "v1:"


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def source_item_quantity(item: Mapping) -> int:
    """A source item's sellable units: its quantity when in stock (status 1), else none."""
    if int(item.get("status") or 0) != 1:
        return 0
    quantity = decimal_or_none(item.get("quantity")) or Decimal(0)
    return max(0, int(quantity))


def _bucket(sku: str) -> int:
    return int(hashlib.sha256(sku.encode()).hexdigest()[:8], 16) % SNAPSHOT_BUCKETS


def snapshot_cursor(levels: Iterable[StockLevel]) -> str:
    """``v1:`` and a 5-hex fingerprint per bucket of SKUs (fits the hub's 500-character cursor)."""
    lines: list[list[str]] = [[] for _ in range(SNAPSHOT_BUCKETS)]
    for level in levels:
        lines[_bucket(level.sku)].append(f"{level.sku}={level.available}")
    digests = (hashlib.sha256("\n".join(sorted(b)).encode()).hexdigest()[:5] for b in lines)
    return SNAPSHOT_PREFIX + "".join(digests)


def _digest(cursor: str, sku: str) -> str:
    start = len(SNAPSHOT_PREFIX) + 5 * _bucket(sku)
    return cursor[start : start + 5]


def levels_changed(levels: list[StockLevel], old: str, new: str) -> list[StockLevel]:
    """Levels whose bucket's fingerprint differs; all of them when ``old`` is no snapshot."""
    if len(old) != len(new) or not old.startswith(SNAPSHOT_PREFIX):
        return levels
    return [level for level in levels if _digest(old, level.sku) != _digest(new, level.sku)]


def address_body(address: Address, email: str) -> dict:
    street = [address.street_1] + ([address.street_2] if address.street_2 else [])
    return {
        "firstname": address.first_name,
        "lastname": address.last_name,
        "company": address.company,
        "street": street,
        "city": address.city,
        "region": address.county,
        "postcode": address.postcode,
        "country_id": address.country_iso2.upper(),
        "telephone": address.phone or MISSING_TELEPHONE,
        "email": email,
    }


def shipping_information_body(request: SourceOrderRequest, shipping_method: str) -> dict:
    carrier, _, method = shipping_method.partition("_")
    return {
        "addressInformation": {
            "shipping_address": address_body(request.shipping_address, request.customer_email),
            "billing_address": address_body(request.billing_address, request.customer_email),
            "shipping_carrier_code": carrier,
            "shipping_method_code": method or carrier,
        }
    }


def payment_information_body(request: SourceOrderRequest, payment_method: str) -> dict:
    return {
        "email": request.customer_email,
        "paymentMethod": {"method": payment_method},
        "billingAddress": address_body(request.billing_address, request.customer_email),
    }


def order_comment_text(request: SourceOrderRequest) -> str:
    """The order comment staff see in the admin (it also shows the number is set)."""
    return (
        f"John Lewis Marketplace order {request.external_reference} "
        f"(Mirakl order id {request.marketplace_order_id})"
    )


def lines_from(items: Iterable[Mapping]) -> list[ShipmentLine]:
    lines = []
    for item in items:
        quantity = int(decimal_or_none(item.get("qty")) or 0)
        if quantity > 0 and item.get("sku"):
            lines.append(ShipmentLine(sku=str(item["sku"]), quantity=quantity))
    return lines


def carrier_service_for(track: Mapping, order: Mapping) -> str:
    """The tracking's carrier code, unless it is Magento's catch-all ``custom``."""
    code = str(track.get("carrier_code") or "")
    if code and code != "custom":
        return code
    return str(order.get("shipping_description") or code)


def shipment_from(item: Mapping, order: Mapping) -> Shipment:
    tracks = sorted(item.get("tracks") or [], key=lambda t: int(t.get("entity_id") or 0))
    track = tracks[0] if tracks else {}
    created = magento_time_parse(item.get("created_at"))
    return Shipment(
        shipment_id=str(item["entity_id"]),
        source_order_id=str(item.get("order_id", "")),
        external_reference=str(order.get("ext_order_id") or ""),
        carrier_name=str(track.get("title") or ""),
        carrier_service=carrier_service_for(track, order),
        tracking_number=str(track.get("track_number") or ""),
        tracking_url="",
        shipped_at=created,  # type: ignore[arg-type]
        lines=lines_from(item.get("items") or []),
    )


def refund_from(item: Mapping, order: Mapping) -> SourceRefund:
    shipping = decimal_or_none(item.get("shipping_incl_tax"))
    if shipping is None:
        shipping = decimal_or_none(item.get("shipping_amount")) or Decimal(0)
    return SourceRefund(
        refund_id=str(item["entity_id"]),
        source_order_id=str(item.get("order_id", "")),
        external_reference=str(order.get("ext_order_id") or ""),
        amount=decimal_or_none(item.get("grand_total")) or Decimal(0),
        shipping_amount=shipping,
        created_at=magento_time_parse(item.get("created_at")),  # type: ignore[arg-type]
        lines=lines_from(item.get("items") or []),
    )

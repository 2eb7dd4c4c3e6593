"""Turn Shopify GraphQL nodes into the hub's DTOs, and a hub order into orderCreate input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import (
    Address,
    PermanentError,
    Shipment,
    ShipmentLine,
    SourceOrderRequest,
    SourceProduct,
    SourceRefund,
)
from connectors.shopify import content
from connectors.watermark import format_time, parse_time_or_none

REFERENCE_TAG_PREFIX = "JL:"
MARKETPLACE_ORDER_ATTRIBUTE = "mirakl_order_id"


def nodes_of(connection: Mapping | None) -> list[dict]:
    """The ``node`` of every edge of a GraphQL connection (empty when absent)."""
    if not connection:
        return []
    return [edge["node"] for edge in connection.get("edges") or [] if edge.get("node")]


def page_info(connection: Mapping | None) -> tuple[bool, str]:
    info = (connection or {}).get("pageInfo") or {}
    return bool(info.get("hasNextPage")), str(info.get("endCursor") or "")


def money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def money_text(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def search_quote(value: str) -> str:
    """A value quoted for Shopify's search syntax."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def numeric_id(gid: str) -> str:
    """The last part of a gid (``gid://shopify/InventoryItem/12`` -> ``12``; ``12`` stays)."""
    return gid.rsplit("/", 1)[-1]


def location_gid(value: str) -> str:
    value = value.strip()
    return value if value.startswith("gid://") else f"gid://shopify/Location/{value}"


# --- products --------------------------------------------------------------------------------


def products_of(product: Mapping, variants: list[dict], currency: str) -> Iterator[SourceProduct]:
    """One SourceProduct per variant that has a SKU (variants without one cannot be mapped),
    with the product's and the variant's content (:mod:`connectors.shopify.content`)."""
    for variant in variants:
        sku = (variant.get("sku") or "").strip()
        if not sku:
            continue
        updated = [
            parse_time_or_none(product.get("updatedAt")),
            parse_time_or_none(variant.get("updatedAt")),
        ]
        yield SourceProduct(
            sku=sku,
            title=_variant_title(product.get("title") or "", variant.get("title") or ""),
            price=money(variant.get("price")),
            barcode=(variant.get("barcode") or "").strip(),
            currency=currency,
            source_ids={
                "product_id": product.get("id") or "",
                "variant_id": variant.get("id") or "",
                "inventory_item_id": (variant.get("inventoryItem") or {}).get("id") or "",
            },
            attributes=content.product_attributes(product, variant),
            updated_at=max((u for u in updated if u), default=None),
            categories=content.product_categories(product),
        )


def _variant_title(product_title: str, variant_title: str) -> str:
    if not variant_title or variant_title == "Default Title":
        return product_title
    return f"{product_title} - {variant_title}"


# --- stock -----------------------------------------------------------------------------------


def available_of(level: Mapping) -> int:
    for quantity in level.get("quantities") or []:
        if quantity.get("name") == "available":
            return int(quantity.get("quantity") or 0)
    return 0


# --- orders ----------------------------------------------------------------------------------


def reference_of(order: Mapping) -> str:
    """The JL order number an order carries: its sourceIdentifier, else its ``JL:`` tag."""
    if order.get("sourceIdentifier"):
        return str(order["sourceIdentifier"])
    for tag in order.get("tags") or []:
        if tag.startswith(REFERENCE_TAG_PREFIX):
            return tag[len(REFERENCE_TAG_PREFIX) :]
    return ""


def order_input(
    request: SourceOrderRequest,
    *,
    variant_ids: Mapping[str, str],
    source_name: str,
    order_tag: str,
) -> dict:
    """The ``OrderCreateOrderInput`` for one marketplace order (prices include VAT)."""
    currency = request.currency
    tags = [f"{REFERENCE_TAG_PREFIX}{request.external_reference}"] + (
        [order_tag] if order_tag else []
    )
    return {
        "currency": currency,
        "email": request.customer_email,
        "sourceIdentifier": request.external_reference,
        "sourceName": source_name,
        "tags": tags,
        "customAttributes": [
            {"key": MARKETPLACE_ORDER_ATTRIBUTE, "value": request.marketplace_order_id},
            {"key": "jl_order_number", "value": request.external_reference},
        ],
        "financialStatus": "PAID",
        "taxesIncluded": True,
        "processedAt": format_time(request.placed_at),
        "lineItems": [
            {
                "variantId": variant_ids[line.sku],
                "quantity": line.quantity,
                "priceSet": _money_bag(line.unit_price, currency),
            }
            for line in request.lines
        ],
        "shippingLines": [
            {
                "title": request.shipping_method or "Standard",
                "code": request.shipping_method or "Standard",
                "priceSet": _money_bag(request.shipping_price, currency),
            }
        ],
        "shippingAddress": address_input(request.shipping_address),
        "billingAddress": address_input(request.billing_address),
    }


def order_options(inventory_behaviour: str) -> dict:
    return {
        "inventoryBehaviour": inventory_behaviour,
        "sendReceipt": False,
        "sendFulfillmentReceipt": False,
    }


def _money_bag(amount: Decimal, currency: str) -> dict:
    return {"shopMoney": {"amount": money_text(amount), "currencyCode": currency}}


def address_input(address: Address) -> dict:
    fields = {
        "firstName": address.first_name,
        "lastName": address.last_name,
        "address1": address.street_1,
        "address2": address.street_2,
        "city": address.city,
        "zip": address.postcode,
        "countryCode": address.country_iso2.upper(),
        "company": address.company,
        "phone": address.phone,
    }
    return {key: value for key, value in fields.items() if value}


def user_errors_raise(what: str, errors: list[dict] | None) -> None:
    """A mutation's ``userErrors`` as one PermanentError (Shopify's codes in ``detail``)."""
    if not errors:
        return
    messages = "; ".join(
        f"{'.'.join(str(p) for p in e.get('field') or [])}: {e.get('message')}".lstrip(": ")
        for e in errors
    )
    codes = sorted({str(e.get("code")) for e in errors if e.get("code")})
    raise PermanentError(
        f"Shopify refused the {what}: {messages}", code="user_error", detail=",".join(codes)
    )


# --- fulfilments and refunds -----------------------------------------------------------------


def shipments_of(order: Mapping, since: dt.datetime | None) -> Iterator[Shipment]:
    """Successful fulfillments of one hub order updated at or after ``since``."""
    reference = reference_of(order)
    service = ((order.get("shippingLine") or {}).get("title")) or ""
    for fulfillment in order.get("fulfillments") or []:
        if fulfillment.get("status") != "SUCCESS":
            continue
        updated = parse_time_or_none(fulfillment.get("updatedAt") or fulfillment.get("createdAt"))
        if since and updated and updated < since:
            continue
        tracking = (fulfillment.get("trackingInfo") or [{}])[0] or {}
        yield Shipment(
            shipment_id=fulfillment["id"],
            source_order_id=order["id"],
            external_reference=reference,
            carrier_name=tracking.get("company") or "",
            carrier_service=service,
            tracking_number=tracking.get("number") or "",
            tracking_url=tracking.get("url") or "",
            shipped_at=parse_time_or_none(fulfillment.get("createdAt")) or updated,
            lines=_lines_of(fulfillment.get("fulfillmentLineItems")),
        )


def refunds_of(order: Mapping, since: dt.datetime | None) -> Iterator[SourceRefund]:
    reference = reference_of(order)
    for refund in order.get("refunds") or []:
        created = parse_time_or_none(refund.get("createdAt"))
        if since and created and created < since:
            continue
        shipping = sum(
            (
                money(((n.get("subtotalAmountSet") or {}).get("shopMoney") or {}).get("amount"))
                or Decimal("0")
                for n in nodes_of(refund.get("refundShippingLines"))
            ),
            Decimal("0"),
        )
        total = ((refund.get("totalRefundedSet") or {}).get("shopMoney") or {}).get("amount")
        yield SourceRefund(
            refund_id=refund["id"],
            source_order_id=order["id"],
            external_reference=reference,
            amount=money(total) or Decimal("0"),
            shipping_amount=shipping,
            created_at=created,
            lines=_lines_of(refund.get("refundLineItems")),
        )


def _lines_of(connection: Mapping | None) -> list[ShipmentLine]:
    lines = []
    for node in nodes_of(connection):
        sku = ((node.get("lineItem") or {}).get("sku")) or ""
        lines.append(ShipmentLine(sku=sku, quantity=int(node.get("quantity") or 0)))
    return lines

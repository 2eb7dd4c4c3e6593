"""SCAYLE JSON <-> the connector DTOs. Pure functions, no HTTP.

Money in SCAYLE is an integer in minor units (``1999`` = 19.99); we return ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from connectors.base import (
    Address,
    PermanentError,
    Shipment,
    ShipmentLine,
    SourceOrderRef,
    SourceOrderRequest,
    SourceProduct,
    SourceRefund,
)
from connectors.scayle import content, contract
from connectors.watermark import parse_time_or_none

CENT = Decimal("0.01")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def money(minor: object) -> Decimal | None:
    try:
        return (Decimal(int(minor)) * CENT).quantize(CENT)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def minor_units(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


# --- catalogue ------------------------------------------------------------------------------


def attribute_value(attributes: Any, name: str, locale: str = "en_GB") -> str:
    """An attribute's value, whether attributes come as a list of objects or a mapping."""
    if isinstance(attributes, Mapping):
        found = attributes.get(name)
    elif isinstance(attributes, list):
        found = next(
            (a for a in attributes if isinstance(a, Mapping) and a.get("name") == name), None
        )
    else:
        found = None
    value = found.get("value") if isinstance(found, Mapping) else found
    if isinstance(value, Mapping):  # localized: prefer the locale, else any
        value = value.get(locale) or next(iter(value.values()), "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def variant_price(variant: Mapping, country_code: str, currency: str) -> Decimal | None:
    for price in variant.get("prices") or []:
        if not isinstance(price, Mapping):
            continue
        if price.get("countryCode") not in (None, country_code):
            continue
        if price.get("currencyCode") not in (None, currency):
            continue
        return money(price.get("price"))
    return None


def product_title(product: Mapping, locale: str = contract.DEFAULT_LOCALE) -> str:
    """The product ``name`` (top level, localized; older payloads: the ``name`` attribute) in
    the locale, else in any locale, else the product's referenceKey."""
    name = product.get("name")
    if isinstance(name, Mapping) and name:
        text = content.localized(name, locale) or next(
            (str(v) for v in name.values() if v not in (None, "")), ""
        )
        if text:
            return text
    found = attribute_value(product.get("attributes"), "name", locale)
    return found or str(product.get("referenceKey") or "")


def products_from(
    product: Mapping,
    *,
    ean_attribute: str,
    country_code: str,
    currency: str,
    locale: str = contract.DEFAULT_LOCALE,
    media_base: str = "",
) -> list[SourceProduct]:
    """One SourceProduct per variant: the variant's referenceKey is the SKU, ``attributes``
    its full content (``content.product_content``), ``categories`` the master categories."""
    title = product_title(product, locale)
    updated_at = parse_time_or_none(product.get("updatedAt"))
    categories = content.categories(product)
    products = []
    for variant in product.get("variants") or []:
        sku = str(variant.get("referenceKey") or "")
        if not sku:
            continue
        attributes = variant.get("attributes")
        size = attribute_value(attributes, "size", locale)
        products.append(
            SourceProduct(
                sku=sku,
                title=f"{title} ({size})" if size else title,
                price=variant_price(variant, country_code, currency),
                barcode=attribute_value(attributes, ean_attribute, locale)
                or str(variant.get("ean") or ""),
                currency=currency,
                source_ids={
                    "product_id": str(product.get("id", "")),
                    "variant_id": str(variant.get("id", "")),
                    "product_reference_key": str(product.get("referenceKey") or ""),
                },
                attributes=content.product_content(
                    product, variant, locale=locale, media_base=media_base
                ),
                updated_at=parse_time_or_none(variant.get("updatedAt")) or updated_at,
                categories=categories,
            )
        )
    return products


# --- stock ----------------------------------------------------------------------------------


def stock_total(entities: Iterable[Mapping], warehouses: list[str]) -> tuple[int, dt.datetime]:
    """Sellable quantity summed over the chosen warehouses (all when none) and the newest
    ``changedAt``. ``sellableWithoutStock`` is ignored: we never advertise stock we lack."""
    total, newest = 0, EPOCH
    for entry in entities:
        if warehouses and entry.get("warehouseReferenceKey") not in warehouses:
            continue
        total += max(0, int(entry.get("quantity") or 0))
        changed = parse_time_or_none(entry.get("changedAt"))
        if changed and changed > newest:
            newest = changed
    return total, newest


# --- orders ---------------------------------------------------------------------------------


def country_alpha3(iso2: str) -> str:
    try:
        return contract.COUNTRY_ALPHA3[iso2.upper()]
    except KeyError:
        raise PermanentError(
            f"SCAYLE address country {iso2!r} has no ISO alpha-3 mapping", code="country"
        ) from None


def address_body(address: Address) -> dict:
    """A CustomerAddress of the SDK's model (it has no company field: we fold it in)."""
    return {
        "street": address.street_1,
        "houseNumber": "",
        "additional": ", ".join(
            p for p in (address.company, address.street_2, address.county) if p
        ),
        "zipCode": address.postcode,
        "city": address.city,
        "countryCode": country_alpha3(address.country_iso2),
        "phone": address.phone,
        "recipient": {"firstName": address.first_name, "lastName": address.last_name},
    }


def _piece_price(unit_price: Decimal, unit_tax: Decimal) -> dict:
    with_tax, tax = minor_units(unit_price), minor_units(unit_tax)
    return {"withTax": with_tax, "withoutTax": with_tax - tax, "tax": {"vat": {"amount": tax}}}


def _order_items(request: SourceOrderRequest) -> list[dict]:
    items = []
    for line in request.lines:
        unit_tax = (line.tax_amount / line.quantity) if line.quantity else Decimal(0)
        item = {
            "variant": {"referenceKey": line.sku},
            "price": _piece_price(line.unit_price, unit_tax),
        }
        if contract.ORDER_ITEMS_ARE_PIECES:
            items.extend(dict(item) for _ in range(line.quantity))
        else:
            items.append({**item, "quantity": line.quantity})
    return items


def order_body(request: SourceOrderRequest, *, channel_key: str) -> dict:
    """The SDK's Order model: JL number as ``referenceKey``, the marketplace's prices."""
    billing = request.billing_address
    return {
        "referenceKey": request.external_reference,
        "channel": {"key": channel_key},
        "currencyCode": request.currency,
        "createdAt": request.placed_at.isoformat(),
        "customer": {
            "email": request.customer_email,
            "firstName": billing.first_name,
            "lastName": billing.last_name,
            "status": dict(contract.ORDER_GUEST_CUSTOMER_STATUS),
        },
        "address": {
            "billing": address_body(billing),
            "shipping": address_body(request.shipping_address),
        },
        "items": _order_items(request),
        "cost": {
            "appliedFees": [
                {
                    "category": contract.DELIVERY_FEE_CATEGORY,
                    "key": "marketplace",
                    "option": request.shipping_method,
                    "amount": {"withTax": minor_units(request.shipping_price)},
                }
            ]
        },
        "legacyCustomData": {"marketplaceOrderId": request.marketplace_order_id},
    }


def order_ref(order: Mapping) -> SourceOrderRef:
    return SourceOrderRef(
        source_order_id=str(order.get("id", "")),
        source_order_number=str(order.get("publicKey") or ""),
    )


def delivery_option(order: Mapping) -> str:
    fees = ((order.get("cost") or {}).get("appliedFees")) or []
    for fee in fees:
        if isinstance(fee, Mapping) and fee.get("category") == contract.DELIVERY_FEE_CATEGORY:
            return str(fee.get("option") or fee.get("key") or "")
    return ""


def _sku_of(item: Mapping) -> str:
    return str((item.get("variant") or {}).get("referenceKey") or "")


def shipments_from(order: Mapping) -> list[Shipment]:
    """One Shipment per shipped package, with the pieces packed in it."""
    shipments = []
    items = order.get("items") or []
    for package in order.get("packages") or []:
        shipped_at = parse_time_or_none(package.get("shippedAt"))
        if shipped_at is None and package.get("deliveryStatus") not in (
            contract.PACKAGE_SHIPPED_STATUSES
        ):
            continue
        tracking = package.get("tracking") or {}
        counts = Counter(_sku_of(i) for i in items if i.get("packageId") == package.get("id"))
        shipments.append(
            Shipment(
                shipment_id=f"{order.get('id')}:{package.get('id')}",
                source_order_id=str(order.get("id", "")),
                external_reference=str(order.get("referenceKey") or ""),
                carrier_name=str(package.get("carrierKey") or ""),
                carrier_service=delivery_option(order),
                tracking_number=str(tracking.get("id") or ""),
                tracking_url=str(tracking.get("url") or ""),
                shipped_at=shipped_at or parse_time_or_none(order.get("updatedAt")) or EPOCH,
                lines=[ShipmentLine(sku=s, quantity=q) for s, q in sorted(counts.items())],
            )
        )
    return shipments


def refunds_from(order: Mapping) -> list[SourceRefund]:
    """One refund per returned or cancelled piece (stable id: order and item)."""
    refunds = []
    for item in order.get("items") or []:
        if item.get("status") not in contract.REFUND_ITEM_STATUSES:
            continue
        # withTax is what the customer paid; override* are 0 or absent on external prices.
        amount = money((item.get("price") or {}).get("withTax")) or Decimal("0.00")
        changed = parse_time_or_none(item.get("updatedAt") or order.get("updatedAt"))
        refunds.append(
            SourceRefund(
                refund_id=f"{order.get('id')}:{item.get('id')}:{item.get('status')}",
                source_order_id=str(order.get("id", "")),
                external_reference=str(order.get("referenceKey") or ""),
                amount=amount,
                shipping_amount=Decimal("0.00"),
                created_at=changed or EPOCH,
                lines=[ShipmentLine(sku=_sku_of(item), quantity=1)],
            )
        )
    return refunds

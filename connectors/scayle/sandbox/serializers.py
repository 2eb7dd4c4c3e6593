"""Sandbox rows as the SCAYLE Admin API answers them (camelCase, money in minor units)."""

from __future__ import annotations

import datetime as dt

from connectors.sandbox.formats import iso_datetime
from connectors.scayle.sandbox import models as m


def stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def parse_time(value: object) -> dt.datetime | None:
    """An ISO 8601 date-time as SCAYLE takes it (``Z`` or an offset; naive means UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return iso_datetime(value.strip())
    except ValueError:
        return None


def _attribute(name: str, value: object, kind: str = "simple") -> dict:
    return {"name": name, "type": kind, "value": value, "isLocked": False}


def _attributes(stored: list) -> list[dict]:
    """Stored ``{name, type, value}`` rows as the API answers them."""
    return [_attribute(a["name"], a["value"], a.get("type", "simple")) for a in stored]


def variant_json(variant: m.Variant, country_code: str = "GB") -> dict:
    attributes = [_attribute(k, v) for k, v in sorted(variant.attributes.items())]
    if variant.size:
        attributes.append(_attribute("size", variant.size))
    return {
        "id": variant.pk,
        "referenceKey": variant.reference_key,
        "ean": variant.attributes.get("ean") or None,
        "attributes": attributes,
        "prices": [
            {
                "price": variant.price,
                "currencyCode": "GBP",
                "countryCode": country_code,
                "tax": float(variant.tax_rate * 100),  # a rate in percent (the SDK's Double)
            }
        ],
    }


def image_json(image: m.ProductImage) -> dict:
    attributes = [_attribute("view", image.view)] if image.view else []
    return {
        "id": image.pk,
        "name": image.asset_url,
        "assetUrl": image.asset_url,
        "mimeType": image.mime_type,
        "position": image.position,
        "attributes": attributes,
    }


def master_json(product: m.Product) -> dict:
    return {
        "referenceKey": product.master_reference_key or product.reference_key,
        "categories": {"isLocked": False, "paths": product.category_paths},
        "attributes": _attributes(product.master_attributes),
    }


def product_json(product: m.Product, with_: set[str]) -> dict:
    """A product as GET /products answers it; ``with`` switches the embedded parts on."""
    body = {
        "id": product.pk,
        "referenceKey": product.reference_key,
        "state": product.state,
        "createdAt": stamp(product.created_at),
        "updatedAt": stamp(product.updated_at),
        "name": {**product.name_translations, "en_GB": product.name},
    }
    if "master" in with_:
        body["master"] = master_json(product)
    if "attributes" in with_:
        body["attributes"] = _attributes(product.attributes)
    if "variants" in with_:
        body["variants"] = [variant_json(v) for v in product.variants.all()]
    if "images" in with_:
        images = sorted(product.images.all(), key=lambda i: (i.position, i.pk))
        body["images"] = [image_json(i) for i in images]
    return body


def stock_json(stock: m.Stock) -> dict:
    return {
        "quantity": stock.quantity,
        "warehouseReferenceKey": stock.warehouse_reference_key,
        "changedAt": stamp(stock.changed_at),
        "sellableWithoutStock": stock.sellable_without_stock,
        "merchantReferenceKey": stock.merchant_reference_key or None,
        "expectedAvailabilityAt": None,
    }


def stock_event(stock: m.Stock) -> dict:
    variant = stock.variant
    return {
        "productVariant": {"id": variant.pk, "referenceKey": variant.reference_key},
        "product": {"id": variant.product_id, "referenceKey": variant.product.reference_key},
        "warehouse": {"id": None, "referenceKey": stock.warehouse_reference_key},
        "quantity": stock.quantity,
        "sellableWithoutStock": stock.sellable_without_stock,
        "createdAt": stamp(stock.changed_at),
        "merchantReferenceKey": stock.merchant_reference_key or None,
    }


def _without_tax(with_tax: int, tax: int) -> int:
    return max(0, with_tax - tax)


def item_json(item: m.OrderItem) -> dict:
    variant = item.variant
    rate = float(variant.tax_rate)
    return {
        "id": item.pk,
        "key": f"item-{item.pk}",
        "status": item.status,
        "packageId": item.package_id,
        "updatedAt": stamp(item.updated_at),
        "price": {
            "withTax": item.price,
            "withoutTax": _without_tax(item.price, item.tax),
            "tax": {"vat": {"amount": item.tax, "rate": rate}},
        },
        "product": {"id": variant.product_id, "name": variant.product.name},
        "variant": {"id": variant.pk, "referenceKey": variant.reference_key},
    }


def package_json(package: m.Package) -> dict:
    return {
        "id": package.pk,
        "carrierKey": package.carrier_key,
        "shipmentKey": package.shipment_key or None,
        "deliveryStatus": package.delivery_status,
        "shippedAt": stamp(package.shipped_at),
        "tracking": {"id": package.tracking_id, "url": package.tracking_url or None},
        "returnIdentCode": package.return_ident_code or None,
        "deliveryDate": None,
    }


def order_json(order: m.Order) -> dict:
    items = [item_json(i) for i in order.items.select_related("variant__product").order_by("id")]
    goods = sum(i["price"]["withTax"] for i in items if i["status"] != "cancelled")
    tax = sum(i["price"]["tax"]["vat"]["amount"] for i in items if i["status"] != "cancelled")
    total = goods + order.delivery_price
    return {
        "id": order.pk,
        "publicKey": order.public_key,
        "referenceKey": order.reference_key,
        "status": order.status,
        "currencyCode": order.currency_code,
        "channel": _channel_json(order.channel_key),
        "createdAt": stamp(order.created_at),
        "confirmedAt": stamp(order.created_at),
        "updatedAt": stamp(order.updated_at),
        "shopCountry": {"shopKey": order.shop_key, "countryCode": order.country_code},
        "customer": order.customer,
        "address": order.address,
        "cost": {
            "withTax": total,
            "withoutTax": _without_tax(total, tax),
            "tax": {"vat": {"amount": tax}},
            "appliedFees": [
                {
                    "category": "delivery",
                    "key": order.delivery_key or "standard",
                    "option": order.delivery_option or None,
                    "amount": {"withTax": order.delivery_price},
                }
            ],
        },
        "items": items,
        "packages": [package_json(p) for p in order.packages.order_by("id")],
        "legacyCustomData": order.custom_data,
    }


def _channel_json(key: str) -> dict | None:
    channel = m.Channel.objects.filter(key=key).first() if key else None
    if channel is None:
        return None
    return {"id": channel.pk, "key": channel.key, "name": channel.key, "type": channel.channel_type}

"""Sandbox rows in Magento's REST JSON shapes, and the fields each list endpoint can filter."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from connectors.magento.sandbox import models as m
from connectors.magento.sandbox.search import as_time

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")

PRODUCT_FIELDS = {
    "entity_id": ("id", int),
    "sku": ("sku", str),
    "name": ("name", str),
    "price": ("price", Decimal),
    "status": ("status", int),
    "type_id": ("type_id", str),
    "ean": ("custom_attributes__ean", str),
    "created_at": ("created_at", as_time),
    "updated_at": ("updated_at", as_time),
}
ATTRIBUTE_FIELDS = {
    "attribute_id": ("id", int),
    "attribute_code": ("attribute_code", str),
    "frontend_input": ("frontend_input", str),
    "is_user_defined": ("is_user_defined", int),
}
SOURCE_ITEM_FIELDS = {
    "sku": ("sku", str),
    "source_code": ("source_code", str),
    "quantity": ("quantity", Decimal),
    "status": ("status", int),
}
ORDER_FIELDS = {
    "entity_id": ("id", int),
    "increment_id": ("increment_id", str),
    "ext_order_id": ("ext_order_id", str),
    "quote_id": ("quote_id", int),
    "state": ("state", str),
    "status": ("status", str),
    "customer_email": ("customer_email", str),
    "created_at": ("created_at", as_time),
    "updated_at": ("updated_at", as_time),
}
SALES_DOCUMENT_FIELDS = {
    "entity_id": ("id", int),
    "increment_id": ("increment_id", str),
    "order_id": ("order_id", int),
    "created_at": ("created_at", as_time),
    "updated_at": ("updated_at", as_time),
}


def stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime(TIME_FORMAT) if value else None


def product_json(product: m.Product) -> dict:
    """A ``ProductInterface`` as ``GET /V1/products`` answers it (Adobe's REST tutorial)."""
    body = {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "attribute_set_id": 4,
        "price": float(product.price),
        "status": product.status,
        "visibility": 4,
        "type_id": product.type_id,
        "created_at": stamp(product.created_at),
        "updated_at": stamp(product.updated_at),
    }
    if product.weight is not None:
        body["weight"] = float(product.weight)
    links = [
        {"position": position, "category_id": str(category_id)}
        for position, category_id in enumerate(product.category_ids)
    ]
    body["extension_attributes"] = {"website_ids": [1], "category_links": links}
    body["product_links"] = []
    body["options"] = []
    body["media_gallery_entries"] = [
        _gallery_entry(product, position, entry)
        for position, entry in enumerate(product.media_gallery, start=1)
    ]
    body["tier_prices"] = []
    attributes = [
        {"attribute_code": code, "value": value}
        for code, value in product.custom_attributes.items()
    ]
    if product.category_ids:  # getList adds the ids as a custom attribute too
        ids = [str(category_id) for category_id in product.category_ids]
        attributes.append({"attribute_code": "category_ids", "value": ids})
    body["custom_attributes"] = attributes
    return body


def _gallery_entry(product: m.Product, position: int, entry: dict) -> dict:
    return {
        "id": product.pk * 100 + position,
        "media_type": "image",
        "label": entry.get("label") or "",
        "position": position,
        "disabled": bool(entry.get("disabled")),
        "types": list(entry.get("types") or []),
        "file": entry["file"],
    }


SELECT_INPUTS = ("select", "multiselect")
SOURCE_MODELS = {
    "select": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table",
    "multiselect": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table",
    "boolean": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Boolean",
}


def attribute_json(attribute: m.ProductAttribute) -> dict:
    """A ``ProductAttributeInterface`` (Adobe's tutorial: a select's options start with the
    blank ``{"label": " ", "value": ""}``)."""
    options = [{"label": o["label"], "value": str(o["value"])} for o in attribute.options]
    if attribute.frontend_input in SELECT_INPUTS:
        options.insert(0, {"label": " ", "value": ""})
    return {
        "attribute_id": attribute.pk,
        "attribute_code": attribute.attribute_code,
        "frontend_input": attribute.frontend_input,
        "entity_type_id": "4",
        "is_required": False,
        "options": options,
        "is_user_defined": attribute.is_user_defined,
        "default_frontend_label": attribute.default_frontend_label,
        "frontend_labels": [],
        "backend_type": attribute.backend_type,
        "source_model": SOURCE_MODELS.get(attribute.frontend_input),
        "default_value": "",
        "is_unique": "0",
        "validation_rules": [],
    }


def category_tree_json(category: m.Category, counts: dict[int, int], depth: int | None) -> dict:
    """``CategoryTreeInterface``: the category and (to ``depth`` levels) its children."""
    children = list(category.children.all()) if depth is None or depth > 0 else []
    below = None if depth is None else depth - 1
    return {
        "id": category.pk,
        "parent_id": category.parent_id or 0,
        "name": category.name,
        "is_active": category.is_active,
        "position": category.position,
        "level": category.level,
        "product_count": counts.get(category.pk, 0),
        "children_data": [category_tree_json(child, counts, below) for child in children],
    }


def source_item_json(item: m.SourceItem) -> dict:
    return {
        "sku": item.sku,
        "source_code": item.source_code,
        "quantity": float(item.quantity),
        "status": item.status,
    }


def order_item_json(item: m.OrderItem) -> dict:
    return {
        "item_id": item.pk,
        "order_id": item.order_id,
        "sku": item.sku,
        "name": item.name,
        "product_type": "simple",
        "qty_ordered": item.qty_ordered,
        "qty_shipped": item.qty_shipped,
        "qty_refunded": item.qty_refunded,
        "price": float(item.price),
        "base_price": float(item.price),
        "price_incl_tax": float(_unit_incl_tax(item)),
        "base_price_incl_tax": float(_unit_incl_tax(item)),
        "tax_percent": float(item.tax_percent),
        "tax_amount": float(item.tax_amount),
        "base_tax_amount": float(item.tax_amount),
        "row_total": float(item.price * item.qty_ordered),
        "base_row_total": float(item.price * item.qty_ordered),
        "row_total_incl_tax": float(item.price * item.qty_ordered + item.tax_amount),
        "base_row_total_incl_tax": float(item.price * item.qty_ordered + item.tax_amount),
    }


def _unit_incl_tax(item: m.OrderItem) -> Decimal:
    unit_tax = item.tax_amount / item.qty_ordered if item.qty_ordered else Decimal(0)
    return (item.price + unit_tax).quantize(CENT, rounding=ROUND_HALF_UP)


def order_json(order: m.Order) -> dict:
    return {
        "entity_id": order.pk,
        "increment_id": order.increment_id,
        "ext_order_id": order.ext_order_id or None,
        "quote_id": order.quote_id,
        "state": order.state,
        "status": order.status,
        "customer_email": order.customer_email,
        "customer_firstname": order.customer_firstname,
        "customer_lastname": order.customer_lastname,
        "customer_is_guest": 1,
        "shipping_description": order.shipping_description,
        "subtotal": float(order.subtotal),
        "base_subtotal": float(order.subtotal),
        "subtotal_incl_tax": float(order.subtotal + order.tax_amount),
        "tax_amount": float(order.tax_amount),
        "base_tax_amount": float(order.tax_amount),
        "shipping_amount": float(order.shipping_amount),
        "shipping_incl_tax": float(order.shipping_amount),
        "grand_total": float(order.grand_total),
        "base_grand_total": float(order.grand_total),
        "order_currency_code": order.currency_code,
        "base_currency_code": order.currency_code,
        "created_at": stamp(order.created_at),
        "updated_at": stamp(order.updated_at),
        "items": [order_item_json(item) for item in order.items.all()],
        "billing_address": order.billing_address,
        "payment": {"method": order.payment_method},
        "status_histories": [
            {
                "entity_id": c.pk,
                "parent_id": order.pk,
                "comment": c.comment,
                "is_customer_notified": int(c.is_customer_notified),
                "is_visible_on_front": int(c.is_visible_on_front),
                "created_at": stamp(c.created_at),
            }
            for c in order.comments.all()
        ],
        "extension_attributes": {
            "shipping_assignments": [{"shipping": {"address": order.shipping_address}}]
        },
    }


def shipment_json(shipment: m.Shipment) -> dict:
    return {
        "entity_id": shipment.pk,
        "increment_id": shipment.increment_id,
        "order_id": shipment.order_id,
        "created_at": stamp(shipment.created_at),
        "updated_at": stamp(shipment.updated_at),
        "total_qty": sum(item.qty for item in shipment.items.all()),
        "items": [
            {
                "entity_id": item.pk,
                "parent_id": shipment.pk,
                "order_item_id": item.order_item_id,
                "sku": item.sku,
                "qty": item.qty,
            }
            for item in shipment.items.all()
        ],
        "tracks": [
            {
                "entity_id": track.pk,
                "parent_id": shipment.pk,
                "order_id": shipment.order_id,
                "track_number": track.track_number,
                "title": track.title,
                "carrier_code": track.carrier_code,
                "created_at": stamp(track.created_at),
            }
            for track in shipment.tracks.all()
        ],
        "comments": [],
        "extension_attributes": {"source_code": shipment.source_code},
    }


def creditmemo_json(memo: m.CreditMemo) -> dict:
    return {
        "entity_id": memo.pk,
        "increment_id": memo.increment_id,
        "order_id": memo.order_id,
        "state": 2,
        "subtotal": float(memo.subtotal),
        "subtotal_incl_tax": float(memo.subtotal + memo.tax_amount),
        "tax_amount": float(memo.tax_amount),
        "base_tax_amount": float(memo.tax_amount),
        "shipping_amount": float(memo.shipping_amount),
        "shipping_incl_tax": float(memo.shipping_amount),
        "adjustment": float(memo.adjustment),
        "grand_total": float(memo.grand_total),
        "comments": [{"parent_id": memo.pk, "comment": memo.comment}] if memo.comment else [],
        "order_currency_code": memo.order.currency_code,
        "created_at": stamp(memo.created_at),
        "updated_at": stamp(memo.updated_at),
        "items": [
            {
                "entity_id": item.pk,
                "parent_id": memo.pk,
                "order_item_id": item.order_item_id,
                "sku": item.sku,
                "qty": item.qty,
                "price": float(item.price),
                "tax_amount": float(item.tax_amount),
                "row_total": float(item.price * item.qty),
                "row_total_incl_tax": float(item.price * item.qty + item.tax_amount),
            }
            for item in memo.items.all()
        ],
    }

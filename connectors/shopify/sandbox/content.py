"""Product content of the simulated Admin API: media, metafields, options, taxonomy category.

Field names and types are Shopify's 2026-10 schema's (``MediaImage.image.url``,
``Metafield{namespace key type value jsonValue}``, ``SelectedOption``, ``TaxonomyCategory``,
``InventoryItemMeasurement.weight``); values follow Shopify's rules: a metafield value is
always a string (a list type holds a JSON array), an image lives on Shopify's CDN (here the
sandbox's ``cdn/`` path, which answers with a generated picture).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from connectors.shopify.sandbox import models
from connectors.shopify.sandbox.connections import connection, gid

CDN_PATH = "/sandbox/shopify/cdn/s/files/1"
DEFAULT_OPTION = {"name": "Title", "value": "Default Title"}  # a product without options


@dataclass
class _Row:
    """A listed JSON entry with the ``pk`` connections page by."""

    pk: int
    entry: dict = field(default_factory=dict)


def media_url(info, shop_pk: int, file: str) -> str:
    """The CDN URL of a product image; the sandbox's own when it knows its address."""
    site = getattr(info.context, "site", "")
    path = f"{CDN_PATH}/{shop_pk:04d}/files/{file}"
    return (
        f"{site}{path}" if site else f"https://cdn.shopify.com/s/files/1/{shop_pk:04d}/files/{file}"
    )


class MediaImageNode:
    __typename = "MediaImage"  # Media is an interface

    def __init__(self, product: models.Product, position: int, entry: dict) -> None:
        self.product, self.entry = product, entry
        self.id = gid("MediaImage", product.pk * 100 + position)
        self.alt = entry.get("alt") or None
        self.mediaContentType = "IMAGE"
        self.status = "READY"
        self.mediaErrors: list = []
        self.mediaWarnings: list = []
        self.fileErrors: list = []
        self.fileStatus = "READY"
        self.mimeType = "image/jpeg"

    def image(self, info, **_) -> dict:
        return {
            "id": gid("ImageSource", self.id.rsplit("/", 1)[-1]),
            "url": media_url(info, self.product.shop_id, self.entry["file"]),
            "altText": self.alt,
            "width": 1200,
            "height": 1500,
        }

    def preview(self, info, **_) -> dict:
        return {"image": self.image(info), "status": "READY"}


def media_nodes(product: models.Product, files: list[str] | None = None) -> list[_Row]:
    rows = [_Row(n, entry) for n, entry in enumerate(product.media, start=1)]
    return [row for row in rows if files is None or row.entry.get("file") in files]


def media_connection(product: models.Product, rows: list[_Row], first, after) -> dict:
    return connection(rows, lambda row: MediaImageNode(product, row.pk, row.entry), first, after)


def featured_media(product: models.Product) -> MediaImageNode | None:
    """Shopify's featured media is the product's first media."""
    rows = media_nodes(product)
    return MediaImageNode(product, rows[0].pk, rows[0].entry) if rows else None


# --- metafields ------------------------------------------------------------------------------


def _metafield(owner_kind: str, owner_pk: int, index: int, entry: dict) -> dict:
    value = str(entry.get("value", ""))
    try:
        parsed = json.loads(value) if entry.get("type", "").startswith(("list.", "json")) else value
    except ValueError:
        parsed = value
    return {
        "id": gid("Metafield", owner_pk * 1000 + index),
        "namespace": entry["namespace"],
        "key": entry["key"],
        "type": entry.get("type") or "single_line_text_field",
        "value": value,
        "jsonValue": parsed,
        "ownerType": owner_kind,
    }


def metafields_connection(owner_kind, owner_pk, entries, first, after, namespace, keys) -> dict:
    """``metafields(first:, namespace:, keys: ["namespace.key"])``."""
    rows = [
        _Row(n, entry)
        for n, entry in enumerate(entries, start=1)
        if (namespace is None or entry["namespace"] == namespace)
        and (not keys or f"{entry['namespace']}.{entry['key']}" in keys)
    ]
    return connection(
        rows, lambda row: _metafield(owner_kind, owner_pk, row.pk, row.entry), first, after
    )


def metafield_one(owner_kind, owner_pk, entries, namespace, key) -> dict | None:
    for n, entry in enumerate(entries, start=1):
        if entry["namespace"] == (namespace or "$app") and entry["key"] == key:
            return _metafield(owner_kind, owner_pk, n, entry)
    return None


# --- options, category, measurement ----------------------------------------------------------


def selected_options(variant: models.Variant) -> list[dict]:
    chosen = variant.selected_options or [DEFAULT_OPTION]
    return [
        {
            "name": option["name"],
            "value": option["value"],
            "optionValue": {
                "id": gid("ProductOptionValue", f"{variant.pk}{n}"),
                "name": option["value"],
                "hasVariants": True,
            },
        }
        for n, option in enumerate(chosen)
    ]


def product_options(product: models.Product, first: int | None) -> list[dict]:
    """The product's options, in the order its variants name them, with their values."""
    values: dict[str, list[str]] = {}
    for variant in product.variants.order_by("id"):
        for option in variant.selected_options or [DEFAULT_OPTION]:
            found = values.setdefault(option["name"], [])
            if option["value"] not in found:
                found.append(option["value"])
    options = [
        {
            "id": gid("ProductOption", product.pk * 10 + n),
            "name": name,
            "position": n,
            "values": listed,
            "optionValues": [
                {
                    "id": gid("ProductOptionValue", f"{product.pk}{n}{i}"),
                    "name": v,
                    "hasVariants": True,
                }
                for i, v in enumerate(listed)
            ],
        }
        for n, (name, listed) in enumerate(values.items(), start=1)
    ]
    return options[:first] if first is not None else options


def taxonomy_category(product: models.Product) -> dict | None:
    if not product.category_name:
        return None
    names = product.category_full_name.split(" > ") if product.category_full_name else []
    return {
        "id": gid("TaxonomyCategory", f"sandbox-{product.pk}"),
        "name": product.category_name,
        "fullName": product.category_full_name or product.category_name,
        "level": max(1, len(names)),
        "isLeaf": True,
        "isRoot": len(names) <= 1,
        "isArchived": False,
        "parentId": None,
        "ancestorIds": [],
        "childrenIds": [],
    }


def measurement(variant: models.Variant) -> dict:
    weight = None
    if variant.weight is not None:
        weight = {"unit": variant.weight_unit, "value": float(variant.weight)}
    return {"id": gid("InventoryItemMeasurement", variant.pk), "weight": weight}


def plain_text(html: str, truncate_at: int | None = None) -> str:
    """``Product.description``: the description with its HTML tags stripped."""
    text = " ".join(strip_tags(html).split())
    if truncate_at is not None and len(text) > truncate_at:
        return text[: max(0, truncate_at - 3)].rstrip() + "..."
    return text

"""A Shopify variant's full product content, under Shopify's own field names.

Read from the ``ProductsPage`` document (``graphql.PRODUCTS_PAGE``); field names and where each
comes from: docs/connectors/shopify.md "Product content". Shopify stores every metafield value
as a string (a ``list.*`` type holds a JSON array, a measurement a JSON ``{value, unit}``);
reference and structured types (``*_reference``, ``json``, ``rich_text_field``) are left out
rather than shown as ids or JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import FieldValue

logger = logging.getLogger(__name__)

DEFAULT_OPTION = ("Title", "Default Title")  # Shopify's option of a product without options
MEASUREMENTS = frozenset({"dimension", "volume", "weight"})
LEFT_OUT_TYPES = frozenset({"json", "rich_text_field", "link"})
TAXONOMY_SEPARATOR = " > "  # TaxonomyCategory.fullName: "Animals & Pet Supplies > Pet Supplies"


def _edges(connection: Mapping | None) -> list[dict]:
    return [e["node"] for e in (connection or {}).get("edges") or [] if e.get("node")]


def product_attributes(product: Mapping, variant: Mapping) -> dict[str, FieldValue]:
    """Every field with a value: product text, options, metafields, images and weight."""
    images = image_urls(product)
    found: dict[str, FieldValue | None] = {
        "title": _text(product.get("title")),
        "descriptionHtml": _text(product.get("descriptionHtml")),
        "description": _text(product.get("description")),
        "vendor": _text(product.get("vendor")),
        "productType": _text(product.get("productType")),
        "tags": tuple(t for t in (_text(tag) for tag in product.get("tags") or []) if t),
    }
    for option in variant.get("selectedOptions") or []:
        name, value = _text(option.get("name")), _text(option.get("value"))
        if name and (name, value) != DEFAULT_OPTION:
            found[f"option:{name}"] = value
    for owner in (product, variant):  # a variant's metafield wins over the product's
        found.update(metafields_of(owner))
    found["image"] = variant_image(variant) or featured_image(product) or next(iter(images), "")
    found["images"] = images
    found.update(weight_of(variant))
    return {key: value for key, value in found.items() if value}


def product_categories(product: Mapping) -> tuple[str, ...]:
    """The product type, then the standard taxonomy category's name and its full path."""
    category = product.get("category") or {}
    full_name = _text(category.get("fullName"))
    parts = [p.strip() for p in full_name.split(TAXONOMY_SEPARATOR) if p.strip()]
    names = [
        _text(product.get("productType")),
        _text(category.get("name")),
        " / ".join(parts) if len(parts) > 1 else "",
    ]
    return tuple(dict.fromkeys(name for name in names if name))


def image_urls(product: Mapping) -> tuple[str, ...]:
    """Every image of the product's media, in Shopify's order (videos and models have none)."""
    connection = product.get("media") or {}
    if (connection.get("pageInfo") or {}).get("hasNextPage"):
        logger.info("shopify %s has more images than are read", product.get("id"))
    urls = [(node.get("image") or {}).get("url") for node in _edges(connection)]
    return tuple(url for url in urls if url)


def featured_image(product: Mapping) -> str:
    preview = (product.get("featuredMedia") or {}).get("preview") or {}
    return _text((preview.get("image") or {}).get("url"))


def variant_image(variant: Mapping) -> str:
    for node in _edges(variant.get("media")):
        url = _text((node.get("image") or {}).get("url"))
        if url:
            return url
    return ""


def weight_of(variant: Mapping) -> dict[str, str]:
    """``weight`` and ``weight_unit`` (``KILOGRAMS``...) of the variant's inventory item; a
    weight of 0, Shopify's default, means none was entered."""
    weight = ((variant.get("inventoryItem") or {}).get("measurement") or {}).get("weight") or {}
    value = _number(weight.get("value"))
    if not value or value <= 0:
        return {}
    return {"weight": _number_text(value), "weight_unit": _text(weight.get("unit"))}


def metafields_of(owner: Mapping) -> dict[str, FieldValue]:
    connection = owner.get("metafields") or {}
    if (connection.get("pageInfo") or {}).get("hasNextPage"):
        logger.info("shopify %s has more metafields than are read", owner.get("id"))
    found: dict[str, FieldValue] = {}
    for node in _edges(connection):
        value = metafield_value(str(node.get("type") or ""), node.get("value"))
        if value and node.get("namespace") and node.get("key"):
            found[f"metafield:{node['namespace']}.{node['key']}"] = value
    return found


def metafield_value(kind: str, value: Any) -> FieldValue | None:
    """A metafield's value as text (a list type as a tuple); None for what is left out."""
    if value in (None, "") or kind.endswith("_reference") or kind in LEFT_OUT_TYPES:
        return None
    if kind.startswith("list."):
        items = _json(value)
        if not isinstance(items, list):
            return None
        rendered = [_rendered(kind[len("list.") :], item) for item in items]
        return tuple(text for text in rendered if text) or None
    return _rendered(kind, _json(value) if _structured(kind) else value) or None


def _structured(kind: str) -> bool:
    return kind in MEASUREMENTS or kind in ("money", "rating")


def _rendered(kind: str, item: Any) -> str:
    """One value: a measurement as ``27 cm``, money as ``12.50 GBP``, a rating's value."""
    if isinstance(item, Mapping):
        if kind in MEASUREMENTS:
            number = _number(item.get("value"))
            unit = _text(item.get("unit"))
            return f"{_number_text(number)} {unit}".strip() if number is not None else ""
        if kind == "money":
            return f"{_text(item.get('amount'))} {_text(item.get('currency_code'))}".strip()
        if kind == "rating":
            return _text(item.get("value"))
        return ""
    return _text(item)


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number_text(value: Decimal | None) -> str:
    """``0.5`` for 0.5000, ``27`` for 27.0."""
    return "" if value is None else format(value.normalize(), "f")

"""A SCAYLE product's content as the hub's ``SourceProduct.attributes`` and ``categories``.

Pure functions, no HTTP. Field names are SCAYLE's attribute group names; values follow the
attribute ``type`` of the official SDK (``simple``, ``simpleList``, ``localizedString``,
``localizedStringList``, ``advanced``, ``advancedList``). Master attributes are overridden by
product attributes, which are overridden by variant attributes of the same name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from connectors.base import ConfigError, FieldValue
from connectors.scayle import contract

LOCALE_KEY = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")
LIST_TYPES = {"simpleList", "localizedStringList", "advancedList"}


def media_base_for(source_url: str) -> str:
    """The tenant's CDN root derived from the Admin API URL, or "" when it is not SCAYLE's."""
    host = urlsplit(source_url).hostname or ""
    if not host.endswith(contract.ADMIN_HOST_SUFFIX):
        return ""
    tenant_space = host[: -len(contract.ADMIN_HOST_SUFFIX)]
    return f"https://{tenant_space}{contract.CDN_HOST_SUFFIX}/"


# --- values ---------------------------------------------------------------------------------


def _is_localized(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(LOCALE_KEY.match(k) for k in value)


def localized(value: Mapping, locale: str) -> str:
    """The text for ``locale``, else for another locale of its language, else ""."""
    if value.get(locale) not in (None, ""):
        return str(value[locale])
    language = locale.split("_")[0]
    for key in sorted(value):
        if key.split("_")[0] == language and value[key] not in (None, ""):
            return str(value[key])
    return ""


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, Mapping | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def advanced_text(value: Any, locale: str) -> str:
    """An advanced value as ``key: value, ...`` (nested objects in brackets)."""
    if _is_localized(value):
        return localized(value, locale)
    if isinstance(value, Mapping):
        parts = [(key, advanced_text(item, locale)) for key, item in value.items()]
        return ", ".join(f"{key}: {text}" for key, text in parts if text)
    if isinstance(value, list):
        return "; ".join(text for text in (advanced_text(v, locale) for v in value) if text)
    return _scalar(value)


def _one(value: Any, kind: str, locale: str) -> str:
    if kind.startswith("localized") or _is_localized(value):
        return localized(value, locale) if isinstance(value, Mapping) else _scalar(value)
    if kind.startswith("advanced") or isinstance(value, Mapping):
        return advanced_text(value, locale)
    return _scalar(value)


def attribute_field(attribute: Mapping, locale: str) -> FieldValue | None:
    """One attribute's value: text, a tuple for the list types, None when empty."""
    kind, value = str(attribute.get("type") or ""), attribute.get("value")
    if kind in LIST_TYPES or (not kind and isinstance(value, list)):
        items = value if isinstance(value, list) else [value]
        texts = tuple(t for t in (_one(v, kind, locale) for v in items) if t)
        return texts or None
    return _one(value, kind, locale) or None


def _attributes(attributes: Any, locale: str) -> dict[str, FieldValue]:
    found: dict[str, FieldValue] = {}
    for attribute in attributes if isinstance(attributes, list) else []:
        if not isinstance(attribute, Mapping) or not attribute.get("name"):
            continue
        value = attribute_field(attribute, locale)
        if value is not None:
            found[str(attribute["name"])] = value
    return found


# --- images and categories ------------------------------------------------------------------


def image_urls(images: Any, media_base: str) -> tuple[str, ...]:
    """Every image URL in ``position`` order, absolute; a CDN path needs ``media_base``."""
    rows = [i for i in images if isinstance(i, Mapping)] if isinstance(images, list) else []
    rows.sort(key=lambda i: (_position(i.get("position")), str(i.get("id") or "")))
    urls = []
    for row in rows:
        asset = str(row.get("assetUrl") or "").strip()
        if not asset:
            continue
        if urlsplit(asset).scheme not in ("http", "https"):
            if not media_base:
                raise ConfigError(
                    f"SCAYLE image {asset!r} is a CDN path: set the option 'media_base_url' "
                    "(https://{tenant-space}.cdn.scayle.cloud)"
                )
            asset = urljoin(media_base.rstrip("/") + "/", asset.lstrip("/"))
        urls.append(asset)
    return tuple(dict.fromkeys(urls))


def _position(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1_000_000


def categories(product: Mapping) -> tuple[str, ...]:
    """Each master category path's leaf name, then the full path joined with `` / ``."""
    master = product.get("master") if isinstance(product.get("master"), Mapping) else {}
    tree = master.get("categories") if isinstance(master.get("categories"), Mapping) else {}
    names: list[str] = []
    for path in tree.get("paths") or []:
        parts = [str(p).strip() for p in path if str(p).strip()] if isinstance(path, list) else []
        if parts:
            names += [parts[-1], " / ".join(parts)]
    return tuple(dict.fromkeys(names))


# --- the whole content ----------------------------------------------------------------------


def product_content(
    product: Mapping, variant: Mapping, *, locale: str, media_base: str
) -> dict[str, FieldValue]:
    """``name``, every master/product/variant attribute, ``ean``, ``image`` and ``images``."""
    master = product.get("master") if isinstance(product.get("master"), Mapping) else {}
    content = _attributes(master.get("attributes"), locale)
    content |= _attributes(product.get("attributes"), locale)
    content |= _attributes(variant.get("attributes"), locale)
    name = product.get("name")
    if isinstance(name, Mapping) and localized(name, locale):
        content["name"] = localized(name, locale)
    if _scalar(variant.get("ean")):
        content.setdefault("ean", _scalar(variant.get("ean")))
    images = image_urls(product.get("images"), media_base)
    if images:
        content["image"], content["images"] = images[0], images
    return content

"""A Magento product's full content: attribute codes as field names, labels, absolute URLs.

Magento answers a select/multiselect attribute as option ids (``"52"``, ``"148,149"``), an image
as a path under the store's media folder (``/m/b/mb01-blue-0.jpg``) and categories as ids. This
module turns them into what a merchandiser sees in the admin, with three look-ups made at most
once per connector instance (a pass), only when a product needs them:

* attribute metadata: ``GET /V1/products/attributes`` filtered on the input types that need
  resolving; each item's ``options`` are ``{label, value}`` (the store view's labels),
* the media base: ``GET /V1/store/storeConfigs`` ``secure_base_media_url`` (else
  ``base_media_url``) + ``catalog/product/`` + the file (Magento's
  ``Catalog/Model/Product/Media/Config::getMediaUrl``),
* the category tree: ``GET /V1/categories`` (``children_data`` from the store's root).

A failing look-up raises (the pass fails and is retried); an option id Magento has no label
for is left out, never shown as if it were the label. Field names: docs/connectors/magento.md
section "Product content".
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.base import FieldValue, PermanentError, SourceProduct, malformed_as_permanent
from connectors.magento.mapping import decimal_or_none
from connectors.magento.search import Filter, magento_time_parse, pages_walk

logger = logging.getLogger(__name__)

# The input types whose stored value is not what a person reads. Swatches are stored as
# ``select`` (their kind lives in ``additional_data``), so they need no entry of their own.
RESOLVED_INPUTS = ("select", "multiselect", "boolean", "media_image")
NO_IMAGE = "no_selection"  # Magento's value of an image role with no image chosen
MEDIA_PATH = "catalog/product"
STORE_ROOT_LEVEL = 1  # level 0 is the catalogue root, 1 a store's root ("Default Category")
SKIPPED_CODES = frozenset({"category_ids"})  # ids: ``categories`` carries their names

Read = Callable[..., Any]


@dataclass(frozen=True)
class AttributeMeta:
    """How an attribute's stored value reads: its input type and option id -> label."""

    frontend_input: str
    labels: Mapping[str, str]


class CatalogueLookups:
    """The look-ups product content needs, each read once and kept for the instance."""

    def __init__(self, read: Read, *, store_code: str, page_size: int) -> None:
        self._read = read
        self._store_code = store_code
        self._page_size = page_size
        self._attributes: dict[str, AttributeMeta] | None = None
        self._config: Mapping | None = None
        self._categories: dict[str, tuple[str, ...]] | None = None

    def attributes(self) -> dict[str, AttributeMeta]:
        if self._attributes is None:
            groups: list[list[Filter]] = [[("frontend_input", ",".join(RESOLVED_INPUTS), "in")]]
            fetch = functools.partial(self._read, "products/attributes")
            with malformed_as_permanent("Magento", "product attributes"):
                items = list(pages_walk(fetch, groups, page_size=self._page_size))
                self._attributes = {str(i["attribute_code"]): attribute_meta(i) for i in items}
        return self._attributes

    def media_base(self) -> str:
        """``https://<store>/media/catalog/product/`` (a file path is appended)."""
        config = self._store_config()
        base = str(config.get("secure_base_media_url") or config.get("base_media_url") or "")
        if not base.startswith(("https://", "http://")):
            raise PermanentError(f"Magento store config has no absolute media URL ({base!r})")
        return f"{base.rstrip('/')}/{MEDIA_PATH}/"

    def weight_unit(self) -> str:
        return str(self._store_config().get("weight_unit") or "")

    def categories(self) -> dict[str, tuple[str, ...]]:
        """Category id -> its names from the store's first level down (``("Women", "Dresses")``)."""
        if self._categories is None:
            tree = self._read("categories")
            with malformed_as_permanent("Magento", "category tree"):
                self._categories = category_paths(tree)
        return self._categories

    def _store_config(self) -> Mapping:
        if self._config is None:
            configs = self._read("store/storeConfigs") or []
            with malformed_as_permanent("Magento", "store configs"):
                found = [c for c in configs if c["code"] == self._store_code] or configs[:1]
                if not found:
                    raise PermanentError("Magento answered no store config")
                self._config = dict(found[0])
        return self._config


def attribute_meta(item: Mapping) -> AttributeMeta:
    labels = {
        str(option["value"]): str(option.get("label") or "").strip()
        for option in item.get("options") or []
        if isinstance(option.get("value"), str | int) and str(option["value"]) != ""
    }
    return AttributeMeta(str(item.get("frontend_input") or ""), labels)


def category_paths(tree: Mapping) -> dict[str, tuple[str, ...]]:
    """Every named category below the store's root, by id, with the names on its way down."""
    paths: dict[str, tuple[str, ...]] = {}
    stack: list[tuple[Mapping, tuple[str, ...]]] = [(tree, ())]
    while stack:
        node, above = stack.pop()
        path = above
        if int(node.get("level") or 0) > STORE_ROOT_LEVEL:
            if not node.get("name"):
                continue  # a nameless node (magento2#25837) cannot be shown, nor what is below
            path = (*above, str(node["name"]))
            paths[str(node["id"])] = path
        stack.extend((child, path) for child in node.get("children_data") or [])
    return paths


# --- one product -------------------------------------------------------------------------------


def product_from(
    item: Mapping, lookups: CatalogueLookups, *, ean_attribute: str, currency: str
) -> SourceProduct:
    with malformed_as_permanent("Magento", "product"):
        return SourceProduct(
            sku=str(item["sku"]),
            title=str(item.get("name") or ""),
            price=decimal_or_none(item.get("price")),
            barcode=_text(_custom_value(item, ean_attribute)),
            currency=currency,
            source_ids={"entity_id": str(item.get("id", ""))},
            attributes=product_attributes(item, lookups),
            updated_at=magento_time_parse(item.get("updated_at")),
            categories=product_categories(item, lookups),
        )


def product_attributes(item: Mapping, lookups: CatalogueLookups) -> dict[str, FieldValue]:
    """Every field with a value, under Magento's attribute codes (docs: "Product content")."""
    found: dict[str, FieldValue | None] = {"name": _text(item.get("name"))}
    for attribute in item.get("custom_attributes") or []:
        code = str(attribute.get("attribute_code") or "")
        if code and code not in SKIPPED_CODES:
            found[code] = attribute_value(item, code, attribute.get("value"), lookups)
    weight = decimal_or_none(item.get("weight"))
    if weight is not None:
        found["weight"] = _number_text(weight)
        found["weight_unit"] = lookups.weight_unit()
    found["media_gallery"] = gallery_urls(item.get("media_gallery_entries") or [], lookups)
    # Magento's own product fields, as it sends them (status 1 enabled, 2 disabled)
    found["status"] = _text(item.get("status"))
    found["type_id"] = _text(item.get("type_id"))
    return {key: value for key, value in found.items() if value}


def attribute_value(
    item: Mapping, code: str, value: Any, lookups: CatalogueLookups
) -> FieldValue | None:
    meta = lookups.attributes().get(code) if _filled(value) else None
    if meta is None:
        return _plain(value)
    if meta.frontend_input == "media_image":
        return None if value == NO_IMAGE else media_url(str(value), lookups)
    ids = _option_ids(value) if meta.frontend_input == "multiselect" else [str(value)]
    labels = [meta.labels[i] for i in ids if meta.labels.get(i)]
    if len(labels) < len(ids):
        missing = [i for i in ids if not meta.labels.get(i)]
        logger.warning(
            "magento %s %s: no label for option %s, left out", item.get("sku"), code, missing
        )
    if meta.frontend_input == "multiselect":
        return tuple(labels)
    return labels[0] if labels else None


def gallery_urls(entries: Iterable[Mapping], lookups: CatalogueLookups) -> tuple[str, ...]:
    """Every enabled image of the gallery, in Magento's position order, as absolute URLs."""
    images = [
        entry
        for entry in entries
        if entry.get("media_type", "image") == "image"
        and not entry.get("disabled")
        and entry.get("file")
    ]
    images.sort(key=lambda entry: int(entry.get("position") or 0))
    return tuple(media_url(str(entry["file"]), lookups) for entry in images)


def media_url(file: str, lookups: CatalogueLookups) -> str:
    return lookups.media_base() + file.replace("\\", "/").lstrip("/")


def product_categories(item: Mapping, lookups: CatalogueLookups) -> tuple[str, ...]:
    """Each linked category's name, then its full path when it has parents."""
    ids = _category_ids(item)
    if not ids:
        return ()
    paths = lookups.categories()
    names: list[str] = []
    for category_id in ids:
        path = paths.get(category_id)
        if path:
            names += [path[-1]] + ([" / ".join(path)] if len(path) > 1 else [])
    return tuple(dict.fromkeys(names))


def _category_ids(item: Mapping) -> list[str]:
    links = (item.get("extension_attributes") or {}).get("category_links")
    if links:
        ordered = sorted(links, key=lambda link: int(link.get("position") or 0))
        return [str(link["category_id"]) for link in ordered]
    # Lists may leave extension attributes out; getList always adds ``category_ids``.
    value = _custom_value(item, "category_ids")
    return [str(v) for v in value] if isinstance(value, list) else _option_ids(value)


# --- values ------------------------------------------------------------------------------------


def _custom_value(item: Mapping, code: str) -> Any:
    for attribute in item.get("custom_attributes") or []:
        if attribute.get("attribute_code") == code:
            return attribute.get("value")
    return None


def _filled(value: Any) -> bool:
    return value not in (None, "", [])


def _plain(value: Any) -> FieldValue | None:
    if isinstance(value, list):
        return tuple(text for v in value if (text := _text(v))) or None
    return _text(value) or None


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, float):
        return _number_text(Decimal(str(value)))
    return str(value).strip()


def _option_ids(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _number_text(value: Decimal) -> str:
    """``0.5`` for 0.5000, ``1`` for 1.0: the number as a person writes it."""
    return format(value.normalize(), "f")

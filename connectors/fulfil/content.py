"""A Fulfil product's content as the hub's ``SourceProduct.attributes`` and ``categories``.

Per page of products: one v2 ``search_read`` of the content fields on ``product.product``, one
of their media and one (paged) of their attribute records. Option names and the category
tree are read once per connector instance, and only when a page needs them. Field paths and
model names are in :mod:`connectors.fulfil.contract` (Q18-Q21).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

from connectors.base import FieldValue
from connectors.fulfil import contract
from connectors.fulfil.mapping import dotted_value

logger = logging.getLogger(__name__)

SearchRead = Callable[..., list[Mapping]]
CHUNK = 100


@dataclass(frozen=True)
class Content:
    attributes: Mapping[str, FieldValue]
    categories: tuple[str, ...] = ()


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def field_text(value: Any) -> str:
    """A read value as text: empty for None/False/""/to-many lists."""
    if value is None or value is False or isinstance(value, list | tuple | Mapping):
        return ""
    if value is True:
        return "true"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip()


def absolute_url(value: str, base_url: str) -> str:
    """``value`` as an absolute http(s) URL (relative ones against the instance), else ""."""
    if not value:
        return ""
    url = urljoin(base_url.rstrip("/") + "/", value)
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list | tuple):
        return [int(v) for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


class ProductContent:
    """Reads the content of products for one connector instance (its lookups cached here)."""

    def __init__(
        self, *, search_read: SearchRead, page_size: int, base_url: str, barcode_field: str
    ) -> None:
        self._search_read = search_read
        self.page_size = page_size
        self.base_url = base_url
        self.barcode_field = barcode_field
        self._options: dict[int, str] | None = None
        self._categories: dict[int, tuple[str, str]] | None = None

    def for_products(self, product_ids: list[int]) -> dict[int, Content]:
        """Content by product id; an id Fulfil does not answer gets none."""
        if not product_ids:
            return {}
        records = self._records(product_ids)
        media = self._media(records.values())
        attributes = self._attribute_rows(product_ids)
        return {
            pid: self._content(record, media, attributes.get(pid, []))
            for pid, record in records.items()
        }

    # --- reads ------------------------------------------------------------------------------

    def _records(self, ids: list[int]) -> dict[int, Mapping]:
        paths = [*contract.PRODUCT_CONTENT_FIELDS.values(), contract.PRODUCT_CATEGORIES_FIELD]
        paths += [contract.PRODUCT_MEDIA_FIELD, self.barcode_field]
        fields = ["id", *dict.fromkeys(paths)]
        found: dict[int, Mapping] = {}
        for chunk in _chunks(ids):
            domain = [["id", "in", chunk]]
            for row in self._search_read("product.product", domain, fields, limit=len(chunk)):
                found[int(row["id"])] = row
        return found

    def _media(self, records: Iterable[Mapping]) -> dict[int, Mapping]:
        ids = sorted({i for r in records for i in _ids(r.get(contract.PRODUCT_MEDIA_FIELD))})
        fields = ["id", contract.MEDIA_URL_FIELD, contract.MEDIA_ORDER_FIELD]
        found: dict[int, Mapping] = {}
        for chunk in _chunks(ids):
            domain = [["id", "in", chunk]]
            for row in self._search_read(contract.MEDIA_MODEL, domain, fields, limit=len(chunk)):
                found[int(row["id"])] = row
        return found

    def _attribute_rows(self, product_ids: list[int]) -> dict[int, list[Mapping]]:
        names = contract.ATTRIBUTE_FIELDS
        by_product: dict[int, list[Mapping]] = {}
        for chunk in _chunks(product_ids):
            domain = [[names["product"], "in", chunk]]
            for row in self._all(contract.PRODUCT_ATTRIBUTE_MODEL, domain, list(names.values())):
                for pid in _ids(row.get(names["product"]))[:1]:
                    by_product.setdefault(pid, []).append(row)
        return by_product

    def _all(self, model: str, domain: list, fields: list[str]) -> list[Mapping]:
        """Every row matching ``domain``, in id order, a page at a time (id keyset)."""
        rows: list[Mapping] = []
        last = 0
        while True:
            page = self._search_read(
                model,
                [*domain, ["id", ">", last]],
                ["id", *fields],
                order=[["id", "ASC"]],
                limit=self.page_size,
            )
            fresh = [row for row in page if int(row["id"]) > last]
            rows += fresh
            # A short page ends the walk; so does one that does not move on (a server
            # ignoring the keyset would otherwise be asked forever).
            if len(page) < self.page_size or not fresh:
                return rows
            last = max(int(row["id"]) for row in fresh)

    def option_names(self) -> dict[int, str]:
        """Selection option id -> name; read once per connector instance."""
        if self._options is None:
            rows = self._all(contract.SELECTION_OPTION_MODEL, [], ["name"])
            self._options = {int(row["id"]): field_text(row.get("name")) for row in rows}
        return self._options

    def category_paths(self) -> dict[int, tuple[str, str]]:
        """Category id -> (name, full path joined with " / "); read once per instance."""
        if self._categories is None:
            rows = self._all(contract.CATEGORY_MODEL, [], ["name", "parent"])
            self._categories = _paths({int(row["id"]): row for row in rows})
        return self._categories

    # --- one product ------------------------------------------------------------------------

    def _content(
        self, record: Mapping, media: Mapping[int, Mapping], rows: list[Mapping]
    ) -> Content:
        found: dict[str, FieldValue] = {}
        for key, path in contract.PRODUCT_CONTENT_FIELDS.items():
            text = field_text(dotted_value(record, path))
            found[key] = absolute_url(text, self.base_url) if key == "image" else text
        found[self.barcode_field] = field_text(dotted_value(record, self.barcode_field))
        urls = self._media_urls(record, media)
        if urls:
            found["media"] = urls
            found["image"] = found.get("image") or urls[0]
        for row in rows:
            found |= self._attribute(row)
        attributes = {key: value for key, value in found.items() if value}
        return Content(attributes=attributes, categories=self._categories_of(record))

    def _media_urls(self, record: Mapping, media: Mapping[int, Mapping]) -> tuple[str, ...]:
        rows = [media[i] for i in _ids(record.get(contract.PRODUCT_MEDIA_FIELD)) if i in media]
        rows.sort(key=lambda r: (_number(r.get(contract.MEDIA_ORDER_FIELD)), int(r["id"])))
        urls = [
            absolute_url(field_text(r.get(contract.MEDIA_URL_FIELD)), self.base_url) for r in rows
        ]
        return tuple(dict.fromkeys(url for url in urls if url))

    def _attribute(self, row: Mapping) -> dict[str, FieldValue]:
        names = contract.ATTRIBUTE_FIELDS
        name = field_text(dotted_value(row, names["name"]))
        if not name:
            return {}
        key = contract.ATTRIBUTE_KEY_PREFIX + name
        selected = row.get(names["selection"])
        if selected in (None, False, []):
            return {key: field_text(row.get(names["value"]))}
        options = self.option_names()
        labels = [options.get(option_id, "") for option_id in _ids(selected)]
        if not labels or not all(labels):
            # Never an option id in place of its name: leave the attribute out.
            logger.warning("fulfil attribute %s refers to an unknown option %r", name, selected)
            return {}
        return {key: labels[0] if isinstance(selected, int) else tuple(labels)}

    def _categories_of(self, record: Mapping) -> tuple[str, ...]:
        """Each linked category's name, then its full path (when it has a parent)."""
        ids = _ids(dotted_value(record, contract.PRODUCT_CATEGORIES_FIELD))
        if not ids:
            return ()
        tree = self.category_paths()
        names = [name for i in ids if i in tree for name in tree[i]]
        return tuple(dict.fromkeys(name for name in names if name))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def _paths(rows: Mapping[int, Mapping]) -> dict[int, tuple[str, str]]:
    """Each category's name and its path from the root (a parent cycle stops the walk)."""
    paths: dict[int, tuple[str, str]] = {}
    for category_id, row in rows.items():
        names, seen, current = [], set(), row
        while current is not None and int(current["id"]) not in seen:
            seen.add(int(current["id"]))
            names.append(field_text(current.get("name")))
            parents = _ids(current.get("parent"))
            current = rows.get(parents[0]) if parents else None
        names = [name for name in reversed(names) if name]
        paths[category_id] = (field_text(row.get("name")), " / ".join(names))
    return paths

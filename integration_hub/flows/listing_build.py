"""Build one SKU's marketplace product record and validate it against its category's rules.

Pure functions over plain values and a :class:`CatalogueStructure`: no database, no HTTP, so
the same code runs in the catalogue pass, on the SKU page and in ``hub bench``.

Where each attribute's value comes from, first match wins:

1. the catalogue spreadsheet (``sheet_content``, by marketplace attribute code);
2. the SKU and category columns (PM11 roles ``SHOP_SKU``/``CATEGORY``) are filled by the hub;
3. the attribute mapping for the category, else the one for every category: the source field
   (``name`` or ``name[n]``, the n-th value of a multi-valued field), else its default.

The SKU map's own columns (``sku``, ``ean``, ``title``, ``price``) can be mapped like any
source field; the source's content wins when it has a field of that name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from integration_hub.flows.listing_rules import AttributeSpec, CatalogueStructure
from integration_hub.services.sku_mappings import ean_problem

MULTI_SEPARATOR = "|"  # several values of one attribute in a Mirakl product file
MISSING, INVALID, WARNING, REJECTED = "missing", "invalid", "warning", "rejected"
BLOCKING = (MISSING, INVALID)
_INDEXED = re.compile(r"^(?P<name>.+)\[(?P<index>\d+)\]$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_EAN_CODE = re.compile(r"(^|[_-])(ean|gtin)(13|14)?($|[_-])", re.IGNORECASE)
_BOOLEANS = {
    "true": "true",
    "yes": "true",
    "1": "true",
    "false": "false",
    "no": "false",
    "0": "false",
}


@dataclass
class BuiltListing:
    category: str
    record: dict[str, str] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return not self.category or any(p["kind"] in BLOCKING for p in self.problems)

    @property
    def record_hash(self) -> str:
        text = json.dumps(self.record, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def problem(self, attribute: str, kind: str, message: str) -> None:
        self.problems.append({"attribute": attribute, "kind": kind, "message": message})


def listing_build(item: Mapping, structure: CatalogueStructure) -> BuiltListing:
    """``item``: sku, ean, title, price, source_content, source_categories, sheet_content."""
    sheet = item.get("sheet_content") or {}
    category = str(sheet.get(structure.category_column) or "").strip() or structure.category_for(
        item.get("source_categories")
    )
    built = BuiltListing(category=category)
    if not category:
        names = ", ".join(map(str, item.get("source_categories") or ())) or "none"
        built.problem(
            structure.category_column,
            MISSING,
            f"no marketplace category: none of its source categories ({names}) is mapped",
        )
        return built
    if category not in structure.categories:
        built.problem(
            structure.category_column,
            INVALID,
            f"category {category!r} is not a marketplace category",
        )
        return built
    content = _content(item)
    for spec in structure.attributes_for(category):
        _attribute_add(built, spec, _raw_value(spec, item, sheet, content, structure, category))
        if spec.code in built.record:
            _value_check(built, spec, structure)
    return built


def _content(item: Mapping) -> dict:
    own = {name: item.get(name) for name in ("sku", "ean", "title", "price")}
    own = {k: str(v) for k, v in own.items() if v not in (None, "")}
    return {**own, **(item.get("source_content") or {})}


def _raw_value(spec, item, sheet, content, structure, category):
    if str(sheet.get(spec.code) or "").strip():
        return str(sheet[spec.code])
    if spec.code == structure.sku_column:
        return item["sku"]
    if spec.code == structure.category_column:
        return category
    rule = structure.field_rule(spec.code, category)
    if rule is None:
        return None
    value = field_value(content, rule.source_field) if rule.source_field else None
    if _is_empty(value):
        return rule.default or None
    return value


def field_value(content: Mapping, name: str):
    """The value of ``name`` (``name[n]``: its n-th value, counted from 1)."""
    match = _INDEXED.match(name)
    if match is None:
        return content.get(name)
    values = content.get(match["name"])
    if values is None:
        return None
    values = values if isinstance(values, list | tuple) else [values]
    index = int(match["index"])
    return values[index - 1] if 1 <= index <= len(values) else None


def _is_empty(value) -> bool:
    if isinstance(value, list | tuple):
        return not any(str(v).strip() for v in value)
    return value is None or not str(value).strip()


def _attribute_add(built: BuiltListing, spec: AttributeSpec, value) -> None:
    if _is_empty(value):
        if spec.required:
            built.problem(spec.code, MISSING, f"{_name(spec)} is required")
        elif spec.recommended:
            built.problem(spec.code, WARNING, f"{_name(spec)} is recommended")
        return
    values = [str(v).strip() for v in value] if isinstance(value, list | tuple) else None
    if values is not None:
        values = [v for v in values if v]
        many = spec.type == "LIST_MULTIPLE_VALUES"
        built.record[spec.code] = MULTI_SEPARATOR.join(values) if many else values[0]
    else:
        built.record[spec.code] = str(value).strip()


def _name(spec: AttributeSpec) -> str:
    return f"{spec.code} ({spec.label})" if spec.label and spec.label != spec.code else spec.code


def _value_check(built: BuiltListing, spec: AttributeSpec, structure: CatalogueStructure) -> None:
    value = built.record[spec.code]
    kind = spec.type
    if kind in ("LIST", "LIST_MULTIPLE_VALUES"):
        why = _list_problem(built, spec, structure)
    elif kind in ("MEDIA", "LINK"):
        why = None if _is_absolute_url(value) else f"{value!r} is not an absolute http(s) URL"
    elif kind == "INTEGER":
        why = None if _INTEGER.match(value) else f"{value!r} is not a whole number"
    elif kind in ("DECIMAL", "NUMERIC", "NUMBER"):
        why = None if _is_decimal(value) else f"{value!r} is not a number"
    elif kind in ("DATE", "DATETIME"):
        why = None if _is_date(value) else f"{value!r} is not a date (YYYY-MM-DD)"
    elif kind == "BOOLEAN":
        why = _boolean_problem(built, spec)
    else:
        why = _length_problem(spec, value)
    if why is None and _EAN_CODE.search(spec.code):
        problem = ean_problem(value)
        why = f"EAN {value!r} {problem}" if problem else None
    if why:
        built.problem(spec.code, INVALID, f"{_name(spec)}: {why}")


def _list_problem(built: BuiltListing, spec: AttributeSpec, structure) -> str | None:
    if spec.values_list not in structure.value_lists:
        return f"its value list {spec.values_list!r} was not in the marketplace's value lists"
    codes, unknown = [], []
    for text in built.record[spec.code].split(MULTI_SEPARATOR):
        code = structure.value_map.get((spec.code, text.strip().casefold())) or text
        found = structure.value_code(spec.values_list, code)
        (codes.append(found) if found else unknown.append(text))
    if unknown:
        return (
            f"{', '.join(map(repr, unknown))} is not in the list {spec.values_list} "
            "(map it under Catalogue mappings › Values)"
        )
    built.record[spec.code] = MULTI_SEPARATOR.join(codes)
    return None


def _boolean_problem(built: BuiltListing, spec: AttributeSpec) -> str | None:
    value = _BOOLEANS.get(built.record[spec.code].casefold())
    if value is None:
        return f"{built.record[spec.code]!r} is not true or false"
    built.record[spec.code] = value
    return None


def _length_problem(spec: AttributeSpec, value: str) -> str | None:
    if spec.max_length is not None and len(value) > spec.max_length:
        return f"{len(value)} characters, at most {spec.max_length} allowed"
    if spec.min_length is not None and len(value) < spec.min_length:
        return f"{len(value)} characters, at least {spec.min_length} needed"
    return None


def _is_absolute_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite() and value.isascii()
    except InvalidOperation:
        return False


def _is_date(value: str) -> bool:
    text = value.strip()
    if not text.isascii():
        return False
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    if len(text) == 10:
        return True
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True

"""Catalogue mappings as files (issue 21): categories, attributes and values.

- Categories: ``Source category`` → ``Marketplace category`` (an H11 code).
- Attributes: ``Marketplace attribute`` (a PM11 code) ← ``Source field``, for one
  ``Marketplace category`` (blank: every category), with a ``Default`` sent when the field is
  empty.
- Values: for a LIST attribute, ``Source value`` → ``Marketplace value`` (a VL11 code).

Imports behave like the carrier and SKU imports: every row is checked against the pulled
structure (:func:`structure_for`) before anything is stored, one bad row (with the row number
the spreadsheet shows) rejects the whole file, rows are created or changed one by one in one
transaction (each change in the mapping's history, with the import as its reason), and rows the
file does not name are kept. A source field that no product carries is a warning, not an error:
the mapping is stored and gives nothing until the source has the field. After an import every
SKU is rebuilt and validated (:func:`listings_refresh`), so the listings show the effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from integration_hub.columns import columns_problems
from integration_hub.flows.listing_rules import CatalogueStructure, structure_for
from integration_hub.models import (
    AttributeMapping,
    CategoryMapping,
    Integration,
    Product,
    ValueMapping,
)
from integration_hub.services.carrier_mappings import ImportRejected, ImportReport
from integration_hub.services.catalogue_mapping_rules import (
    FILE_WORDING,
    attribute_problem,
    attribute_target,
    category_problem,
    default_problem,
    hub_filled_problem,
    list_not_pulled_problem,
    list_specs,
    mapping_key,
    not_a_list_problem,
    specs_by_code,
    value_not_listed_problem,
)
from integration_hub.tabular import Row, TableError, table_read, table_write

CATEGORY_COLUMNS = ["Source category", "Marketplace category"]
ATTRIBUTE_COLUMNS = ["Marketplace attribute", "Source field", "Marketplace category", "Default"]
VALUE_COLUMNS = ["Marketplace attribute", "Source value", "Marketplace value"]
FIELD_COLUMNS = ["Source field", "Products"]
OWN_FIELDS = ("sku", "ean", "title", "price")  # the SKU map's columns, mappable like a field
NOT_PULLED = (
    "the marketplace's categories and attributes are not in the hub yet: "
    "run `hub sync catalogue` first"
)
_INDEXED = re.compile(r"^(?P<name>.+)\[\d+\]$")


@dataclass
class MappingImportReport(ImportReport):
    warnings: list[str] = field(default_factory=list)
    listings: dict[str, int] = field(default_factory=dict)  # listings_refresh's counts


def _rows_read(path: str | Path, columns: list[str], optional: list[str]) -> list[Row]:
    """The file's rows keyed by the lower-case column names (tabular.py lower-cases headers)."""
    names = [column.lower() for column in columns]
    optional_names = [column.lower() for column in optional]
    required = [name for name in names if name not in optional_names]
    try:
        return table_read(path, required=required, optional=optional_names)
    except TableError as error:
        raise ImportRejected([str(error)]) from None


def structure_pulled(integration: Integration) -> CatalogueStructure:
    """The integration's structure, or ImportRejected when it was never pulled."""
    structure = structure_for(integration)
    if not structure.pulled:
        raise ImportRejected([NOT_PULLED])
    return structure


def _repeats(rows: list[Row], key: Callable[[Row], tuple], what: str) -> list[str]:
    first_seen: dict[tuple, int] = {}
    errors = []
    for row in rows:
        first = first_seen.setdefault(key(row), row.number)
        if first != row.number:
            errors.append(f"row {row.number}: same {what} as row {first}")
    return errors


def _rejected(errors: list[str]) -> ImportRejected:
    """The file's problems in row order (a repeat is found after the row checks)."""
    return ImportRejected(sorted(errors, key=lambda error: int(error.split()[1].rstrip(":"))))


def _mapping_upsert(
    existing: dict, key, model: type[models.Model], values: dict, *, integration, reason, user
) -> str:
    """Create or change one mapping row through the model (so its history records it)."""
    mapping = existing.get(key)
    if mapping is None:
        mapping, outcome = model(integration=integration, **values), "created"
    elif all(getattr(mapping, name) == value for name, value in values.items()):
        return "unchanged"
    else:
        for name, value in values.items():
            setattr(mapping, name, value)
        outcome = "updated"
    mapping._change_reason = reason
    if user is not None:  # a screen's upload; the CLI has no user
        mapping._history_user = user
    mapping.save()
    existing[key] = mapping
    return outcome


def _rows_store(integration, rows_values: list[tuple], model, *, reason, user, report) -> None:
    """``rows_values``: (key, field values) per row; existing rows are matched on the key."""
    with transaction.atomic():
        existing = {
            _existing_key(model, row): row for row in model.objects.filter(integration=integration)
        }
        for key, values in rows_values:
            outcome = _mapping_upsert(
                existing, key, model, values, integration=integration, reason=reason, user=user
            )
            setattr(report, outcome, getattr(report, outcome) + 1)


def _existing_key(model, row) -> tuple:
    if model is CategoryMapping:
        return (mapping_key(row.source_category),)
    if model is AttributeMapping:
        return (row.marketplace_attribute, row.marketplace_category)
    return (row.marketplace_attribute, mapping_key(row.source_value))


def _refreshed(integration: Integration, report: MappingImportReport) -> MappingImportReport:
    from integration_hub.flows.listings import listings_refresh

    report.listings = listings_refresh(integration)
    return report


# Categories ------------------------------------------------------------------------------------


def _category_problems(row: Row, structure: CatalogueStructure) -> list[str]:
    source, code = row.values["source category"], row.values["marketplace category"]
    if not source:
        return ["Source category is empty"]
    if not code:
        return ["Marketplace category is empty"]
    if why := category_problem(structure, code, wording=FILE_WORDING):
        return [f"{why} (run `hub sync catalogue` if it is new)"]
    return columns_problems(
        CategoryMapping,
        {"source_category": source, "marketplace_category": code},
        {"source_category": "Source category", "marketplace_category": "Marketplace category"},
    )


def _category_fields(row: Row) -> tuple[tuple[str], dict[str, str]]:
    """(the mapping's key: the source category ignoring case, as the builder matches it, its
    field values) for one row."""
    source = row.values["source category"]
    fields = {"source_category": source, "marketplace_category": row.values["marketplace category"]}
    return (mapping_key(source),), fields


def category_mappings_import(
    integration: Integration, path: str | Path, *, user=None
) -> MappingImportReport:
    structure = structure_pulled(integration)
    rows = _rows_read(path, CATEGORY_COLUMNS, optional=[])
    errors = [
        f"row {row.number}: {problem}"
        for row in rows
        for problem in _category_problems(row, structure)
    ]
    errors += _repeats(rows, lambda row: _category_fields(row)[0], "source category")
    if errors:
        raise _rejected(errors)
    report = MappingImportReport()
    _rows_store(
        integration,
        [_category_fields(row) for row in rows],
        CategoryMapping,
        reason="Category mappings import",
        user=user,
        report=report,
    )
    return _refreshed(integration, report)


def category_mappings_export(integration: Integration, path: str | Path) -> int:
    mappings = CategoryMapping.objects.filter(integration=integration).order_by("source_category")
    return table_write(
        path, CATEGORY_COLUMNS, ([m.source_category, m.marketplace_category] for m in mappings)
    )


# Attributes ------------------------------------------------------------------------------------


def fields_carried(integration: Integration) -> list[tuple[str, int]]:
    """Every field a mapping can name, with how many products carry it: the source's fields
    (:func:`source_fields_seen`) and the SKU map's own columns."""
    from integration_hub.flows.listings import source_fields_seen

    counts = dict(source_fields_seen(integration))
    products = Product.objects.filter(integration=integration)
    own = {
        "sku": products.exclude(sku="").count(),
        "ean": products.exclude(ean="").count(),
        "title": products.exclude(title="").count(),
        "price": products.exclude(price=None).count(),
    }
    for name in OWN_FIELDS:
        counts[name] = max(counts.get(name, 0), own[name])
    return sorted(counts.items())


def source_fields_export(integration: Integration, path: str | Path) -> int:
    return table_write(path, FIELD_COLUMNS, ([name, n] for name, n in fields_carried(integration)))


def _attribute_problems(row: Row, structure: CatalogueStructure, index) -> list[str]:
    values = row.values
    code, category = values["marketplace attribute"], values.get("marketplace category", "")
    source, default = values["source field"], values.get("default", "")
    if not code:
        return ["Marketplace attribute is empty"]
    if why := attribute_problem(code, index.get(code, []), wording=FILE_WORDING):
        return [why]
    if why := hub_filled_problem(structure, code, wording=FILE_WORDING):
        return [why]
    if category and (why := category_problem(structure, category, wording=FILE_WORDING)):
        return [why]
    specs, why = attribute_target(structure, index, code, category, wording=FILE_WORDING)
    if why:
        return [why]
    if not source and not default:
        return ["give a Source field, a Default, or both"]
    problems = [default_problem(default, specs, structure, wording=FILE_WORDING)] if default else []
    problems += columns_problems(
        AttributeMapping,
        {"marketplace_attribute": code, "source_field": source, "default": default},
        {"marketplace_attribute": "Marketplace attribute", "source_field": "Source field"},
    )
    return [problem for problem in problems if problem]


def _field_warnings(rows: list[Row], integration: Integration) -> list[str]:
    carried = dict(fields_carried(integration))
    total = Product.objects.filter(integration=integration).count()
    warnings = []
    for row in rows:
        source = row.values["source field"]
        name = match["name"] if (match := _INDEXED.match(source)) else source
        if source and not carried.get(name):
            warnings.append(
                f"row {row.number}: no product carries source field {name!r} "
                f"(0 of {total} products); saved, it gives nothing until the source has it "
                "(`hub mappings export attributes --fields` lists the fields)"
            )
    return warnings


def _attribute_fields(row: Row) -> tuple[tuple[str, str], dict[str, str]]:
    """(the mapping's key: attribute and category, its field values) for one row."""
    fields = {
        "marketplace_attribute": row.values["marketplace attribute"],
        "marketplace_category": row.values.get("marketplace category", ""),
        "source_field": row.values["source field"],
        "default": row.values.get("default", ""),
    }
    return (fields["marketplace_attribute"], fields["marketplace_category"]), fields


def attribute_mappings_import(
    integration: Integration, path: str | Path, *, user=None
) -> MappingImportReport:
    structure = structure_pulled(integration)
    rows = _rows_read(path, ATTRIBUTE_COLUMNS, optional=["Marketplace category", "Default"])
    index = specs_by_code(structure)
    errors = [
        f"row {row.number}: {problem}"
        for row in rows
        for problem in _attribute_problems(row, structure, index)
    ]
    errors += _repeats(
        rows, lambda row: _attribute_fields(row)[0], "marketplace attribute and category"
    )
    if errors:
        raise _rejected(errors)
    report = MappingImportReport(warnings=_field_warnings(rows, integration))
    _rows_store(
        integration,
        [_attribute_fields(row) for row in rows],
        AttributeMapping,
        reason="Attribute mappings import",
        user=user,
        report=report,
    )
    return _refreshed(integration, report)


def attribute_mappings_export(integration: Integration, path: str | Path) -> int:
    mappings = AttributeMapping.objects.filter(integration=integration).order_by(
        "marketplace_attribute", "marketplace_category"
    )
    return table_write(
        path,
        ATTRIBUTE_COLUMNS,
        (
            [m.marketplace_attribute, m.source_field, m.marketplace_category, m.default]
            for m in mappings
        ),
    )


# Values ----------------------------------------------------------------------------------------


def _value_target(row: Row, structure: CatalogueStructure, index) -> tuple[str, str]:
    """(the value list's code for the row's marketplace value, the problem) — one is empty."""
    code, value = row.values["marketplace attribute"], row.values["marketplace value"]
    if not code:
        return "", "Marketplace attribute is empty"
    specs, _why = attribute_target(structure, index, code, "", wording=FILE_WORDING)  # not DISABLED
    if why := attribute_problem(code, specs, wording=FILE_WORDING):
        return "", why
    lists = list_specs(specs)
    if why := not_a_list_problem(code, specs, lists, wording=FILE_WORDING):
        return "", why
    if not row.values["source value"]:
        return "", "Source value is empty"
    if not value:
        return "", "Marketplace value is empty"
    for spec in lists:
        if why := list_not_pulled_problem(structure, code, spec.values_list, wording=FILE_WORDING):
            return "", why
        if found := structure.value_code(spec.values_list, value):
            return found, ""
    values_lists = [spec.values_list for spec in lists]
    return "", value_not_listed_problem(code, value, values_lists, wording=FILE_WORDING)


def value_mappings_import(
    integration: Integration, path: str | Path, *, user=None
) -> MappingImportReport:
    """A Marketplace value may be given by its code or its label (any case); the code is kept."""
    structure = structure_pulled(integration)
    rows = _rows_read(path, VALUE_COLUMNS, optional=[])
    index = specs_by_code(structure)
    errors, values = [], []
    for row in rows:
        target, problem = _value_target(row, structure, index)
        problems = [problem] if problem else []
        code, source = row.values["marketplace attribute"], row.values["source value"]
        problems += columns_problems(
            ValueMapping,
            {"marketplace_attribute": code, "source_value": source},
            {"marketplace_attribute": "Marketplace attribute", "source_value": "Source value"},
        )
        errors += [f"row {row.number}: {problem}" for problem in problems]
        fields = {"marketplace_attribute": code, "source_value": source}
        values.append(((code, mapping_key(source)), {**fields, "marketplace_value": target}))
    errors += _repeats(
        rows,
        lambda row: (row.values["marketplace attribute"], mapping_key(row.values["source value"])),
        "marketplace attribute and source value",
    )
    if errors:
        raise _rejected(errors)
    report = MappingImportReport()
    _rows_store(
        integration, values, ValueMapping, reason="Value mappings import", user=user, report=report
    )
    return _refreshed(integration, report)


def value_mappings_export(integration: Integration, path: str | Path) -> int:
    mappings = ValueMapping.objects.filter(integration=integration).order_by(
        "marketplace_attribute", "source_value"
    )
    return table_write(
        path,
        VALUE_COLUMNS,
        ([m.marketplace_attribute, m.source_value, m.marketplace_value] for m in mappings),
    )

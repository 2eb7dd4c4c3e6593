"""The catalogue spreadsheet (issue 21): a John-Lewis-style template for one marketplace
category, and the filled file read back into each SKU's ``Product.sheet_content``.

The template (:func:`catalogue_template_write`) is an .xlsx workbook:

- **Products**: row 1 names the columns as the hub reads them (``sku``, the marketplace
  category column, then one column per attribute of the category: the shared ones, its
  ancestors' and its own, required first); row 2 repeats each column's label with
  "(required)" or "(recommended)" and is never imported; required headers are bold, and each
  header has a comment with the attribute's type, limits, description and example. One row per
  SKU already in the category, pre-filled with its current built record (and, on request, one
  per SKU without a category). LIST attributes get a drop-down of their value-list codes.
- **Lists** (hidden): the value lists the drop-downs point at, codes and labels.
- **Help**: how to fill the sheet, and every attribute with its rules.

The import (:func:`catalogue_sheet_import`) is all-or-nothing with row numbers, through
``tabular.py`` (size and row limits, formulas and scientific notation refused). Per cell:

- a value stored in the sheet content already is replaced by the cell's value;
- a value equal to what the hub builds for that SKU today (from the source, a mapping or a
  default) is left to them, so re-importing a pre-filled template does not freeze the source's
  values; any other non-empty value is stored and wins over the source from then on;
- an emptied cell removes the sheet's value for that attribute (the source's value, if any,
  applies again); columns the file does not have are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.db import transaction
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from integration_hub.columns import columns_problems
from integration_hub.flows.listing_rules import AttributeSpec, CatalogueStructure, structure_for
from integration_hub.models import Integration, Product, Requirement
from integration_hub.services.carrier_mappings import ImportRejected
from integration_hub.services.catalogue_mapping_rules import LIST_TYPES, MULTI_SEPARATOR
from integration_hub.services.catalogue_mappings import NOT_PULLED, structure_pulled
from integration_hub.tabular import TableError, cell_safe, table_read

PRODUCTS_SHEET, LISTS_SHEET, HELP_SHEET = "Products", "Lists", "Help"
SKU_COLUMN = "sku"
LABEL_ROW_MARK = "(labels: this row is not imported)"
SPARE_ROWS = 1000  # drop-downs reach this far below the last SKU
REQUIREMENT_ORDER = {Requirement.REQUIRED: 0, Requirement.RECOMMENDED: 1}
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
IMPORT_REASON = "Catalogue spreadsheet import"


class TemplateRefused(ValueError):
    """The template cannot be written (unknown category, structure never pulled)."""


@dataclass(frozen=True)
class TemplateColumn:
    code: str
    label: str
    spec: AttributeSpec | None = None  # None: the hub's own sku and category columns

    @property
    def requirement(self) -> str:
        return self.spec.requirement if self.spec else Requirement.REQUIRED


@dataclass
class TemplateReport:
    skus: int
    columns: int


@dataclass
class SheetImportReport:
    updated: int = 0
    unchanged: int = 0
    values_set: int = 0
    values_removed: int = 0
    listings: dict[str, int] = field(default_factory=dict)


# Template --------------------------------------------------------------------------------------


def template_columns(structure: CatalogueStructure, category: str) -> list[TemplateColumn]:
    """``sku``, the category column, then the category's attributes, required ones first (the
    SKU attribute is the ``sku`` column: the hub fills it)."""
    specs = [
        spec
        for spec in structure.attributes_for(category)
        if spec.code not in (structure.sku_column, structure.category_column)
    ]
    specs.sort(key=lambda spec: REQUIREMENT_ORDER.get(spec.requirement, 2))
    own = {spec.code: spec for spec in structure.attributes_for(category)}
    category_spec = own.get(structure.category_column)
    return [
        TemplateColumn(SKU_COLUMN, "SKU"),
        TemplateColumn(
            structure.category_column,
            category_spec.label if category_spec and category_spec.label else "Category",
        ),
        *(TemplateColumn(spec.code, spec.label or spec.code, spec) for spec in specs),
    ]


def _category_checked(structure: CatalogueStructure, category: str) -> None:
    if not structure.pulled:
        raise TemplateRefused(NOT_PULLED)
    if category in structure.categories:
        return
    text = category.casefold()
    near = [
        f"{info.code} ({info.label})"
        for info in structure.categories.values()
        if text and (text in info.code.casefold() or text in info.label.casefold())
    ]
    hint = f"; did you mean {', '.join(sorted(near)[:5])}?" if near else ""
    raise TemplateRefused(f"{category!r} is not a marketplace category{hint}")


def _template_products(integration: Integration, category: str, uncategorised: bool):
    codes = [category, ""] if uncategorised else [category]
    return Product.objects.filter(integration=integration, listing_category__in=codes).order_by(
        "sku"
    )


def _product_cells(product: Product, columns: list[TemplateColumn], structure) -> list:
    """The SKU's values as the hub builds them today; the sheet's own values win."""
    values = {**(product.listing_record or {}), **(product.sheet_content or {})}
    values.setdefault(structure.category_column, product.listing_category)
    values[SKU_COLUMN] = product.sku
    return [cell_safe(str(values.get(column.code) or "")) or None for column in columns]


def catalogue_template_write(
    integration: Integration, path: str | Path, *, category: str, uncategorised: bool = False
) -> TemplateReport:
    """Write the template of ``category``; ``uncategorised`` adds the SKUs without a category
    (with an empty category cell to choose from the drop-down)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise TemplateRefused(f"{path.name}: the template is an .xlsx file")
    structure = structure_for(integration)
    _category_checked(structure, category)
    columns = template_columns(structure, category)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = PRODUCTS_SHEET
    _headers_write(sheet, columns)
    skus = 0
    for product in _template_products(integration, category, uncategorised):
        sheet.append(_product_cells(product, columns, structure))
        skus += 1
    _text_format(sheet, len(columns), 2 + skus)
    _drop_downs_add(workbook, sheet, columns, structure, category, 2 + skus + SPARE_ROWS)
    _help_write(workbook.create_sheet(HELP_SHEET), columns, structure, category)
    workbook.save(path)
    return TemplateReport(skus=skus, columns=len(columns))


def _mark(column: TemplateColumn) -> str:
    if column.requirement == Requirement.REQUIRED:
        return " (required)"
    if column.requirement == Requirement.RECOMMENDED:
        return " (recommended)"
    return ""


def _headers_write(sheet, columns: list[TemplateColumn]) -> None:
    sheet.append([cell_safe(column.code) for column in columns])
    sheet.append([LABEL_ROW_MARK] + [cell_safe(c.label + _mark(c)) for c in columns[1:]])
    for index, column in enumerate(columns, start=1):
        required = column.requirement == Requirement.REQUIRED
        for row in (1, 2):
            cell = sheet.cell(row=row, column=index)
            cell.font = Font(bold=required, italic=row == 2)
            if required:
                cell.fill = REQUIRED_FILL
        if column.spec is not None:
            sheet.cell(row=1, column=index).comment = Comment(_rules_text(column.spec), "hub")
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(len(column.code), len(column.label + _mark(column)), 10) + 2, 50
        )
    sheet.freeze_panes = "B3"


def _rules_text(spec: AttributeSpec) -> str:
    lines = [f"{spec.label or spec.code} ({spec.requirement.lower()}), type {spec.type}"]
    if spec.values_list:
        lines.append(f"values: the list {spec.values_list} (drop-down)")
    if spec.type == "LIST_MULTIPLE_VALUES":
        lines.append(f"several values: separate them with {MULTI_SEPARATOR}")
    if spec.max_length is not None:
        lines.append(f"at most {spec.max_length} characters")
    if spec.min_length is not None:
        lines.append(f"at least {spec.min_length} characters")
    if spec.description:
        lines.append(spec.description)
    if spec.example:
        lines.append(f"example: {spec.example}")
    return "\n".join(lines)[:2000]


def _text_format(sheet, width: int, last_row: int) -> None:
    """Every cell is text, so EANs keep their leading zeros and codes never become numbers
    (the column's format covers the rows a person adds; the filled cells carry their own)."""
    for index in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    for row in sheet.iter_rows(min_row=3, max_row=last_row, max_col=width):
        for cell in row:
            cell.number_format = "@"


def _drop_downs_add(workbook, sheet, columns, structure, category, last_row: int) -> None:
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    placed: dict[str, str] = {}  # value list code -> its range on the Lists sheet
    choices = {structure.category_column: [(category, structure.categories[category].label)]}
    for column in columns[1:]:
        key = column.code if column.spec is None else column.spec.values_list
        if column.spec is not None and (column.spec.type not in LIST_TYPES or not key):
            continue
        values = choices.get(key) or structure.value_choices(key)
        if not values:
            continue
        if key not in placed:
            placed[key] = _list_place(lists, len(placed), key, values)
        validation = _validation(placed[key], column)
        sheet.add_data_validation(validation)
        letter = get_column_letter(columns.index(column) + 1)
        validation.add(f"{letter}3:{letter}{last_row}")


def _list_place(lists, index: int, name: str, values: list[tuple[str, str]]) -> str:
    """Put one list in two columns (code, label) of the Lists sheet; returns the codes' range."""
    code_column, label_column = 2 * index + 1, 2 * index + 2
    lists.cell(row=1, column=code_column, value=cell_safe(name))
    lists.cell(row=1, column=label_column, value="label")
    for row, (code, label) in enumerate(values, start=2):
        lists.cell(row=row, column=code_column, value=cell_safe(code))
        lists.cell(row=row, column=label_column, value=cell_safe(label))
    letter = get_column_letter(code_column)
    return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"


def _validation(cells_range: str, column: TemplateColumn) -> DataValidation:
    several = column.spec is not None and column.spec.type == "LIST_MULTIPLE_VALUES"
    return DataValidation(
        type="list",
        formula1=cells_range,
        allow_blank=True,
        # several values ("a|b") are typed, so the drop-down only suggests
        showErrorMessage=not several,
        errorTitle="Not in the list",
        error=f"Pick a value of {column.code} from the drop-down.",
    )


HELP_LINES = [
    "How to fill this sheet",
    "Row 1 holds the column names the hub reads; do not change them. Row 2 (labels) is never "
    "imported. Fill one row per SKU; the sku column must be a SKU of the hub's SKU map.",
    "Bold headers are required by the marketplace for this category; (recommended) ones are "
    "shown as warnings when empty. Each header has a comment with its rules.",
    "Columns with a drop-down take a code of the marketplace's value list; the hidden Lists "
    "sheet holds the codes and their labels. For several values, separate them with |.",
    "Pre-filled values are what the hub builds today from the source system and the mappings. "
    "A value you change or add is kept and wins over the source; a value left as it is stays "
    "the source's. An emptied cell removes the value this sheet gave (the source's value, if "
    "any, applies again).",
    "Import with: python manage.py hub catalogue import FILE.xlsx. One problem in the file "
    "(an unknown SKU or column, a formula, a number in scientific notation) rejects the whole "
    "file with row numbers; nothing is half-imported. Paste values, not formulas.",
]


def _help_write(sheet, columns: list[TemplateColumn], structure, category: str) -> None:
    info = structure.categories[category]
    sheet.append([f"Catalogue template for {info.label or info.code} ({info.code})"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in HELP_LINES:
        sheet.append([line])
    sheet.append([])
    header = ["Column", "Label", "Requirement", "Type", "Value list", "Max length", "Rules"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        spec = column.spec
        rules = _rules_text(spec) if spec else "Filled by the hub's SKU map and mappings"
        sheet.append(
            [cell_safe(text) for text in (column.code, column.label)]
            + [column.requirement.lower(), spec.type if spec else "", spec and spec.values_list]
            + [spec.max_length if spec else None, cell_safe(rules)]
        )
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["G"].width = 80


# Import ----------------------------------------------------------------------------------------


def _column_codes(structure: CatalogueStructure) -> dict[str, list[str]]:
    """Lower-case column name -> the attribute codes it can name (tabular.py lower-cases)."""
    codes: dict[str, list[str]] = {}
    for code in structure.attribute_codes() | {structure.category_column}:
        if code != structure.sku_column and code.lower() != SKU_COLUMN:
            codes.setdefault(code.lower(), []).append(code)
    return codes


def _sheet_rows(path: str | Path, column_codes: dict[str, list[str]]):
    try:
        rows = table_read(
            path, required=[SKU_COLUMN], optional=sorted(column_codes), sheet=PRODUCTS_SHEET
        )
    except TableError as error:
        message = str(error)
        if message.startswith("row 1:"):  # the expected list would name every attribute
            message = message.split(". Expected: ", 1)[0] + (
                f". Expected: {SKU_COLUMN}, then marketplace attribute codes (the template's "
                "first row; its Help sheet lists them)"
            )
        raise ImportRejected([message]) from None
    return [row for row in rows if row.values[SKU_COLUMN] != LABEL_ROW_MARK]


def _header_problems(names, column_codes: dict[str, list[str]]) -> list[str]:
    return [
        f"row 1: column {name!r} matches the attributes {' and '.join(sorted(codes))}, "
        "whose codes differ only in case; the hub cannot tell them apart"
        for name in names
        if len(codes := column_codes.get(name, [])) > 1
    ]


def _row_problems(row, product: Product | None, codes: dict[str, str], structure) -> list[str]:
    sku = row.values[SKU_COLUMN]
    if not sku:
        return ["sku is empty"]
    if product is None:
        return [f"sku {sku!r} is not in the SKU map (read the catalogue first)"]
    category = row.values.get(structure.category_column.lower(), "")
    if category and category not in structure.categories:
        return [f"{category!r} is not a marketplace category"]
    category = category or _category_of(product, structure)
    if not category:
        return []
    known = {spec.code for spec in structure.attributes_for(category)}
    known |= {structure.category_column}
    return [
        f"{code} is not an attribute of category {category}: leave its cell empty"
        for name, code in codes.items()
        if row.values.get(name) and code not in known
    ]


def _category_of(product: Product, structure) -> str:
    return (product.sheet_content or {}).get(structure.category_column) or product.listing_category


def _rows_checked(rows, products: dict[str, Product], codes: dict[str, str], structure):
    errors, first_seen = [], {}
    for row in rows:
        sku = row.values[SKU_COLUMN]
        problems = _row_problems(row, products.get(sku), codes, structure)
        first = first_seen.setdefault(sku, row.number)
        if sku and first != row.number:
            problems.append(f"sku {sku!r} repeats row {first}")
        errors += [f"row {row.number}: {problem}" for problem in problems]
    return errors


def sheet_content_merged(product: Product, values: dict[str, str], structure) -> dict[str, str]:
    """The SKU's sheet content after the file's ``values`` (attribute code -> cell text)."""
    content = dict(product.sheet_content or {})
    built = {**(product.listing_record or {})}
    built.setdefault(structure.category_column, product.listing_category)
    for code, value in values.items():
        if not value:
            content.pop(code, None)
        elif code in content or value != str(built.get(code) or ""):
            content[code] = value
    return content


def catalogue_sheet_import(
    integration: Integration, path: str | Path, *, user=None
) -> SheetImportReport:
    """Read a filled template's Products sheet into the SKUs' sheet content (see the module
    docstring for what a cell does), then rebuild every listing."""
    structure = structure_pulled(integration)
    column_codes = _column_codes(structure)
    rows = _sheet_rows(path, column_codes)
    names = [name for name in (rows[0].values if rows else {}) if name != SKU_COLUMN]
    errors = _header_problems(names, column_codes)
    codes = {name: column_codes[name][0] for name in names}
    skus = {row.values[SKU_COLUMN] for row in rows}
    products = {p.sku: p for p in Product.objects.filter(integration=integration, sku__in=skus)}
    errors += _rows_checked(rows, products, codes, structure)
    changes = _changes_planned(rows, products, codes, structure, errors)
    if errors:
        raise ImportRejected(errors)
    report = _changes_store(changes, products, user)
    report.unchanged = len(rows) - report.updated
    from integration_hub.flows.listings import listings_refresh

    report.listings = listings_refresh(integration)
    return report


def _changes_planned(rows, products, codes, structure, errors: list[str]) -> dict[str, dict]:
    """New sheet content per SKU that changes (problems that only show then go to ``errors``)."""
    if errors:
        return {}
    changes = {}
    for row in rows:
        product = products[row.values[SKU_COLUMN]]
        values = {code: row.values.get(name, "") for name, code in codes.items()}
        content = sheet_content_merged(product, values, structure)
        problems = columns_problems(Product, {"sheet_content": content})
        errors += [f"row {row.number}: {problem}" for problem in problems]
        if content != (product.sheet_content or {}):
            changes[product.sku] = content
    return changes


def _changes_store(changes: dict[str, dict], products, user) -> SheetImportReport:
    report = SheetImportReport()
    with transaction.atomic():
        for sku, content in changes.items():
            product = products[sku]
            before = product.sheet_content or {}
            report.values_removed += len(before.keys() - content.keys())
            report.values_set += sum(before.get(code) != value for code, value in content.items())
            product.sheet_content = content
            product._change_reason = IMPORT_REASON
            if user is not None:
                product._history_user = user
            product.save(update_fields=["sheet_content", "updated_at"])
            report.updated += 1
    return report

"""The catalogue spreadsheet: a category's template and the filled file read back (issue 21)."""

from __future__ import annotations

import openpyxl
import pytest

from integration_hub.flows.listings import listings_refresh
from integration_hub.models import AttributeMapping, CategoryMapping, ListingStatus, Product
from integration_hub.services.carrier_mappings import ImportRejected
from integration_hub.services.catalogue_mappings import NOT_PULLED
from integration_hub.services.catalogue_sheet import (
    LABEL_ROW_MARK,
    TemplateRefused,
    catalogue_sheet_import,
    catalogue_template_write,
)
from tests.integration_hub.factories import integration_make
from tests.integration_hub.test_catalogue_mappings import catalogue_seed

pytestmark = pytest.mark.django_db

HEADER = ("sku", "category", "ean", "title", "colour", "size", "main_image", "fabric")


@pytest.fixture
def integration():
    """Dresses mapped; DR-1's colour "Midnight" is not a list value, so DR-1 is incomplete."""
    integration = integration_make()
    catalogue_seed(integration)
    CategoryMapping.objects.create(
        integration=integration, source_category="Women / Dresses", marketplace_category="DRESSES"
    )
    for code, source in [("title", "name"), ("ean", "ean"), ("colour", "color"), ("size", "size")]:
        AttributeMapping.objects.create(
            integration=integration, marketplace_attribute=code, source_field=source
        )
    listings_refresh(integration)
    return integration


def template(integration, tmp_path, **options) -> openpyxl.Workbook:
    path = tmp_path / "dresses.xlsx"
    catalogue_template_write(
        integration, path, category=options.pop("category", "DRESSES"), **options
    )
    return openpyxl.load_workbook(path)


def rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_the_template_has_every_attribute_of_the_category_required_first(integration, tmp_path):
    workbook = template(integration, tmp_path)
    assert workbook.sheetnames == ["Products", "Lists", "Help"]
    assert workbook["Lists"].sheet_state == "hidden"
    sheet = workbook["Products"]
    rows = rows_of(sheet)
    assert rows[0] == HEADER  # shop_sku is the sku column; legacy is DISABLED; no kettle power
    assert rows[1] == (
        LABEL_ROW_MARK,
        "Category (required)",
        "EAN (required)",
        "Title (required)",
        "Colour (required)",
        "Size (required)",
        "Main image (recommended)",
        "fabric",
    )
    assert sheet["D1"].font.b and not sheet["G1"].font.b  # bold: required
    assert "at most 40 characters" in sheet["D1"].comment.text
    assert rows[2] == (
        "DR-1",
        "DRESSES",
        "5012345678900",
        "Linen dress",
        "Midnight",
        "UK10",
        None,
        None,
    )
    assert rows[3][0] == "DR-2" and len(rows) == 4  # the kettle is not in this category
    assert sheet["C3"].data_type == "s" and sheet["C4"].value == "96385074"  # EANs stay text
    assert sheet["C4"].number_format == "@" and sheet.column_dimensions["C"].number_format == "@"


def test_list_attributes_get_drop_downs_from_the_lists_sheet(integration, tmp_path):
    workbook = template(integration, tmp_path)
    found = workbook["Products"].data_validations.dataValidation
    validations = {str(v.sqref).split(":")[0][:-1]: v for v in found}
    assert sorted(validations) == ["B", "E", "F", "H"]  # category, colour, size, fabric
    lists = rows_of(workbook["Lists"])
    colour = validations["E"]
    column = colour.formula1.split("!")[1].split(":")[0].strip("$").rstrip("$2")
    assert colour.formula1 == f"'Lists'!${column}$2:${column}$4" and colour.showErrorMessage
    index = openpyxl.utils.column_index_from_string(column) - 1
    assert [row[index] for row in lists] == ["COLOURS", "BLACK", "NAVY", "RED"]
    assert [row[index + 1] for row in lists[1:]] == ["Black", "Navy", "Red"]
    assert not validations["H"].showErrorMessage  # several fabrics are typed as LINEN|COTTON
    assert str(validations["E"].sqref) == "E3:E1004"


def test_the_help_sheet_lists_the_columns_and_their_rules(integration, tmp_path):
    rows = rows_of(template(integration, tmp_path)["Help"])
    assert rows[0][0] == "Catalogue template for Dresses (DRESSES)"
    text = " ".join(str(row[0]) for row in rows[1:7])
    assert "An emptied cell removes the value this sheet gave" in text
    by_column = {row[0]: row for row in rows[8:]}
    assert by_column["colour"][1:5] == ("Colour", "required", "LIST", "COLOURS")
    assert by_column["title"][5] == 40


def test_unknown_category_and_missing_structure_are_refused(integration, tmp_path):
    with pytest.raises(
        TemplateRefused,
        match=r"'DRESS' is not a marketplace category; did you "
        r"mean DRESSES \(Dresses\)\?",
    ):
        template(integration, tmp_path, category="DRESS")
    with pytest.raises(TemplateRefused, match=NOT_PULLED.replace("`", ".")):
        template(integration_make("fresh"), tmp_path)
    with pytest.raises(TemplateRefused, match="the template is an .xlsx file"):
        catalogue_template_write(integration, tmp_path / "t.csv", category="DRESSES")


def _cell_set(path, cell: str, value) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook["Products"][cell] = value
    workbook.save(path)


def test_round_trip_fills_a_gap_without_freezing_the_source(integration, tmp_path):
    path = tmp_path / "dresses.xlsx"
    catalogue_template_write(integration, path, category="DRESSES")
    assert Product.objects.get(sku="DR-1").listing_status == ListingStatus.INCOMPLETE
    _cell_set(path, "E3", "NAVY")  # DR-1's colour
    _cell_set(path, "H3", "LINEN|COTTON")
    report = catalogue_sheet_import(integration, path)
    assert (report.updated, report.unchanged, report.values_set) == (1, 1, 2)
    dr1 = Product.objects.get(sku="DR-1")
    assert dr1.sheet_content == {"colour": "NAVY", "fabric": "LINEN|COTTON"}  # the rest: source
    assert dr1.listing_status == ListingStatus.READY
    assert (dr1.listing_record["colour"], dr1.listing_record["fabric"]) == ("NAVY", "LINEN|COTTON")
    assert report.listings[ListingStatus.READY] == 2
    latest = dr1.history.first()
    assert (latest.sheet_content, latest.history_change_reason) == (
        dr1.sheet_content,
        "Catalogue spreadsheet import",
    )
    # the next template shows the sheet's value; emptying it gives the source's back
    catalogue_template_write(integration, path, category="DRESSES")
    assert openpyxl.load_workbook(path)["Products"]["E3"].value == "NAVY"
    _cell_set(path, "E3", None)
    report = catalogue_sheet_import(integration, path)
    assert (report.updated, report.values_removed) == (1, 1)
    dr1.refresh_from_db()
    assert dr1.sheet_content == {"fabric": "LINEN|COTTON"}
    assert dr1.listing_status == ListingStatus.INCOMPLETE  # "Midnight" again


def test_a_sku_without_a_category_gets_one_from_the_sheet(integration, tmp_path):
    """SEKO brands carry no content: the sheet gives the category and every value."""
    Product.objects.create(integration=integration, sku="SK-9", offer_sku="SK-9", ean="")
    listings_refresh(integration)
    path = tmp_path / "dresses.xlsx"
    catalogue_template_write(integration, path, category="DRESSES", uncategorised=True)
    rows = rows_of(openpyxl.load_workbook(path)["Products"])
    assert [row[0] for row in rows[2:]] == ["DR-1", "DR-2", "KT-1", "SK-9"]  # kettles: unmapped
    assert rows[5][1:] == (None,) * 7  # nothing built yet: choose the category
    workbook = openpyxl.load_workbook(path)
    for cell, value in zip(
        ["B6", "C6", "D6", "E6", "F6"],
        ["DRESSES", "5012345678900", "Silk dress", "RED", "UK 12"],
        strict=True,
    ):
        workbook["Products"][cell] = value
    workbook.save(path)
    catalogue_sheet_import(integration, path)
    product = Product.objects.get(sku="SK-9")
    assert product.listing_category == "DRESSES"
    assert product.listing_status == ListingStatus.READY
    assert product.listing_record["size"] == "UK12"


def _bad_file(tmp_path, rows: list[list]) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Products"
    for row in rows:
        sheet.append(row)
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    return path


def test_bad_rows_reject_the_whole_file_with_row_numbers(integration, tmp_path):
    path = _bad_file(
        tmp_path,
        [
            ["sku", "category", "colour", "power_w"],
            [LABEL_ROW_MARK, "Category", "Colour", "Power"],
            ["DR-1", "", "NAVY", ""],
            ["NOPE", "", "RED", ""],
            ["DR-2", "", "", "2000"],
            ["DR-1", "", "BLACK", ""],
            ["KT-1", "SHOES", "", ""],
            ["", "", "RED", ""],
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        catalogue_sheet_import(integration, path)
    assert rejected.value.errors == [
        "row 4: sku 'NOPE' is not in the SKU map (read the catalogue first)",
        "row 5: power_w is not an attribute of category DRESSES: leave its cell empty",
        "row 6: sku 'DR-1' repeats row 3",
        "row 7: 'SHOES' is not a marketplace category",
        "row 8: sku is empty",
    ]
    assert not Product.objects.exclude(sheet_content={}).exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["sku", "colour", "nope", "shop_sku"], ["DR-1", "NAVY", "", ""]],
            "row 1: unknown column(s) nope, shop_sku. Expected: sku, then marketplace attribute "
            "codes (the template's first row; its Help sheet lists them)",
        ),
        ([["colour"], ["NAVY"]], "row 1: missing column(s) sku."),
        ([["sku", "colour"], ["DR-1", "=A1"]], "row 2, column B: holds a formula (=A1)"),
    ],
)
def test_unknown_columns_and_formulas_are_refused(integration, tmp_path, rows, message):
    with pytest.raises(ImportRejected) as rejected:
        catalogue_sheet_import(integration, _bad_file(tmp_path, rows))
    assert rejected.value.errors[0].startswith(message)


def test_a_number_in_scientific_notation_is_refused(integration, tmp_path):
    path = _bad_file(tmp_path, [["sku", "ean"], ["DR-1", 5012345678900]])
    workbook = openpyxl.load_workbook(path)
    workbook["Products"]["B2"].number_format = "0.00E+00"
    workbook.save(path)
    with pytest.raises(ImportRejected, match="row 2, column B: .* scientific notation"):
        catalogue_sheet_import(integration, path)


def test_the_sheet_must_be_the_products_sheet(integration, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["sku", "colour"])
    workbook.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportRejected, match="has no sheet 'Products'"):
        catalogue_sheet_import(integration, tmp_path / "other.xlsx")


def test_import_before_the_structure_was_pulled_is_refused(tmp_path):
    with pytest.raises(ImportRejected) as rejected:
        catalogue_sheet_import(integration_make("fresh"), tmp_path / "x.xlsx")
    assert rejected.value.errors == [NOT_PULLED]

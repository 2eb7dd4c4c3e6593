"""Hostile and broken upload files: refused with a row-numbered message, nothing half-written.

Every file is built in tmp_path. The imports are the real ones behind ``hub mappings import
skus|carriers`` (and the reader reconciliation's settlement import uses): integration_hub.tabular.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integration_hub import tabular
from integration_hub.models import CarrierMapping, MarketplaceCarrier, Product
from integration_hub.services.carrier_mappings import ImportRejected, carrier_mappings_import
from integration_hub.services.sku_mappings import sku_mappings_export, sku_mappings_import
from integration_hub.tabular import TableError, table_read
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db

GOOD_EAN = "5012345678900"
SKU_COLUMNS = {"required": ["sku"], "optional": ["offer_sku", "ean", "buffer"]}


@pytest.fixture
def integration():
    integration = integration_make()
    for sku in ("A-1", "A-2", "A-3"):
        Product.objects.create(integration=integration, sku=sku, offer_sku=sku, ean=GOOD_EAN)
    for code in ("RM", "DPD"):
        MarketplaceCarrier.objects.create(
            integration=integration, code=code, label=code, fetched_at=timezone.now()
        )
    CarrierMapping.objects.create(
        integration=integration,
        source_carrier="Royal Mail",
        carrier=MarketplaceCarrier.objects.get(code="RM"),
    )
    return integration


def snapshot(integration):
    """Everything an import may write, to prove a refused import wrote nothing."""
    products = list(
        Product.objects.filter(integration=integration)
        .order_by("sku")
        .values_list("sku", "offer_sku", "ean", "buffer_override")
    )
    mappings = list(
        CarrierMapping.objects.filter(integration=integration)
        .order_by("source_carrier")
        .values_list("source_carrier", "source_service", "carrier__code")
    )
    return products, mappings


def write_csv(tmp_path, text, name="upload.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows, name="upload.xlsx", *, sheets=None, formats=None):
    """``rows`` on sheet one; ``sheets`` {title: rows} adds sheets; ``formats`` {cell: fmt}."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Upload"
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for title, extra_rows in (sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in extra_rows:
            extra.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def refused(integration, importer, path) -> list[str]:
    before = snapshot(integration)
    with pytest.raises(ImportRejected) as rejected:
        importer(integration, path)
    assert snapshot(integration) == before, "a refused import must write nothing"
    return rejected.value.errors


# --- size and row limits ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    integration, tmp_path, settings, monkeypatch
):
    settings.HUB_UPLOAD_MAX_MB = 1
    path = write_csv(tmp_path, "sku,buffer\n" + "A-1,1\n" * 200_000)  # 1.2 MB
    monkeypatch.setattr(tabular, "_csv_rows", lambda _path: pytest.fail("read a too-big file"))
    assert refused(integration, sku_mappings_import, path) == ["upload.csv is larger than 1 MB"]


def test_the_default_limits_are_20_mb_and_200000_rows(settings):
    assert (settings.HUB_UPLOAD_MAX_MB, settings.HUB_UPLOAD_MAX_ROWS) == (20, 200_000)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows_are_refused(integration, tmp_path, settings, kind):
    settings.HUB_UPLOAD_MAX_ROWS = 10
    rows = [["sku", "buffer"]] + [["A-1", "1"]] * 11
    if kind == "csv":
        path = write_csv(tmp_path, "".join(",".join(row) + "\n" for row in rows))
    else:
        path = write_xlsx(tmp_path, rows)
    errors = refused(integration, sku_mappings_import, path)
    assert errors == ["the file has more than 10 rows; split it"]


# --- wrong sheets, columns and types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("offer_sku,ean\n", "row 1: missing column(s) sku."),
        ("sku,price\n", "row 1: unknown column(s) price."),
        ("sku,ean,ean\n", "row 1: repeated column(s) ean."),
    ],
)
def test_wrong_columns_are_named_on_row_1(integration, tmp_path, header, message):
    errors = refused(integration, sku_mappings_import, write_csv(tmp_path, header + "A-1\n"))
    assert len(errors) == 1 and errors[0].startswith(message)
    assert "Expected: sku, offer_sku (optional)" in errors[0]


def test_a_row_with_more_cells_than_columns_is_refused(integration, tmp_path):
    path = write_csv(tmp_path, "sku,buffer\nA-1,1\nA-2,2,surprise\n")
    errors = refused(integration, sku_mappings_import, path)
    assert errors == ["row 3: has more cells than the header names (2)"]


def test_a_workbook_with_data_on_two_sheets_is_refused(integration, tmp_path):
    path = write_xlsx(
        tmp_path,
        [["Report"], ["generated 2026-01-01"]],
        sheets={"Carriers": [["source_carrier", "marketplace_carrier_code"], ["DPD", "DPD"]]},
    )
    errors = refused(integration, carrier_mappings_import, path)
    assert errors == [
        "upload.xlsx has 2 sheets with data (Upload, Carriers); keep only the one to import"
    ]


def test_a_named_sheet_is_read_and_a_missing_one_refused(tmp_path):
    path = write_xlsx(tmp_path, [["notes"]], sheets={"Skus": [["sku"], ["A-1"]]})
    assert [row.values for row in table_read(path, sheet="Skus", **SKU_COLUMNS)] == [{"sku": "A-1"}]
    with pytest.raises(TableError, match=r"has no sheet 'Settlement'; its sheets: \['Upload'"):
        table_read(path, sheet="Settlement", **SKU_COLUMNS)


def test_empty_sheets_beside_the_data_are_fine(tmp_path):
    path = write_xlsx(tmp_path, [["sku"], ["A-1"]], sheets={"Sheet2": [], "Sheet3": []})
    assert len(table_read(path, **SKU_COLUMNS)) == 1


def test_wrong_types_are_refused_with_their_row(integration, tmp_path):
    import datetime as dt

    path = write_xlsx(
        tmp_path,
        [["sku", "ean", "buffer"], ["A-1", GOOD_EAN, 3], ["A-2", dt.date(2026, 1, 5), "ten"]],
    )
    errors = refused(integration, sku_mappings_import, path)
    assert errors == [
        "row 3: ean '2026-01-05 00:00:00' must be 8, 12, 13 or 14 digits",
        "row 3: buffer 'ten' must be a whole number from 0 (empty = the default)",
    ]


def test_wrong_file_types_and_damaged_files(integration, tmp_path):
    assert refused(integration, sku_mappings_import, write_csv(tmp_path, "x", "skus.txt")) == [
        "skus.txt: use a .csv or .xlsx file"
    ]
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("sku\nCaf\xe9\n".encode("latin-1"))
    assert refused(integration, sku_mappings_import, latin1) == [
        "latin1.csv is not UTF-8 text; save it as CSV UTF-8"
    ]
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"sku\nA\x00-1\n")
    assert refused(integration, sku_mappings_import, binary) == [
        "binary.csv contains NUL bytes: it is not a text file"
    ]
    not_zip = tmp_path / "renamed.xlsx"
    not_zip.write_bytes(b"sku\nA-1\n")
    assert refused(integration, sku_mappings_import, not_zip) == [
        "renamed.xlsx is not a valid .xlsx file"
    ]
    empty_zip = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    errors = refused(integration, sku_mappings_import, empty_zip)
    assert errors[0].startswith("empty.xlsx is not a valid .xlsx file (")


# --- formulas, scientific notation, huge cells -----------------------------------------------


def test_an_xlsx_formula_is_refused_with_row_and_column(integration, tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["source_carrier", "marketplace_carrier_code"],
            ["DPD", "DPD"],
            ["Evri", '=HYPERLINK("http://evil.test","RM")'],
        ],
    )
    errors = refused(integration, carrier_mappings_import, path)
    assert errors == [
        'row 3, column B: holds a formula (=HYPERLINK("http://evil.test","RM")); '
        "paste values instead"
    ]


def test_csv_formula_text_is_kept_as_text_and_escaped_on_export(integration, tmp_path):
    """A .csv has no formulas, only text; the hub never evaluates it and escapes it on export."""
    path = write_csv(tmp_path, "sku,offer_sku\nA-1,=cmd|' /C calc'!A0\n")
    sku_mappings_import(integration, path)
    assert Product.objects.get(sku="A-1").offer_sku == "=cmd|' /C calc'!A0"
    out = tmp_path / "out.csv"
    sku_mappings_export(integration, out)
    assert "'=cmd|' /C calc'!A0" in out.read_text()


def test_a_scientific_notation_ean_in_a_csv_is_refused_never_converted(integration, tmp_path):
    path = write_csv(tmp_path, "sku,ean\nA-1,5012345678900\nA-2,5.01234E+12\n")
    errors = refused(integration, sku_mappings_import, path)
    assert errors == [
        "row 3: ean '5.01234E+12' looks like a number the spreadsheet shortened "
        "(format the column as text)"
    ]
    assert Product.objects.get(sku="A-2").ean == GOOD_EAN


def test_a_scientific_notation_ean_in_an_xlsx_is_refused_never_converted(integration, tmp_path):
    path = write_xlsx(
        tmp_path,
        [["sku", "ean"], ["A-1", GOOD_EAN], ["A-2", 5.01234e12]],
        formats={"B3": "0.00E+00"},
    )
    errors = refused(integration, sku_mappings_import, path)
    assert errors == [
        "row 3, column B: 5012340000000 is shown in scientific notation, so its digits may "
        "be lost; format the column as Text and type the codes again"
    ]


def test_a_number_beyond_float_precision_is_refused(tmp_path):
    path = write_xlsx(tmp_path, [["sku", "ean"], ["A-1", 12345678901234567890.0]])
    with pytest.raises(TableError, match="row 2, column B: .* too large to be stored exactly"):
        table_read(path, **SKU_COLUMNS)


def test_a_huge_cell_is_refused(integration, tmp_path):
    path = write_csv(tmp_path, "sku,offer_sku\nA-1," + "X" * 5000 + "\n")
    errors = refused(integration, sku_mappings_import, path)
    assert errors == ["row 2: offer_sku is longer than 1000 characters"]


def test_a_cell_beyond_the_csv_field_limit_is_refused_not_crashed(integration, tmp_path):
    path = write_csv(tmp_path, 'sku,offer_sku\nA-1,OK\nA-2,"' + "X" * 200_000 + '"\n')
    errors = refused(integration, sku_mappings_import, path)
    assert len(errors) == 1 and errors[0].startswith("row 3: cannot be read as CSV")


# --- zip bombs -------------------------------------------------------------------------------


def zip_bomb(tmp_path, member_bytes: int, name="bomb.xlsx"):
    """An .xlsx-shaped zip whose worksheet is ``member_bytes`` of one repeated byte."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)
    return path


@pytest.fixture
def openpyxl_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        pytest.fail("openpyxl opened a workbook that should have been refused unopened")

    monkeypatch.setattr(tabular.openpyxl, "load_workbook", refuse)


def test_a_highly_compressed_member_is_refused_unopened(integration, tmp_path, openpyxl_forbidden):
    path = zip_bomb(tmp_path, 8 * 1024 * 1024)  # 8 MB of spaces: ~8 KB compressed
    assert path.stat().st_size < 64 * 1024
    errors = refused(integration, sku_mappings_import, path)
    assert len(errors) == 1
    assert errors[0].startswith("bomb.xlsx: xl/worksheets/sheet1.xml is compressed ")
    assert errors[0].endswith("refused unopened (a compressed 'zip bomb')")


def test_an_absurd_total_uncompressed_size_is_refused_unopened(
    integration, tmp_path, monkeypatch, openpyxl_forbidden
):
    monkeypatch.setattr(tabular, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(tabular, "MAX_ZIP_RATIO", 10**9)  # only the total size can catch it
    path = zip_bomb(tmp_path, 3 * 1024 * 1024)
    errors = refused(integration, sku_mappings_import, path)
    assert errors == [
        "bomb.xlsx expands to more than 2 MB; refused unopened "
        "(a compressed 'zip bomb' or far too much data)"
    ]


def test_too_many_zip_members_are_refused(integration, tmp_path, openpyxl_forbidden):
    path = tmp_path / "many.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(tabular.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"x/{index}", "")
    path.write_bytes(buffer.getvalue())
    errors = refused(integration, sku_mappings_import, path)
    assert errors == [
        f"many.xlsx is not a plain workbook ({tabular.MAX_ZIP_MEMBERS + 1} zip members)"
    ]


def test_a_real_workbook_passes_the_zip_checks(tmp_path):
    rows = [["sku", "offer_sku"]] + [[f"SKU-{i}", f"OFFER-{i}"] for i in range(5000)]
    assert len(table_read(write_xlsx(tmp_path, rows), **SKU_COLUMNS)) == 5000


# --- the command line ------------------------------------------------------------------------


def test_the_cli_reports_the_row_and_writes_nothing(integration, tmp_path, capsys):
    before = snapshot(integration)
    path = write_xlsx(
        tmp_path,
        [["source_carrier", "marketplace_carrier_code"], ["DPD", "DPD"], ["Evri", "=1+1"]],
        "carriers.xlsx",
    )
    with pytest.raises(CommandError) as error:
        call_command("hub", "mappings", "import", "carriers", str(path))
    assert error.value.returncode == 2
    assert "row 3, column B: holds a formula (=1+1)" in capsys.readouterr().err
    assert snapshot(integration) == before


# --- declared sheet size, cell and time budgets (issue 18) ------------------------------------


def declared_wide(tmp_path, rows: int, name="wide.xlsx"):
    """A real workbook whose sheet declares A1:XFD<rows+1>: every row 16,384 cells wide."""
    plain = write_xlsx(tmp_path, [["sku", "buffer"]] + [["A-1", "1"]] * rows, name="plain.xlsx")
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b'<dimension ref="')
                end = data.index(b'"', start + 16)
                data = data[:start] + f'<dimension ref="A1:XFD{rows + 1}'.encode() + data[end:]
            out.writestr(member, data)
    return path


def test_a_sheet_declaring_16384_columns_is_read_as_wide_as_its_data(tmp_path, monkeypatch):
    """The 1.5 MB file that tied a CPU for half an hour: 3,000 rows here, read in moments.

    Read 16,384 cells wide, its rows would be 49 million cells; the budget allows 20,000.
    """
    monkeypatch.setattr(tabular, "MAX_CELLS", 20_000)
    path = declared_wide(tmp_path, 3000)
    rows = table_read(path, **SKU_COLUMNS)
    assert len(rows) == 3000
    assert rows[0].values == {"sku": "A-1", "buffer": "1"}


def test_reading_stops_at_the_cell_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_CELLS", 100)
    path = write_csv(tmp_path, "sku,buffer\n" + "A-1,1\n" * 60)
    with pytest.raises(TableError, match=r"^row 51: the file has more than 100 cells"):
        table_read(path, **SKU_COLUMNS)


def test_reading_stops_at_the_time_budget(tmp_path, settings, monkeypatch):
    settings.HUB_UPLOAD_MAX_SECONDS = 5
    ticks = iter(range(0, 1000, 2))  # every look at the clock: two seconds later
    monkeypatch.setattr(tabular.time, "monotonic", lambda: next(ticks))
    path = write_csv(tmp_path, "sku,buffer\n" + "A-1,1\n" * 10)
    with pytest.raises(TableError, match=r"^row 4: reading took longer than 5 s"):
        table_read(path, **SKU_COLUMNS)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_edit_reimport_gives_back_the_same_values(integration, tmp_path, suffix):
    """Exports escape text a spreadsheet would run; imports undo exactly that, nothing more."""
    values = {"A-1": "=SUM(A1)", "A-2": "'=already-quoted", "A-3": "-dash"}
    for sku, offer_sku in values.items():
        Product.objects.filter(integration=integration, sku=sku).update(offer_sku=offer_sku)
    path = tmp_path / f"skus.{suffix}"
    sku_mappings_export(integration, path)
    for sku in values:
        Product.objects.filter(integration=integration, sku=sku).update(offer_sku=f"tmp-{sku}")
    sku_mappings_import(integration, path)
    stored = dict(Product.objects.filter(integration=integration).values_list("sku", "offer_sku"))
    assert stored == values


def test_cell_safe_and_unescape_are_inverse():
    for value in ("=1", "'=1", "''=1", "+x", "@x", "'plain", "plain", "-3"):
        assert tabular.cell_unescape(tabular.cell_safe(value)) == value


def test_a_buffer_of_superscript_digits_is_a_row_error_not_a_crash(integration, tmp_path):
    path = write_csv(tmp_path, "sku,buffer\nA-1,\u00b2\n")
    errors = refused(integration, sku_mappings_import, path)
    assert errors == ["row 2: buffer '\u00b2' must be a whole number from 0 (empty = the default)"]


def xlsx_with_sheet_xml(tmp_path, sheet_xml: bytes, name: str):
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    plain = write_xlsx(tmp_path, [["sku"], ["A-1"]], name="base.xlsx")
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            out.writestr(member, sheet_xml if member.filename.endswith("sheet1.xml") else data)
    return path


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


def test_an_xml_entity_bomb_in_an_xlsx_is_refused_not_expanded(tmp_path):
    path = xlsx_with_sheet_xml(tmp_path, LAUGHS, "laughs.xlsx")
    with pytest.raises(TableError, match="is not a valid .xlsx file"):
        table_read(path, required=["sku"])


def test_a_truncated_xlsx_is_refused_not_a_500(tmp_path):
    good = write_xlsx(tmp_path, [["sku"]] + [[f"A-{i}"] for i in range(2000)], name="good.xlsx")
    for cut in (0.5, 0.9):
        path = tmp_path / f"cut-{cut}.xlsx"
        path.write_bytes(good.read_bytes()[: int(good.stat().st_size * cut)])
        with pytest.raises(TableError, match="is not a valid .xlsx file"):
            table_read(path, required=["sku"])


def test_a_damaged_sheet_inside_a_valid_zip_is_refused_not_a_500(tmp_path):
    path = xlsx_with_sheet_xml(tmp_path, b"<worksheet><sheetData><row", "broken.xlsx")
    with pytest.raises(TableError, match="is not a valid .xlsx file"):
        table_read(path, required=["sku"])

"""Reading and writing the small tables people exchange with the hub (.csv and .xlsx).

Every upload is untrusted, so reads are bounded and strict: the file size
(``HUB_UPLOAD_MAX_MB``), the number of data rows (``HUB_UPLOAD_MAX_ROWS``), the length of a
cell, and for .xlsx the uncompressed size and the compression ratio of every member, read from
the zip directory *before* openpyxl expands anything (a zip bomb is refused unopened; Python's
zipfile never inflates a member past its declared size). .xlsx formulas and numbers shown in
scientific notation are refused rather than read, because their value is not what the person
sees (a formula's result is not stored; 5.01234E+12 has lost an EAN's last digits). In a .csv,
text that starts with "=" is only text to the hub (it never evaluates it); :func:`cell_safe`
escapes it on every export so a spreadsheet does not run it either.

Every refusal is a :class:`TableError` whose message starts with the row number, so an import
can report it and write nothing. Rows come back as dicts keyed by the header, with their
spreadsheet row number. Writes escape text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.conf import settings

MAX_CELL_CHARS = 1000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an honest 20 MB .xlsx expands to ~100-150 MB at most
MAX_ZIP_RATIO = 200  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1
MAX_ZIP_MEMBERS = 1000
# Cells read from one file, over every row. An .xlsx is read as wide as its data, never as its
# declared size: a sheet that declares A1:XFD150001 made each row 16,384 cells (issue 18).
MAX_CELLS = 4_000_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as the expected table; the message says why, for a person."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    values: dict[str, str]


def max_file_bytes() -> int:
    return settings.HUB_UPLOAD_MAX_MB * 1024 * 1024


def max_rows() -> int:
    return settings.HUB_UPLOAD_MAX_ROWS


def table_read(
    path: str | Path,
    *,
    required: list[str],
    optional: Iterable[str] = (),
    sheet: str | None = None,
) -> list[Row]:
    """Rows of a .csv or .xlsx file with exactly the known columns (required ones present).

    ``sheet`` names the worksheet to read; without it the workbook must hold one sheet with
    data, so a file with the wrong sheet first is refused instead of read.
    """
    path = Path(path)
    if not path.exists():
        raise TableError(f"{path} does not exist")
    if path.stat().st_size > max_file_bytes():
        raise TableError(f"{path.name} is larger than {settings.HUB_UPLOAD_MAX_MB} MB")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(path)
    elif suffix == ".xlsx":
        raw_rows = _xlsx_rows(path, sheet)
    else:
        raise TableError(f"{path.name}: use a .csv or .xlsx file")
    return _rows_keyed(raw_rows, required=required, optional=list(optional))


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"{path.name} is not UTF-8 text; save it as CSV UTF-8") from None
    if "\x00" in text:
        raise TableError(f"{path.name} contains NUL bytes: it is not a text file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little text to tell: plain commas
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 (used after the loop)
            yield cells
    except csv.Error as error:  # e.g. a field over csv.field_size_limit (128 KB)
        raise TableError(f"row {number + 1}: cannot be read as CSV ({error})") from None


def _zip_check(path: Path) -> None:
    """Refuse an .xlsx whose members would expand to an absurd size, from the zip directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise TableError(f"{path.name} is not a valid .xlsx file") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise TableError(f"{path.name} is not a plain workbook ({len(members)} zip members)")
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise TableError(
            f"{path.name} expands to more than {MAX_UNZIPPED_BYTES // 2**20} MB; "
            "refused unopened (a compressed 'zip bomb' or far too much data)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise TableError(
                f"{path.name}: {member.filename} is compressed {ratio:.0f}:1; refused unopened "
                "(a compressed 'zip bomb')"
            )


def _xlsx_rows(path: Path, sheet_name: str | None) -> Iterator[list[str]]:
    _zip_check(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise TableError(
            f"{path.name} is not a valid .xlsx file ({type(error).__name__})"
        ) from None
    try:
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # the declared size is a claim, not the data
        sheet = _sheet_pick(workbook, sheet_name, path.name)
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield [_cell_text(cell, number) for cell in row]
    except TableError:
        raise
    except Exception as error:  # read-only mode parses as it goes: a damaged or hostile member
        # (truncated, an XML entity bomb that defusedxml refuses) fails here, not at load
        raise TableError(
            f"{path.name} is not a valid .xlsx file ({type(error).__name__})"
        ) from None
    finally:
        workbook.close()


def _sheet_pick(workbook, sheet_name: str | None, file_name: str):
    names = workbook.sheetnames
    if sheet_name is not None:
        if sheet_name not in names:
            raise TableError(f"{file_name} has no sheet {sheet_name!r}; its sheets: {names}")
        return workbook[sheet_name]
    with_data = [sheet for sheet in workbook.worksheets if _has_data(sheet)]
    if len(with_data) > 1:
        raise TableError(
            f"{file_name} has {len(with_data)} sheets with data "
            f"({', '.join(s.title for s in with_data)}); keep only the one to import"
        )
    return with_data[0] if with_data else workbook.worksheets[0]


def _has_data(sheet) -> bool:
    for row in sheet.iter_rows(max_row=50, values_only=True):
        if any(value not in (None, "") for value in row):
            return True
    return False


def _cell_text(cell, row_number: int) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    where = f"row {row_number}, column {_column_letter(cell)}"
    if getattr(cell, "data_type", "") == "f" or (isinstance(value, str) and value.startswith("=")):
        raise TableError(f"{where}: holds a formula ({str(value)[:40]}); paste values instead")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number_format = (getattr(cell, "number_format", "") or "").upper()
        if "E+" in number_format or "E-" in number_format:
            raise TableError(
                f"{where}: {value} is shown in scientific notation, so its digits may be lost; "
                "format the column as Text and type the codes again"
            )
        if isinstance(value, float) and value.is_integer():
            if abs(value) >= 2**53:
                raise TableError(f"{where}: {value} is too large to be stored exactly")
            return str(int(value))
    return str(value)


def _column_letter(cell) -> str:
    return getattr(cell, "column_letter", "?")


def _rows_keyed(raw_rows: Iterable[list[str]], *, required: list[str], optional: list[str]):
    raw_rows = iter(raw_rows)
    first = next(raw_rows, None)
    if first is None:
        raise TableError("the file is empty: the first row must name the columns")
    header = _header_checked(first, required=required, optional=optional)
    limit = max_rows()
    deadline = time.monotonic() + settings.HUB_UPLOAD_MAX_SECONDS
    rows, cells_read = [], len(first)
    for number, cells in enumerate(raw_rows, start=2):
        if number - 1 > limit:
            raise TableError(f"the file has more than {limit} rows; split it")
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise TableError(f"row {number}: the file has more than {MAX_CELLS:,} cells; split it")
        if time.monotonic() > deadline:
            raise TableError(
                f"row {number}: reading took longer than {settings.HUB_UPLOAD_MAX_SECONDS} s; "
                "split the file"
            )
        row = _row_made(number, header, cells)
        if row is not None:
            rows.append(row)
    return rows


def _header_checked(first: list[str], *, required: list[str], optional: list[str]) -> list[str]:
    header = [cell.strip().lower() for cell in first]
    while header and not header[-1]:
        header.pop()
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required + optional]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if missing or unknown or repeated:
        expected = ", ".join(required + [f"{name} (optional)" for name in optional])
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(name or '(blank)' for name in unknown)}")
        if repeated:
            problems.append(f"repeated column(s) {', '.join(repeated)}")
        raise TableError(f"row 1: {'; '.join(problems)}. Expected: {expected}")
    return header


def _row_made(number: int, header: list[str], cells: list[str]) -> Row | None:
    extra = [cell for cell in cells[len(header) :] if str(cell).strip()]
    if extra:
        raise TableError(f"row {number}: has more cells than the header names ({len(header)})")
    values = {
        name: cell_unescape((cells[i] if i < len(cells) else "").strip())
        for i, name in enumerate(header)
    }
    if not any(values.values()):
        return None  # blank line
    for name, value in values.items():
        if len(value) > MAX_CELL_CHARS:
            raise TableError(f"row {number}: {name} is longer than {MAX_CELL_CHARS} characters")
    return Row(number=number, values=values)


def cell_safe(value):
    """Text that would start a formula in a spreadsheet gets a leading apostrophe.

    So does text that already looks escaped (apostrophes, then a formula character), so that
    :func:`cell_unescape` on import gives back exactly what was exported.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_unescape(value: str) -> str:
    """Undo :func:`cell_safe`: an exported file edited and imported again keeps its values."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def table_write(path: str | Path, header: list[str], rows: Iterable[list]) -> int:
    """Write a .csv or .xlsx file (text stays text); returns the number of data rows."""
    path = Path(path)
    suffix = path.suffix.lower()
    count = 0
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([cell_safe(value) for value in row])
                count += 1
        return count
    if suffix != ".xlsx":
        raise TableError(f"{path.name}: use a .csv or .xlsx file")
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(path.stem[:31] or "Sheet1")
    sheet.append(header)
    for row in rows:
        sheet.append([cell_safe(value) for value in row])
        count += 1
    workbook.save(path)
    return count

"""Reading and writing the small tables people exchange with the hub (.csv and .xlsx).

Reads are bounded (file size, rows, cell length, and for .xlsx the uncompressed size, so a
zip bomb is refused before it is opened) and return rows as dicts keyed by the header with
their spreadsheet row number. Writes escape text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL_CHARS = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as the expected table; the message says why, for a person."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    values: dict[str, str]


def table_read(path: str | Path, *, required: list[str], optional: list[str] = ()) -> list[Row]:
    """Rows of a .csv or .xlsx file with exactly the known columns (required ones present)."""
    path = Path(path)
    if not path.exists():
        raise TableError(f"{path} does not exist")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise TableError(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(path)
    elif suffix == ".xlsx":
        raw_rows = _xlsx_rows(path)
    else:
        raise TableError(f"{path.name}: use a .csv or .xlsx file")
    return _rows_keyed(raw_rows, required=required, optional=list(optional))


def _csv_rows(path: Path) -> Iterable[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"{path.name} is not UTF-8 text; save it as CSV UTF-8") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little text to tell: plain commas
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(path: Path) -> Iterable[list[str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError(f"{path.name} is not a valid .xlsx file") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise TableError(f"{path.name} expands to more than {MAX_UNZIPPED_BYTES // 2**20} MB")
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_keyed(raw_rows, *, required: list[str], optional: list[str]) -> list[Row]:
    raw_rows = list(raw_rows)
    if not raw_rows:
        raise TableError("the file is empty: the first row must name the columns")
    header = [cell.strip().lower() for cell in raw_rows[0]]
    while header and not header[-1]:
        header.pop()
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required + optional]
    if missing or unknown:
        expected = ", ".join(required + [f"{name} (optional)" for name in optional])
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(unknown)}")
        raise TableError(f"row 1: {'; '.join(problems)}. Expected: {expected}")
    if len(raw_rows) - 1 > MAX_ROWS:
        raise TableError(f"the file has more than {MAX_ROWS} rows; split it")
    rows = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        values = {
            name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header)
        }
        if not any(values.values()):
            continue  # blank line
        for name, value in values.items():
            if len(value) > MAX_CELL_CHARS:
                raise TableError(f"row {number}: {name} is longer than {MAX_CELL_CHARS} characters")
        rows.append(Row(number=number, values=values))
    return rows


def cell_safe(value):
    """Text that would start a formula in a spreadsheet gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
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

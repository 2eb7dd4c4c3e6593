"""CSV files exchanged with Mirakl: STO01 stock, PRI01 price, OF01 offer and P41 product
imports; STO03/PRI03/OF03 error reports and the P44/P45/P47 product reports.

Column names and the ``;`` separator are the spec's (STO01/PRI01/OF01 ``file`` descriptions).
P41 columns are the operator's attribute codes; the P44/P45/P47 layouts are guesses kept in
:mod:`connectors.mirakl.contract`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from connectors.base import PermanentError
from connectors.mirakl import contract, dtos
from connectors.mirakl.http import format_datetime

STOCK_COLUMNS = ("offer-sku", "quantity", "warehouse-code", "update-delete")
PRICE_COLUMNS = (
    "offer-sku",
    "price",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
)


def _csv(columns: tuple[str, ...], lines: list[tuple], delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8")


def stock_csv(rows: Sequence[dtos.StockRow]) -> bytes:
    """The STO01 file; an empty ``update-delete`` means "update"."""
    if not rows:
        raise PermanentError("STO01 refused: no stock rows to send")
    for row in rows:
        if not row.offer_sku:
            raise PermanentError("STO01 refused: a stock row has no offer SKU")
        if isinstance(row.quantity, bool) or not isinstance(row.quantity, int) or row.quantity < 0:
            raise PermanentError(
                f"STO01 refused: bad quantity {row.quantity!r} for {row.offer_sku}"
            )
    lines = [(row.offer_sku, row.quantity, row.warehouse_code, "") for row in rows]
    return _csv(STOCK_COLUMNS, lines)


def price_csv(rows: Sequence[dtos.PriceRow]) -> bytes:
    """The PRI01 file (delete-and-replace: every price an offer keeps must be in it)."""
    if not rows:
        raise PermanentError("PRI01 refused: no price rows to send")
    return _csv(PRICE_COLUMNS, [_price_line(row) for row in rows])


def _price_line(row: dtos.PriceRow) -> tuple[str, ...]:
    if not row.offer_sku:
        raise PermanentError("PRI01 refused: a price row has no offer SKU")
    return (
        row.offer_sku,
        _amount(row.price, row.offer_sku),
        "" if row.discount_price is None else _amount(row.discount_price, row.offer_sku),
        format_datetime(row.discount_start_date) if row.discount_start_date else "",
        format_datetime(row.discount_end_date) if row.discount_end_date else "",
    )


def _amount(value: Decimal, sku: str) -> str:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise PermanentError(f"PRI01 refused: bad price {value!r} for {sku} (Decimal >= 0 only)")
    return format(value, "f")


_LINE_COLUMNS = ("error-line", "line", "line-number", "error_line")
_MESSAGE_COLUMNS = ("error-message", "message", "error", "errors", "error_message")
_SKU_COLUMNS = ("offer-sku", "sku", "shop-sku", "offer_sku")


def import_errors(report: str) -> list[dtos.ImportLineError]:
    """Parse an STO03/PRI03 error report into per-SKU errors.

    The spec: "The first column contains the line number in error. The second column contains
    the error reason" and the rest is the original line. Named columns win when present; the
    separator is sniffed (``;`` normally).
    """
    text = report.lstrip("\ufeff").strip()
    if not text:
        return []
    delimiter = ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
    try:
        # newline="" lets csv see bare \r line ends (it refuses them inside a "line" otherwise)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise PermanentError(f"Mirakl import error report is not readable CSV: {error}") from None
    header = [h.strip().lower() for h in rows[0]]
    line_at = _index(header, _LINE_COLUMNS, 0)
    message_at = _index(header, _MESSAGE_COLUMNS, 1)
    sku_at = _index(header, _SKU_COLUMNS, 2)
    errors = []
    for cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        cell = dict(zip(header, cells, strict=False))
        errors.append(
            dtos.ImportLineError(
                line=_line_number(_at(cells, line_at)),
                sku=_at(cells, sku_at),
                message=_at(cells, message_at),
                row=cell,
            )
        )
    return errors


def _index(header: list[str], names: tuple[str, ...], default: int) -> int:
    return next((header.index(n) for n in names if n in header), default)


def _at(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _line_number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


# --- catalogue: P41 product file, OF01 offer file, P44/P45/P47 reports -------------------

OFFER_COLUMNS = (
    "sku",
    "product-id",
    "product-id-type",
    "price",
    "quantity",
    "state",
    "leadtime-to-ship",
)


def product_csv(columns: Sequence[str], rows: Sequence[Mapping[str, str | None]]) -> bytes:
    """The P41 file: a header of ``columns`` (marketplace attribute codes), one line per row.

    Refused (PermanentError, nothing sent): no columns or rows, a blank or repeated column, a
    row with a key outside ``columns`` or a value that is not text. Absent keys are empty.
    """
    header = tuple(columns)
    if not header or not rows:
        raise PermanentError("P41 refused: a product file needs columns and at least one row")
    if any(not isinstance(c, str) or not c.strip() for c in header):
        raise PermanentError("P41 refused: a column name is blank")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise PermanentError(f"P41 refused: column(s) {repeated} appear more than once")
    lines = [_product_line(header, row, number) for number, row in enumerate(rows, start=1)]
    return _csv(header, lines, delimiter=contract.PRODUCT_CSV_DELIMITER)


def _product_line(header: tuple[str, ...], row: Mapping[str, str | None], number: int) -> tuple:
    extra = sorted(set(row) - set(header))
    if extra:
        raise PermanentError(f"P41 refused: row {number} has keys {extra} outside the columns")
    for key, value in row.items():
        if value is not None and not isinstance(value, str):
            raise PermanentError(
                f"P41 refused: row {number} {key!r} is {type(value).__name__}, not text"
            )
    return tuple(row.get(column) or "" for column in header)


def offer_csv(rows: Sequence[dtos.OfferRow]) -> bytes:
    """The OF01 file (offers only, never ``with_products``): :data:`OFFER_COLUMNS`."""
    if not rows:
        raise PermanentError("OF01 refused: no offer rows to send")
    seen: set[str] = set()
    lines = []
    for row in rows:
        lines.append(_offer_line(row))
        if row.sku in seen:  # Mirakl refuses a file that repeats an offer sku
            raise PermanentError(f"OF01 refused: offer sku {row.sku} appears twice")
        seen.add(row.sku)
    return _csv(OFFER_COLUMNS, lines)


def _offer_line(row: dtos.OfferRow) -> tuple:
    for name in ("sku", "product_id", "product_id_type", "state"):
        value = getattr(row, name)
        if not isinstance(value, str) or not value.strip():
            raise PermanentError(f"OF01 refused: an offer row has no {name} ({row.sku!r})")
    if not isinstance(row.price, Decimal) or not row.price.is_finite() or row.price <= 0:
        raise PermanentError(f"OF01 refused: bad price {row.price!r} for {row.sku} (Decimal > 0)")
    if not _count(row.quantity):
        raise PermanentError(f"OF01 refused: bad quantity {row.quantity!r} for {row.sku}")
    if row.leadtime_to_ship is not None and not _count(row.leadtime_to_ship):
        raise PermanentError(f"OF01 refused: bad leadtime {row.leadtime_to_ship!r} for {row.sku}")
    leadtime = "" if row.leadtime_to_ship is None else row.leadtime_to_ship
    price = format(row.price, "f")
    return (row.sku, row.product_id, row.product_id_type, price, row.quantity, row.state, leadtime)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def product_report(
    report: str, *, sku_column: str, kind: str, messages: bool = True
) -> list[dtos.ProductReportLine]:
    """Read a P44/P47 error report (``messages``) or a P45 new-product report.

    The layout is a guess (see :mod:`connectors.mirakl.contract`): the columns of the file we
    sent, found by ``sku_column``, plus message columns. A report we cannot read (not CSV, no
    SKU column, an error report without a message column) is a PermanentError naming the
    columns it has.
    """
    table = _report_table(report, kind)
    if not table:
        return []
    header, rows = table[0], table[1:]
    columns = _report_columns(header, sku_column, kind, messages)
    lines = []
    for cells in rows:
        if any(cell.strip() for cell in cells):
            lines.append(_report_line(header, cells, columns, messages))
    return lines


def _report_table(report: str, kind: str) -> list[list[str]]:
    text = report.lstrip("\ufeff").strip()
    if text.startswith(("PK\x03\x04", "<")):
        raise PermanentError(
            f"Mirakl {kind} report is XLSX or XML, not the CSV the hub reads: set the shop's "
            "report format to CSV or tell the hub's maintainers"
        )
    if not text:
        return []
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        # newline="" lets csv see bare \r line ends (it refuses them inside a "line" otherwise)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise PermanentError(f"Mirakl {kind} report is not readable CSV: {error}") from None


@dataclass(frozen=True)
class _ReportColumns:
    sku: int
    line: int | None
    errors: tuple[int, ...]
    warnings: tuple[int, ...]
    attributes: tuple[int, ...]


def _report_columns(
    header: list[str], sku_column: str, kind: str, messages: bool
) -> _ReportColumns:
    names = [h.strip().lower() for h in header]
    positions = {name: at for at, name in reversed(list(enumerate(names)))}
    sku_names = (sku_column.strip().lower(), *contract.REPORT_SKU_FALLBACK_COLUMNS)
    sku = next((positions[n] for n in sku_names if n in positions), None)
    errors = tuple(positions[n] for n in contract.REPORT_ERROR_COLUMNS if n in positions)
    warnings = tuple(positions[n] for n in contract.REPORT_WARNING_COLUMNS if n in positions)
    if sku is None or (messages and not errors and not warnings):
        wanted = f"a {sku_column!r} column" + (" and an errors column" if messages else "")
        raise PermanentError(
            f"Mirakl {kind} report has an unknown layout: expected {wanted}, got columns "
            f"{[h.strip() for h in header][:30]}"
        )
    line = next((positions[n] for n in contract.REPORT_LINE_COLUMNS if n in positions), None)
    attributes = tuple(positions[n] for n in contract.REPORT_ATTRIBUTE_COLUMNS if n in positions)
    return _ReportColumns(sku, line, errors, warnings, attributes)


def _report_line(
    header: list[str], cells: list[str], columns: _ReportColumns, messages: bool
) -> dtos.ProductReportLine:
    row = {name.strip(): cell for name, cell in zip(header, cells, strict=False)}
    errors = [m for at in columns.errors for m in report_messages(_at(cells, at))]
    warnings = [m for at in columns.warnings for m in report_messages(_at(cells, at))]
    if messages and not errors and not warnings:  # listed in an error report: fail closed
        errors = [NO_MESSAGE]
    named = [_at(cells, at) for at in columns.attributes if _at(cells, at)]
    codes = [code for message in errors for code in message_codes(message)]
    return dtos.ProductReportLine(
        line=_line_number(_at(cells, columns.line)) if columns.line is not None else None,
        sku=_at(cells, columns.sku),
        message="; ".join(errors),
        attributes=tuple(dict.fromkeys([*named, *codes])),
        row=row,
        warnings=tuple(warnings),
    )


NO_MESSAGE = "the report lists this line without a message"
_MESSAGE_START = re.compile(r"\s*,\s*(?=[\w.\-]+\|)")
_QUOTED_CODE = re.compile(r"""['"]([A-Za-z][\w.\-\[\]]*)['"]""")


def report_messages(cell: str) -> list[str]:
    """The messages of one report cell: ``1000|A,2004|B`` -> two (split on a comma before
    a ``code|`` prefix); without such prefixes ``A|B`` -> two; else the whole cell."""
    text = cell.strip()
    if not text:
        return []
    if re.match(r"[\w.\-]+\|", text):
        parts = _MESSAGE_START.split(text)
    else:
        parts = text.split(contract.REPORT_MESSAGE_CODE_SEPARATOR)
    return [part.strip() for part in parts if part.strip()]


def message_codes(message: str) -> list[str]:
    """Attribute codes one message names: a non-numeric ``code|`` prefix, then every code
    quoted in it (``'colour'`` or ``"colour"``)."""
    codes = []
    prefix, bar, _ = message.partition(contract.REPORT_MESSAGE_CODE_SEPARATOR)
    if bar and re.fullmatch(r"[A-Za-z][\w.\-\[\]]*", prefix.strip()):
        codes.append(prefix.strip())
    codes.extend(_QUOTED_CODE.findall(message))
    return list(dict.fromkeys(codes))

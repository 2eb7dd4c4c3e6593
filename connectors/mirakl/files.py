"""CSV files exchanged with Mirakl: STO01 stock and PRI01 price imports, STO03/PRI03 reports.

Column names and the ``;`` separator are the spec's (STO01/PRI01 ``file`` descriptions).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from connectors.base import PermanentError
from connectors.mirakl import dtos
from connectors.mirakl.http import format_datetime

STOCK_COLUMNS = ("offer-sku", "quantity", "warehouse-code", "update-delete")
PRICE_COLUMNS = (
    "offer-sku",
    "price",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
)


def _csv(columns: tuple[str, ...], lines: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
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

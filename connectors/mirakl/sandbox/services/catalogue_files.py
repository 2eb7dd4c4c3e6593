"""Reading the ``;`` CSV files of P41 / OF01 and writing their reports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from connectors.mirakl.sandbox.services.common import MiraklError


@dataclass(frozen=True)
class FileLine:
    number: int  # the line's number in the file, the header being line 1
    values: list[str]


def file_header(file_text: str) -> list[str]:
    """The header's column names; a 400 for an empty file or one without a header."""
    rows = csv.reader(io.StringIO(file_text.lstrip("\ufeff")), delimiter=";")
    header = next(rows, None)
    if not header or not any(name.strip() for name in header):
        raise MiraklError(400, "The file is empty: a header line is required")
    return [name.strip() for name in header]


def file_lines(file_text: str) -> tuple[list[str], list[FileLine]]:
    """The header and the non-blank lines after it."""
    reader = csv.reader(io.StringIO(file_text.lstrip("\ufeff")), delimiter=";")
    header = [name.strip() for name in next(reader, [])]
    lines = [
        FileLine(reader.line_num, values)
        for values in reader
        if any(value.strip() for value in values)
    ]
    return header, lines


def report_csv(header: list[str], rows: list[list[str]]) -> str:
    """Every value quoted, as the spec's OF03 example prints its report."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def padded(values: list[str], width: int) -> list[str]:
    """A line's values cut or filled to the header's width."""
    return (values + [""] * width)[:width]

"""The checks a P41 product line goes through: structure (P47), then the operator's rules (P44).

A message is ``code|text`` and names the attribute code in single quotes; a line's messages
are joined with ``,`` in the reports, so no text here contains a comma.

Codes 1000, 1001 and 1002 are Mirakl's public product-import codes (listed by a Mirakl
marketplace's seller help, https://sellersupport.shopsimon.com/hc/en-us/articles/9648534744471),
2006 likewise (https://help-partner.modivo.com/en/integrations/how-to-check-file-errors.html).
The other codes are the sandbox's own (unconfirmed: go-live question).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlparse

from connectors.mirakl.sandbox import catalogue_data as data

ATTRIBUTE_REQUIRED = "1000"
CATEGORY_UNKNOWN = "1001"
FIELD_COUNT = "1002"
VALUE_NOT_IN_LIST = "2006"
# the sandbox's own codes (unconfirmed: go-live question)
ATTRIBUTE_IGNORED = "2000"
NOT_A_NUMBER = "2002"
NOT_A_DATE = "2003"
TOO_LONG = "2004"
NOT_A_URL = "2005"
IMAGE_FORMAT = "3001"
TITLE_CAPITALS = "3002"
EAN_INVALID = "3003"
BRAND_BLOCKED = "3004"
EAN_IN_USE = "3005"

SKU_COLUMN = data.attribute_with_role(data.ROLE_SHOP_SKU).code
CATEGORY_COLUMN = data.attribute_with_role(data.ROLE_CATEGORY).code
_INTEGER = re.compile(r"-?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def message(code: str, text: str) -> str:
    return f"{code}|{text}"


def _shown(value: str) -> str:
    """A seller's value inside a message: no separator of the report's own."""
    return value.replace(",", " ").replace("|", " ")[:60]


def _text_error(attribute: data.Attribute, value: str) -> str | None:
    limit = attribute.max_length
    if limit is not None and len(value) > limit:
        text = f"The attribute '{attribute.code}' is longer than {limit} characters"
        return message(TOO_LONG, text)
    return None


def _list_error(attribute: data.Attribute, value: str) -> str | None:
    allowed = data.values_list_codes(attribute.values_list)
    parts = value.split("|") if attribute.type == "LIST_MULTIPLE_VALUES" else [value]
    for part in (p.strip() for p in parts):
        if part not in allowed:
            text = (
                f"The value '{_shown(part)}' of the attribute '{attribute.code}' is not in "
                f"the values list '{attribute.values_list}'"
            )
            return message(VALUE_NOT_IN_LIST, text)
    return None


def _media_error(attribute: data.Attribute, value: str) -> str | None:
    url = urlparse(value)
    if url.scheme in ("http", "https") and url.netloc:
        return None
    return message(NOT_A_URL, f"The attribute '{attribute.code}' must be an absolute http(s) URL")


def _integer_error(attribute: data.Attribute, value: str) -> str | None:
    if _INTEGER.fullmatch(value):
        return None
    return message(NOT_A_NUMBER, f"The attribute '{attribute.code}' must be an integer")


def _decimal_error(attribute: data.Attribute, value: str) -> str | None:
    try:
        if Decimal(value).is_finite():
            return None
    except InvalidOperation:
        pass
    return message(NOT_A_NUMBER, f"The attribute '{attribute.code}' must be a decimal number")


def _date_error(attribute: data.Attribute, value: str) -> str | None:
    try:
        if _DATE.fullmatch(value) and dt.date.fromisoformat(value):
            return None
    except ValueError:
        pass
    text = f"The attribute '{attribute.code}' must be a date in the format {data.DATE_FORMAT}"
    return message(NOT_A_DATE, text)


VALUE_CHECKS: dict[str, Callable[[data.Attribute, str], str | None]] = {
    "TEXT": _text_error,
    "LONG_TEXT": _text_error,
    "LIST": _list_error,
    "LIST_MULTIPLE_VALUES": _list_error,
    "MEDIA": _media_error,
    "INTEGER": _integer_error,
    "DECIMAL": _decimal_error,
    "DATE": _date_error,
}


def line_values(header: list[str], values: list[str]) -> dict[str, str]:
    return {name: (value or "").strip() for name, value in zip(header, values, strict=False)}


def line_category_error(row: dict[str, str]) -> str | None:
    category = row.get(CATEGORY_COLUMN, "")
    if not category:
        return message(ATTRIBUTE_REQUIRED, f"The attribute '{CATEGORY_COLUMN}' is required")
    if category not in data.LEAVES:
        return message(CATEGORY_UNKNOWN, f"The category '{_shown(category)}' is unknown")
    return None


def line_transformation(header: list[str], values: list[str]) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one line against the structure of its category."""
    if len(values) != len(header):
        text = f"The line has {len(values)} fields but the header has {len(header)}"
        return [message(FIELD_COUNT, text)], []
    row = line_values(header, values)
    category_error = line_category_error(row)
    if category_error:
        return [category_error], []
    attributes = data.attributes_for_category(row[CATEGORY_COLUMN])
    usable = {c: a for c, a in attributes.items() if a.requirement_level != "DISABLED"}
    errors = []
    for attribute in usable.values():
        value = row.get(attribute.code, "")
        if not value:
            if attribute.requirement_level == "REQUIRED":
                text = f"The attribute '{attribute.code}' is required"
                errors.append(message(ATTRIBUTE_REQUIRED, text))
            continue
        error = VALUE_CHECKS[attribute.type](attribute, value)
        if error:
            errors.append(error)
    return errors, _ignored_warnings(row, usable)


def _ignored_warnings(row: dict[str, str], usable: dict[str, data.Attribute]) -> list[str]:
    category = row[CATEGORY_COLUMN]
    return [
        message(
            ATTRIBUTE_IGNORED,
            f"The attribute '{_shown(code)}' does not apply to the category '{category}': "
            "its value is ignored",
        )
        for code, value in row.items()
        if value and code not in usable
    ]


def ean_is_valid(ean: str) -> bool:
    """13 digits whose last is the GS1 check digit of the first twelve."""
    if not re.fullmatch(r"\d{13}", ean):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(ean[:12]))
    return (10 - total % 10) % 10 == int(ean[12])


def _capitals(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def line_integration(row: dict[str, str], ean_owner: str | None) -> list[str]:
    """The operator's rules for a line that passed the structure check.

    ``ean_owner`` is the shop SKU of another product already carrying the line's EAN.
    """
    errors = []
    attributes = data.attributes_for_category(row[CATEGORY_COLUMN])
    for code, attribute in attributes.items():
        path = urlparse(row.get(code, "")).path.lower()
        if attribute.type == "MEDIA" and row.get(code) and not path.endswith(data.IMAGE_EXTENSIONS):
            text = f"The image '{code}' must be a .jpg .jpeg .png or .webp file"
            errors.append(message(IMAGE_FORMAT, text))
    if _capitals(row.get("title", "")):
        errors.append(message(TITLE_CAPITALS, "The attribute 'title' must not be all capitals"))
    ean = row.get("ean", "")
    if ean and not ean_is_valid(ean):
        text = f"The EAN '{_shown(ean)}' of the attribute 'ean' is not a valid EAN-13"
        errors.append(message(EAN_INVALID, text))
    elif ean and ean_owner:
        text = f"The EAN '{ean}' of the attribute 'ean' is already used by '{_shown(ean_owner)}'"
        errors.append(message(EAN_IN_USE, text))
    brand = row.get("brand", "")
    if brand.upper() in data.BLOCKED_BRANDS:
        text = f"The brand '{_shown(brand)}' of the attribute 'brand' is not accepted"
        errors.append(message(BRAND_BLOCKED, text))
    return errors

"""The catalogue DTOs of the Mirakl client (H11, PM11, VL11, P41-P47, OF01-OF03).

Kept apart from :mod:`connectors.mirakl.dtos` for size; import them from there like the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# --- catalogue (H11, PM11, VL11, P41-P47, OF01-OF03) ------------------------------------

PRODUCT_IMPORT_FINAL = frozenset({"COMPLETE", "FAILED", "CANCELLED", "TRANSFORMATION_FAILED"})
OFFER_IMPORT_FINAL = frozenset({"COMPLETE", "FAILED"})


@dataclass(frozen=True)
class Hierarchy:
    """One H11 catalogue category; ``parent_code`` is "" for a root."""

    code: str
    label: str
    level: int
    parent_code: str = ""


@dataclass(frozen=True)
class ProductAttribute:
    """One PM11 attribute. ``hierarchy_code`` "" means shared by every category (spec).

    ``requirement_level``: OPTIONAL, REQUIRED, RECOMMENDED or DISABLED (from the deprecated
    ``required`` flag when absent). ``values_list``: the value list (VL11) code of a LIST
    attribute, "" otherwise. ``roles``: the role ``type``s. ``validations``: the spec's
    comma-separated ``NAME|value`` string as a mapping (``MIN_LENGTH|10`` -> {"MIN_LENGTH":
    "10"}). ``type_parameters``: the spec's ``{name, value}`` list as a mapping.
    """

    code: str
    label: str
    hierarchy_code: str
    requirement_level: str
    type: str
    values_list: str
    variant: bool
    roles: tuple[str, ...]
    type_parameters: dict[str, str]
    validations: dict[str, str]
    description: str = ""
    example: str = ""
    default_value: str = ""


@dataclass(frozen=True)
class ValueListItem:
    code: str
    label: str


@dataclass(frozen=True)
class ValueList:
    """One VL11 value list: the codes a LIST attribute accepts."""

    code: str
    label: str
    values: tuple[ValueListItem, ...]


@dataclass(frozen=True)
class ProductImportStatus:
    """P42: ``status`` is the spec's ``import_status`` (TRANSFORMATION_WAITING ... COMPLETE)."""

    import_id: str
    status: str
    has_error_report: bool
    has_new_product_report: bool
    has_transformation_error_report: bool
    reason_status: str = ""
    transform_lines_read: int = 0
    transform_lines_in_success: int = 0
    transform_lines_in_error: int = 0
    date_created: dt.datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in PRODUCT_IMPORT_FINAL


@dataclass(frozen=True)
class OfferImportStatus:
    """OF02: the progress and counts of an offer import."""

    import_id: str
    status: str  # WAITING_SYNCHRONIZATION_PRODUCT, WAITING, RUNNING, COMPLETE, FAILED
    has_error_report: bool
    lines_read: int
    lines_in_success: int
    lines_in_error: int
    lines_in_pending: int
    offer_inserted: int
    offer_updated: int
    offer_deleted: int
    reason_status: str = ""
    mode: str = ""

    @property
    def is_final(self) -> bool:
        return self.status in OFFER_IMPORT_FINAL


@dataclass(frozen=True)
class OfferRow:
    """One OF01 line: the offer ``sku`` on the product ``product_id`` (of ``product_id_type``,
    e.g. EAN or SHOP_SKU); ``state`` is the offer state code."""

    sku: str
    product_id: str
    product_id_type: str
    price: Decimal
    quantity: int
    state: str
    leadtime_to_ship: int | None = None


@dataclass(frozen=True)
class ProductReportLine:
    """One line of a P44/P45/P47 report, found by the SKU column of the file we sent.

    ``message``: the line's error messages joined by "; " ("" for a line with warnings only,
    which does not block the product, and for P45's integrated products). ``attributes``:
    codes the error messages name (quoted, a leading ``code|``, or an attribute column), which
    may include other quoted words: match them against PM11 codes. ``warnings``: the line's
    warning messages. ``row``: every cell by its column name as the report wrote it.
    """

    line: int | None
    sku: str
    message: str
    attributes: tuple[str, ...]
    row: dict[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()

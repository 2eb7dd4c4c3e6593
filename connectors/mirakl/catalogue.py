"""Catalogue operations of the Mirakl client: the marketplace's structure and product/offer imports.

H11/PM11/VL11 read the category tree, its attributes and their value lists (once an hour at
most). P41 sends a product file; P42 follows it; P44/P45/P47 read its reports. OF01 sends the
offers on those products (offers only); OF02/OF03 follow it.

Retries: OF01 is safe to resend (the spec: "If Mirakl detects a duplicate import request, the
API will return the import_id of the existing import"), so it is retried on any transient
error. P41 makes no such promise: it is resent only when Mirakl certainly did nothing (429,
503, connect timeout); after anything else it raises OutcomeUnknownError, and the caller
looks at the shop's recent imports before sending the file again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from connectors.base import OutcomeUnknownError, PermanentError, malformed_as_permanent
from connectors.mirakl import contract, dtos, files, parse

OFFER_IMPORT_MODES = ("NORMAL", "REPLACE")  # the spec's import_mode (PARTIAL_UPDATE deprecated)


class CatalogueMixin:
    _http = None  # set by MiraklClient

    # --- structure (H11, PM11, VL11) ----------------------------------------------------

    def hierarchies_list(
        self, *, hierarchy: str | None = None, max_level: int | None = None
    ) -> list[dtos.Hierarchy]:
        """H11 ``GET /api/hierarchies``: the category tree (below ``hierarchy``, at most
        ``max_level`` levels down; all of it by default). Once an hour at most."""
        params = [("hierarchy", hierarchy), ("max_level", max_level)]
        return self._catalogue_list(
            "H11", "/api/hierarchies", params, "hierarchies", parse.hierarchy
        )

    def product_attributes_list(
        self, *, hierarchy: str | None = None
    ) -> list[dtos.ProductAttribute]:
        """PM11 ``GET /api/products/attributes``: every attribute of ``hierarchy``, its parents
        and children (all attributes by default); ``hierarchy_code`` "" is shared by every
        category. Once an hour at most."""
        return self._catalogue_list(
            "PM11",
            "/api/products/attributes",
            [("hierarchy", hierarchy)],
            "attributes",
            parse.product_attribute,
        )

    def value_lists_list(self, *, code: str | None = None) -> list[dtos.ValueList]:
        """VL11 ``GET /api/values_lists``: the value lists (one by ``code``, or all). Once an
        hour at most."""
        return self._catalogue_list(
            "VL11", "/api/values_lists", [("code", code)], "values_lists", parse.value_list
        )

    def _catalogue_list(
        self, op: str, path: str, params: list, key: str, parser: Callable[[dict], Any]
    ) -> list:
        body = self._http.call(op, "GET", path, params=params)
        return list(parse.parse_each(body.get(key) or [], parser, kind=op, id_key="code"))

    # --- products (P41, P42, P44, P45, P47) ---------------------------------------------

    def product_import_create(
        self, *, columns: Sequence[str], rows: Sequence[Mapping[str, str]]
    ) -> str:
        """P41 ``POST /api/products/imports`` (multipart ``file``): returns the import id.

        The file is a ``;`` CSV whose header is ``columns`` (the marketplace's attribute
        codes, PM11), one line per row; several values of one attribute are joined by the
        caller with ``contract.MULTI_VALUE_SEPARATOR``. Refused before sending (PermanentError)
        without rows, with a repeated column or a key outside ``columns``. Once every 15
        minutes at most. NOT resent after the request may have arrived: OutcomeUnknownError.
        """
        content = files.product_csv(columns, rows)
        part = (contract.PRODUCT_CSV_FILENAME, content, "text/csv")
        body = self._http.call(
            "P41", "POST", "/api/products/imports", files={"file": part}, idempotent=False
        )
        import_id = body.get("import_id")
        if import_id in (None, ""):
            # Mirakl answered 2xx, so an import probably exists: resending could duplicate it.
            raise OutcomeUnknownError(
                "Mirakl P41 answered without an import_id; the outcome of this P41 is unknown: "
                "look at the shop's product imports before sending it again"
            )
        return str(import_id)

    def product_import_status(self, import_id: str) -> dtos.ProductImportStatus:
        """P42 ``GET /api/products/imports/{import}`` (once a minute at most)."""
        path = _import_path("P42", "/api/products/imports", import_id)
        body = self._http.call("P42", "GET", path)
        with malformed_as_permanent("Mirakl", "P42"):
            return parse.product_import_status(body)

    def product_import_error_report(
        self, import_id: str, *, sku_column: str
    ) -> list[dtos.ProductReportLine]:
        """P44 ``GET /api/products/imports/{import}/error_report``: the lines the operator's
        integration refused (``has_error_report``); ``sku_column`` is the file's SKU column."""
        return self._product_report("P44", import_id, "error_report", sku_column, messages=True)

    def product_import_new_products(
        self, import_id: str, *, sku_column: str
    ) -> list[dtos.ProductReportLine]:
        """P45 ``GET /api/products/imports/{import}/new_product_report``: the products the
        import created (``has_new_product_report``)."""
        return self._product_report(
            "P45", import_id, "new_product_report", sku_column, messages=False
        )

    def product_import_transformation_errors(
        self, import_id: str, *, sku_column: str
    ) -> list[dtos.ProductReportLine]:
        """P47 ``GET /api/products/imports/{import}/transformation_error_report``: lines that
        fail the marketplace's structure, and warnings (``has_transformation_error_report``)."""
        return self._product_report(
            "P47", import_id, "transformation_error_report", sku_column, messages=True
        )

    def _product_report(
        self, op: str, import_id: str, report: str, sku_column: str, *, messages: bool
    ) -> list[dtos.ProductReportLine]:
        """Reports are limited by nothing but need: the spec's "each time a report is needed"."""
        path = _import_path(op, "/api/products/imports", import_id) + f"/{report}"
        text = self._http.call(op, "GET", path, expect="text")
        return files.product_report(text, sku_column=sku_column, kind=op, messages=messages)

    # --- offers (OF01, OF02, OF03) ------------------------------------------------------

    def offer_import_create(
        self, *, rows: Sequence[dtos.OfferRow], import_mode: str = "NORMAL"
    ) -> str:
        """OF01 ``POST /api/offers/imports`` (multipart ``file`` + ``import_mode``), offers
        only: returns the import id. Columns ``files.OFFER_COLUMNS``; REPLACE deletes every
        offer of the shop that is not in the file. Once a minute at most. Retried on any
        transient error: Mirakl answers a duplicate with the existing import's id."""
        if import_mode not in OFFER_IMPORT_MODES:
            raise PermanentError(
                f"OF01 refused: import_mode {import_mode!r} is not one of {OFFER_IMPORT_MODES}"
            )
        parts = {
            "file": (contract.OFFER_CSV_FILENAME, files.offer_csv(list(rows)), "text/csv"),
            "import_mode": (None, import_mode),
        }
        body = self._http.call("OF01", "POST", "/api/offers/imports", files=parts)
        import_id = body.get("import_id")
        if import_id in (None, ""):
            raise PermanentError("OF01: the answer has no import_id")
        return str(import_id)

    def offer_import_status(self, import_id: str) -> dtos.OfferImportStatus:
        """OF02 ``GET /api/offers/imports/{import}`` (once a minute at most)."""
        path = _import_path("OF02", "/api/offers/imports", import_id)
        body = self._http.call("OF02", "GET", path)
        with malformed_as_permanent("Mirakl", "OF02"):
            return parse.offer_import_status(body)

    def offer_import_errors(self, import_id: str) -> list[dtos.ImportLineError]:
        """OF03 ``GET /api/offers/imports/{import}/error_report``: the file's lines in error with
        ``error-line`` and ``error-message`` (the spec's example). Once a minute at most."""
        path = _import_path("OF03", "/api/offers/imports", import_id) + "/error_report"
        return files.import_errors(self._http.call("OF03", "GET", path, expect="text"))


def _import_path(op: str, base: str, import_id: str | int) -> str:
    """``base/<import_id>``; the spec's ``import`` is an integer, so anything else is refused."""
    text = str(import_id).strip()
    if not (text.isascii() and text.isdigit()):
        raise PermanentError(f"{op} not sent: import id {import_id!r} is not an integer")
    return f"{base}/{quote(text, safe='')}"

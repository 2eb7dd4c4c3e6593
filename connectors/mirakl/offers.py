"""Offer operations of the Mirakl client: stock and price imports, listing and export.

STO01/PRI01 resend the same quantities or prices harmlessly, so they are retried on any
transient error (at worst Mirakl runs the same import twice). PRI01 is delete-and-replace:
every price an offer should keep must be in the file (50 at most per offer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from connectors.base import PermanentError
from connectors.mirakl import dtos, files, parse
from connectors.mirakl.http import format_datetime


class OffersMixin:
    _http = None  # set by MiraklClient

    # --- stock (STO01-03) ---------------------------------------------------------------

    def stock_import_create(self, *, rows: Sequence[dtos.StockRow | tuple]) -> str:
        """STO01 ``POST /api/offers/stock/imports`` (multipart ``file``); returns the import id.

        ``rows``: StockRow or ``(offer_sku, quantity[, warehouse_code])``. Once a minute at
        most: coalesce every changed SKU into one file.
        """
        stock = [r if isinstance(r, dtos.StockRow) else dtos.StockRow(*r) for r in rows]
        content = files.stock_csv(stock)
        return self._import_upload("STO01", "/api/offers/stock/imports", "stock.csv", content)

    def stock_import_status(self, import_id: str) -> dtos.ImportStatus:
        """STO02 ``GET /api/offers/stock/imports/{import_id}/status`` (every 15 s at most)."""
        path = f"/api/offers/stock/imports/{quote(str(import_id), safe='')}/status"
        return parse.import_status(self._http.call("STO02", "GET", path))

    def stock_import_errors(self, import_id: str) -> list[dtos.ImportLineError]:
        """STO03 ``GET /api/offers/stock/imports/{import_id}/error_report``, per-SKU errors."""
        path = f"/api/offers/stock/imports/{quote(str(import_id), safe='')}/error_report"
        return files.import_errors(self._http.call("STO03", "GET", path, expect="text"))

    # --- price (PRI01-03) ---------------------------------------------------------------

    def price_import_create(self, *, rows: Sequence[dtos.PriceRow]) -> str:
        """PRI01 ``POST /api/offers/pricing/imports`` (multipart ``file``); the import id."""
        content = files.price_csv(list(rows))
        return self._import_upload("PRI01", "/api/offers/pricing/imports", "prices.csv", content)

    def _import_upload(self, op: str, path: str, filename: str, content: bytes) -> str:
        """POST ``content`` as the multipart ``file``; the import id Mirakl answers."""
        body = self._http.call(op, "POST", path, files={"file": (filename, content, "text/csv")})
        import_id = body.get("import_id") or body.get("importId")
        if import_id in (None, ""):
            raise PermanentError(f"{op}: the answer has no import_id")
        return str(import_id)

    def price_import_status(self, import_id: str) -> dtos.ImportStatus:
        """PRI02 ``GET /api/offers/pricing/imports?import_id=...`` (once a minute at most)."""
        body = self._http.call(
            "PRI02", "GET", "/api/offers/pricing/imports", params=[("import_id", import_id)]
        )
        for item in body.get("data") or []:
            if str(item.get("import_id")) == str(import_id):
                return parse.import_status(item)
        raise PermanentError(f"PRI02: price import {import_id} not found", status=404)

    def price_import_errors(self, import_id: str) -> list[dtos.ImportLineError]:
        """PRI03 ``GET /api/offers/pricing/imports/{import_id}/error_report``."""
        path = f"/api/offers/pricing/imports/{quote(str(import_id), safe='')}/error_report"
        return files.import_errors(self._http.call("PRI03", "GET", path, expect="text"))

    # --- listing and export (OF21, OF52-54) ---------------------------------------------

    def offers_list(
        self, *, sku: str | None = None, offer_state_codes: Sequence[str] = ()
    ) -> Iterator[dtos.Offer]:
        """OF21 ``GET /api/offers`` (offset pages to the end). For a full drift audit prefer
        the OF52 export: paging OF21 over a big catalogue draws 429s."""
        params = [("sku", sku), ("offer_state_codes", ",".join(offer_state_codes) or None)]
        raw = self._offset_items("OF21", "/api/offers", params, "offers")
        return parse.parse_each(raw, parse.offer, kind="OF21", id_key="shop_sku")

    def offers_export_create(
        self,
        *,
        last_request_date: dt.datetime | None = None,
        include_inactive_offers: bool | None = None,
        items_per_chunk: int | None = None,
        megabytes_per_chunk: int | None = None,
    ) -> str:
        """OF52 ``POST /api/offers/export/async`` as JSON; returns the ``tracking_id``.

        Without ``last_request_date`` it is a full export (once a day, limiter "OF52:full");
        with it a differential one (once a minute). Mirakl answers a duplicate request with
        the same tracking id, so retries are safe. ``include_inactive_offers`` is for full
        exports only: the spec says the call fails with it in differential mode.
        """
        if include_inactive_offers is not None and last_request_date is not None:
            raise PermanentError(
                "OF52 not sent: include_inactive_offers cannot be used with last_request_date"
            )
        body: dict[str, Any] = {"export_type": "application/json"}
        if last_request_date is not None:
            body["last_request_date"] = format_datetime(last_request_date)
        optional = {
            "include_inactive_offers": include_inactive_offers,
            "items_per_chunk": items_per_chunk,
            "megabytes_per_chunk": megabytes_per_chunk,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        limit_as = "OF52" if last_request_date is not None else "OF52:full"
        answer = self._http.call(
            "OF52", "POST", "/api/offers/export/async", json_body=body, limit_as=limit_as
        )
        tracking_id = answer.get("tracking_id")
        if not tracking_id:
            raise PermanentError("OF52: the answer has no tracking_id")
        return str(tracking_id)

    def offers_export_status(self, tracking_id: str) -> dtos.OfferExportStatus:
        """OF53 ``GET /api/offers/export/async/status/{tracking_id}`` (every 10 s at most)."""
        path = f"/api/offers/export/async/status/{quote(str(tracking_id), safe='')}"
        return parse.offer_export_status(self._http.call("OF53", "GET", path))

    def offers_export_download(self, url: str) -> list[dtos.Offer]:
        """OF54: one chunk of a completed JSON export (a URL from OF53 ``urls``)."""
        body = self._http.call("OF54", "GET", url, expect="array")
        return list(parse.parse_each(body, parse.offer, kind="OF54", id_key="shop_sku"))

    def offers_export_read(self, status: dtos.OfferExportStatus) -> Iterator[dtos.Offer]:
        """Every offer of a COMPLETED export, chunk after chunk."""
        if status.status != "COMPLETED":
            raise PermanentError(f"OF54: export is {status.status}, not COMPLETED")
        for url in status.urls:
            yield from self.offers_export_download(url)

"""SEKO Logistics (3PL: SEKO 360 / iHub) source connector.

Credentials ``api_key`` (a query parameter) and ``push_secret`` (SEKO's pushes to the hub);
option ``dc_code`` is required, the others are listed in docs/connectors/seko.md, section 2.

SEKO is a 3PL: it knows SKUs and quantities, not prices or trustworthy titles, so products
carry ``price=None`` and the flows take prices elsewhere. Orders go through
``salesorders/v1/websubmit`` with a SalesOrderNumber and a GUID derived from the JL order
number; SEKO keys status and tracking by the GUID, so :meth:`order_find` needs no stored state
and a retried create can never make a second order.
SEKO has no refunds (the base class answers an empty page); returns go through a return ASN
(receipts/v1) and come back as GRNs (:mod:`connectors.seko.returns`). Vendor details we could
not confirm live in :mod:`connectors.seko.contract`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from connectors.base import (
    ConfigError,
    Page,
    PermanentError,
    Shipment,
    SourceConnector,
    SourceOrderRef,
    SourceOrderRequest,
    SourceProduct,
    StockLevel,
    TransientError,
    WebhookEvent,
)
from connectors.registry import source_register
from connectors.seko import contract, mapping, webhooks
from connectors.seko.http import SekoHttp
from connectors.seko.returns import SekoReturnsMixin

logger = logging.getLogger(__name__)

_NO_STOCK_SKU = re.compile(r"Product\s+(\S+?)\s+has no free stock", re.IGNORECASE)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@source_register("seko")
class SekoConnector(SekoReturnsMixin, SourceConnector):
    """Reads SEKO stock and dispatches, submits web sales orders, verifies SEKO pushes."""

    kind = "seko"
    # a 3PL's stock rows are the only catalogue read (no title, no selling price, EAN only
    # sometimes): nothing is required from it; an EAN set in the SKU map is still checked
    catalogue_fields = frozenset()
    settings_from_credentials = False

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] = _utcnow,
        **options: Any,
    ) -> None:
        super().__init__(base_url=base_url, credentials=credentials, **options)
        if not self.base_url:
            raise ConfigError("the SEKO API URL (source_url) is missing")
        self.dc_code = self._setting("dc_code")
        if not self.dc_code:
            raise ConfigError("the SEKO option 'dc_code' is missing")
        self.integration_id = self._setting("integration_id")
        self.push_auth = self._setting("push_auth", contract.PUSH_AUTH_DEFAULT)
        if self.push_auth not in contract.PUSH_AUTH_MODES:
            modes = ", ".join(contract.PUSH_AUTH_MODES)
            raise ConfigError(f"the SEKO option 'push_auth' must be one of {modes}")
        self.clock = clock
        self.lookback = dt.timedelta(days=float(self._setting("lookback_days", "7")))
        self.window = dt.timedelta(days=float(self._setting("window_days", "7")))
        self.overlap = dt.timedelta(minutes=float(self._setting("overlap_minutes", "15")))
        self.http = SekoHttp(
            base_url=self.base_url,
            api_key=self.require_credential("api_key"),
            key_param=self._setting("key_param", contract.KEY_PARAM),
            session=session,
            read_attempts=int(self._setting("read_attempts", "3")),
            sleep=sleep,
        )

    # --- connection and catalogue ------------------------------------------------------------

    def ping(self) -> None:
        """SEKO's echo service: the key works when the parameter comes back (401 otherwise)."""
        answer = self.http.read(contract.ECHO_PATH, expect="json")
        if contract.ECHO_PARAMETER not in json.dumps(answer):
            raise TransientError("SEKO echo answered without the parameter it was sent")

    def products_read(self, cursor: str = "") -> Page:
        """The SKUs SEKO holds stock for in our DC (no read-back of products/v1 exists).

        SEKO omits zero rows, so a SKU with no stock anywhere in the DC is absent. No title or
        price is trusted from a 3PL: ``title`` is empty and ``price`` None. Always a full read.
        """
        rows = self._dc_rows()
        products: dict[str, SourceProduct] = {}
        for row in rows:
            sku = str(row.get("ProductCode") or "")
            if not sku or sku in products:
                continue
            products[sku] = SourceProduct(
                sku=sku,
                title="",
                price=None,
                barcode=str(row.get("Ean") or row.get("EAN") or ""),
                source_ids={"dc_code": self.dc_code},
            )
        return Page(items=list(products.values()), next_cursor="", has_more=False)

    # --- stock -------------------------------------------------------------------------------

    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Sellable (``Available Stock``) quantities; a requested SKU SEKO leaves out is 0."""
        if skus is None:
            totals = mapping.sellable_totals(self._dc_rows(), dc_code=self.dc_code)
            yield from mapping.levels_for(totals, sorted(totals))
            return
        wanted = list(dict.fromkeys(sku for sku in skus if sku))
        for batch in self._sku_batches(wanted):
            params = {"ProductCodes": ",".join(batch), "dc": self.dc_code}
            response = self.http.read(contract.STOCK_PRODUCT_PATH, params)
            rows = mapping.response_list(response, contract.STOCK_LIST_ITEM)
            yield from mapping.levels_for(
                mapping.sellable_totals(rows, dc_code=self.dc_code), batch
            )

    def stock_changes_read(self, cursor: str = "") -> Page:
        """Levels of the SKUs with a stock adjustment or movement in the cursor's window.

        The levels are re-read (absolute), never summed from deltas, so reading a window twice
        is harmless. Orders lower availability without an adjustment: the hub counts its own.
        """
        times, _, has_more = self._window(cursor)
        skus: set[str] = set()
        for template, item in (
            (contract.STOCK_ADJUSTMENT_PATH, contract.ADJUSTMENT_LIST_ITEM),
            (contract.STOCK_MOVEMENT_PATH, contract.MOVEMENT_LIST_ITEM),
        ):
            response = self.http.read(template.format(**times), {"dc": self.dc_code})
            rows = mapping.response_list(response, item)
            skus.update(str(row["ProductCode"]) for row in rows if row.get("ProductCode"))
        levels = list(self.stock_read(sorted(skus))) if skus else []
        return Page(items=levels, next_cursor=times["end"], has_more=has_more)

    def _dc_rows(self) -> list[dict]:
        response = self.http.read(contract.STOCK_DC_PATH.format(dc=self.dc_code))
        return mapping.response_list(response, contract.STOCK_LIST_ITEM)

    def _sku_batches(self, skus: list[str]) -> Iterator[list[str]]:
        """Greedy batches whose whole query string (dc and key included) fits SEKO's limit."""
        batch: list[str] = []
        for sku in skus:
            candidate = [*batch, sku]
            params = {"ProductCodes": ",".join(candidate), "dc": self.dc_code}
            if batch and self.http.query_length(params) > contract.QUERY_LIMIT:
                yield batch
                candidate = [sku]
            batch = candidate
        if batch:
            yield batch

    # --- orders ------------------------------------------------------------------------------

    def order_guid(self, external_reference: str) -> str:
        """The GUID this integration gives SEKO for a JL order (SEKO keys lookups by it)."""
        return self._guid_for_number(mapping.sales_order_number(external_reference))

    def _guid_for_number(self, number: str) -> str:
        return mapping.order_guid(number, scope=f"{self.integration_id}/{self.dc_code}")

    def order_find(self, external_reference: str) -> SourceOrderRef | None:
        """The order under the GUID we derive from the JL number, if SEKO has it."""
        guid = self.order_guid(external_reference)
        try:
            response = self.http.read(contract.ORDER_STATUS_PATH.format(guid=guid))
        except PermanentError as error:
            if error.code == "not_found":
                return None
            raise
        return _order_ref(guid, response, external_reference)

    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef:
        """Submit the order once, unless SEKO already has it; a lost answer is looked up."""
        existing = self.order_find(request.external_reference)
        if existing is not None:
            return existing
        repeated = mapping.duplicate_skus(request)
        if repeated:
            raise PermanentError(
                f"SEKO refuses repeated ProductCodes in one order: {', '.join(repeated)}",
                code="repeated_product_code",
            )
        guid = self.order_guid(request.external_reference)
        body = mapping.order_body(request, dc_code=self.dc_code, guid=guid)
        try:
            response = self.http.write(contract.ORDER_SUBMIT_PATH, body)
        except TransientError as error:
            return self._found_or_raise(request, error)
        except PermanentError as error:
            if error.code == "duplicate":
                return self._found_or_raise(request, error)
            if error.code == "no_free_stock":
                raise self._no_free_stock(error, request) from None
            raise
        return _order_ref(guid, response, request.external_reference)

    def _found_or_raise(self, request: SourceOrderRequest, error: Exception) -> SourceOrderRef:
        """After a failed submit the order may still exist: look before reporting the failure."""
        existing = self.order_find(request.external_reference)
        if existing is None:
            raise error
        return existing

    @staticmethod
    def _no_free_stock(error: PermanentError, request: SourceOrderRequest) -> PermanentError:
        skus = _NO_STOCK_SKU.findall(error.detail) or [line.sku for line in request.lines]
        refusal = PermanentError(
            f"SEKO rejected order {request.external_reference}: no free stock for "
            f"{', '.join(skus)} (SEKO rejects the whole order): {error.detail}",
            status=error.status,
            detail=error.detail,
            code="no_free_stock",
        )
        refusal.skus = skus
        return refusal

    # --- dispatches --------------------------------------------------------------------------

    def shipments_read(self, cursor: str = "") -> Page:
        """Orders dispatched in the cursor's window (overlapping; dedupe on shipment_id).

        This is the gap-filling poll behind SEKO's pushes, which are dropped after 3 failed
        deliveries. The list names only the dispatched orders' GUIDs: each is looked up in the
        tracking service (courier and tracking number; service and lines come with the pushes).
        """
        times, end, has_more = self._window(cursor)
        path = contract.DISPATCH_STATUS_PATH.format(**times)
        response = self.http.read(path, {"status": contract.DISPATCHED, "dc": self.dc_code})
        items = mapping.response_list(response, contract.DISPATCH_LIST_ITEM)
        guids = dict.fromkeys(mapping.text(item.get("GUID")) for item in items)
        return Page(
            items=[self._dispatched(guid, fallback_time=end) for guid in guids if guid],
            next_cursor=times["end"],
            has_more=has_more,
        )

    def _dispatched(self, guid: str, *, fallback_time: dt.datetime) -> Shipment:
        """The tracking lookup of a dispatched order's GUID (courier and tracking number).

        A refused lookup still yields the dispatch, without carrier or tracking: the cursor
        moves past this window, so dropping it would lose the dispatch for good; without a
        carrier the hub holds it for ops, and a later push or lookup fills it in.
        """
        try:
            response = self.http.read(contract.ORDER_TRACKING_PATH.format(guid=guid))
        except PermanentError as error:
            logger.warning("seko tracking lookup refused for %s: %s", guid, error)
            response = {}
        return mapping.shipment_from(response, fallback_time=fallback_time, guid=guid)

    def _window(self, cursor: str) -> tuple[dict[str, str], dt.datetime, bool]:
        """The ``start``/``end`` after ``cursor`` as SEKO's path times, the end, and whether
        the window stops short of now."""
        now = self.clock()
        if cursor:
            since = mapping.time_parse(cursor)
            if since is None:
                raise PermanentError(f"unreadable SEKO cursor {cursor!r}", code="bad_cursor")
            start = since - self.overlap
        else:
            start = now - self.lookback
        end = min(now, start + self.window)
        times = {"start": mapping.time_format(start), "end": mapping.time_format(end)}
        return times, end, end < now

    # --- pushes ------------------------------------------------------------------------------

    def webhook_parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """One verified push delivery as one event; ``payload["records"]`` holds each record."""
        return webhooks.push_event(self.webhook_events_parse(headers, body))

    def webhook_events_parse(self, headers: Mapping[str, str], body: bytes) -> list[WebhookEvent]:
        """A verified push as one event per record (event_id = InterfaceRecordId/SequenceNumber)."""
        webhooks.push_authenticate(
            mode=self.push_auth,
            secret=self.require_credential("push_secret"),
            headers=headers,
            body=body,
            header=self._setting("push_header", contract.PUSH_HEADER_DEFAULT),
            username=self._setting("push_username"),
            param=self._setting("push_param", contract.PUSH_PARAM_DEFAULT),
        )
        events = webhooks.push_events(body)
        if self.integration_id:
            for event in events:
                sender = str(event.payload.get("IntegrationId") or "")
                if sender and sender != self.integration_id:
                    raise PermanentError(
                        f"SEKO push for integration {sender!r}, expected {self.integration_id!r}",
                        code="wrong_integration",
                    )
        return events

    def shipments_from_push(self, event: WebhookEvent) -> list[Shipment]:
        """The shipments a parsed push (from :meth:`webhook_parse`) reports."""
        now = self.clock()
        shipments = []
        for entry in event.payload.get("records", []):
            number = mapping.text(entry["record"].get("SalesOrderNumber"))
            guid = self._guid_for_number(number) if number else ""
            shipments.append(mapping.shipment_from(entry["record"], fallback_time=now, guid=guid))
        return shipments


def _order_ref(guid: str, response: Mapping, external_reference: str) -> SourceOrderRef:
    """The order under our GUID. The hub keys every look-up and push by the GUID it derives
    (go-live question Q4); a different GUID in SEKO's answer is logged, and the order stays
    stored under ours, so that status, tracking and pushes all name the same order."""
    answered = mapping.text(response.get("GUID"))
    try:
        same = not answered or uuid.UUID(answered) == uuid.UUID(guid)
    except ValueError:
        same = False
    if not same:
        logger.warning("seko answered GUID %s for our %s; the hub keeps ours", answered, guid)
    number = mapping.sales_order_number(external_reference)
    return SourceOrderRef(source_order_id=guid, source_order_number=number)

"""Fulfil.io source connector (v2 model API + v3 JSON-RPC, ``X-API-KEY``).

Credentials ``api_key`` and ``webhook_secret`` (base64); the options it reads are listed in
docs/connectors/fulfil.md, "Credentials and options". Full catalogue walks (products, stock)
use v3 ``find``; everything else uses v2 ``search_read`` and model methods.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import requests

from connectors.base import (
    ConfigError,
    Page,
    PermanentError,
    SourceConnector,
    SourceOrderRef,
    SourceOrderRequest,
    SourceProduct,
    StockLevel,
    TransientError,
    WebhookEvent,
    malformed_as_permanent,
)
from connectors.fulfil import contract, mapping
from connectors.fulfil.content import Content, ProductContent
from connectors.fulfil.http import FulfilHttp
from connectors.fulfil.mapping import Keyset, as_decimal, dotted_value, keyset_next
from connectors.fulfil.webhooks import webhook_verify
from connectors.registry import source_register

logger = logging.getLogger(__name__)

CHUNK = 100  # ids / SKUs per call: keeps bodies and URLs small
KEYSET_ORDER = [["write_date", "ASC"], ["id", "ASC"]]


def _ids(value: str) -> list[int]:
    try:
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise ConfigError(f"fulfil option expects comma-separated ids, got {value!r}") from None


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Lists of ``size`` items, drawn lazily (a walk is only read as far as it is used)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@source_register("fulfil")
class FulfilConnector(SourceConnector):
    """Reads catalogue, stock, shipments and returns; creates and confirms sale.sale orders."""

    kind = "fulfil"

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(base_url=base_url, credentials=credentials, **options)
        if not self.base_url:
            raise ConfigError("the fulfil URL (https://<subdomain>.fulfil.io) is missing")
        self.warehouse_ids = _ids(self._setting("warehouse_ids"))
        self.party_id = self._int_setting("party_id")
        self.invoice_address_id = self._int_setting("invoice_address_id")
        self.channel_id = self._int_setting("channel_id")
        self.shipping_product_id = self._int_setting("shipping_product_id")
        self.barcode_field = self._setting("barcode_field", contract.BARCODE_FIELD)
        self.currency = self._setting("currency", "GBP")
        self.page_size = int(self._setting("page_size", "100"))
        self.overlap_seconds = int(self._setting("overlap_seconds", "60"))
        self.v3_updated_field = self._setting("v3_updated_field", contract.V3_UPDATED_FIELD)
        self.phone_contact_mechanism = self._setting("phone_contact_mechanism", "1") != "0"
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.http = FulfilHttp(
            base_url=self.base_url,
            api_key=self.require_credential("api_key"),
            session=session,
            max_attempts=int(self._setting("read_attempts", "3")),
            sleep=sleep,
            context=self._user_context(),
        )
        self.content = ProductContent(
            search_read=self._search_read,
            page_size=self.page_size,
            base_url=self.base_url,
            barcode_field=self.barcode_field,
        )

    def _user_context(self) -> dict | None:
        raw = self._setting("user_context")
        if not raw:
            return None
        try:
            context = json.loads(raw)
        except ValueError:
            context = None
        if not isinstance(context, dict):
            raise ConfigError("the fulfil option 'user_context' must be a JSON object")
        return context

    def _int_setting(self, name: str) -> int | None:
        value = self._setting(name)
        if not value:
            return None
        if not value.isdigit():
            raise ConfigError(f"fulfil option {name!r} must be a record id, got {value!r}")
        return int(value)

    # --- connection and catalogue ----------------------------------------------------------

    def ping(self) -> None:
        """List the warehouses and check the configured ones exist."""
        params = [("filter", '[["type","=","warehouse"]]'), ("field", "name"), ("per_page", "100")]
        rows = self.http.v2_get("stock.location", params) or []
        known = {int(row["id"]) for row in rows if isinstance(row, Mapping) and "id" in row}
        missing = [wid for wid in self.warehouse_ids if wid not in known]
        if missing:
            raise ConfigError(f"fulfil warehouse ids {missing} are not warehouses in Fulfil")

    def products_read(self, cursor: str = "") -> Page:
        """Products changed after the cursor, oldest first (v3 find, (updated_at, id) keyset),
        with their content (docs/connectors/fulfil.md, "Product content")."""
        start, stamp = Keyset.decode(cursor), self.v3_updated_field
        fields = ["id", "code", "variant_name", "list_price", stamp, self.barcode_field]
        result = self._find(start.where(stamp), fields, ordering={stamp: "ASC", "id": "ASC"})
        rows, has_more = result["data"], bool(result["pagination"].get("has_more"))
        with malformed_as_permanent("Fulfil", "product content read"):
            coded = [row for row in rows if row.get("code")]
            contents = self.content.for_products([int(row["id"]) for row in coded])
            products = [self._product(row, contents.get(int(row["id"]))) for row in coded]
        next_cursor = keyset_next(
            start, rows, has_more=has_more, overlap=self.overlap_seconds, stamp_field=stamp
        )
        return Page(items=products, next_cursor=next_cursor, has_more=has_more)

    def _product(self, row: Mapping, found: Content | None) -> SourceProduct:
        return mapping.product_from(
            row,
            barcode_field=self.barcode_field,
            currency=self.currency,
            stamp_field=self.v3_updated_field,
            attributes=found.attributes if found else None,
            categories=found.categories if found else (),
        )

    # --- stock -----------------------------------------------------------------------------

    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Available quantity over the configured warehouses; asked-for unknown SKUs are 0."""
        self._require_warehouses()
        if skus is None:
            yield from self._levels(self._products_walk({"code": {"ne": None}}))
            return
        seen: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(skus))):
            found = list(self._products_walk({"code": {"in": chunk}}))
            for level in self._levels(found):
                seen.add(level.sku)
                yield level
            for sku in chunk:
                if sku not in seen:
                    yield StockLevel(sku=sku, available=0)

    def stock_changes_read(self, cursor: str = "") -> Page:
        """Levels of the products whose stock moves changed since the cursor (polled)."""
        self._require_warehouses()
        start = Keyset.decode(cursor)
        fields = ["id", "write_date", "product", contract.STOCK_MOVE_PRODUCT_CODE]
        moves = self._search_read("stock.move", start.domain(), fields, order=KEYSET_ORDER)
        touched: dict[int, tuple[str, Any]] = {}
        for move in moves:
            code = dotted_value(move, contract.STOCK_MOVE_PRODUCT_CODE)
            if move.get("product") and code:
                touched[int(move["product"])] = (str(code), move.get("write_date"))
        products = [{"id": pid, "code": code} for pid, (code, _) in touched.items()]
        stamps = {code: mapping.as_datetime(stamp) for code, stamp in touched.values()}
        levels = [replace(level, updated_at=stamps[level.sku]) for level in self._levels(products)]
        return self._keyset_page(start, moves, levels)

    def _require_warehouses(self) -> None:
        if not self.warehouse_ids:
            raise ConfigError("the fulfil option 'warehouse_ids' is missing")

    def _levels(self, products: Iterable[Mapping]) -> Iterator[StockLevel]:
        for batch in _chunks(products):
            args = [[int(p["id"]) for p in batch], self.warehouse_ids]
            inventory = self.http.v2_call("product.product", "get_product_inventory", args) or {}
            for product in batch:
                available = mapping.available_sum(inventory, int(product["id"]), self.warehouse_ids)
                yield StockLevel(sku=str(product["code"]), available=available)

    # --- orders ----------------------------------------------------------------------------

    def order_find(self, external_reference: str) -> SourceOrderRef | None:
        """The sale whose ``reference`` is the JL number, in any state (returns excluded)."""
        sale = self._sale_lookup(external_reference)
        if sale is None:
            return None
        return SourceOrderRef(str(sale["id"]), mapping.text(sale.get("number")))

    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef:
        """Look the JL number up first; create, quote and confirm only when it is not there."""
        existing = self._sale_lookup(request.external_reference)
        if existing is not None:
            return self._sale_complete(existing)
        values = self._sale_values(request)
        try:
            created = self.http.v2_call("sale.sale", "create", [[values]], retry=False)
            sale: Mapping = {"id": int(created[0]), "state": "draft"}
        except (TransientError, TypeError, IndexError, ValueError) as error:
            # The create may have landed: look before anyone sends it again.
            found = self._sale_lookup(request.external_reference)
            if found is None and isinstance(error, TransientError):
                raise
            if found is None:
                raise TransientError("Fulfil sale.sale create answered without an id") from None
            sale = found
        return self._sale_complete(sale)

    def _sale_lookup(self, reference: str) -> Mapping | None:
        domain = [["reference", "=", reference]]
        fields = ["id", "number", "state", "reference", contract.RETURN_TOTAL_FIELD]
        rows = self._search_read("sale.sale", domain, fields, order=[["id", "ASC"]], limit=10)
        with malformed_as_permanent("Fulfil", "sale.sale lookup"):
            orders = [
                row
                for row in rows
                if (as_decimal(row.get(contract.RETURN_TOTAL_FIELD)) or 0) >= 0
                and row.get("reference") == reference
            ]
            if len(orders) > 1:
                logger.warning("fulfil has %d sales with reference %s", len(orders), reference)
            # The id is what every caller needs: read it here, where a bad one is reported.
            return {**orders[0], "id": int(orders[0]["id"])} if orders else None

    def _sale_complete(self, sale: Mapping) -> SourceOrderRef:
        """Quote and confirm a sale left in draft (also after a crash mid-way), then re-read."""
        state = sale.get("state")
        if state in contract.SALE_DRAFT_STATES:
            if state == "draft":
                self.http.v2_call("sale.sale", "quote", [[int(sale["id"])]])
            self.http.v2_call("sale.sale", "confirm", [[int(sale["id"])]])
            fields = ["id", "number", "state"]
            rows = self._search_read("sale.sale", [["id", "=", int(sale["id"])]], fields, limit=1)
            sale = rows[0] if rows else sale
        with malformed_as_permanent("Fulfil", "sale.sale re-read"):
            return SourceOrderRef(str(sale["id"]), mapping.text(sale.get("number")))

    def _sale_values(self, request: SourceOrderRequest) -> dict:
        if self.party_id is None:
            raise ConfigError("the fulfil option 'party_id' is missing (the JL customer party)")
        if request.shipping_price and self.shipping_product_id is None:
            raise ConfigError(
                "the fulfil option 'shipping_product_id' is missing and the order has a "
                "shipping charge"
            )
        product_ids = self._product_ids([line.sku for line in request.lines])
        address_id = self._address_create(request)
        return mapping.sale_values(
            request,
            product_ids=product_ids,
            party_id=self.party_id,
            shipment_address_id=address_id,
            invoice_address_id=self.invoice_address_id,
            channel_id=self.channel_id,
            shipping_product_id=self.shipping_product_id,
        )

    def _product_ids(self, skus: list[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(skus))
        rows = self._search_read(
            "product.product", [["code", "in", wanted]], ["id", "code"], limit=len(wanted)
        )
        with malformed_as_permanent("Fulfil", "product.product lookup"):
            found = {str(row["code"]): int(row["id"]) for row in rows}
        missing = [sku for sku in wanted if sku not in found]
        if missing:
            raise PermanentError(
                f"SKUs unknown in Fulfil: {', '.join(missing)}", code="unknown_sku"
            )
        return found

    def _address_create(self, request: SourceOrderRequest) -> int:
        address = request.shipping_address
        iso2 = address.country_iso2.upper()
        rows = self._search_read("country.country", [["code", "=", iso2]], ["id"], limit=1)
        if not rows:
            raise PermanentError(f"country {iso2!r} is unknown in Fulfil", code="unknown_country")
        with malformed_as_permanent("Fulfil", "country.country lookup"):
            country_id = int(rows[0]["id"])
        values = mapping.address_values(address, party_id=self.party_id, country_id=country_id)
        # An address or phone left behind by a crash is harmless: nothing refers to it.
        created = self.http.v2_call("party.address", "create", [[values]], retry=False)
        phone = mapping.phone_values(address, party_id=self.party_id)
        if phone and self.phone_contact_mechanism:
            model = contract.CONTACT_MECHANISM_MODEL
            self.http.v2_call(model, "create", [[phone]], retry=False)
        with malformed_as_permanent("Fulfil", "party.address create"):
            return int(created[0])

    # --- dispatch and returns --------------------------------------------------------------

    def shipments_read(self, cursor: str = "") -> Page:
        """Shipped (done) customer shipments written since the cursor, with tracking."""
        start = Keyset.decode(cursor)
        domain = [["state", "in", contract.SHIPMENT_SHIPPED_STATES], *start.domain()]
        fields = ["id", *dict.fromkeys(contract.SHIPMENT_FIELDS.values())]
        rows = self._search_read("stock.shipment.out", domain, fields, order=KEYSET_ORDER)
        with malformed_as_permanent("Fulfil", "stock.shipment.out read"):
            return self._shipments_page(start, rows)

    def _shipments_page(self, start: Keyset, rows: list[Mapping]) -> Page:
        sales_field = contract.SHIPMENT_FIELDS["sales"]
        moves_field = contract.SHIPMENT_FIELDS["moves"]
        references = self._references({int(s) for row in rows for s in row.get(sales_field) or []})
        move_ids = sorted({int(m) for row in rows for m in row.get(moves_field) or []})
        moves = self._by_id("stock.move", move_ids, ["id", "product.code", "quantity"])
        items = [mapping.shipment_from(row, references=references, moves=moves) for row in rows]
        return self._keyset_page(start, rows, items)

    def refunds_read(self, cursor: str = "") -> Page:
        """Confirmed return sales (negative total) written since the cursor."""
        start = Keyset.decode(cursor)
        domain = [
            [contract.RETURN_TOTAL_FIELD, "<", 0],
            ["state", "in", contract.SALE_OPEN_STATES],
            *start.domain(),
        ]
        fields = ["id", "reference", "state", contract.RETURN_TOTAL_FIELD, "write_date"]
        rows = self._search_read("sale.sale", domain, fields, order=KEYSET_ORDER)
        with malformed_as_permanent("Fulfil", "return sale.sale read"):
            return self._refunds_page(start, rows)

    def _refunds_page(self, start: Keyset, rows: list[Mapping]) -> Page:
        lines: dict[int, list[Mapping]] = {int(row["id"]): [] for row in rows}
        line_fields = ["id", "sale", "product", "product.code", "quantity", "amount"]
        for chunk in _chunks(list(lines)):
            for line in self._search_read("sale.line", [["sale", "in", chunk]], line_fields):
                lines[int(line["sale"])].append(line)
        items = [
            mapping.refund_from(
                row, lines[int(row["id"])], shipping_product_id=self.shipping_product_id
            )
            for row in rows
        ]
        return self._keyset_page(start, rows, items)

    def _keyset_page(self, start: Keyset, rows: list[Mapping], items: list) -> Page:
        """The page of a v2 keyset read: a full page means more may follow."""
        has_more = len(rows) == self.page_size
        next_cursor = keyset_next(start, rows, has_more=has_more, overlap=self.overlap_seconds)
        return Page(items=items, next_cursor=next_cursor, has_more=has_more)

    def _references(self, sale_ids: set[int]) -> dict[int, str]:
        sales = self._by_id("sale.sale", sorted(sale_ids), ["id", "reference"])
        return {sid: mapping.text(row.get("reference")) for sid, row in sales.items()}

    def _by_id(self, model: str, ids: list[int], fields: list[str]) -> dict[int, Mapping]:
        found: dict[int, Mapping] = {}
        for chunk in _chunks(ids):
            for row in self._search_read(model, [["id", "in", chunk]], fields, limit=len(chunk)):
                found[int(row["id"])] = row
        return found

    # --- webhooks --------------------------------------------------------------------------

    def webhook_parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verify the HMAC (base64-decoded secret) and the replay window; parse the body."""
        secret = self.require_credential("webhook_secret")
        return webhook_verify(secret=secret, headers=headers, body=body, now=self._clock())

    # --- API helpers -----------------------------------------------------------------------

    def _search_read(
        self,
        model: str,
        domain: list,
        fields: list[str],
        *,
        order: list | None = None,
        limit: int | None = None,
    ) -> list[Mapping]:
        """v2 ``search_read(domain, offset, limit, order, fields)``."""
        args = [domain, 0, limit or self.page_size, order, fields]
        rows = self.http.v2_call(model, "search_read", args)
        if not isinstance(rows, list):
            raise TransientError(f"Fulfil {model}.search_read answered {type(rows).__name__}")
        return rows

    def _find(self, where: dict, fields: list[str], *, ordering: dict, cursor: str = "") -> dict:
        params: dict[str, Any] = {"where": where, "fields": fields, "ordering": ordering}
        params["page_size"] = self.page_size
        if cursor:
            params["cursor"] = cursor
        result = self.http.rpc(f"model.{contract.V3_PRODUCT_MODEL}.find", params)
        if not isinstance(result, dict) or not isinstance(result.get("data"), list):
            raise TransientError("Fulfil find answered without a data list")
        result.setdefault("pagination", {})
        return result

    def _products_walk(self, where: dict) -> Iterator[Mapping]:
        """Every product matching ``where``, following the server's cursor to the end."""
        cursor = ""
        while True:
            result = self._find(where, ["id", "code"], ordering={"id": "ASC"}, cursor=cursor)
            yield from (row for row in result["data"] if row.get("code"))
            cursor = result["pagination"].get("next_cursor") or ""
            if not result["pagination"].get("has_more") or not cursor:
                return

"""Magento 2 / Adobe Commerce source connector (REST, integration bearer token).

The options it reads (``access_token``, ``store_code``, ``source_codes``, ``stock_id``,
``ean_attribute``, ``payment_method``, ``shipping_method``, ``currency``, ``page_size``,
``read_attempts``) are described in docs/connectors/magento.md section 1.4.

Orders go through a stock guest cart so totals, tax and MSI reservations are computed by
Magento (``PUT /V1/orders/create`` skips reservations); no module is needed. How that stays
exactly once: :meth:`MagentoConnector.order_create` and docs/connectors/magento.md 1.3.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests

from connectors.base import (
    ConfigError,
    ConnectorError,
    Page,
    PermanentError,
    SourceConnector,
    SourceOrderRef,
    SourceOrderRequest,
    StockLevel,
    TransientError,
    malformed_as_permanent,
)
from connectors.magento import content, mapping
from connectors.magento.http import MagentoHttp
from connectors.magento.returns import MagentoReturnsMixin
from connectors.magento.search import (
    KEYSET_SORT,
    Filter,
    Keyset,
    keyset_next,
    pages_walk,
    search_params,
)
from connectors.registry import source_register

logger = logging.getLogger(__name__)

SKU_CHUNK = 50  # SKUs per ``in`` filter: keeps the URL short


@source_register("magento")
class MagentoConnector(MagentoReturnsMixin, SourceConnector):
    """Reads catalogue, MSI stock, shipments and credit memos; places orders by guest cart."""

    kind = "magento"

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(base_url=base_url, credentials=credentials, **options)
        if not self.base_url:
            raise ConfigError("the magento store URL is missing")
        self.store_code = self._setting("store_code", "default")
        self.source_codes = [c.strip() for c in self._setting("source_codes").split(",")]
        self.source_codes = [code for code in self.source_codes if code]
        self.stock_id = self._setting("stock_id")
        self.ean_attribute = self._setting("ean_attribute", "ean")
        self.payment_method = self._setting("payment_method", "checkmo")
        self.shipping_method = self._setting("shipping_method", "flatrate_flatrate")
        self.currency = self._setting("currency", "GBP")
        self.page_size = int(self._setting("page_size", "100"))
        self.http = MagentoHttp(
            base_url=self.base_url,
            store_code=self.store_code,
            token=self.require_credential("access_token"),
            session=session,
            read_attempts=int(self._setting("read_attempts", "3")),
            sleep=sleep,
        )
        self.lookups = content.CatalogueLookups(
            self.http.read, store_code=self.store_code, page_size=self.page_size
        )

    # --- connection and catalogue ----------------------------------------------------------

    def ping(self) -> None:
        """Read the store configs and check the configured store code exists."""
        configs = self.http.read("store/storeConfigs") or []
        codes = [str(config.get("code")) for config in configs if isinstance(config, Mapping)]
        if codes and self.store_code not in codes + ["all"]:
            raise ConfigError(
                f"Magento store code {self.store_code!r} not found (known: {', '.join(codes)})"
            )

    def products_read(self, cursor: str = "") -> Page:
        """Products updated after the cursor, oldest first (keyset on updated_at, entity_id),
        with their full content (:mod:`connectors.magento.content`)."""
        items, keyset, has_more = self._keyset_page("products", cursor)
        products = [
            content.product_from(
                item, self.lookups, ean_attribute=self.ean_attribute, currency=self.currency
            )
            for item in items
        ]
        # Products answer ``id``; the filter and sort field is ``entity_id``.
        keyed = [{**item, "entity_id": item.get("id")} for item in items]
        next_cursor = keyset_next(keyed, keyset, has_more=has_more)
        return Page(items=products, next_cursor=next_cursor.encode(), has_more=has_more)

    # --- stock -----------------------------------------------------------------------------

    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Summed in-stock quantity over the configured sources, or the salable quantity."""
        totals = self._source_totals(skus)
        for sku in skus or []:
            totals.setdefault(sku, None)
        for sku, quantity in totals.items():
            if quantity is None:  # asked for, but Magento has no source item: nothing to sell
                yield StockLevel(sku=sku, available=0)
                continue
            available = self._salable_quantity(sku) if self.stock_id else quantity
            if available is not None:
                yield StockLevel(sku=sku, available=available)

    def stock_changes_read(self, cursor: str = "") -> Page:
        """Levels that changed since the cursor's snapshot.

        Source items carry no ``updated_at``, so this is a full read compared with per-bucket
        fingerprints stored in the cursor (64 buckets of SKUs). Every SKU of a changed bucket
        is returned; re-sending an unchanged level is harmless.
        """
        levels = list(self.stock_read())
        snapshot = mapping.snapshot_cursor(levels)
        changed = mapping.levels_changed(levels, cursor, snapshot)
        return Page(items=changed, next_cursor=snapshot, has_more=False)

    def _source_totals(self, skus: list[str] | None) -> dict[str, int | None]:
        base: list[list[Filter]] = []
        if self.source_codes:
            base.append([("source_code", ",".join(self.source_codes), "in")])
        if skus is None:
            batches: list[list[list[Filter]]] = [base]
        else:
            chunks = [skus[i : i + SKU_CHUNK] for i in range(0, len(skus), SKU_CHUNK)]
            batches = [[*base, [("sku", ",".join(chunk), "in")]] for chunk in chunks]
        totals: dict[str, int | None] = {}
        fetch = functools.partial(self.http.read, "inventory/source-items")
        for groups in batches:
            for item in pages_walk(fetch, groups, page_size=self.page_size):
                sku = str(item.get("sku"))
                totals[sku] = (totals.get(sku) or 0) + mapping.source_item_quantity(item)
        return totals

    def _salable_quantity(self, sku: str) -> int | None:
        path = f"inventory/get-product-salable-quantity/{quote(sku, safe='')}/{self.stock_id}"
        try:
            value = self.http.read(path)
        except PermanentError as error:
            logger.warning("magento salable quantity skipped for %s: %s", sku, error)
            return None
        quantity = mapping.decimal_or_none(value)
        return None if quantity is None else max(0, int(quantity))

    # --- orders ----------------------------------------------------------------------------

    def order_find(self, external_reference: str) -> SourceOrderRef | None:
        """The oldest order whose ``ext_order_id`` is the JL order number, if any."""
        order = self._order_search("ext_order_id", external_reference)
        return None if order is None else _order_ref(order)

    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef:
        """Place the order through a stock guest cart, exactly once.

        Stock Magento writes ``ext_order_id`` only after the order exists, so the quote id,
        which the placement copies to ``sales_order.quote_id``, closes that window: it is
        recorded through ``request.attempt_record`` before the placement, and a retry looks
        every recorded quote up before it fills a new cart.
        """
        found = self._order_search("ext_order_id", request.external_reference)
        if found is None:
            found = self._attempts_resume(request)
        if found is not None:
            return self._order_stamp(found, request)
        cart = self._cart_prepare(request)
        if request.attempt_record is not None:
            request.attempt_record(cart)
        return self._order_stamp(self._cart_place(cart, request), request)

    def _order_search(self, field: str, value: str) -> dict | None:
        body = self._search("orders", [[(field, value, "eq")]], 1, sort=[("entity_id", "ASC")])
        with malformed_as_permanent("Magento", "order search"):
            items = body.get("items") or []
            if not items:
                return None
            order = dict(items[0])
            order["entity_id"] = int(order["entity_id"])
            return order

    def _attempts_resume(self, request: SourceOrderRequest) -> dict | None:
        """The order an earlier attempt placed, else that attempt's cart placed now."""
        carts = [a for a in request.attempts if a.get("quote_id") and a.get("cart_id")]
        for cart in carts:
            order = self._order_search("quote_id", str(cart["quote_id"]))
            if order is not None:
                return order
        if not carts:
            return None
        try:
            # A late first placement makes Magento refuse this one: its quote is inactive.
            return self._cart_place(carts[-1], request)
        except PermanentError as error:
            if error.status != 404:
                raise
            return None  # the cart is gone and never became an order: start again

    def _cart_prepare(self, request: SourceOrderRequest) -> dict[str, str]:
        cart_id = str(self.http.write("POST", "guest-carts"))
        cart = self.http.read(f"guest-carts/{cart_id}") or {}
        with malformed_as_permanent("Magento", "guest cart"):
            quote_id = str(int(cart["id"]))
        for line in request.lines:
            item = {"cartItem": {"sku": line.sku, "qty": line.quantity, "quote_id": cart_id}}
            self.http.write("POST", f"guest-carts/{cart_id}/items", item)
        body = mapping.shipping_information_body(request, self.shipping_method)
        self.http.write("POST", f"guest-carts/{cart_id}/shipping-information", body)
        return {"quote_id": quote_id, "cart_id": cart_id}

    def _cart_place(self, cart: Mapping[str, str], request: SourceOrderRequest) -> dict:
        """Place once; on any failure look again, the order may exist though the answer was lost."""
        body = mapping.payment_information_body(request, self.payment_method)
        path = f"guest-carts/{cart['cart_id']}/payment-information"
        try:
            order_id = self.http.write("POST", path, body)
        except (TransientError, PermanentError):
            existing = self._order_search("quote_id", str(cart["quote_id"]))
            if existing is not None:
                return existing
            raise
        with malformed_as_permanent("Magento", "order placement"):
            return {"entity_id": int(order_id)}

    def _order_stamp(self, order: dict, request: SourceOrderRequest) -> SourceOrderRef:
        """Put the JL number in ``ext_order_id`` and a note for staff, unless already there."""
        if order.get("ext_order_id") != request.external_reference:
            entity = {"entity_id": order["entity_id"], "ext_order_id": request.external_reference}
            saved = self.http.write("POST", "orders", {"entity": entity})
            order = saved if isinstance(saved, dict) else order
        self._order_comment(order, request)
        return _order_ref(order)

    def _order_comment(self, order: Mapping, request: SourceOrderRequest) -> None:
        comment = mapping.order_comment_text(request)
        histories = order.get("status_histories") or []
        if any(comment == str(h.get("comment")) for h in histories if isinstance(h, Mapping)):
            return
        history = {"comment": comment, "is_customer_notified": 0, "is_visible_on_front": 0}
        body = {"statusHistory": history}
        try:
            self.http.write("POST", f"orders/{order['entity_id']}/comments", body)
        except ConnectorError as error:
            # The order exists and carries the reference; a missing note must not hide that.
            logger.warning("magento order %s comment failed: %s", order["entity_id"], error)

    # --- fulfilment and refunds ------------------------------------------------------------

    def shipments_read(self, cursor: str = "") -> Page:
        """Shipments created or updated after the cursor; carrier from the first track."""
        return self._sales_documents_read("shipments", cursor, mapping.shipment_from)

    def refunds_read(self, cursor: str = "") -> Page:
        """Credit memos created or updated after the cursor."""
        return self._sales_documents_read("creditmemos", cursor, mapping.refund_from)

    # --- shared reads ----------------------------------------------------------------------

    def _sales_documents_read(
        self, path: str, cursor: str, document_from: Callable[[Mapping, Mapping], Any]
    ) -> Page:
        """A keyset page of shipments or credit memos, each with its order (one read)."""
        items, keyset, has_more = self._keyset_page(path, cursor)
        with malformed_as_permanent("Magento", f"{path} search"):
            orders = self._orders_by_id({str(item.get("order_id")) for item in items})
            documents = [
                document_from(item, orders.get(str(item.get("order_id")), {})) for item in items
            ]
            next_cursor = keyset_next(items, keyset, has_more=has_more).encode()
        return Page(items=documents, next_cursor=next_cursor, has_more=has_more)

    def _search(
        self, path: str, groups: list[list[Filter]], page_size: int, sort: Sequence = ()
    ) -> Any:
        """The body of page 1 of a ``searchCriteria`` list read."""
        params = search_params(groups, page_size=page_size, current_page=1, sort=sort)
        return self.http.read(path, params) or {}

    def _keyset_page(self, path: str, cursor: str) -> tuple[list[dict], Keyset, bool]:
        try:
            keyset = Keyset.parse(cursor)
        except ValueError:
            raise PermanentError(f"unreadable Magento {path} cursor {cursor!r}") from None
        body = self._search(path, keyset.groups(), self.page_size, sort=KEYSET_SORT)
        with malformed_as_permanent("Magento", f"{path} search"):
            items = list(body.get("items") or [])
            has_more = int(body.get("total_count") or 0) > len(items)
        return items, keyset, has_more

    def _orders_by_id(self, order_ids: set[str]) -> dict[str, dict]:
        order_ids = {order_id for order_id in order_ids if order_id and order_id != "None"}
        if not order_ids:
            return {}
        groups = [[("entity_id", ",".join(sorted(order_ids)), "in")]]
        body = self._search("orders", groups, len(order_ids))
        with malformed_as_permanent("Magento", "orders by id"):
            return {str(order.get("entity_id")): order for order in body.get("items") or []}


def _order_ref(order: Mapping) -> SourceOrderRef:
    with malformed_as_permanent("Magento", "order"):
        return SourceOrderRef(
            source_order_id=str(order["entity_id"]),
            source_order_number=str(order.get("increment_id") or ""),
        )

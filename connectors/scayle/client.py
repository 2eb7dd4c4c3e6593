"""SCAYLE source connector (Admin API v1, ``X-Access-Token``).

The integration's source URL is the Admin API base,
``https://{tenant}-{space}.admin.api.scayle.cloud/api/admin/v1``; the credentials
(``access_token``, ``webhook_secret``) and options are listed in docs/connectors/scayle.md 1.4.
The variant's ``referenceKey`` is the SKU and the order's ``referenceKey`` is the JL order
number. Every detail we could not confirm publicly lives in :mod:`connectors.scayle.contract`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping
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
    WebhookEvent,
)
from connectors.registry import source_register
from connectors.scayle import content, contract, mapping
from connectors.scayle.cursors import ReadCursor, StockCursor
from connectors.scayle.http import ScayleHttp
from connectors.scayle.webhooks import webhook_verify

logger = logging.getLogger(__name__)


@source_register("scayle")
class ScayleConnector(SourceConnector):
    """Reads catalogue, variant stocks, packages and returns; creates external orders."""

    kind = "scayle"

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        super().__init__(base_url=base_url, credentials=credentials, **options)
        if not self.base_url:
            raise ConfigError("the scayle Admin API URL is missing")
        self.shop_key = self._setting("shop_key")
        if not self.shop_key:
            raise ConfigError("the scayle option 'shop_key' is missing")
        self.country_code = self._setting("country_code", "GB").upper()
        self.channel_key = self._setting("channel_key")
        keys = self._setting("warehouse_reference_keys").split(",")
        self.warehouses = [key.strip() for key in keys if key.strip()]
        self.ean_attribute = self._setting("ean_attribute", "ean")
        self.currency = self._setting("currency", "GBP")
        self.page_size = int(self._setting("page_size", "100"))
        self.locale = self._setting("locale", contract.DEFAULT_LOCALE)
        self.media_base = self._setting("media_base_url") or content.media_base_for(base_url)
        self.http = ScayleHttp(
            base_url=self.base_url,
            token=self.require_credential("access_token"),
            session=session,
            read_attempts=int(self._setting("read_attempts", "3")),
            sleep=sleep,
            clock=clock,
        )

    def _orders_path(self, template: str = contract.ORDERS_PATH, **parts: str) -> str:
        return template.format(
            shop_key=quote(self.shop_key, safe=""),
            country_code=quote(self.country_code, safe=""),
            **parts,
        )

    # --- connection and catalogue ----------------------------------------------------------

    def ping(self) -> None:
        """Read the configured shop: proves the token and the shop key."""
        path = contract.SHOP_PATH.format(shop_key=quote(self.shop_key, safe=""))
        try:
            self.http.read(path, scope=contract.SCOPE_SHOP_READ)
        except PermanentError as error:
            if error.status != 404:
                raise
            raise ConfigError(
                f"SCAYLE shop {self.shop_key!r} not found: check the option 'shop_key'",
                status=404,
                code=error.code,
            ) from None

    def products_read(self, cursor: str = "") -> Page:
        """Variants of products updated since the cursor, one SourceProduct per variant, with
        the product's full content (docs/connectors/scayle.md, "Product content")."""
        state = ReadCursor.decode(cursor)
        params = self._page_params(state, contract.PRODUCTS_WITH)
        body = self.http.read(contract.PRODUCTS_PATH, params, scope=contract.SCOPE_PRODUCT_READ)
        entities, next_page = self._collection(body, "products")
        items = []
        for product in entities:
            items += mapping.products_from(
                product,
                ean_attribute=self.ean_attribute,
                country_code=self.country_code,
                currency=self.currency,
                locale=self.locale,
                media_base=self.media_base,
            )
            state = state.seen(product.get("updatedAt"))
        return Page(
            items=items, next_cursor=state.advance(next_page).encode(), has_more=bool(next_page)
        )

    # --- stock -----------------------------------------------------------------------------

    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Sellable quantity per SKU over the configured warehouses (0 for unknown SKUs)."""
        for sku in skus if skus is not None else self._skus_all():
            found = self._variant_stock(sku)
            quantity, changed = found if found is not None else (0, None)
            yield StockLevel(sku=sku, available=quantity, updated_at=changed)

    def stock_changes_read(self, cursor: str = "") -> Page:
        """Levels whose ``changedAt`` moved since the cursor.

        The Admin API has no "stocks changed since" list, so this reads every variant's
        stocks (paced by the stocksRead budget); ``product-variant-stock-updated`` webhooks
        are the fast path and this is the reconciliation behind them.
        """
        previous = StockCursor.decode(cursor)
        seen, changed = [], []
        for sku in self._skus_all():
            found = self._variant_stock(sku)
            if found is None:
                continue
            quantity, changed_at = found
            seen.append((sku, quantity, changed_at))
            if previous.is_change(sku, quantity, changed_at):
                changed.append(StockLevel(sku=sku, available=quantity, updated_at=changed_at))
        next_cursor = StockCursor.after(seen, previous).encode()
        return Page(items=changed, next_cursor=next_cursor, has_more=False)

    def _variant_stock(self, sku: str) -> tuple[int, dt.datetime] | None:
        variant = quote(contract.REFERENCE_KEY_PREFIX + sku, safe="=")
        path = contract.VARIANT_STOCKS_PATH.format(variant=variant)
        try:
            body = self.http.read(path, scope=contract.SCOPE_STOCK_READ)
        except PermanentError as error:
            if error.status != 404:
                raise
            logger.warning("scayle has no variant %s: reporting 0 available", sku)
            return None
        entities, _ = self._collection(body, "stocks")
        return mapping.stock_total(entities, self.warehouses)

    def _skus_all(self) -> Iterator[str]:
        state = ReadCursor()
        while True:
            params = self._page_params(state, "variants")
            body = self.http.read(contract.PRODUCTS_PATH, params, scope=contract.SCOPE_PRODUCT_READ)
            entities, next_page = self._collection(body, "products")
            for product in entities:
                for variant in product.get("variants") or []:
                    if variant.get("referenceKey"):
                        yield str(variant["referenceKey"])
            if not next_page:
                return
            state = ReadCursor(after=str(next_page))

    # --- orders ----------------------------------------------------------------------------

    def order_find(self, external_reference: str) -> SourceOrderRef | None:
        """The order whose ``referenceKey`` is the JL order number, if any (Q1)."""
        identifier = quote(contract.REFERENCE_KEY_PREFIX + external_reference, safe="=")
        path = self._orders_path(contract.ORDER_BY_REFERENCE, order=identifier)
        try:
            order = self._object(self.http.read(path, scope=contract.SCOPE_ORDER_READ), "order")
        except PermanentError as error:
            if error.status == 404:
                return None
            raise
        if order.get("referenceKey") not in (None, external_reference):
            return None
        return mapping.order_ref(order)

    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef:
        """Create the external order unless one with this referenceKey exists already."""
        if not self.channel_key:
            raise ConfigError("the scayle option 'channel_key' is missing (order creation)")
        existing = self.order_find(request.external_reference)
        if existing is not None:
            return existing
        body = mapping.order_body(request, channel_key=self.channel_key)
        try:
            answer = self.http.write(
                "POST", self._orders_path(), body, scope=contract.SCOPE_ORDER_WRITE
            )
            order = self._object(answer, "order create")
        except ConnectorError as error:
            if isinstance(error, ConfigError):
                raise
            # The answer may have been lost (or mangled) after SCAYLE created it: look first.
            found = self.order_find(request.external_reference)
            if found is not None:
                return found
            raise
        if order.get("referenceKey") != request.external_reference:
            self._reference_key_set(str(order.get("id")), request.external_reference)
        return mapping.order_ref(order)

    def _reference_key_set(self, order_id: str, reference: str) -> None:
        path = self._orders_path(contract.ORDER_REFERENCE_KEY_PATH, order=quote(order_id))
        self.http.write("PUT", path, {"referenceKey": reference}, scope=contract.SCOPE_ORDER_WRITE)

    # --- fulfilment and refunds ------------------------------------------------------------

    def shipments_read(self, cursor: str = "") -> Page:
        """Shipped packages of orders updated since the cursor (one Shipment per package)."""
        return self._orders_read(cursor, mapping.shipments_from)

    def refunds_read(self, cursor: str = "") -> Page:
        """Returned or cancelled pieces of orders updated since the cursor (Q9)."""
        return self._orders_read(cursor, mapping.refunds_from)

    def _orders_read(self, cursor: str, items_from: Callable[[Mapping], list]) -> Page:
        state = ReadCursor.decode(cursor)
        params = self._page_params(state, contract.ORDERS_WITH)
        body = self.http.read(self._orders_path(), params, scope=contract.SCOPE_ORDER_READ)
        orders, next_page = self._collection(body, "orders")
        items = []
        for order in orders:
            items += items_from(order)
            state = state.seen(order.get("updatedAt"))
        return Page(
            items=items, next_cursor=state.advance(next_page).encode(), has_more=bool(next_page)
        )

    # --- webhooks --------------------------------------------------------------------------

    def webhook_parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Check the delivery's credentials (Basic auth or a header, Q10); return the event."""
        return webhook_verify(
            mode=self._setting("webhook_auth", "basic").lower(),
            secret=self.require_credential("webhook_secret"),
            username=self._setting("webhook_username", contract.WEBHOOK_DEFAULT_USERNAME),
            header=self._setting("webhook_header", contract.WEBHOOK_DEFAULT_HEADER),
            headers=headers,
            body=body,
        )

    # --- shared reads ----------------------------------------------------------------------

    def _page_params(self, state: ReadCursor, with_: str) -> dict[str, str]:
        params = {"limit": str(self.page_size), "with": with_}
        if state.since:
            params[contract.UPDATED_SINCE_PARAM] = state.since
        if state.after:
            params["cursor"] = state.after
        return params

    @staticmethod
    def _object(body: Any, what: str) -> Mapping:
        """A single-resource answer (an empty body reads as ``{}``). Any other shape, e.g.
        ``[null]``, is a PermanentError naming it: it would crash ``.get()`` and retrying
        does not change a body."""
        if body is None or body == "":
            return {}
        if not isinstance(body, Mapping):
            raise PermanentError(
                f"SCAYLE {what} answered {type(body).__name__} where an object is expected"
            )
        return body

    @staticmethod
    def _collection(body: Any, what: str) -> tuple[list[dict], str | None]:
        """``entities`` and ``cursor.next`` of a collection answer; anything else is transient
        (a truncated or proxy-mangled answer), so the read is retried later."""
        if not isinstance(body, Mapping) or not isinstance(body.get("entities"), list):
            raise TransientError(f"SCAYLE {what} answer has no entities list")
        entities = [e for e in body["entities"] if isinstance(e, Mapping)]
        next_page = (body.get("cursor") or {}).get("next") if body.get("cursor") else None
        return entities, (str(next_page) if next_page not in (None, "") else None)

"""The Shopify source connector, on the GraphQL Admin API.

Credentials: ``access_token`` (Admin API token of a custom app), ``webhook_secret`` (the app's
client secret, for webhook signatures) and optionally ``location_ids``. Options are listed in
:class:`ShopifyConnector`'s docstring. Reads are incremental on ``updated_at`` with overlapping
cursors (see :mod:`connectors.shopify.cursors`); order creation looks the JL order number up
first, so repeating it returns the order that already exists.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import replace

from connectors.base import (
    ConfigError,
    Page,
    PermanentError,
    SourceConnector,
    SourceOrderRef,
    SourceOrderRequest,
    StockLevel,
    WebhookEvent,
)
from connectors.registry import source_register
from connectors.shopify import graphql as gql
from connectors.shopify import mapping
from connectors.shopify.cursors import ReadCursor
from connectors.shopify.returns import ShopifyReturnsMixin
from connectors.shopify.transport import ShopifyGraphQL
from connectors.shopify.versions import API_VERSION
from connectors.shopify.webhooks import webhook_verify
from connectors.watermark import parse_time, parse_time_or_none

logger = logging.getLogger(__name__)

SKU_BATCH = 25
ITEM_BATCH = 10
PRODUCTS_PER_PAGE = 4  # with their content, a page's requested cost stays near 800 points


@source_register("shopify")
class ShopifyConnector(ShopifyReturnsMixin, SourceConnector):
    """Shopify via the GraphQL Admin API.

    Options (all optional): ``api_version`` (``versions.API_VERSION``; the integration page
    warns 3 months before Shopify stops supporting it), ``location_ids`` (comma-separated
    Location ids whose ``available`` quantities are summed per SKU; default every active
    location; the credential of the same name wins), ``timeout`` (30 s), ``max_retries`` (3,
    for 429/THROTTLED), ``max_wait_seconds`` (10: longer waits are raised as TransientError
    instead of slept), ``page_size`` (4 products with their content, also the most; see
    ``graphql.PRODUCTS_PAGE``), ``order_page_size`` (5 orders), ``cursor_overlap_seconds`` (60),
    ``webhook_replay_window_seconds`` (3600), ``currency`` ("GBP"), ``source_name``
    ("jl-marketplace"), ``order_tag`` ("JL Marketplace"), ``inventory_behaviour``
    ("DECREMENT_OBEYING_POLICY") and ``session`` (a requests.Session, for tests).
    """

    kind = "shopify"

    def __init__(self, *, base_url: str, credentials: Mapping[str, str], **options) -> None:
        session = options.pop("session", None)
        super().__init__(base_url=base_url, credentials=credentials, **options)
        if not self.base_url:
            raise ConfigError("the Shopify shop URL is missing")
        self.api_version = str(options.get("api_version") or API_VERSION)
        self.endpoint = f"{shop_url(self.base_url)}/admin/api/{self.api_version}/graphql.json"
        # more products would take a page past Shopify's 1,000-point single-query maximum
        self.page_size = max(1, min(int(options.get("page_size", 4)), PRODUCTS_PER_PAGE))
        self.order_page_size = int(options.get("order_page_size", 5))
        self.overlap = int(options.get("cursor_overlap_seconds", 60))
        self.currency = str(options.get("currency", "GBP"))
        self.source_name = str(options.get("source_name", "jl-marketplace"))
        self.order_tag = str(options.get("order_tag", "JL Marketplace"))
        self.inventory_behaviour = str(
            options.get("inventory_behaviour", "DECREMENT_OBEYING_POLICY")
        )
        self.replay_window = int(options.get("webhook_replay_window_seconds", 3600))
        self.transport = ShopifyGraphQL(
            endpoint=self.endpoint,
            token=self.require_credential("access_token"),
            session=session,
            timeout=float(options.get("timeout", 30)),
            max_retries=int(options.get("max_retries", 3)),
            max_wait=float(options.get("max_wait_seconds", 10)),
        )
        self._locations: list[str] | None = None

    def __repr__(self) -> str:
        return f"<ShopifyConnector {self.endpoint}>"

    # --- contract -----------------------------------------------------------------------------

    def ping(self) -> None:
        self.transport.execute(gql.SHOP_PING)

    def products_read(self, cursor: str = "") -> Page:
        state = ReadCursor.decode(cursor)
        data = self.transport.execute(
            gql.PRODUCTS_PAGE, self._page_vars(state, state.query_since(), self.page_size)
        )
        connection = self._field(data, "products")
        items = []
        for product in mapping.nodes_of(connection):
            state = state.seen(product.get("updatedAt") or "")
            variants = self._variants_of(product)
            items.extend(mapping.products_of(product, variants, self.currency))
        return self._page(items, state, connection)

    def stock_read(self, skus: list[str] | None = None) -> Iterator[StockLevel]:
        if skus is None:
            yield from self._stock_all()
            return
        wanted = list(dict.fromkeys(s for s in skus if s))
        for start in range(0, len(wanted), ITEM_BATCH):
            batch = wanted[start : start + ITEM_BATCH]
            query = " OR ".join(f"sku:{mapping.search_quote(sku)}" for sku in batch)
            yield from self._stock_for_items(query, only_skus=set(batch))

    def stock_changes_read(self, cursor: str = "") -> Page:
        state = ReadCursor.decode(cursor)
        locations = self.location_ids()
        if state.loc >= len(locations):
            return Page(items=[], next_cursor=state.restart(self.overlap).encode(), has_more=False)
        variables = self._page_vars(state, state.query_since(), 100) | {"id": locations[state.loc]}
        data = self.transport.execute(gql.LOCATION_LEVELS_PAGE, variables)
        connection = self._location_levels(data, locations[state.loc])
        item_ids = []
        for level in mapping.nodes_of(connection):
            state = state.seen(level.get("updatedAt") or "")
            item_ids.append((level.get("item") or {}).get("id") or "")
        items = self.stock_for_inventory_items([i for i in item_ids if i])
        if not mapping.page_info(connection)[0] and state.loc + 1 < len(locations):
            return Page(items, replace(state, loc=state.loc + 1, after="").encode(), True)
        return self._page(items, state, connection)

    def order_find(self, external_reference: str) -> SourceOrderRef | None:
        reference = external_reference.strip()
        if not reference:
            raise PermanentError("an order reference is required", code="no_reference")
        quoted = mapping.search_quote(reference)
        tag = mapping.search_quote(f"{mapping.REFERENCE_TAG_PREFIX}{reference}")
        query = f"source_identifier:{quoted} OR tag:{tag}"
        data = self.transport.execute(gql.ORDERS_BY_REFERENCE, {"query": query})
        for order in mapping.nodes_of(self._field(data, "orders")):
            if mapping.reference_of(order) == reference:
                return SourceOrderRef(
                    source_order_id=order["id"], source_order_number=order.get("name", "")
                )
        return None

    def order_create(self, request: SourceOrderRequest) -> SourceOrderRef:
        existing = self.order_find(request.external_reference)
        if existing is not None:
            logger.info(
                "shopify: order %s exists as %s",
                request.external_reference,
                existing.source_order_id,
            )
            return existing
        variant_ids = self.variant_ids_for([line.sku for line in request.lines])
        order = mapping.order_input(
            request, variant_ids=variant_ids, source_name=self.source_name, order_tag=self.order_tag
        )
        variables = {"order": order, "options": mapping.order_options(self.inventory_behaviour)}
        created = self._created(gql.ORDER_CREATE, variables, "orderCreate", "order")
        return SourceOrderRef(
            source_order_id=created["id"], source_order_number=created.get("name", "")
        )

    def shipments_read(self, cursor: str = "") -> Page:
        return self._orders_read(cursor, gql.ORDERS_FULFILLMENTS_PAGE, mapping.shipments_of)

    def refunds_read(self, cursor: str = "") -> Page:
        return self._orders_read(cursor, gql.ORDERS_REFUNDS_PAGE, mapping.refunds_of)

    def webhook_parse(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        return webhook_verify(
            secret=self.require_credential("webhook_secret"),
            headers=headers,
            body=body,
            now=self._now(),
            replay_window_seconds=self.replay_window,
        )

    # --- Shopify-specific extras (not in the SourceConnector contract) ----------------------

    def location_ids(self) -> list[str]:
        """Location gids whose stock feeds the marketplace: configured, else every active one."""
        if self._locations is None:
            configured = (
                self.credentials.get("location_ids") or self.options.get("location_ids") or ""
            )
            ids = [mapping.location_gid(v) for v in str(configured).split(",") if v.strip()]
            self._locations = ids or self._active_locations()
        return self._locations

    def stock_for_inventory_items(self, inventory_item_ids: list[str]) -> list[StockLevel]:
        """Current summed stock of these inventory items (an ``inventory_levels/update``
        webhook names the item and one location only; the marketplace needs the total)."""
        unique = list(dict.fromkeys(mapping.numeric_id(str(i).strip()) for i in inventory_item_ids))
        levels: list[StockLevel] = []
        for start in range(0, len(unique), ITEM_BATCH):
            query = " OR ".join(f"id:{item_id}" for item_id in unique[start : start + ITEM_BATCH])
            levels.extend(self._stock_for_items(query))
        return levels

    def variant_ids_for(self, skus: list[str]) -> dict[str, str]:
        """Variant gid per SKU (exact match); an unknown SKU raises PermanentError."""
        wanted = list(dict.fromkeys(skus))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), SKU_BATCH):
            batch = wanted[start : start + SKU_BATCH]
            query = " OR ".join(f"sku:{mapping.search_quote(sku)}" for sku in batch)
            data = self.transport.execute(gql.VARIANTS_BY_SKU, {"first": 100, "query": query})
            for variant in mapping.nodes_of(self._field(data, "productVariants")):
                if variant.get("sku") in batch:
                    found.setdefault(variant["sku"], variant["id"])
        missing = [sku for sku in wanted if sku not in found]
        if missing:
            raise PermanentError(
                f"SKUs not found in Shopify: {', '.join(missing)}", code="unknown_sku"
            )
        return found

    # --- helpers -----------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def _page_vars(self, state: ReadCursor, query: str, size: int) -> dict:
        return {"first": size, "after": state.after or None, "query": query or None}

    def _page(self, items: list, state: ReadCursor, connection: Mapping) -> Page:
        has_next, end_cursor = mapping.page_info(connection)
        if has_next:
            return Page(items, replace(state, after=end_cursor).encode(), True)
        return Page(items, state.restart(self.overlap).encode(), False)

    @staticmethod
    def _field(data: Mapping | None, name: str) -> dict:
        value = (data or {}).get(name)
        if not isinstance(value, dict):
            raise PermanentError(f"Shopify returned no {name!r}", code="not_found")
        return value

    def _created(self, document: str, variables: dict, mutation: str, key: str) -> dict:
        """Run a create ``mutation``: its ``userErrors`` raised, else the ``key`` object made."""
        payload = self._field(self.transport.execute(document, variables), mutation)
        mapping.user_errors_raise(key, payload.get("userErrors"))
        created = payload.get(key) or {}
        if not created.get("id"):
            raise PermanentError(f"Shopify {mutation} returned no {key}", code=f"no_{key}")
        return created

    def _variants_of(self, product: Mapping) -> list[dict]:
        connection = product.get("variants") or {}
        variants = mapping.nodes_of(connection)
        has_next, after = mapping.page_info(connection)
        while has_next:
            variables = {"id": product["id"], "first": gql.VARIANTS_PAGE, "after": after}
            data = self.transport.execute(gql.PRODUCT_VARIANTS_PAGE, variables)
            connection = self._field(self._field(data, "product"), "variants")
            variants.extend(mapping.nodes_of(connection))
            has_next, after = mapping.page_info(connection)
        return variants

    def _active_locations(self) -> list[str]:
        ids, after, has_next = [], None, True
        while has_next:
            data = self.transport.execute(gql.LOCATIONS, {"first": 50, "after": after})
            connection = self._field(data, "locations")
            ids += [n["id"] for n in mapping.nodes_of(connection) if n.get("isActive", True)]
            has_next, after = mapping.page_info(connection)
        if not ids:
            raise ConfigError("the Shopify store has no active location to read stock from")
        return ids

    def _stock_all(self) -> Iterator[StockLevel]:
        levels_by_sku: dict[str, list[dict]] = defaultdict(list)
        for location in self.location_ids():
            for level in self._levels_at(location):
                sku = ((level.get("item") or {}).get("sku") or "").strip()
                if sku:
                    levels_by_sku[sku].append(level)
        for sku, levels in levels_by_sku.items():
            yield _stock_summed(sku, levels)

    def _levels_at(self, location: str) -> Iterator[dict]:
        after, has_next = None, True
        while has_next:
            variables = {"id": location, "first": 100, "after": after, "query": None}
            data = self.transport.execute(gql.LOCATION_LEVELS_PAGE, variables)
            connection = self._location_levels(data, location)
            yield from mapping.nodes_of(connection)
            has_next, after = mapping.page_info(connection)

    def _location_levels(self, data: Mapping, location: str) -> dict:
        if not (data or {}).get("location"):
            raise ConfigError(f"Shopify has no location {location}: check location_ids")
        return self._field(data["location"], "inventoryLevels")

    def _stock_for_items(self, query: str, only_skus: set[str] | None = None) -> list[StockLevel]:
        locations = set(self.location_ids())
        levels, after, has_next = [], None, True
        while has_next:
            variables = {"first": ITEM_BATCH, "after": after, "query": query}
            data = self.transport.execute(gql.INVENTORY_ITEMS_LEVELS, variables)
            connection = self._field(data, "inventoryItems")
            for item in mapping.nodes_of(connection):
                sku = (item.get("sku") or "").strip()
                if sku and (only_skus is None or sku in only_skus):
                    levels.append(_item_stock(sku, item, locations))
            has_next, after = mapping.page_info(connection)
        return levels

    def _orders_read(self, cursor: str, document: str, extract) -> Page:
        state = ReadCursor.decode(cursor)
        query = " AND ".join(part for part in (state.query_since(), self._tag_filter()) if part)
        data = self.transport.execute(document, self._page_vars(state, query, self.order_page_size))
        connection = self._field(data, "orders")
        since = parse_time(state.since) if state.since else None
        items = []
        for order in mapping.nodes_of(connection):
            state = state.seen(order.get("updatedAt") or "")
            if mapping.reference_of(order):
                items.extend(extract(order, since))
        return self._page(items, state, connection)

    def _tag_filter(self) -> str:
        return f"tag:{mapping.search_quote(self.order_tag)}" if self.order_tag else ""


def shop_url(base_url: str) -> str:
    """``https://{shop}.myshopify.com`` from a shop name, domain or URL (kept as given if a URL)."""
    if "://" in base_url:
        return base_url.rstrip("/")
    if "." not in base_url:
        return f"https://{base_url}.myshopify.com"
    return f"https://{base_url.rstrip('/')}"


def _item_stock(sku: str, item: Mapping, locations: set[str]) -> StockLevel:
    if mapping.page_info(item.get("inventoryLevels"))[0]:
        raise PermanentError(
            f"SKU {sku} is stocked at more than 25 locations; set location_ids",
            code="too_many_locations",
        )
    levels = [
        level
        for level in mapping.nodes_of(item.get("inventoryLevels"))
        if (level.get("location") or {}).get("id") in locations
    ]
    return _stock_summed(sku, levels)


def _stock_summed(sku: str, levels: list[dict]) -> StockLevel:
    """The SKU's ``available`` summed over ``levels``, as of the newest of them."""
    stamps = [parse_time_or_none(level.get("updatedAt")) for level in levels]
    return StockLevel(
        sku=sku,
        available=sum(mapping.available_of(level) for level in levels),
        updated_at=max((stamp for stamp in stamps if stamp), default=None),
    )

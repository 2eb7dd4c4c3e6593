"""Root queries and mutations over the sandbox rows, served with Shopify's real schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from graphql import GraphQLError

from connectors.shopify.sandbox import models, returns, services
from connectors.shopify.sandbox.connections import connection, gid, money_in, pk_of
from connectors.shopify.sandbox.nodes import (
    InventoryItemNode,
    LocationNode,
    OrderNode,
    ProductNode,
    VariantNode,
)
from connectors.shopify.sandbox.search import search_filter

PRODUCT_FIELDS = {
    "updated_at": lambda p: p.updated_at,
    "title": lambda p: p.title,
    "id": lambda p: str(p.pk),
    "default": lambda p: p.title,
}
VARIANT_FIELDS = {
    "sku": lambda v: v.sku,
    "barcode": lambda v: v.barcode,
    "updated_at": lambda v: v.updated_at,
    "id": lambda v: str(v.pk),
    "product_id": lambda v: str(v.product_id),
    "default": lambda v: v.sku,
}
ORDER_FIELDS = {
    "updated_at": lambda o: o.updated_at,
    "created_at": lambda o: o.created_at,
    "source_identifier": lambda o: o.source_identifier,
    "source_name": lambda o: o.source_name,
    "tag": lambda o: list(o.tags),
    "name": lambda o: [o.name, o.name.lstrip("#")],
    "id": lambda o: str(o.pk),
    "default": lambda o: o.name,
}
LOCATION_FIELDS = {"name": lambda loc: loc.name, "id": lambda loc: str(loc.pk)}
NODE_RESOLVERS = {
    "Order": "order",
    "Product": "product",
    "ProductVariant": "productVariant",
    "InventoryItem": "inventoryItem",
    "Location": "location",
}


@dataclass
class SandboxContext:
    shop: models.Shop
    site: str = ""  # scheme://host the request came to: where the sandbox's CDN answers


def _sorted(items: list, sort_key: str, reverse: bool) -> list:
    sortable = {"UPDATED_AT", "CREATED_AT", "PROCESSED_AT", "TITLE"}
    name = sort_key.lower() if sort_key in sortable else "pk"
    return sorted(items, key=lambda item: (getattr(item, name), item.pk), reverse=reverse)


class Root:
    """Root value for queries and mutations; ``info.context`` is a :class:`SandboxContext`."""

    def shop(self, info, **_) -> dict:
        shop = info.context.shop
        return {
            "id": gid("Shop", shop.pk),
            "name": shop.name,
            "myshopifyDomain": shop.domain,
            "currencyCode": shop.currency,
        }

    def location(self, info, id=None, **_) -> LocationNode | None:  # noqa: A002  (GraphQL name)
        locations = info.context.shop.locations.all()
        found = locations.filter(pk=pk_of(id, "Location")).first() if id else locations.first()
        return LocationNode(found) if found else None

    def locations(
        self, info, first=None, after=None, query=None, includeInactive=False, **_
    ) -> dict:
        locations = info.context.shop.locations.order_by("id")
        if not includeInactive:
            locations = locations.filter(is_active=True)
        rows = search_filter(locations, query, LOCATION_FIELDS)
        return connection(rows, LocationNode, first, after)

    def product(self, info, id, **_) -> ProductNode | None:  # noqa: A002
        found = info.context.shop.products.filter(pk=pk_of(id, "Product")).first()
        return ProductNode(found) if found else None

    def products(self, info, first=None, after=None, query=None, sortKey="ID", reverse=False, **_):
        rows = search_filter(info.context.shop.products.all(), query, PRODUCT_FIELDS)
        return connection(_sorted(rows, sortKey, reverse), ProductNode, first, after)

    def productVariants(self, info, first=None, after=None, query=None, **_) -> dict:
        variants = models.Variant.objects.filter(product__shop=info.context.shop).order_by("id")
        rows = search_filter(variants.select_related("product"), query, VARIANT_FIELDS)
        return connection(rows, VariantNode, first, after)

    def productVariant(self, info, id, **_) -> VariantNode | None:  # noqa: A002
        variants = models.Variant.objects.filter(product__shop=info.context.shop)
        found = variants.filter(pk=pk_of(id, "ProductVariant")).first()
        return VariantNode(found) if found else None

    def node(self, info, id, **_):  # noqa: A002
        """Shopify's ``node(id:)`` for the kinds the sandbox keeps (None for the others)."""
        kind = id.split("/")[-2] if id.startswith("gid://shopify/") else ""
        resolver = NODE_RESOLVERS.get(kind)
        return getattr(self, resolver)(info, id=id) if resolver else None

    def nodes(self, info, ids, **_) -> list:
        return [self.node(info, id=node_id) for node_id in ids]

    def inventoryItem(self, info, id, **_) -> InventoryItemNode | None:  # noqa: A002
        variants = models.Variant.objects.filter(product__shop=info.context.shop)
        found = variants.filter(pk=pk_of(id, "InventoryItem")).first()
        return InventoryItemNode(found) if found else None

    def inventoryItems(self, info, first=None, after=None, query=None, **_) -> dict:
        variants = models.Variant.objects.filter(product__shop=info.context.shop).order_by("id")
        rows = search_filter(variants, query, VARIANT_FIELDS)
        return connection(rows, InventoryItemNode, first, after)

    def order(self, info, id, **_) -> OrderNode | None:  # noqa: A002
        found = info.context.shop.orders.filter(pk=pk_of(id, "Order")).first()
        return OrderNode(found) if found else None

    def orders(self, info, first=None, after=None, query=None, sortKey="ID", reverse=False, **_):
        rows = search_filter(info.context.shop.orders.all(), query, ORDER_FIELDS)
        return connection(_sorted(rows, sortKey, reverse), OrderNode, first, after)

    def orderCreate(self, info, order, options=None, **_) -> dict:
        return order_create(info.context.shop, order, options or {})

    def returnCreate(self, info, returnInput, **_) -> dict:
        return returns.return_create(info.context.shop, returnInput)

    def refundCreate(self, info, input, **_) -> dict:  # noqa: A002  (GraphQL name)
        return returns.refund_create(info.context.shop, input)

    def orderCancel(
        self, info, orderId, reason, restock, refund=None, refundMethod=None, **_
    ) -> dict:
        return returns.order_cancel(
            info.context.shop,
            orderId,
            reason=reason,
            restock=restock,
            refund=refund,
            refund_method=refundMethod,
        )

    def __getattr__(self, name: str):
        """A root field of Shopify's schema that the sandbox does not simulate."""
        if name.startswith("_"):
            raise AttributeError(name)

        def not_simulated(info, **_) -> None:
            raise GraphQLError(f"The Shopify sandbox does not simulate {name!r}")

        return not_simulated


# --- orderCreate -----------------------------------------------------------------------------


def _error(field: list[str], message: str, code: str = "INVALID") -> dict:
    return {"field": field, "message": message, "code": code}


def _amount(price_set: dict | None) -> Decimal | None:
    return money_in(((price_set or {}).get("shopMoney") or {}).get("amount"))


def _line_errors(shop: models.Shop, lines: list[dict]) -> tuple[list, list]:
    errors, resolved = [], []
    if not lines:
        message = "Line items must have at least one item"
        return [_error(["order", "lineItems"], message, "REQUIRED")], []
    variants = models.Variant.objects.filter(product__shop=shop)
    for index, line in enumerate(lines):
        path = ["order", "lineItems", str(index)]
        variant = variants.filter(pk=pk_of(line.get("variantId"), "ProductVariant")).first()
        if line.get("variantId") and variant is None:
            errors.append(_error([*path, "variantId"], "Product variant does not exist"))
        if int(line.get("quantity") or 0) < 1:
            errors.append(_error([*path, "quantity"], "Quantity must be greater than 0"))
        price = _amount(line.get("priceSet"))
        if price is None and variant is not None:
            price = variant.price
        resolved.append((variant, line, price or Decimal("0")))
    return errors, resolved


def _inventory_errors(resolved: list, behaviour: str) -> list[dict]:
    if behaviour != "DECREMENT_OBEYING_POLICY":
        return []
    errors = []
    for index, (variant, line, _) in enumerate(resolved):
        if variant is None or variant.inventory_policy == "CONTINUE":
            continue
        available = sum(level.available for level in variant.levels.all())
        if available < int(line["quantity"]):
            message = f"Not enough inventory for {variant.sku} ({available} available)"
            errors.append(_error(["order", "lineItems", str(index), "quantity"], message))
    return errors


def order_create(shop: models.Shop, data: dict, options: dict) -> dict:
    behaviour = options.get("inventoryBehaviour") or "BYPASS"
    errors, resolved = _line_errors(shop, data.get("lineItems") or [])
    errors = errors or _inventory_errors(resolved, behaviour)
    if errors:
        return {"order": None, "userErrors": errors}
    with transaction.atomic():
        order = _order_row(shop, data, options)
        for variant, line, price in resolved:
            models.OrderLine.objects.create(
                order=order,
                variant=variant,
                sku=(variant.sku if variant else line.get("sku")) or "",
                title=line.get("title") or (variant.product.title if variant else ""),
                quantity=int(line["quantity"]),
                price=price,
            )
            if variant is not None and behaviour != "BYPASS":
                _stock_take(variant, int(line["quantity"]))
    return {"order": OrderNode(order), "userErrors": []}


def _order_row(shop: models.Shop, data: dict, options: dict) -> models.Order:
    now = services.now()
    shipping = (data.get("shippingLines") or [{}])[0]
    shop = models.Shop.objects.select_for_update().get(pk=shop.pk)
    number = shop.next_order_number
    models.Shop.objects.filter(pk=shop.pk).update(next_order_number=number + 1)
    processed = data.get("processedAt")
    processed_at = dt.datetime.fromisoformat(processed.replace("Z", "+00:00")) if processed else now
    return models.Order.objects.create(
        shop=shop,
        name=f"#{number}",
        source_identifier=data.get("sourceIdentifier") or "",
        source_name=data.get("sourceName") or "",
        tags=list(data.get("tags") or []),
        custom_attributes=[dict(a) for a in data.get("customAttributes") or []],
        email=data.get("email") or "",
        currency=data.get("currency") or shop.currency,
        financial_status=data.get("financialStatus") or "PENDING",
        shipping_title=shipping.get("title") or "",
        shipping_code=shipping.get("code") or "",
        shipping_price=_amount(shipping.get("priceSet")) or Decimal("0"),
        shipping_address=dict(data.get("shippingAddress") or {}),
        billing_address=dict(data.get("billingAddress") or {}),
        options=dict(options),
        processed_at=processed_at,
        created_at=now,
        updated_at=now,
    )


def _stock_take(variant: models.Variant, quantity: int) -> None:
    """Take stock from locations in id order; any shortfall comes off the first location."""
    levels = list(variant.levels.select_related("location", "variant").order_by("location_id"))
    if not levels:
        return
    takes = {}
    for level in levels:
        take = min(quantity, max(level.available, 0))
        takes[level.pk], quantity = take, quantity - take
    takes[levels[0].pk] += quantity
    for level in levels:
        if takes[level.pk]:
            services.level_set(
                level=level, available=level.available - takes[level.pk], deliver=False
            )

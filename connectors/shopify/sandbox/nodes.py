"""GraphQL object wrappers around the sandbox rows.

graphql-core's default resolver reads attributes and calls methods with ``(info, **args)``,
so each Shopify type is a small class: properties for plain fields, methods for fields that
take arguments. Connections page with opaque cursors like Shopify's.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from graphql import GraphQLError

from connectors.shopify.sandbox import models
from connectors.shopify.sandbox.search import search_filter

MAX_PAGE = 250


def gid(kind: str, pk: object) -> str:
    return f"gid://shopify/{kind}/{pk}"


def pk_of(value: str | None, kind: str) -> int | None:
    prefix = f"gid://shopify/{kind}/"
    if not value or not value.startswith(prefix):
        return None
    tail = value[len(prefix) :].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


def stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money_bag(amount: Decimal, currency: str) -> dict:
    money = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": money}


def _cursor(pk: object) -> str:
    return base64.b64encode(f"cursor:{pk}".encode()).decode()


def _cursor_pk(cursor: str) -> str:
    try:
        return base64.b64decode(cursor.encode()).decode().split(":", 1)[1]
    except (ValueError, IndexError, UnicodeDecodeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort. ({cursor})") from None


def connection(items: Sequence, wrap: Callable, first: int | None, after: str | None) -> dict:
    """A Shopify connection over ``items`` (already filtered and sorted)."""
    if first is None:
        raise GraphQLError("you must provide one of first or last")
    if not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"The first argument must be between 0 and {MAX_PAGE}.")
    start = 0
    if after:
        wanted = _cursor_pk(after)
        keys = [str(item.pk) for item in items]
        start = keys.index(wanted) + 1 if wanted in keys else len(items)
    window = list(items[start : start + first])
    edges = [{"cursor": _cursor(item.pk), "node": wrap(item)} for item in window]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": start + first < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(window[0].pk) if window else None,
            "endCursor": _cursor(window[-1].pk) if window else None,
        },
    }


LEVEL_FIELDS = {
    "updated_at": lambda level: level.updated_at,
    "inventory_item_id": lambda level: str(level.variant_id),
    "id": lambda level: str(level.pk),
}


def levels_connection(levels, first, after, query) -> dict:
    filtered = search_filter(levels, query, LEVEL_FIELDS)
    return connection(filtered, LevelNode, first, after)


class LocationNode:
    __typename = "Location"  # how graphql-core resolves interfaces such as Node

    def __init__(self, location: models.Location) -> None:
        self.obj = location
        self.id = gid("Location", location.pk)
        self.name = location.name
        self.isActive = location.is_active

    def inventoryLevels(self, info, first=None, after=None, query=None, **_) -> dict:
        levels = self.obj.levels.select_related("variant", "location").order_by("id")
        return levels_connection(list(levels), first, after, query)


class ProductNode:
    __typename = "Product"

    def __init__(self, product: models.Product) -> None:
        self.obj = product
        self.id = gid("Product", product.pk)
        self.title = product.title
        self.vendor = product.vendor
        self.updatedAt = stamp(product.updated_at)

    def variants(self, info, first=None, after=None, **_) -> dict:
        return connection(list(self.obj.variants.order_by("id")), VariantNode, first, after)


class VariantNode:
    __typename = "ProductVariant"

    def __init__(self, variant: models.Variant) -> None:
        self.obj = variant
        self.id = gid("ProductVariant", variant.pk)
        self.title = variant.title
        self.sku = variant.sku
        self.barcode = variant.barcode
        self.price = str(variant.price)
        self.inventoryPolicy = variant.inventory_policy
        self.updatedAt = stamp(variant.updated_at)

    @property
    def product(self) -> ProductNode:
        return ProductNode(self.obj.product)

    @property
    def inventoryItem(self) -> InventoryItemNode:
        return InventoryItemNode(self.obj)


class InventoryItemNode:
    """Shopify's 1:1 InventoryItem of a variant; it shares the variant's primary key."""

    __typename = "InventoryItem"

    def __init__(self, variant: models.Variant) -> None:
        self.obj = variant
        self.id = gid("InventoryItem", variant.pk)
        self.sku = variant.sku
        self.tracked = True

    @property
    def variant(self) -> VariantNode:
        return VariantNode(self.obj)

    def inventoryLevels(self, info, first=None, after=None, query=None, **_) -> dict:
        levels = self.obj.levels.select_related("variant", "location").order_by("id")
        return levels_connection(list(levels), first, after, query)

    def inventoryLevel(self, info, locationId, **_) -> LevelNode | None:
        level = self.obj.levels.filter(location_id=pk_of(locationId, "Location")).first()
        return LevelNode(level) if level else None


class LevelNode:
    __typename = "InventoryLevel"

    def __init__(self, level: models.InventoryLevel) -> None:
        self.obj = level
        self.id = gid("InventoryLevel", f"{level.pk}?inventory_item_id={level.variant_id}")
        self.updatedAt = stamp(level.updated_at)

    @property
    def item(self) -> InventoryItemNode:
        return InventoryItemNode(self.obj.variant)

    @property
    def location(self) -> LocationNode:
        return LocationNode(self.obj.location)

    def quantities(self, info, names, **_) -> list[dict]:
        known = {"available": self.obj.available, "on_hand": self.obj.available, "committed": 0}
        unknown = [name for name in names if name not in known and name != "incoming"]
        if unknown:
            raise GraphQLError(f"Invalid quantity names: {', '.join(unknown)}")
        return [
            {
                "id": f"{self.id}&name={name}",
                "name": name,
                "quantity": known.get(name, 0),
                "updatedAt": self.updatedAt,
            }
            for name in names
        ]


class LineItemNode:
    __typename = "LineItem"

    def __init__(self, line: models.OrderLine, currency: str) -> None:
        self.obj = line
        self.id = gid("LineItem", line.pk)
        self.sku = line.sku
        self.title = line.title or line.sku
        self.quantity = line.quantity
        self.originalUnitPriceSet = money_bag(line.price, currency)
        self.taxLines: list[dict] = []  # prices include VAT; the sandbox keeps no tax lines

    @property
    def variant(self) -> VariantNode | None:
        return VariantNode(self.obj.variant) if self.obj.variant_id else None


class _QuantityRow:
    """A fulfilled or refunded quantity of one line (rows of a JSON list on the model)."""

    def __init__(self, pk: str, line: models.OrderLine, quantity: int) -> None:
        self.pk, self.line, self.quantity = pk, line, quantity


def _quantity_rows(owner_pk: int, entries: list[dict], order: models.Order) -> list[_QuantityRow]:
    lines = {line.pk: line for line in order.lines.all()}
    return [
        _QuantityRow(f"{owner_pk}{index:03d}", lines[entry["line_id"]], entry["quantity"])
        for index, entry in enumerate(entries)
        if entry.get("line_id") in lines
    ]


class FulfillmentNode:
    __typename = "Fulfillment"

    def __init__(self, fulfillment: models.Fulfillment) -> None:
        self.obj = fulfillment
        self.id = gid("Fulfillment", fulfillment.pk)
        self.name = f"{fulfillment.order.name}-F{fulfillment.pk}"
        self.status = fulfillment.status
        self.createdAt = stamp(fulfillment.created_at)
        self.updatedAt = stamp(fulfillment.updated_at)

    def trackingInfo(self, info, first=None, **_) -> list[dict]:
        if not (self.obj.number or self.obj.company):
            return []
        tracking = {"company": self.obj.company or None, "number": self.obj.number or None}
        tracking["url"] = self.obj.url or None
        return [tracking][: first if first is not None else None]

    def fulfillmentLineItems(self, info, first=None, after=None, **_) -> dict:
        order = self.obj.order
        rows = _quantity_rows(self.obj.pk, self.obj.lines, order)

        def wrap(row: _QuantityRow) -> dict:
            line = LineItemNode(row.line, order.currency)
            return {
                "id": gid("FulfillmentLineItem", row.pk),
                "quantity": row.quantity,
                "lineItem": line,
            }

        return connection(rows, wrap, first, after)


class RefundNode:
    __typename = "Refund"

    def __init__(self, refund: models.Refund) -> None:
        self.obj = refund
        currency = refund.order.currency
        self.id = gid("Refund", refund.pk)
        self.createdAt = stamp(refund.created_at)
        self.note = refund.note
        self.totalRefundedSet = money_bag(refund.amount, currency)

    def refundLineItems(self, info, first=None, after=None, **_) -> dict:
        order = self.obj.order
        rows = _quantity_rows(self.obj.pk, self.obj.lines, order)

        def wrap(row: _QuantityRow) -> dict:
            return {
                "quantity": row.quantity,
                "lineItem": LineItemNode(row.line, order.currency),
                "subtotalSet": money_bag(row.line.price * row.quantity, order.currency),
            }

        return connection(rows, wrap, first, after)

    def refundShippingLines(self, info, first=None, after=None, **_) -> dict:
        refund = self.obj
        rows = [refund] if refund.shipping_amount else []
        currency = refund.order.currency

        def wrap(item: models.Refund) -> dict:
            return {"subtotalAmountSet": money_bag(item.shipping_amount, currency)}

        return connection(rows, wrap, first, after)


class OrderNode:
    __typename = "Order"

    def __init__(self, order: models.Order) -> None:
        self.obj = order
        self.id = gid("Order", order.pk)
        self.name = order.name
        self.sourceIdentifier = order.source_identifier or None
        self.sourceName = order.source_name or None
        self.tags = list(order.tags)
        self.customAttributes = list(order.custom_attributes)
        self.email = order.email
        self.currencyCode = order.currency
        self.displayFinancialStatus = order.financial_status
        self.createdAt = stamp(order.created_at)
        self.processedAt = stamp(order.processed_at)
        self.updatedAt = stamp(order.updated_at)
        self.shippingAddress = _address_out(order.shipping_address)
        self.billingAddress = _address_out(order.billing_address)

    @property
    def shippingLine(self) -> dict | None:
        order = self.obj
        if not order.shipping_title:
            return None
        price = money_bag(order.shipping_price, order.currency)
        return {
            "title": order.shipping_title,
            "code": order.shipping_code,
            "originalPriceSet": price,
        }

    @property
    def totalPriceSet(self) -> dict:
        lines = sum((line.price * line.quantity for line in self.obj.lines.all()), Decimal("0"))
        return money_bag(lines + self.obj.shipping_price, self.obj.currency)

    def lineItems(self, info, first=None, after=None, **_) -> dict:
        currency = self.obj.currency
        lines = list(self.obj.lines.order_by("id"))
        return connection(lines, lambda line: LineItemNode(line, currency), first, after)

    def fulfillments(self, info, first=None, **_) -> list[FulfillmentNode]:
        rows = [FulfillmentNode(f) for f in self.obj.fulfillments.order_by("id")]
        return rows[:first] if first is not None else rows

    def refunds(self, info, first=None, **_) -> list[RefundNode]:
        rows = [RefundNode(r) for r in self.obj.refunds.order_by("id")]
        return rows[:first] if first is not None else rows

    def returns(self, info, first=None, after=None, **_) -> dict:
        return connection(list(self.obj.returns.order_by("id")), ReturnNode, first, after)

    @property
    def cancelledAt(self) -> str | None:
        return stamp(self.obj.cancelled_at)

    @property
    def cancelReason(self) -> str | None:
        return self.obj.cancel_reason or None


def _address_out(address: dict) -> dict | None:
    if not address:
        return None
    out = dict(address)
    out["countryCodeV2"] = out.pop("countryCode", None)
    return out


# --- returns ---------------------------------------------------------------------------------


class _ReturnRow:
    """One line of a return (an entry of ``Return.lines``) with its order line."""

    def __init__(self, pk: str, line: models.OrderLine, entry: dict) -> None:
        self.pk, self.line, self.entry = pk, line, entry


def _return_rows(ret: models.Return) -> list[_ReturnRow]:
    lines = {line.pk: line for line in ret.order.lines.all()}
    return [
        _ReturnRow(f"{ret.pk}{index:03d}", lines[entry["line_id"]], entry)
        for index, entry in enumerate(ret.lines)
        if entry.get("line_id") in lines
    ]


def _fulfillment_line_item(row: _ReturnRow, currency: str) -> dict:
    return {
        "id": gid("FulfillmentLineItem", row.entry["fulfillment_line_item_id"]),
        "quantity": row.entry["quantity"],
        "lineItem": LineItemNode(row.line, currency),
    }


class ReturnNode:
    __typename = "Return"

    def __init__(self, ret: models.Return) -> None:
        self.obj = ret
        self.id = gid("Return", ret.pk)
        self.name = ret.name
        self.status = ret.status

    def returnLineItems(self, info, first=None, after=None, **_) -> dict:
        currency = self.obj.order.currency

        def wrap(row: _ReturnRow) -> dict:
            return {
                "__typename": "ReturnLineItem",  # ReturnLineItemType is an interface
                "id": gid("ReturnLineItem", row.pk),
                "quantity": row.entry["quantity"],
                "returnReason": row.entry.get("reason") or "UNKNOWN",
                "returnReasonNote": row.entry.get("note") or "",
                "fulfillmentLineItem": _fulfillment_line_item(row, currency),
            }

        return connection(_return_rows(self.obj), wrap, first, after)

    def reverseFulfillmentOrders(self, info, first=None, after=None, **_) -> dict:
        return connection([self.obj], ReverseFulfillmentOrderNode, first, after)


class ReverseFulfillmentOrderNode:
    """The sandbox keeps one reverse fulfillment order per return."""

    __typename = "ReverseFulfillmentOrder"

    def __init__(self, ret: models.Return) -> None:
        self.obj = ret
        self.id = gid("ReverseFulfillmentOrder", ret.pk)
        self.status = {"CLOSED": "CLOSED", "CANCELED": "CANCELED"}.get(ret.status, "OPEN")

    def lineItems(self, info, first=None, after=None, **_) -> dict:
        currency = self.obj.order.currency

        def wrap(row: _ReturnRow) -> dict:
            dispositions = [
                {
                    "id": gid("ReverseFulfillmentOrderDisposition", f"{row.pk}{n}"),
                    "type": kind,
                    "quantity": row.entry.get(key) or 0,
                }
                for n, (kind, key) in enumerate(
                    (("RESTOCKED", "restocked"), ("NOT_RESTOCKED", "not_restocked"))
                )
                if row.entry.get(key)
            ]
            return {
                "id": gid("ReverseFulfillmentOrderLineItem", row.pk),
                "totalQuantity": row.entry["quantity"],
                "dispositions": dispositions,
                "fulfillmentLineItem": _fulfillment_line_item(row, currency),
            }

        return connection(_return_rows(self.obj), wrap, first, after)

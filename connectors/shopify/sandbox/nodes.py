"""GraphQL object wrappers around the sandbox rows.

graphql-core's default resolver reads attributes and calls methods with ``(info, **args)``,
so each Shopify type is a small class: properties for plain fields, methods for fields that
take arguments. Connections page with opaque cursors like Shopify's.
"""

from __future__ import annotations

from graphql import GraphQLError

from connectors.shopify.sandbox import content, models
from connectors.shopify.sandbox.connections import connection, gid, money_bag, pk_of, stamp
from connectors.shopify.sandbox.search import search_filter

LEVEL_FIELDS = {
    "updated_at": lambda level: level.updated_at,
    "inventory_item_id": lambda level: str(level.variant_id),
    "id": lambda level: str(level.pk),
}


def levels_connection(levels, first, after, query) -> dict:
    levels = levels.select_related("variant", "location").order_by("id")
    return connection(search_filter(list(levels), query, LEVEL_FIELDS), LevelNode, first, after)


class LocationNode:
    __typename = "Location"  # how graphql-core resolves interfaces such as Node

    def __init__(self, location: models.Location) -> None:
        self.obj = location
        self.id = gid("Location", location.pk)
        self.name = location.name
        self.isActive = location.is_active

    def inventoryLevels(self, info, first=None, after=None, query=None, **_) -> dict:
        return levels_connection(self.obj.levels, first, after, query)


class ProductNode:
    __typename = "Product"

    def __init__(self, product: models.Product) -> None:
        self.obj = product
        self.id = gid("Product", product.pk)
        self.title = product.title
        self.vendor = product.vendor
        self.descriptionHtml = product.description_html
        self.productType = product.product_type
        self.tags = list(product.tags)
        self.updatedAt = stamp(product.updated_at)

    def variants(self, info, first=None, after=None, **_) -> dict:
        return connection(list(self.obj.variants.order_by("id")), VariantNode, first, after)

    def description(self, info, truncateAt=None, **_) -> str:
        return content.plain_text(self.obj.description_html, truncateAt)

    @property
    def category(self) -> dict | None:
        return content.taxonomy_category(self.obj)

    @property
    def featuredMedia(self) -> content.MediaImageNode | None:
        return content.featured_media(self.obj)

    def media(self, info, first=None, after=None, **_) -> dict:
        return content.media_connection(self.obj, content.media_nodes(self.obj), first, after)

    def options(self, info, first=None, **_) -> list[dict]:
        return content.product_options(self.obj, first)

    def metafields(self, info, first=None, after=None, namespace=None, keys=None, **_) -> dict:
        return content.metafields_connection(
            "PRODUCT", self.obj.pk, self.obj.metafields, first, after, namespace, keys
        )

    def metafield(self, info, key, namespace=None, **_) -> dict | None:
        return content.metafield_one("PRODUCT", self.obj.pk, self.obj.metafields, namespace, key)


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

    @property
    def selectedOptions(self) -> list[dict]:
        return content.selected_options(self.obj)

    def media(self, info, first=None, after=None, **_) -> dict:
        product = self.obj.product
        rows = content.media_nodes(product, [self.obj.image]) if self.obj.image else []
        return content.media_connection(product, rows, first, after)

    def metafields(self, info, first=None, after=None, namespace=None, keys=None, **_) -> dict:
        return content.metafields_connection(
            "PRODUCTVARIANT", self.obj.pk, self.obj.metafields, first, after, namespace, keys
        )

    def metafield(self, info, key, namespace=None, **_) -> dict | None:
        entries = self.obj.metafields
        return content.metafield_one("PRODUCTVARIANT", self.obj.pk, entries, namespace, key)


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

    @property
    def measurement(self) -> dict:
        return content.measurement(self.obj)

    def inventoryLevels(self, info, first=None, after=None, query=None, **_) -> dict:
        return levels_connection(self.obj.levels, first, after, query)

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


class _EntryRow:
    """One entry of a row's JSON ``lines`` (fulfilled, refunded or returned) and its order line;
    ``pk`` is the owner's pk followed by the entry's 3-digit index."""

    def __init__(self, pk: str, line: models.OrderLine, entry: dict) -> None:
        self.pk, self.line, self.entry = pk, line, entry


def _entry_rows(owner: models.Fulfillment | models.Refund | models.Return) -> list[_EntryRow]:
    lines = {line.pk: line for line in owner.order.lines.all()}
    return [
        _EntryRow(f"{owner.pk}{index:03d}", lines[entry["line_id"]], entry)
        for index, entry in enumerate(owner.lines)
        if entry.get("line_id") in lines
    ]


def _fulfillment_line_item(pk: str, row: _EntryRow, currency: str) -> dict:
    return {
        "id": gid("FulfillmentLineItem", pk),
        "quantity": row.entry["quantity"],
        "lineItem": LineItemNode(row.line, currency),
    }


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
        return [tracking][:first]

    def fulfillmentLineItems(self, info, first=None, after=None, **_) -> dict:
        order = self.obj.order
        rows = _entry_rows(self.obj)

        def wrap(row: _EntryRow) -> dict:
            return _fulfillment_line_item(row.pk, row, order.currency)

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
        rows = _entry_rows(self.obj)

        def wrap(row: _EntryRow) -> dict:
            quantity = row.entry["quantity"]
            return {
                "quantity": quantity,
                "lineItem": LineItemNode(row.line, order.currency),
                "subtotalSet": money_bag(row.line.price * quantity, order.currency),
            }

        return connection(rows, wrap, first, after)

    def refundShippingLines(self, info, first=None, after=None, **_) -> dict:
        refund = self.obj
        rows = [refund] if refund.shipping_amount else []
        shipping = {"subtotalAmountSet": money_bag(refund.shipping_amount, refund.order.currency)}
        return connection(rows, lambda _: shipping, first, after)


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
        return money_bag(self.obj.total(), self.obj.currency)

    def lineItems(self, info, first=None, after=None, **_) -> dict:
        currency = self.obj.currency
        lines = list(self.obj.lines.order_by("id"))
        return connection(lines, lambda line: LineItemNode(line, currency), first, after)

    def fulfillments(self, info, first=None, **_) -> list[FulfillmentNode]:
        return [FulfillmentNode(f) for f in self.obj.fulfillments.order_by("id")][:first]

    def refunds(self, info, first=None, **_) -> list[RefundNode]:
        return [RefundNode(r) for r in self.obj.refunds.order_by("id")][:first]

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


def _returned_line_item(row: _EntryRow, currency: str) -> dict:
    return _fulfillment_line_item(row.entry["fulfillment_line_item_id"], row, currency)


class ReturnNode:
    __typename = "Return"

    def __init__(self, ret: models.Return) -> None:
        self.obj = ret
        self.id = gid("Return", ret.pk)
        self.name = ret.name
        self.status = ret.status

    def returnLineItems(self, info, first=None, after=None, **_) -> dict:
        currency = self.obj.order.currency

        def wrap(row: _EntryRow) -> dict:
            return {
                "__typename": "ReturnLineItem",  # ReturnLineItemType is an interface
                "id": gid("ReturnLineItem", row.pk),
                "quantity": row.entry["quantity"],
                "returnReason": row.entry.get("reason") or "UNKNOWN",
                "returnReasonNote": row.entry.get("note") or "",
                "fulfillmentLineItem": _returned_line_item(row, currency),
            }

        return connection(_entry_rows(self.obj), wrap, first, after)

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

        def wrap(row: _EntryRow) -> dict:
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
                "fulfillmentLineItem": _returned_line_item(row, currency),
            }

        return connection(_entry_rows(self.obj), wrap, first, after)

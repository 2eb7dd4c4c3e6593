"""Control surface of the Shopify sandbox: set up a shop, seed, move stock, fulfil, refund,
and send signed webhooks. The ``shopify_sandbox`` command and the demo call these.

Every change a merchant would make in Shopify admin also produces the webhook Shopify would
send. Webhooks are always stored; when the shop has a target URL, changes made through this
module POST them at once, while changes made inside an API request (stock taken by
``orderCreate``) only store them: ``webhooks_deliver`` sends what is pending.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from connectors.sandbox.faults import sandbox_now
from connectors.sandbox.formats import ean13
from connectors.sandbox.webhooks import hmac_sha256
from connectors.shopify.sandbox import catalogue
from connectors.shopify.sandbox.admin_schema import API_VERSION
from connectors.shopify.sandbox.models import (
    Fulfillment,
    InventoryLevel,
    Location,
    Order,
    Product,
    Refund,
    SentWebhook,
    Shop,
    Variant,
)

SYSTEM = "shopify"
DEFAULT_DOMAIN = "jl-demo.myshopify.com"


class SandboxError(ValueError):
    """A control-surface request the sandbox cannot carry out (unknown SKU, order...)."""


def now() -> dt.datetime:
    """The sandbox clock, to the second like Shopify's timestamps."""
    return sandbox_now(SYSTEM).replace(microsecond=0)


# --- shop ------------------------------------------------------------------------------------


def shop_setup(
    *,
    domain: str = DEFAULT_DOMAIN,
    name: str = "JL Demo Store",
    access_token: str = "shpat_sandbox_token",  # noqa: S107  (sandbox-only, documented)
    webhook_secret: str = "sandbox-webhook-secret",  # noqa: S107
    webhook_target_url: str = "",
    bucket_max: float = 1000.0,
    restore_rate: float = 50.0,
    location_names: tuple[str, ...] = ("Warehouse", "Shop floor"),
) -> Shop:
    """Create or update a shop (idempotent) and make sure its locations exist."""
    shop, _ = Shop.objects.update_or_create(
        domain=domain,
        defaults={
            "name": name,
            "access_token": access_token,
            "webhook_secret": webhook_secret,
            "webhook_target_url": webhook_target_url,
            "bucket_max": bucket_max,
            "restore_rate": restore_rate,
            "bucket_available": bucket_max,
            "bucket_updated_at": sandbox_now(SYSTEM),
        },
    )
    for location_name in location_names:
        Location.objects.get_or_create(shop=shop, name=location_name)
    return shop


def shop_get(domain: str = "") -> Shop:
    shops = Shop.objects.filter(domain=domain) if domain else Shop.objects.order_by("id")
    shop = shops.first()
    if shop is None:
        raise SandboxError("no sandbox shop: run `shopify_sandbox setup` first")
    return shop


def throttle_set(
    *,
    shop: Shop,
    bucket_max: float | None = None,
    restore_rate: float | None = None,
    available: float | None = None,
) -> Shop:
    """Change the shop's cost bucket (size, restore rate per second, points left now)."""
    if bucket_max is not None:
        shop.bucket_max = bucket_max
    if restore_rate is not None:
        shop.restore_rate = restore_rate
    shop.bucket_available = min(
        shop.bucket_max, available if available is not None else shop.bucket_max
    )
    shop.bucket_updated_at = sandbox_now(SYSTEM)
    shop.save()
    return shop


# --- catalogue and stock ---------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(
    *,
    shop: Shop,
    count: int = 10,
    stock: int = 10,
    price: Decimal = Decimal("25.00"),
    sku_prefix: str = "SB",
) -> list[Variant]:
    """``count`` single-variant products with valid EAN-13 barcodes, ``stock`` at the first
    location and the demo content (:mod:`connectors.shopify.sandbox.catalogue`: options,
    description, images, metafields, category, weight); SKUs are ``<prefix>-0001``...;
    existing SKUs are left alone."""
    first_location = shop.locations.order_by("id").first()
    created = []
    for index in range(1, count + 1):
        sku = f"{sku_prefix}-{index:04d}"
        if Variant.objects.filter(product__shop=shop, sku=sku).exists():
            continue
        stamp = now()
        product_fields, variant_fields = catalogue.product_content(index)
        product = Product.objects.create(shop=shop, updated_at=stamp, **product_fields)
        variant = Variant.objects.create(
            product=product,
            sku=sku,
            barcode=ean13(index, prefix=f"50{shop.pk % 100:02d}"),
            price=price + index,
            updated_at=stamp,
            **variant_fields,
        )
        for location in shop.locations.all():
            available = stock if location == first_location else 0
            InventoryLevel.objects.create(
                variant=variant, location=location, available=available, updated_at=stamp
            )
        created.append(variant)
    return created


def variant_for(*, shop: Shop, sku: str) -> Variant:
    variant = Variant.objects.filter(product__shop=shop, sku=sku).first()
    if variant is None:
        raise SandboxError(f"no variant with SKU {sku!r}")
    return variant


def product_update(
    *, shop: Shop, sku: str, price: Decimal | None = None, title: str = "", barcode: str = ""
) -> Variant:
    variant = variant_for(shop=shop, sku=sku)
    stamp = now()
    if price is not None:
        variant.price = price
    if barcode:
        variant.barcode = barcode
    variant.updated_at = stamp
    variant.save()
    product = variant.product
    if title:
        product.title = title
    product.updated_at = stamp
    product.save()
    return variant


def _location(shop: Shop, location: str) -> Location:
    locations = shop.locations.order_by("id")
    found = locations.filter(name=location).first() if location else locations.first()
    if found is None:
        raise SandboxError(f"no location {location!r}")
    return found


def stock_set(
    *, shop: Shop, sku: str, available: int, location: str = "", deliver: bool = True
) -> InventoryLevel:
    """Set ``available`` for a SKU at a location (default the first) and send the webhook."""
    variant = variant_for(shop=shop, sku=sku)
    level, _ = InventoryLevel.objects.get_or_create(
        variant=variant, location=_location(shop, location), defaults={"updated_at": now()}
    )
    return level_set(level=level, available=available, deliver=deliver)


def level_set(*, level: InventoryLevel, available: int, deliver: bool = True) -> InventoryLevel:
    level.available = available
    level.updated_at = now()
    level.save()
    shop = level.location.shop
    webhook_send(
        shop=shop, topic="inventory_levels/update", payload=_level_payload(level), deliver=deliver
    )
    return level


def stock_adjust(
    *, shop: Shop, sku: str, delta: int, location: str = "", deliver: bool = True
) -> InventoryLevel:
    variant = variant_for(shop=shop, sku=sku)
    level = variant.levels.filter(location=_location(shop, location)).first()
    current = level.available if level else 0
    return stock_set(
        shop=shop, sku=sku, available=current + delta, location=location, deliver=deliver
    )


def _level_payload(level: InventoryLevel) -> dict:
    return {
        "inventory_item_id": level.variant_id,
        "location_id": level.location_id,
        "available": level.available,
        "updated_at": level.updated_at.isoformat(),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{level.pk}",
    }


# --- orders, fulfillments, refunds -----------------------------------------------------------


def order_lookup(*, shop: Shop, reference: str) -> Order:
    """An order by JL number (sourceIdentifier), name (#1001 or 1001) or gid."""
    reference = reference.strip()
    orders = shop.orders.all()
    name = reference if reference.startswith("#") else f"#{reference}"
    order = orders.filter(source_identifier=reference).first() or orders.filter(name=name).first()
    if order is None and reference.startswith("gid://shopify/Order/"):
        order = orders.filter(pk=reference.rsplit("/", 1)[-1]).first()
    if order is None:
        raise SandboxError(f"no order {reference!r}")
    return order


def _quantities(order: Order, lines: dict[str, int] | None) -> list[dict]:
    by_sku = {line.sku: line for line in order.lines.all()}
    if lines is None:
        return [{"line_id": line.pk, "quantity": line.quantity} for line in by_sku.values()]
    unknown = [sku for sku in lines if sku not in by_sku]
    if unknown:
        raise SandboxError(f"order {order.name} has no line for {', '.join(unknown)}")
    return [{"line_id": by_sku[sku].pk, "quantity": qty} for sku, qty in lines.items()]


@transaction.atomic
def fulfillment_create(
    *,
    shop: Shop,
    order_reference: str,
    company: str,
    number: str,
    service: str = "",
    url: str = "",
    lines: dict[str, int] | None = None,
    status: str = "SUCCESS",
    deliver: bool = True,
) -> Fulfillment:
    """Fulfil an order with ANY carrier name, service and tracking number.

    Shopify fulfillments carry no carrier service; the connector reads it from the order's
    shipping line, so a non-empty ``service`` replaces the shipping line title here.
    """
    order = order_lookup(shop=shop, reference=order_reference)
    stamp = now()
    fulfillment = Fulfillment.objects.create(
        order=order,
        status=status,
        company=company,
        service=service,
        number=number,
        url=url,
        lines=_quantities(order, lines),
        created_at=stamp,
        updated_at=stamp,
    )
    if service:
        order.shipping_title = service
    order.updated_at = stamp
    order.save()
    payload = fulfillment_payload(fulfillment)
    webhook_send(shop=shop, topic="fulfillments/create", payload=payload, deliver=deliver)
    return fulfillment


def fulfillment_update(
    *,
    fulfillment: Fulfillment,
    number: str = "",
    company: str = "",
    url: str = "",
    status: str = "",
) -> Fulfillment:
    for name, value in (("number", number), ("company", company), ("url", url), ("status", status)):
        if value:
            setattr(fulfillment, name, value)
    fulfillment.updated_at = now()
    fulfillment.save()
    Order.objects.filter(pk=fulfillment.order_id).update(updated_at=fulfillment.updated_at)
    shop = fulfillment.order.shop
    webhook_send(shop=shop, topic="fulfillments/update", payload=fulfillment_payload(fulfillment))
    return fulfillment


def fulfillment_payload(fulfillment: Fulfillment) -> dict:
    lines = {line.pk: line for line in fulfillment.order.lines.all()}
    return {
        "id": fulfillment.pk,
        "order_id": fulfillment.order_id,
        "name": f"{fulfillment.order.name}.{fulfillment.pk}",
        "status": fulfillment.status.lower(),
        "created_at": fulfillment.created_at.isoformat(),
        "updated_at": fulfillment.updated_at.isoformat(),
        "tracking_company": fulfillment.company or None,
        "tracking_number": fulfillment.number or None,
        "tracking_numbers": [fulfillment.number] if fulfillment.number else [],
        "tracking_url": fulfillment.url or None,
        "tracking_urls": [fulfillment.url] if fulfillment.url else [],
        "line_items": [
            {"id": e["line_id"], "sku": lines[e["line_id"]].sku, "quantity": e["quantity"]}
            for e in fulfillment.lines
            if e["line_id"] in lines
        ],
        "admin_graphql_api_id": f"gid://shopify/Fulfillment/{fulfillment.pk}",
    }


@transaction.atomic
def refund_create(
    *,
    shop: Shop,
    order_reference: str,
    lines: dict[str, int] | None = None,
    shipping_amount: Decimal = Decimal("0"),
    amount: Decimal | None = None,
    note: str = "",
    deliver: bool = True,
) -> Refund:
    """Refund lines (default: every line in full) plus shipping; ``amount`` overrides the
    total (default: line prices x quantities + shipping)."""
    order = order_lookup(shop=shop, reference=order_reference)
    quantities = _quantities(order, lines)
    prices = {line.pk: line.price for line in order.lines.all()}
    lines_total = sum((prices[e["line_id"]] * e["quantity"] for e in quantities), Decimal("0"))
    stamp = now()
    refund = Refund.objects.create(
        order=order,
        amount=amount if amount is not None else lines_total + shipping_amount,
        shipping_amount=shipping_amount,
        lines=quantities,
        note=note,
        created_at=stamp,
    )
    order.financial_status = "REFUNDED" if refund.amount >= order.total() else "PARTIALLY_REFUNDED"
    order.updated_at = stamp
    order.save()
    webhook_send(shop=shop, topic="refunds/create", payload=refund_payload(refund), deliver=deliver)
    return refund


def refund_payload(refund: Refund) -> dict:
    lines = {line.pk: line for line in refund.order.lines.all()}
    return {
        "id": refund.pk,
        "order_id": refund.order_id,
        "created_at": refund.created_at.isoformat(),
        "note": refund.note,
        "refund_line_items": [
            {
                "line_item_id": e["line_id"],
                "quantity": e["quantity"],
                "line_item": {"id": e["line_id"], "sku": lines[e["line_id"]].sku},
            }
            for e in refund.lines
            if e["line_id"] in lines
        ],
        "transactions": [{"kind": "refund", "status": "success", "amount": str(refund.amount)}],
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund.pk}",
    }


# --- webhooks --------------------------------------------------------------------------------


def webhook_headers(*, shop: Shop, topic: str, body: bytes, webhook_id: str) -> dict[str, str]:
    """The headers Shopify sends with a delivery, signed with the shop's webhook secret.

    As in https://shopify.dev/docs/apps/build/webhooks/delivery-structure: the webhook id is
    one per delivery (kept by retries), the event id one per merchant action.
    """
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": hmac_sha256(shop.webhook_secret.encode(), body),
        "X-Shopify-Shop-Domain": shop.domain,
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": now().isoformat(),
    }


def webhook_send(*, shop: Shop, topic: str, payload: dict, deliver: bool = True) -> SentWebhook:
    """Store a signed delivery; POST it now when the shop has a target and ``deliver``."""
    body = json.dumps(payload, separators=(",", ":"))
    webhook_id = str(uuid.uuid4())
    sent = SentWebhook.objects.create(
        shop=shop,
        topic=topic,
        webhook_id=webhook_id,
        headers=webhook_headers(shop=shop, topic=topic, body=body.encode(), webhook_id=webhook_id),
        body=body,
        target_url=shop.webhook_target_url,
        created_at=now(),
    )
    if deliver and shop.webhook_target_url:
        webhook_deliver(sent)
    return sent


def webhook_deliver(sent: SentWebhook) -> SentWebhook:
    """POST one stored delivery to the shop's target (Shopify: 1 s connect, 5 s response)."""
    target = sent.shop.webhook_target_url
    if not target:
        return sent
    sent.post(target, timeout=(1, 5))
    sent.target_url = target
    sent.save(update_fields=["response_status", "error", "target_url"])
    return sent


def webhooks_deliver(*, shop: Shop) -> int:
    """Send every stored delivery not yet answered with a 2xx; returns how many were tried."""
    pending = list(shop.webhooks.exclude(response_status__gte=200, response_status__lt=300))
    for sent in pending:
        webhook_deliver(sent)
    return len(pending)


def webhooks_sent(*, shop: Shop, topic: str = "") -> QuerySet[SentWebhook]:
    webhooks = shop.webhooks.all()
    return webhooks.filter(topic=topic) if topic else webhooks

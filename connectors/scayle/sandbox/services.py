"""Writes of the SCAYLE sandbox: the API views and the control surface (docs/connectors/scayle.md
section 5, also behind ``python manage.py scayle_sandbox``) both call these.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Mapping

from django.db import transaction

from connectors.sandbox.faults import sandbox_now
from connectors.sandbox.formats import ean13
from connectors.sandbox.models import app_models_delete
from connectors.scayle.sandbox import catalogue
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import serializers as s
from connectors.scayle.sandbox.errors import ScayleError, not_found
from connectors.scayle.sandbox.webhooks import webhook_configure, webhook_emit

SYSTEM = "scayle"
DEFAULT_TOKEN = "sandbox-scayle-token"
DEFAULT_SHOP = "jl"
DEFAULT_COUNTRY = "GB"
DEFAULT_CHANNEL = "marketplace_john_lewis"
DEFAULT_WEBHOOK_USER = "scayle"
DEFAULT_WEBHOOK_SECRET = "sandbox-scayle-webhook-secret"  # the Basic-auth password
WAREHOUSES = ("main", "store")
PRODUCT_CONTENT = frozenset({"name", "attributes", "master_attributes", "category_paths"})
REFERENCE_PREFIX = "key="


def now() -> dt.datetime:
    return sandbox_now(SYSTEM)


def token_create(*, name: str, token: str = "", scopes: list[str] | None = None) -> m.Token:
    return m.Token.objects.create(
        name=name,
        token=token or secrets.token_hex(16),
        scopes=scopes if scopes is not None else [m.ALL_SCOPES],
    )


# --- catalogue and stock --------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, products: int = 6, reset: bool = False) -> list[m.Variant]:
    """Products ``SC-0001``.. of the demo brand (``catalogue.SPECS``: names, colours,
    materials, descriptions, master categories, 0-4 images) with two variants each
    (``SC-0001-S``/``-M``; home goods by their size codes); idempotent for existing keys.

    Variant *n* (1-based over the catalogue) has EAN ``ean13(n)``, price ``10 + n`` pounds,
    ``10 * n`` in warehouse ``main`` and 1 in ``store``.
    """
    if reset:
        sandbox_reset()
    m.Token.objects.get_or_create(
        token=DEFAULT_TOKEN, defaults={"name": "hub", "scopes": [m.ALL_SCOPES]}
    )
    m.ShopCountry.objects.get_or_create(shop_key=DEFAULT_SHOP, country_code=DEFAULT_COUNTRY)
    m.Channel.objects.get_or_create(key=DEFAULT_CHANNEL)
    if not m.WebhookConfig.objects.exists():
        webhook_configure(url="", username=DEFAULT_WEBHOOK_USER, password=DEFAULT_WEBHOOK_SECRET)
    stamp, variants, number = now(), [], 0
    for index in range(1, products + 1):
        product = _product_seed(index, stamp)
        for position, (suffix, label) in enumerate(catalogue.spec_for(index).sizes):
            number += 1
            extra = catalogue.variant_extra(index, position)
            variants.append(_variant_seed(product, (suffix, label), number, stamp, extra))
    return variants


def _product_seed(index: int, stamp: dt.datetime) -> m.Product:
    key = f"SC-{index:04d}"
    product, created = m.Product.objects.get_or_create(
        reference_key=key,
        defaults={**catalogue.product_values(index, key), "created_at": stamp, "updated_at": stamp},
    )
    if created:
        for position, (url, view) in enumerate(catalogue.image_urls(index, key)):
            m.ProductImage.objects.create(
                product=product, asset_url=url, position=position, view=view
            )
    return product


def _variant_seed(
    product: m.Product, size: tuple[str, str], number: int, stamp: dt.datetime, extra: dict
) -> m.Variant:
    suffix, label = size
    variant, created = m.Variant.objects.get_or_create(
        reference_key=f"{product.reference_key}-{suffix}",
        defaults={
            "product": product,
            "size": label,
            "attributes": {"ean": ean13(number), **extra},
            "price": (10 + number) * 100,
            "updated_at": stamp,
        },
    )
    if created:
        for warehouse, quantity in zip(WAREHOUSES, (10 * number, 1), strict=True):
            m.Stock.objects.create(
                variant=variant,
                warehouse_reference_key=warehouse,
                quantity=quantity,
                changed_at=stamp,
            )
    return variant


def product_content_update(*, reference_key: str, **changes: object) -> m.Product:
    """Change a product's ``name``, ``attributes``, ``master_attributes`` or
    ``category_paths`` (stored as the API answers them); bumps its updatedAt."""
    product = _product_get(reference_key)
    for name, value in changes.items():
        if name not in PRODUCT_CONTENT:
            raise ScayleError(422, "INVALID_FIELD", f"'{name}' is not product content.")
        setattr(product, name, value)
    product.updated_at = now()
    product.save()
    return product


def product_image_add(
    *, reference_key: str, asset_url: str, view: str = "", mime_type: str = "image/jpeg"
) -> m.ProductImage:
    """Add an image: ``asset_url`` a CDN path (``images/<hash>``) or an absolute URL."""
    product = _product_get(reference_key)
    position = product.images.count()
    image = m.ProductImage.objects.create(
        product=product, asset_url=asset_url, position=position, view=view, mime_type=mime_type
    )
    m.Product.objects.filter(pk=product.pk).update(updated_at=now())
    return image


def _product_get(reference_key: str) -> m.Product:
    product = m.Product.objects.filter(reference_key=reference_key).first()
    if product is None:
        raise not_found("product", reference_key)
    return product


def variant_lookup(identifier: str) -> m.Variant:
    """By numeric id or ``key=<referenceKey>``, as the Admin API resolves identifiers."""
    if identifier.startswith(REFERENCE_PREFIX):
        found = m.Variant.objects.filter(reference_key=identifier[len(REFERENCE_PREFIX) :])
    elif identifier.isdigit():
        found = m.Variant.objects.filter(pk=int(identifier))
    else:
        found = m.Variant.objects.none()
    variant = found.select_related("product").first()
    if variant is None:
        raise not_found("variant", identifier)
    return variant


def product_update(*, sku: str, price: int | None = None, ean: str | None = None) -> m.Variant:
    """Change a variant's price (minor units) or EAN; bumps the product's updatedAt."""
    variant = variant_lookup(REFERENCE_PREFIX + sku)
    stamp = now()
    if price is not None:
        variant.price = price
    if ean is not None:
        variant.attributes = {**variant.attributes, "ean": ean}
    variant.updated_at = stamp
    variant.save()
    m.Product.objects.filter(pk=variant.product_id).update(updated_at=stamp)
    return variant


@transaction.atomic
def stock_set(
    *,
    sku: str,
    quantity: int,
    warehouse: str = "main",
    changed_at: dt.datetime | None = None,
    sellable_without_stock: bool | None = None,
) -> m.Stock:
    """Set the sellable quantity; an update older than the stored one is ignored (SCAYLE
    only accepts newer ``changedAt``). Sends ``product-variant-stock-updated``."""
    variant = variant_lookup(REFERENCE_PREFIX + sku)
    changed_at = changed_at or now()
    stock, created = m.Stock.objects.get_or_create(
        variant=variant,
        warehouse_reference_key=warehouse,
        defaults={"quantity": quantity, "changed_at": changed_at},
    )
    if not created and changed_at < stock.changed_at:
        return stock
    stock.quantity = quantity
    stock.changed_at = changed_at
    if sellable_without_stock is not None:
        stock.sellable_without_stock = sellable_without_stock
    stock.save()
    webhook_emit("product-variant-stock-updated", s.stock_event(stock))
    return stock


def _piece_take(variant: m.Variant, stamp: dt.datetime) -> None:
    stock = variant.stocks.filter(quantity__gt=0).order_by("-quantity", "id").first()
    if stock is None:
        raise ScayleError(
            422,
            "ITEMS_NOT_AVAILABLE",
            f"Variant '{variant.reference_key}' is not available in the requested quantity.",
            {"variant": variant.reference_key},
        )
    stock.quantity -= 1
    stock.changed_at = stamp
    stock.save(update_fields=["quantity", "changed_at"])


def rate_limit_set(*, scope: str, per_minute: int) -> m.ScopeLimit:
    limit, _ = m.ScopeLimit.objects.update_or_create(
        scope=scope, defaults={"per_minute": per_minute}
    )
    return limit


# --- orders ---------------------------------------------------------------------------------


def shop_country(shop_key: str, country_code: str) -> m.ShopCountry:
    shop = m.ShopCountry.objects.filter(shop_key=shop_key, country_code=country_code).first()
    if shop is None:
        raise not_found("shop country", f"{shop_key}/{country_code}")
    return shop


def order_lookup(identifier: str | int) -> m.Order:
    """By id, ``key=<referenceKey>``, the bare reference key or the public key."""
    text = str(identifier)
    if text.startswith(REFERENCE_PREFIX):
        order = m.Order.objects.filter(reference_key=text[len(REFERENCE_PREFIX) :]).first()
    elif text.isdigit():
        order = m.Order.objects.filter(pk=int(text)).first()
    else:
        order = (
            m.Order.objects.filter(reference_key=text).first()
            or m.Order.objects.filter(public_key=text).first()
        )
    if order is None:
        raise not_found("order", identifier)
    return order


@transaction.atomic
def order_create(*, shop: m.ShopCountry, body: Mapping) -> m.Order:
    """External order creation (the Admin API SDK's Order model): ``channel.key``, a unique
    ``referenceKey``, items priced ``withTax`` with ``tax.vat.amount``, available pieces."""
    channel = _channel_check(body.get("channel"))
    reference = body.get("referenceKey") or None
    if reference and m.Order.objects.filter(reference_key=reference).exists():
        raise ScayleError(
            409,
            "ORDER_REFERENCE_KEY_ALREADY_EXISTS",
            f"An order with referenceKey '{reference}' already exists.",
            {"referenceKey": reference},
        )
    lines = _order_lines(body.get("items"))
    address = body.get("address") or {}
    for kind in ("billing", "shipping"):
        _address_check(kind, address.get(kind))
    fee = _delivery_fee(body)
    stamp = now()
    order = m.Order.objects.create(
        shop_key=shop.shop_key,
        country_code=shop.country_code,
        reference_key=reference,
        public_key=_public_key_next(),
        channel_key=channel.key,
        currency_code=str(body.get("currencyCode") or shop.currency_code),
        customer=dict(body.get("customer") or {}),
        address=dict(address),
        delivery_key=str(fee.get("key") or ""),
        delivery_option=str(fee.get("option") or ""),
        delivery_price=int((fee.get("amount") or {}).get("withTax") or 0),
        custom_data=dict(body.get("legacyCustomData") or {}),
        created_at=stamp,
        updated_at=stamp,
    )
    for variant, price, tax in lines:
        _piece_take(variant, stamp)
        m.OrderItem.objects.create(
            order=order, variant=variant, price=price, tax=tax, updated_at=stamp
        )
    return order


def _public_key_next() -> str:
    last = m.Order.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return f"SB{last + 100001}"


def _channel_check(channel: object) -> m.Channel:
    key = str(channel.get("key") or "") if isinstance(channel, Mapping) else ""
    found = m.Channel.objects.filter(key=key, active=True).first() if key else None
    if found is None:
        raise ScayleError(
            422,
            "CHANNEL_NOT_FOUND",
            f"Channel '{key}' does not exist or is not active.",
            {"path": "channel.key"},
        )
    return found


def _order_lines(items: object) -> list[tuple[m.Variant, int, int]]:
    if not isinstance(items, list) or not items:
        raise ScayleError(422, "INVALID_ORDER", "An order needs at least one item.")
    lines = []
    for index, item in enumerate(items):
        sku = str(((item or {}).get("variant") or {}).get("referenceKey") or "")
        variant = m.Variant.objects.filter(reference_key=sku).first()
        if variant is None:
            raise ScayleError(
                422,
                "VARIANT_NOT_FOUND",
                f"Variant with referenceKey '{sku}' not found.",
                {"path": f"items.{index}.variant.referenceKey"},
            )
        lines.append((variant, *_item_price(item.get("price"), index)))
    return lines


def _item_price(price: object, index: int) -> tuple[int, int]:
    """(withTax, vat amount) of an externally priced item; withTax is required."""
    price = price if isinstance(price, Mapping) else {}
    with_tax = price.get("withTax")
    if not isinstance(with_tax, int) or isinstance(with_tax, bool) or with_tax < 0:
        raise ScayleError(
            422,
            "INVALID_PRICE",
            "price.withTax (integer, minor units) is required for external prices.",
            {"path": f"items.{index}.price.withTax"},
        )
    vat = (price.get("tax") or {}).get("vat") or {}
    return with_tax, int(vat.get("amount") or 0)


def _address_check(kind: str, address: object) -> None:
    required = ("street", "zipCode", "city", "countryCode")
    if not isinstance(address, Mapping) or any(not address.get(k) for k in required):
        raise ScayleError(
            422, "INVALID_ADDRESS", f"The {kind} address is incomplete.", {"path": kind}
        )
    if len(str(address["countryCode"])) != 3:
        raise ScayleError(
            422,
            "INVALID_ADDRESS",
            "countryCode must be an ISO 3166-1 alpha-3 code.",
            {"path": f"address.{kind}.countryCode"},
        )


def _delivery_fee(body: Mapping) -> Mapping:
    for fee in (body.get("cost") or {}).get("appliedFees") or []:
        if isinstance(fee, Mapping) and fee.get("category") == "delivery":
            return fee
    return {}


def order_reference_set(*, order: m.Order, reference_key: str) -> m.Order:
    clash = m.Order.objects.filter(reference_key=reference_key).exclude(pk=order.pk)
    if clash.exists():
        raise ScayleError(
            409,
            "ORDER_REFERENCE_KEY_ALREADY_EXISTS",
            f"An order with referenceKey '{reference_key}' already exists.",
        )
    order.reference_key = reference_key
    order.updated_at = now()
    order.save(update_fields=["reference_key", "updated_at"])
    return order


# --- fulfilment -----------------------------------------------------------------------------


def _pieces(order: m.Order, lines: Mapping[str, int] | None, statuses: tuple[str, ...]):
    """The order's pieces for ``{sku: quantity}`` (all in ``statuses`` when None)."""
    candidates = list(order.items.filter(status__in=statuses).select_related("variant"))
    if lines is None:
        return candidates
    chosen = []
    for sku, quantity in lines.items():
        matching = [item for item in candidates if item.variant.reference_key == sku]
        if len(matching) < quantity:
            raise ScayleError(
                422,
                "ORDER_ITEMS_NOT_FOUND",
                f"Order {order.pk} has {len(matching)} piece(s) of '{sku}' in {statuses}.",
            )
        chosen += matching[:quantity]
    return chosen


@transaction.atomic
def order_ship(
    *,
    order: m.Order,
    carrier_key: str,
    tracking_id: str,
    tracking_url: str = "",
    service: str = "",
    items: Mapping[str, int] | None = None,
    shipment_key: str = "",
    return_ident_code: str = "",
) -> m.Package:
    """Ship pieces (all open ones by default) in one package with any carrier and tracking.

    ``service`` sets the order's delivery option, which is where SCAYLE keeps the service the
    customer bought. Sends ``order-package-shipped``.
    """
    pieces = _pieces(order, items, ("available", "deliverable"))
    if not pieces:
        raise ScayleError(422, "ORDER_NOTHING_TO_SHIP", f"Order {order.pk} has nothing to ship.")
    stamp = now()
    package = m.Package.objects.create(
        order=order,
        carrier_key=carrier_key,
        shipment_key=shipment_key or tracking_id,
        tracking_id=tracking_id,
        tracking_url=tracking_url,
        delivery_status="shipped",
        return_ident_code=return_ident_code,
        shipped_at=stamp,
    )
    for piece in pieces:
        piece.package = package
        piece.status = "deliverable"
        piece.return_key = piece.return_key or f"R-{piece.pk}"
        piece.updated_at = stamp
        piece.save()
    if service:
        order.delivery_option = service
    if not order.items.filter(status="available", package__isnull=True).exists():
        order.status = "invoice_completed"
    order.updated_at = stamp
    order.save()
    webhook_emit("order-package-shipped", {"order": s.order_json(order), "packageId": package.pk})
    return package


@transaction.atomic
def items_return(
    *, order: m.Order, items: Mapping[str, int] | None = None, restock: bool = True
) -> list[m.OrderItem]:
    """Mark shipped pieces returned (and back in stock). Sends ``order-item-returned``."""
    pieces = _pieces(order, items, ("deliverable",))
    return _pieces_close(order, pieces, "returned", "order-item-returned", restock=restock)


@transaction.atomic
def items_cancel(*, order: m.Order, items: Mapping[str, int] | None = None) -> list[m.OrderItem]:
    """Cancel unshipped pieces (stock released). Sends ``order-item-canceled``."""
    pieces = _pieces(order, items, ("available",))
    return _pieces_close(order, pieces, "cancelled", "order-item-canceled", restock=True)


def _pieces_close(
    order: m.Order, pieces: list[m.OrderItem], status: str, event: str, *, restock: bool
) -> list[m.OrderItem]:
    if not pieces:
        raise ScayleError(422, "ORDER_ITEMS_NOT_FOUND", f"Order {order.pk} has no such pieces.")
    stamp = now()
    for piece in pieces:
        piece.status = status
        piece.updated_at = stamp
        piece.save(update_fields=["status", "updated_at"])
        if restock:
            stock = piece.variant.stocks.order_by("id").first()
            if stock is not None:
                stock.quantity += 1
                stock.changed_at = stamp
                stock.save(update_fields=["quantity", "changed_at"])
    order.updated_at = stamp
    order.save(update_fields=["updated_at"])
    for piece in pieces:
        webhook_emit(event, {"order": s.order_json(order), "orderItemId": piece.pk})
    return pieces


def shipment_register(*, body: Mapping) -> m.Package:
    """POST /fulfillment/shipments: the OMS reports one package of an order."""
    order = order_lookup(str(body.get("orderId") or "0"))
    item_ids = [int((i or {}).get("orderItemId") or 0) for i in body.get("items") or []]
    pieces = list(order.items.filter(pk__in=item_ids, status__in=("available", "deliverable")))
    if not pieces or len(pieces) != len(item_ids):
        raise ScayleError(422, "ORDER_ITEMS_NOT_FOUND", "Unknown or closed orderItemId.")
    return order_ship(
        order=order,
        carrier_key=str(body.get("carrier") or ""),
        tracking_id=str(body.get("shipmentKey") or ""),
        items=Counter(piece.variant.reference_key for piece in pieces),
        shipment_key=str(body.get("shipmentKey") or ""),
        return_ident_code=str(body.get("returnIdentCode") or ""),
    )


def return_item_register(*, body: Mapping) -> m.OrderItem:
    """POST /fulfillment/return-items: a returned piece identified by its returnKey."""
    piece = m.OrderItem.objects.filter(
        return_key=str(body.get("returnKey") or ""), status="deliverable"
    ).first()
    if piece is None:
        raise not_found("return item", body.get("returnKey"))
    restock = bool(body.get("received", True))
    with transaction.atomic():
        _pieces_close(piece.order, [piece], "returned", "order-item-returned", restock=restock)
    return piece


def sandbox_reset() -> None:
    app_models_delete("scayle_sandbox")

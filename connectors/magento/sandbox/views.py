"""The Magento REST paths the hub uses, answered from the sandbox tables.

Every view runs the shared fault injection first, then Magento's own checks: the store code,
the bearer token and its ACL resource (a 401 "The consumer isn't authorized to access
%resources." like the real API), then the handler. Guest-cart routes are anonymous, as in
Magento. Only stock Magento 2.4 routes: no module's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import serializers as s
from connectors.magento.sandbox import services
from connectors.magento.sandbox.errors import MagentoError, no_such_entity, required
from connectors.magento.sandbox.search import criteria_parse, queryset_search
from connectors.sandbox.faults import sandbox_view

STORE_CODES = ("default", "all")
CART_CURRENCY = {
    "global_currency_code": "GBP",
    "base_currency_code": "GBP",
    "quote_currency_code": "GBP",
    "store_currency_code": "GBP",
    "base_to_global_rate": 1,
    "base_to_quote_rate": 1,
    "store_to_base_rate": 1,
    "store_to_quote_rate": 1,
}
Handler = Callable[..., Any]


def _error_body(status: int, message: str) -> dict:
    return {"message": message}


def _authorize(request: HttpRequest, resource: str) -> None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    grant = m.Token.holder(token)
    if grant is None or not grant.allows(resource):
        raise MagentoError(
            401, "The consumer isn't authorized to access %resources.", {"resources": resource}
        )


def _body(request: HttpRequest) -> Any:
    if not request.body or "json" not in request.content_type:
        return {}  # Magento's REST reads JSON bodies only
    try:
        return json.loads(request.body)
    except ValueError:
        raise MagentoError(400, "Decoding error: %1", ["invalid JSON"]) from None


def endpoint(routes: dict[str, tuple[Handler, str | None]]) -> Callable:
    """One URL: ``{method: (handler, acl_resource or None for anonymous)}``."""

    @sandbox_view("magento", _error_body)
    def view(request: HttpRequest, store: str | None = None, **kwargs: Any) -> HttpResponse:
        try:
            if request.method not in routes:
                raise MagentoError(404, "Request does not match any route.")
            if store and store not in STORE_CODES:
                raise MagentoError(
                    400,
                    "The store that was requested wasn't found. Verify the store and try again.",
                )
            handler, resource = routes[request.method]
            kwargs = {k: int(v) if k in ("order_id", "stock_id") else v for k, v in kwargs.items()}
            if resource:
                _authorize(request, resource)
            result = handler(request, _body(request), **kwargs)
        except MagentoError as error:
            return error.response()
        return JsonResponse(result, safe=False)

    return view


def _list(request: HttpRequest, queryset, fields, to_json: Callable) -> dict:
    criteria = criteria_parse(request.GET)
    rows, total = queryset_search(queryset, criteria, fields)
    return {
        "items": [to_json(row) for row in rows],
        "search_criteria": criteria.as_json(),
        "total_count": total,
    }


def _order(order_id: int) -> m.Order:
    order = m.Order.objects.filter(pk=order_id).first()
    if order is None:
        raise MagentoError(
            404, "The entity that was requested doesn't exist. Verify the entity and try again."
        )
    return order


def _quantities_by_sku(order: m.Order, rows: list | None) -> dict[str, int] | None:
    if not rows:
        return None
    skus = dict(order.items.values_list("pk", "sku"))
    chosen: dict[str, int] = {}
    for row in rows:
        sku = skus.get(int(row.get("order_item_id") or 0))
        if sku is None:
            raise no_such_entity("orderItemId", row.get("order_item_id"))
        chosen[sku] = chosen.get(sku, 0) + int(row.get("qty") or 0)
    return chosen


# --- handlers: store, catalogue, inventory ------------------------------------------------------


def store_configs(request: HttpRequest, body: Any) -> list:
    """Every key Magento's ``StoreConfigManagerTest`` expects, in its order."""
    base = request.build_absolute_uri("/sandbox/magento/")
    return [
        {
            "id": 1,
            "code": "default",
            "website_id": 1,
            "locale": "en_GB",
            "base_currency_code": "GBP",
            "default_display_currency_code": "GBP",
            "timezone": "Europe/London",
            "weight_unit": "kgs",
            "base_url": base,
            "base_link_url": base,
            "base_static_url": f"{base}pub/static/",
            "base_media_url": f"{base}pub/media/",
            "secure_base_url": base,
            "secure_base_link_url": base,
            "secure_base_static_url": f"{base}pub/static/",
            "secure_base_media_url": f"{base}pub/media/",
        }
    ]


def products_list(request: HttpRequest, body: Any) -> dict:
    return _list(request, m.Product.objects.all(), s.PRODUCT_FIELDS, s.product_json)


def attributes_list(request: HttpRequest, body: Any) -> dict:
    attributes = m.ProductAttribute.objects.all()
    return _list(request, attributes, s.ATTRIBUTE_FIELDS, s.attribute_json)


def attribute_detail(request: HttpRequest, body: Any, attribute_code: str) -> dict:
    attribute = m.ProductAttribute.objects.filter(attribute_code=attribute_code).first()
    if attribute is None:
        raise MagentoError(
            404,
            'The attribute with a "%1" attributeCode doesn\'t exist. '
            "Verify the attribute and try again.",
            [attribute_code],
        )
    return s.attribute_json(attribute)


def categories_tree(request: HttpRequest, body: Any) -> dict:
    """``GET /V1/categories``: the tree from the store's root (or ``rootCategoryId``)."""
    root_id = _query_integer(request, "rootCategoryId")
    depth = _query_integer(request, "depth")
    categories = m.Category.objects.all()
    root = (categories.filter(pk=root_id) if root_id else categories.filter(level=1)).first()
    if root is None:
        raise no_such_entity("id", root_id or "")
    counts: dict[int, int] = {}
    for ids in m.Product.objects.values_list("category_ids", flat=True):
        for category_id in ids:
            counts[category_id] = counts.get(category_id, 0) + 1
    return s.category_tree_json(root, counts, depth)


def _query_integer(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise MagentoError(400, 'The "%1" value is invalid.', [name]) from None


def sources_list(request: HttpRequest, body: Any) -> dict:
    sources = m.Source.objects.order_by("pk")
    items = [{"source_code": x.source_code, "name": x.name, "enabled": x.enabled} for x in sources]
    return {"items": items, "search_criteria": {}, "total_count": len(items)}


def source_items_list(request: HttpRequest, body: Any) -> dict:
    return _list(request, m.SourceItem.objects.all(), s.SOURCE_ITEM_FIELDS, s.source_item_json)


def salable_quantity(request: HttpRequest, body: Any, sku: str, stock_id: int) -> float:
    return float(services.salable_quantity(sku=sku, stock_id=stock_id))


# --- handlers: guest cart ------------------------------------------------------------------------


def cart_create(request: HttpRequest, body: Any) -> str:
    return services.cart_create().masked_id


def cart_detail(request: HttpRequest, body: Any, cart_id: str) -> dict:
    """``GET /V1/guest-carts/{cartId}``: ``id`` is the quote id orders carry as ``quote_id``."""
    cart = services.cart_get(cart_id)
    items = list(cart.items.all())
    stamp = s.stamp(cart.created_at)
    return {
        "id": cart.pk,
        "created_at": stamp,
        "updated_at": stamp,
        "is_active": cart.is_active,
        "is_virtual": False,
        "orig_order_id": 0,
        "items": [
            {"item_id": i.pk, "sku": i.sku, "qty": i.qty, "name": i.name, "price": float(i.price)}
            for i in items
        ],
        "items_count": len(items),
        "items_qty": sum(i.qty for i in items),
        "customer": {"email": cart.email or None},
        "customer_is_guest": True,
        "currency": CART_CURRENCY,
    }


def cart_item_add(request: HttpRequest, body: Any, cart_id: str) -> dict:
    row = body.get("cartItem") or {}
    item = services.cart_item_add(
        cart=services.cart_get(cart_id), sku=str(row.get("sku", "")), qty=int(row.get("qty") or 0)
    )
    return {
        "item_id": item.pk,
        "sku": item.sku,
        "qty": item.qty,
        "name": item.name,
        "price": float(item.price),
        "product_type": "simple",
        "quote_id": cart_id,
    }


def cart_shipping_information(request: HttpRequest, body: Any, cart_id: str) -> dict:
    cart = services.cart_get(cart_id)
    information = body.get("addressInformation") or {}
    _, shipping = services.cart_shipping_set(cart=cart, information=information)
    rows = [i.price * i.qty for i in cart.items.all()]
    subtotal = sum(rows, Decimal(0))
    tax = sum((services.item_tax(row) for row in rows), Decimal(0))
    methods = sorted(services.PAYMENT_METHODS)
    return {
        "payment_methods": [{"code": code, "title": code} for code in methods],
        "totals": {
            "subtotal": float(subtotal),
            "tax_amount": float(tax),
            "shipping_amount": float(shipping),
            "grand_total": float(subtotal + tax + shipping),
            "base_currency_code": "GBP",
            "quote_currency_code": "GBP",
        },
    }


def cart_payment_information(request: HttpRequest, body: Any, cart_id: str) -> int:
    order = services.cart_place(
        masked_id=cart_id,
        payment_method=str((body.get("paymentMethod") or {}).get("method", "")),
        email=str(body.get("email") or ""),
        billing=body.get("billingAddress") or None,
    )
    return order.pk


def cart_order(request: HttpRequest, body: Any, cart_id: str) -> int:
    method = str((body.get("paymentMethod") or {}).get("method", ""))
    return services.cart_place(masked_id=cart_id, payment_method=method).pk


# --- handlers: sales -----------------------------------------------------------------------------


def orders_list(request: HttpRequest, body: Any) -> dict:
    orders = m.Order.objects.prefetch_related("items", "comments")
    return _list(request, orders, s.ORDER_FIELDS, s.order_json)


def order_save(request: HttpRequest, body: Any) -> dict:
    entity = body.get("entity") if isinstance(body, dict) else None
    if not isinstance(entity, dict):
        raise required("entity")
    order = services.order_save(entity=entity)
    return s.order_json(m.Order.objects.prefetch_related("items", "comments").get(pk=order.pk))


def order_detail(request: HttpRequest, body: Any, order_id: int) -> dict:
    return s.order_json(_order(order_id))


def order_comment_add(request: HttpRequest, body: Any, order_id: int) -> bool:
    history = body.get("statusHistory") or {}
    if not history.get("comment"):
        raise required("comment")
    services.order_comment_add(
        order=_order(order_id),
        comment=str(history["comment"]),
        notify=bool(history.get("is_customer_notified")),
    )
    return True


def shipments_list(request: HttpRequest, body: Any) -> dict:
    shipments = m.Shipment.objects.prefetch_related("items", "tracks")
    return _list(request, shipments, s.SALES_DOCUMENT_FIELDS, s.shipment_json)


def order_ship(request: HttpRequest, body: Any, order_id: int) -> int:
    order = _order(order_id)
    tracks = body.get("tracks") or [{}]
    source = ((body.get("arguments") or {}).get("extension_attributes") or {}).get("source_code")
    shipment = services.order_ship(
        order=order,
        carrier_title=str(tracks[0].get("title", "")),
        carrier_code=str(tracks[0].get("carrier_code", "")),
        track_number=str(tracks[0].get("track_number", "")),
        items=_quantities_by_sku(order, body.get("items")),
        source_code=source or "default",
    )
    return shipment.pk


def creditmemos_list(request: HttpRequest, body: Any) -> dict:
    memos = m.CreditMemo.objects.select_related("order").prefetch_related("items")
    return _list(request, memos, s.SALES_DOCUMENT_FIELDS, s.creditmemo_json)


def order_refund(request: HttpRequest, body: Any, order_id: int) -> int:
    order = _order(order_id)
    arguments = body.get("arguments") or {}
    adjustment = Decimal(str(arguments.get("adjustment_positive") or 0)) - Decimal(
        str(arguments.get("adjustment_negative") or 0)
    )
    shipping = arguments.get("shipping_amount")
    comment = body.get("comment") if isinstance(body.get("comment"), dict) else {}
    memo = services.creditmemo_create(
        order=order,
        items=_quantities_by_sku(order, body.get("items")),
        shipping_amount=None if shipping is None else Decimal(str(shipping)),
        adjustment=adjustment,
        comment=str(comment.get("comment") or ""),
    )
    return memo.pk


def order_cancel(request: HttpRequest, body: Any, order_id: int) -> bool:
    return services.order_cancel(order=_order(order_id))


# --- media ----------------------------------------------------------------------------------


@sandbox_view("magento", _error_body)
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """``pub/media/<path>``: the sandbox keeps no files, so any image path is answered with a
    generated picture (a colour from the path, the file name written on it)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    name = escape(path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " "))
    hue = int(hashlib.sha256(path.encode()).hexdigest()[:4], 16) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="750" viewBox="0 0 600 750">'
        f'<rect width="600" height="750" fill="hsl({hue}, 35%, 82%)"/>'
        '<text x="300" y="375" text-anchor="middle" font-family="sans-serif" font-size="28" '
        f'fill="hsl({hue}, 40%, 25%)">{name}</text></svg>'
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""The SCAYLE Admin API paths the hub uses, answered from the sandbox tables.

Every view runs the shared fault injection first, then SCAYLE's own checks: the
``X-Access-Token`` (401), the token's right to the endpoint's scope (403), the scope's
per-minute budget (429 with ``x-ratelimit-*`` headers, sent on every answer), then the handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from connectors.sandbox.faults import sandbox_view
from connectors.sandbox.formats import token_decode, token_encode
from connectors.scayle.sandbox import models as m
from connectors.scayle.sandbox import serializers as s
from connectors.scayle.sandbox import services
from connectors.scayle.sandbox.errors import ScayleError, error_body, not_found
from connectors.scayle.sandbox.ratelimit import rate_spend

Handler = Callable[..., Any]
MAX_LIMIT = 1000


def _authorize(request: HttpRequest, scope: str) -> str:
    token = request.headers.get("X-Access-Token", "").strip()
    grant = m.Token.holder(token)
    if grant is None:
        raise ScayleError(401, "UNAUTHORIZED", "The access token is missing or invalid.")
    if not grant.allows(scope):
        raise ScayleError(
            403, "FORBIDDEN", f"The access token has no permission for '{scope}'.", {"scope": scope}
        )
    return grant.token


def _body(request: HttpRequest) -> Any:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise ScayleError(400, "INVALID_JSON", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ScayleError(400, "INVALID_JSON", "The request body must be a JSON object.")
    return body


def endpoint(routes: dict[str, tuple[Handler, str]]) -> Callable:
    """One URL: ``{method: (handler, rate-limit scope)}``."""

    @sandbox_view("scayle", error_body)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        headers: dict[str, str] = {}
        try:
            if request.method not in routes:
                raise ScayleError(405, "METHOD_NOT_ALLOWED", "Method not allowed.")
            handler, scope = routes[request.method]
            token = _authorize(request, scope)
            allowed, headers = rate_spend(token, scope)
            if not allowed:
                raise ScayleError(429, "RATE_LIMIT_EXCEEDED", f"Rate limit for '{scope}' hit.")
            status, result = handler(request, **kwargs)
            response = JsonResponse(result, status=status, safe=False)
        except ScayleError as error:
            response = error.response()
        for name, value in headers.items():
            response[name] = value
        return response

    return view


# --- paging ---------------------------------------------------------------------------------


def _cursor_encode(last_id: int) -> str:
    return token_encode(f"id:{last_id}".encode())


def _cursor_decode(text: str) -> int:
    try:
        raw = token_decode(text).decode()
        prefix, _, number = raw.partition(":")
        if prefix != "id":
            raise ValueError(raw)
        return int(number)
    except ValueError:
        raise ScayleError(400, "INVALID_CURSOR", "The cursor is invalid.") from None


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ScayleError(
            400, "INVALID_PARAMETER", f"limit must be between 1 and {MAX_LIMIT}.", {"limit": raw}
        )
    return int(raw)


def _updated_since(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    raw = request.GET.get("filters[minUpdatedAt]")
    if not raw:
        return queryset
    since = s.parse_time(raw)
    if since is None:
        raise ScayleError(400, "INVALID_PARAMETER", "minUpdatedAt must be an ISO 8601 date-time.")
    return queryset.filter(updated_at__gte=since)


def _collection(request: HttpRequest, queryset: QuerySet, serialize: Callable) -> tuple:
    limit = _limit(request)
    cursor = request.GET.get("cursor")
    if cursor:
        queryset = queryset.filter(pk__gt=_cursor_decode(cursor))
    rows = list(_updated_since(request, queryset).order_by("pk")[: limit + 1])
    next_cursor = _cursor_encode(rows[limit - 1].pk) if len(rows) > limit else None
    entities = [serialize(row) for row in rows[:limit]]
    return 200, {"entities": entities, "cursor": {"next": next_cursor}}


# --- handlers -------------------------------------------------------------------------------


def shop_detail(request: HttpRequest, shop_key: str) -> tuple:
    shops = list(m.ShopCountry.objects.filter(shop_key=shop_key).order_by("id"))
    if not shops:
        raise not_found("shop", shop_key)
    countries = [
        {"countryCode": shop.country_code, "currencyCode": shop.currency_code} for shop in shops
    ]
    return 200, {"key": shop_key, "name": shops[0].name, "countries": countries}


def products_list(request: HttpRequest) -> tuple:
    with_ = {part.strip() for part in request.GET.get("with", "").split(",") if part.strip()}
    queryset = m.Product.objects.prefetch_related("variants", "images")
    return _collection(request, queryset, lambda p: s.product_json(p, with_))


def variant_stocks(request: HttpRequest, variant: str) -> tuple:
    found = services.variant_lookup(variant)
    return 200, {"entities": [s.stock_json(stock) for stock in found.stocks.order_by("id")]}


def variant_stock_update(request: HttpRequest, variant: str) -> tuple:
    body = _body(request)
    found = services.variant_lookup(variant)
    changed_at = s.parse_time(body.get("changedAt"))
    if not isinstance(body.get("quantity"), int) or not body.get("warehouseReferenceKey"):
        raise ScayleError(
            422, "INVALID_STOCK", "quantity (integer) and warehouseReferenceKey are required."
        )
    stock = services.stock_set(
        sku=found.reference_key,
        quantity=body["quantity"],
        warehouse=str(body["warehouseReferenceKey"]),
        changed_at=changed_at,
        sellable_without_stock=body.get("sellableWithoutStock"),
    )
    return 201, s.stock_json(stock)


def orders_list(request: HttpRequest, shop_key: str, country_code: str) -> tuple:
    services.shop_country(shop_key, country_code)
    queryset = m.Order.objects.filter(shop_key=shop_key, country_code=country_code)
    return _collection(request, queryset, s.order_json)


def order_create(request: HttpRequest, shop_key: str, country_code: str) -> tuple:
    shop = services.shop_country(shop_key, country_code)
    body = _body(request)
    return 201, s.order_json(services.order_create(shop=shop, body=body))


def _order_in_shop(shop_key: str, country_code: str, order: str) -> m.Order:
    services.shop_country(shop_key, country_code)
    if not (order.isdigit() or order.startswith(services.REFERENCE_PREFIX)):
        raise not_found("order", order)
    return services.order_lookup(order)


def order_detail(request: HttpRequest, shop_key: str, country_code: str, order: str) -> tuple:
    return 200, s.order_json(_order_in_shop(shop_key, country_code, order))


def order_reference_key(
    request: HttpRequest, shop_key: str, country_code: str, order: str
) -> tuple:
    found = _order_in_shop(shop_key, country_code, order)
    reference = str(_body(request).get("referenceKey") or "")
    if not reference:
        raise ScayleError(422, "INVALID_REFERENCE_KEY", "referenceKey is required.")
    return 200, s.order_json(services.order_reference_set(order=found, reference_key=reference))


def shipment_create(request: HttpRequest) -> tuple:
    package = services.shipment_register(body=_body(request))
    return 201, s.package_json(package)


def return_item_create(request: HttpRequest) -> tuple:
    item = services.return_item_register(body=_body(request))
    return 201, s.item_json(item)

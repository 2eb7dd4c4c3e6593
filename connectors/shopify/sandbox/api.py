"""Run one GraphQL request against the sandbox: validate, cost, leaky bucket, execute.

Answers are shaped like Shopify's: HTTP 200 with ``data``/``errors`` and
``extensions.cost`` (requested and actual cost, ``throttleStatus``); an empty bucket gives a
``THROTTLED`` error and no data.
"""

from __future__ import annotations

from django.db import transaction
from graphql import GraphQLError, execute, parse, validate

from connectors.sandbox.faults import sandbox_now
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.admin_schema import admin_schema
from connectors.shopify.sandbox.cost import MAX_SINGLE_QUERY_COST, actual_cost, query_cost
from connectors.shopify.sandbox.models import Shop
from connectors.shopify.sandbox.schema import Root, SandboxContext

DOCS = "https://shopify.dev/api/usage/rate-limits"


def _throttle_status(shop: Shop) -> dict:
    return {
        "maximumAvailable": float(shop.bucket_max),
        "currentlyAvailable": int(shop.bucket_available),
        "restoreRate": float(shop.restore_rate),
    }


def _charge(shop_pk: int, cost: int) -> tuple[bool, Shop]:
    """Refill the bucket for the time passed, then take ``cost`` if it fits."""
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop_pk)
        now = sandbox_now(services.SYSTEM)
        elapsed = (now - shop.bucket_updated_at).total_seconds() if shop.bucket_updated_at else 0
        shop.bucket_available = min(
            shop.bucket_max, shop.bucket_available + max(elapsed, 0) * shop.restore_rate
        )
        shop.bucket_updated_at = now
        fits = cost <= shop.bucket_available
        if fits:
            shop.bucket_available -= cost
        shop.save(update_fields=["bucket_available", "bucket_updated_at"])
        return fits, shop


def _error(message: str, code: str, **extra) -> dict:
    return {"message": message, "extensions": {"code": code, **extra}}


def graphql_run(shop: Shop, payload: dict, site: str = "") -> dict:
    """The JSON answer to one GraphQL POST body (``site``: where image URLs point)."""
    query, variables = payload.get("query"), payload.get("variables") or {}
    if not isinstance(query, str) or not isinstance(variables, dict):
        return {"errors": [_error("Parameter Missing or Invalid", "BAD_REQUEST")]}
    try:
        document = parse(query)
    except GraphQLError as exc:
        return {"errors": [exc.formatted]}
    problems = validate(admin_schema(), document)
    if problems:
        return {"errors": [p.formatted for p in problems]}
    cost = query_cost(document, variables, payload.get("operationName"))
    if cost > MAX_SINGLE_QUERY_COST:
        message = (
            f"Query cost is {cost}, which exceeds the single query max cost limit "
            f"({MAX_SINGLE_QUERY_COST})."
        )
        error = _error(message, "MAX_COST_EXCEEDED", cost=cost, maxCost=MAX_SINGLE_QUERY_COST)
        return {"errors": [error]}
    fits, shop = _charge(shop.pk, cost)
    if not fits:
        extensions = {"cost": {"requestedQueryCost": cost, "actualQueryCost": None}}
        extensions["cost"]["throttleStatus"] = _throttle_status(shop)
        return {
            "errors": [_error("Throttled", "THROTTLED", documentation=DOCS)],
            "extensions": extensions,
        }
    result = execute(
        admin_schema(),
        document,
        root_value=Root(),
        context_value=SandboxContext(shop=shop, site=site),
        variable_values=variables,
        operation_name=payload.get("operationName"),
    )
    body: dict = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    actual = min(cost, actual_cost(document, result.data, payload.get("operationName")))
    shop = _refund(shop.pk, cost - actual)
    cost_body = {"requestedQueryCost": cost, "actualQueryCost": actual}
    body["extensions"] = {"cost": cost_body | {"throttleStatus": _throttle_status(shop)}}
    return body


def _refund(shop_pk: int, points: int) -> Shop:
    """Give back what the query was charged beyond its actual cost, as Shopify does."""
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop_pk)
        if points > 0:
            shop.bucket_available = min(shop.bucket_max, shop.bucket_available + points)
            shop.save(update_fields=["bucket_available"])
        return shop

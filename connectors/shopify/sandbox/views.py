"""The Shopify sandbox's HTTP surface: the GraphQL Admin API endpoint."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse

from connectors.sandbox.faults import sandbox_view
from connectors.shopify.sandbox.api import graphql_run
from connectors.shopify.sandbox.models import Shop

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def shopify_error_body(status: int, message: str) -> dict:
    """Shopify's REST-style error envelope, used for injected faults."""
    return {"errors": message}


@sandbox_view("shopify", shopify_error_body)
def graphql_endpoint(request: HttpRequest, version: str) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"errors": "Not Found"}, status=404)
    token = request.headers.get("X-Shopify-Access-Token", "")
    shop = Shop.objects.filter(access_token=token).first() if token else None
    if shop is None:
        return JsonResponse({"errors": INVALID_TOKEN}, status=401)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse(
            {"errors": {"query": "Required parameter missing or invalid"}}, status=400
        )
    response = JsonResponse(graphql_run(shop, payload))
    response["X-Shopify-API-Version"] = version
    return response

"""The Shopify sandbox's HTTP surface: the GraphQL Admin API endpoint."""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

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
    site = f"{request.scheme}://{request.get_host()}"
    response = JsonResponse(graphql_run(shop, payload, site=site))
    response["X-Shopify-API-Version"] = version
    return response


@sandbox_view("shopify", shopify_error_body)
def cdn_file(request: HttpRequest, shop: str, name: str) -> HttpResponse:
    """A product image on the "CDN": the sandbox keeps no files, so it answers with a
    generated picture (a colour from the name, the name written on it)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    label = escape(name.rsplit(".", 1)[0].replace("-", " "))
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="750" viewBox="0 0 600 750">'
        f'<rect width="600" height="750" fill="hsl({hue}, 35%, 82%)"/>'
        '<text x="300" y="375" text-anchor="middle" font-family="sans-serif" font-size="28" '
        f'fill="hsl({hue}, 40%, 25%)">{label}</text></svg>'
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response

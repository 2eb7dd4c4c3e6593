"""Mounted at /sandbox/shopify/ (see connectors/sandbox_urls.py)."""

from django.urls import re_path

from connectors.shopify.sandbox import views

app_name = "shopify_sandbox"

urlpatterns = [
    re_path(
        r"^admin/api/(?P<version>\d{4}-\d{2}|unstable)/graphql\.json$",
        views.graphql_endpoint,
        name="graphql",
    ),
    re_path(
        r"^cdn/s/files/1/(?P<shop>\d+)/files/(?P<name>[A-Za-z0-9_.-]+)$",
        views.cdn_file,
        name="cdn",
    ),
]

"""Template context for every page: the sandbox badge and the navigation the user may use."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve

# (label, path, permission). Links appear only with the permission; the views still check it
# and answer 403. Paths of apps that may not be installed (finance, returns) are shown only
# when they resolve, so the menu never links to a 404.
NAV_LINKS = [
    ("Dashboard", "/", "view_dashboard"),
    ("Find an order", "/search/", "view_orders"),
    ("Orders", "/orders/", "view_orders"),
    ("Exceptions", "/exceptions/", "view_dashboard"),
    ("Finance", "/finance/", "view_finance"),
    ("Returns", "/returns/", "view_orders"),
    ("SKU map", "/mappings/skus/", "view_dashboard"),
    ("Carrier mappings", "/mappings/carriers/", "edit_mappings"),
    ("Listings", "/listings/", "view_product"),
    ("Catalogue mappings", "/catalogue/mappings/", "view_categorymapping"),
    ("Integrations", "/integrations/", "configure_integrations"),
]


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def nav_links(user) -> list[dict]:
    """The menu entries ``user`` may open, with ``current`` matching left to the template."""
    if not user.is_authenticated:
        return []
    return [
        {"label": label, "path": path}
        for label, path, codename in NAV_LINKS
        if user.has_perm(f"integration_hub.{codename}") and _resolves(path)
    ]


def hub(request: HttpRequest) -> dict:
    links = nav_links(getattr(request, "user", None)) if hasattr(request, "user") else []
    current = max(
        (link["path"] for link in links if request.path.startswith(link["path"])),
        key=len,
        default="",
    )
    return {
        "hub_sandbox": settings.HUB_SANDBOX,
        "nav_links": links,
        "nav_current": current,
        "hub_time_zone": settings.TIME_ZONE,
    }

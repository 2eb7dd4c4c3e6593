from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from integration_hub import (
    views,
    views_catalogue,
    views_integrations,
    views_orders,
    views_skus,
    webhooks,
)


def catalogue_mapping_paths(kind: str) -> list:
    """The list, add, edit, delete and history screens of one catalogue mapping kind."""
    base, extra = f"catalogue/mappings/{kind}/", {"kind": kind}
    return [
        path(base, views_catalogue.mapping_list, extra, name=f"catalogue-{kind}"),
        path(f"{base}new/", views_catalogue.mapping_edit, extra, name=f"catalogue-{kind}-new"),
        path(
            f"{base}<int:pk>/", views_catalogue.mapping_edit, extra, name=f"catalogue-{kind}-edit"
        ),
        path(
            f"{base}<int:pk>/delete/",
            views_catalogue.mapping_delete,
            extra,
            name=f"catalogue-{kind}-delete",
        ),
        path(
            f"{base}history/",
            views_catalogue.mapping_history,
            extra,
            name=f"catalogue-{kind}-history",
        ),
    ]


urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("integrations/", views.integration_list, name="integration-list"),
    # "_new" cannot be an integration name (names start with a letter or digit)
    path("integrations/_new/", views_integrations.integration_new, name="integration-new"),
    path("integrations/<str:name>/", views.integration_detail, name="integration-detail"),
    path(
        "integrations/<str:name>/edit/",
        views_integrations.integration_edit,
        name="integration-edit",
    ),
    path(
        "integrations/<str:name>/test/",
        views_integrations.integration_test,
        name="integration-test",
    ),
    path(
        "integrations/<str:name>/test.json",
        views_integrations.integration_check_status,
        name="integration-check-status",
    ),
    path("search/", views.order_search_view, name="order-search"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/decide/", views_orders.order_decide, name="order-decide"),
    path("mappings/carriers/", views_orders.carrier_mappings, name="carrier-mappings"),
    path("mappings/carriers/new/", views_orders.carrier_mapping_edit, name="carrier-mapping-new"),
    path(
        "mappings/carriers/<int:pk>/",
        views_orders.carrier_mapping_edit,
        name="carrier-mapping-edit",
    ),
    path(
        "mappings/carriers/<int:pk>/delete/",
        views_orders.carrier_mapping_delete,
        name="carrier-mapping-delete",
    ),
    path(
        "mappings/carriers/history/",
        views_orders.carrier_mapping_history,
        name="carrier-mapping-history",
    ),
    path(
        "mappings/carriers/import/",
        views_orders.carrier_mapping_import,
        name="carrier-mapping-import",
    ),
    path(
        "mappings/carriers/export/<str:name>.xlsx",
        views_orders.carrier_mapping_export,
        name="carrier-mapping-export",
    ),
    path("mappings/skus/", views_skus.sku_map, name="sku-map"),
    path("mappings/skus/import/", views_skus.sku_import, name="sku-import"),
    path("mappings/skus/export/<str:name>.xlsx", views_skus.sku_export, name="sku-export"),
    path("mappings/skus/<int:pk>/", views_skus.sku_detail, name="sku-detail"),
    path("mappings/skus/<int:pk>/edit/", views_skus.sku_edit, name="sku-edit"),
    path("listings/", views_catalogue.listings, name="listings"),
    path("catalogue/mappings/", views_catalogue.catalogue_mappings, name="catalogue-mappings"),
    *catalogue_mapping_paths("categories"),
    *catalogue_mapping_paths("attributes"),
    *catalogue_mapping_paths("values"),
    path("exceptions/", include("exceptions_queue.urls")),
    path("finance/", include("reconciliation.urls")),
    path("returns/", include("returns.urls")),
    path("webhooks/<str:name>/", webhooks.webhook_receive, name="webhook-receive"),
    path("admin/", admin.site.urls),
]

if settings.HUB_SANDBOX:
    urlpatterns.append(path("sandbox/", include("connectors.sandbox_urls")))

handler403 = "integration_hub.views.permission_denied"

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from integration_hub import views, views_orders, webhooks

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("integrations/", views.integration_list, name="integration-list"),
    path("integrations/<str:name>/", views.integration_detail, name="integration-detail"),
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
    path("exceptions/", include("exceptions_queue.urls")),
    path("webhooks/<str:name>/", webhooks.webhook_receive, name="webhook-receive"),
    path("admin/", admin.site.urls),
]

if settings.HUB_SANDBOX:
    urlpatterns.append(path("sandbox/", include("connectors.sandbox_urls")))

handler403 = "integration_hub.views.permission_denied"

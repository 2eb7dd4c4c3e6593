"""Seller API paths under /sandbox/mirakl/ (so the API base is /sandbox/mirakl/api/...)."""

from django.urls import path, re_path

from connectors.mirakl.sandbox.views import account, finance, offers, orders
from connectors.mirakl.sandbox.views.base import not_found

app_name = "mirakl-sandbox"

urlpatterns = [
    path("api/account", account.account, name="account"),
    path("api/platform/configuration", account.platform_configuration, name="platform"),
    path("api/shipping/carriers", account.carriers, name="carriers"),
    path("api/shipping/types", account.shipping_types, name="shipping-types"),
    path("api/reasons", account.reasons, name="reasons"),
    path("api/orders", orders.orders, name="orders"),
    path("api/orders/refund", orders.refund, name="orders-refund"),
    path("api/orders/cancel", orders.cancel_lines, name="orders-cancel-lines"),
    path("api/orders/<str:order_id>/accept", orders.accept, name="order-accept"),
    path("api/orders/<str:order_id>/tracking", orders.tracking, name="order-tracking"),
    path("api/orders/<str:order_id>/ship", orders.ship, name="order-ship"),
    path("api/orders/<str:order_id>/cancel", orders.cancel, name="order-cancel"),
    path("api/offers", offers.offers, name="offers"),
    path("api/offers/stock/imports", offers.stock_imports, name="stock-imports"),
    path(
        "api/offers/stock/imports/<str:import_id>/status",
        offers.stock_import_status_view,
        name="stock-import-status",
    ),
    path(
        "api/offers/stock/imports/<str:import_id>/error_report",
        offers.stock_import_errors_view,
        name="stock-import-errors",
    ),
    path("api/offers/pricing/imports", offers.price_imports, name="price-imports"),
    path(
        "api/offers/pricing/imports/<str:import_id>/error_report",
        offers.price_import_errors_view,
        name="price-import-errors",
    ),
    path("api/offers/export/async", offers.offers_export, name="offers-export"),
    path(
        "api/offers/export/async/status/<str:tracking_id>",
        offers.offers_export_status_view,
        name="offers-export-status",
    ),
    path(
        "api/offers/export/async/file/<str:tracking_id>/<int:chunk>",
        offers.offers_export_file_view,
        name="offers-export-file",
    ),
    path("api/sellerpayment/transactions_logs", finance.transactions, name="transactions"),
    path("api/seller-billing-cycles", finance.billing_cycles, name="billing-cycles"),
    path("api/invoices", finance.invoices, name="invoices"),
    path("api/returns", finance.returns, name="returns"),
    path("api/returns/accept", finance.returns_accept, name="returns-accept"),
    path("api/returns/receive", finance.returns_receive, name="returns-receive"),
    path("api/returns/close", finance.returns_close, name="returns-close"),
    # Last: every other path under /sandbox/mirakl/ is Mirakl's JSON 404.
    re_path(r"^.*$", not_found, name="not-found"),
]

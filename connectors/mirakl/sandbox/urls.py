"""Seller API paths under /sandbox/mirakl/ (so the API base is /sandbox/mirakl/api/...)."""

from django.urls import path, re_path

from connectors.mirakl.sandbox.views import account, catalogue, finance, offers, orders
from connectors.mirakl.sandbox.views.base import endpoint, not_found

app_name = "mirakl-sandbox"

ORDER = "api/orders/<str:order_id>"
STOCK_IMPORT = "api/offers/stock/imports/<str:import_id>"
PRICE_IMPORTS = "api/offers/pricing/imports"
EXPORT = "api/offers/export/async"
PRODUCT_IMPORT = "api/products/imports/<int:import>"
OFFER_IMPORT = "api/offers/imports/<int:import>"

urlpatterns = [
    path("api/account", endpoint(GET=account.account_get)),
    path("api/platform/configuration", endpoint(GET=account.platform_configuration_get)),
    path("api/shipping/carriers", endpoint(GET=account.carriers_list)),
    path("api/shipping/types", endpoint(GET=account.shipping_types_list)),
    path("api/reasons", endpoint(GET=account.reasons_list)),
    path("api/orders", endpoint(GET=orders.orders_list)),
    path("api/orders/refund", endpoint(PUT=orders.refunds_put)),
    path("api/orders/cancel", endpoint(PUT=orders.cancelations_put)),
    path(f"{ORDER}/accept", endpoint(PUT=orders.order_accept_put)),
    path(f"{ORDER}/tracking", endpoint(PUT=orders.order_tracking_put)),
    path(f"{ORDER}/ship", endpoint(PUT=orders.order_ship_put)),
    path(f"{ORDER}/cancel", endpoint(PUT=orders.order_cancel_put)),
    path("api/offers", endpoint(GET=offers.offers_list)),
    path("api/offers/stock/imports", endpoint(POST=offers.stock_import_post)),
    path(f"{STOCK_IMPORT}/status", endpoint(GET=offers.stock_import_status)),
    path(f"{STOCK_IMPORT}/error_report", endpoint(GET=offers.stock_import_errors)),
    path(PRICE_IMPORTS, endpoint(POST=offers.price_import_post, GET=offers.price_imports_list)),
    path(f"{PRICE_IMPORTS}/<str:import_id>/error_report", endpoint(GET=offers.price_import_errors)),
    path(EXPORT, endpoint(POST=offers.offers_export_post)),
    path(f"{EXPORT}/status/<str:tracking_id>", endpoint(GET=offers.offers_export_status)),
    path(
        f"{EXPORT}/file/<str:tracking_id>/<int:chunk>",
        endpoint(GET=offers.offers_export_file),
        name="offers-export-file",  # OF53 answers with this URL
    ),
    path("api/sellerpayment/transactions_logs", endpoint(GET=finance.transactions_list)),
    path("api/seller-billing-cycles", endpoint(GET=finance.billing_cycles_list)),
    path("api/invoices", endpoint(GET=finance.invoices_list)),
    path("api/returns", endpoint(GET=finance.returns_list)),
    path("api/returns/accept", endpoint(PUT=finance.returns_accept)),
    path("api/returns/receive", endpoint(PUT=finance.returns_receive)),
    path("api/returns/close", endpoint(PUT=finance.returns_close)),
    path("api/hierarchies", endpoint(GET=catalogue.hierarchies_list)),
    path("api/products/attributes", endpoint(GET=catalogue.attributes_list)),
    path("api/values_lists", endpoint(GET=catalogue.values_lists_list)),
    path("api/products/imports", endpoint(POST=catalogue.product_import_post)),
    path(PRODUCT_IMPORT, endpoint(GET=catalogue.product_import_status)),
    path(f"{PRODUCT_IMPORT}/error_report", endpoint(GET=catalogue.product_import_errors)),
    path(
        f"{PRODUCT_IMPORT}/new_product_report",
        endpoint(GET=catalogue.product_import_new_products),
    ),
    path(
        f"{PRODUCT_IMPORT}/transformation_error_report",
        endpoint(GET=catalogue.product_import_transformation_errors),
    ),
    path("api/offers/imports", endpoint(POST=catalogue.offer_import_post)),
    path(OFFER_IMPORT, endpoint(GET=catalogue.offer_import_status)),
    path(f"{OFFER_IMPORT}/error_report", endpoint(GET=catalogue.offer_import_errors)),
    # Last: every other path under /sandbox/mirakl/ is Mirakl's JSON 404.
    re_path(r"^.*$", not_found),
]

"""SCAYLE Admin API paths under /sandbox/scayle/: ``api/admin/v1/...``."""

from django.urls import re_path

from connectors.scayle.sandbox import views as v

API = r"^api/admin/v1/"
SHOP_COUNTRY = r"shops/(?P<shop_key>[^/]+)/countries/(?P<country_code>[A-Za-z]{2})/orders"
ORDER = SHOP_COUNTRY + r"/(?P<order>[^/]+)"

urlpatterns = [
    re_path(
        API + r"shops/(?P<shop_key>[^/]+)$",
        v.endpoint({"GET": (v.shop_detail, "globalRead")}),
    ),
    re_path(API + r"products$", v.endpoint({"GET": (v.products_list, "productRead")})),
    re_path(
        API + r"variants/(?P<variant>[^/]+)/stocks$",
        v.endpoint(
            {
                "GET": (v.variant_stocks, "stocksRead"),
                "POST": (v.variant_stock_update, "stocksWrite"),
            }
        ),
    ),
    re_path(
        API + SHOP_COUNTRY + "$",
        v.endpoint(
            {
                "GET": (v.orders_list, "ordersRead"),
                "POST": (v.order_create, "ordersWrite"),
            }
        ),
    ),
    re_path(API + ORDER + "$", v.endpoint({"GET": (v.order_detail, "ordersRead")})),
    re_path(
        API + ORDER + "/reference-key$",
        v.endpoint({"PUT": (v.order_reference_key, "ordersWrite")}),
    ),
    re_path(
        API + r"fulfillment/shipments$",
        v.endpoint({"POST": (v.shipment_create, "fulfillmentWrite")}),
    ),
    re_path(
        API + r"fulfillment/return-items$",
        v.endpoint({"POST": (v.return_item_create, "fulfillmentWrite")}),
    ),
]

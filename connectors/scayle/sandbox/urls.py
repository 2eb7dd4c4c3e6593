"""SCAYLE Admin API paths under /sandbox/scayle/: ``api/admin/v1/...``."""

from connectors.sandbox.faults import sandbox_routes
from connectors.scayle.sandbox import views as v

API = r"^api/admin/v1/"
SHOP_COUNTRY = r"shops/(?P<shop_key>[^/]+)/countries/(?P<country_code>[A-Za-z]{2})/orders"
ORDER = SHOP_COUNTRY + r"/(?P<order>[^/]+)"

urlpatterns = sandbox_routes(
    API,
    v.endpoint,
    [
        (r"shops/(?P<shop_key>[^/]+)$", {"GET": (v.shop_detail, "globalRead")}),
        (r"products$", {"GET": (v.products_list, "productRead")}),
        (
            r"variants/(?P<variant>[^/]+)/stocks$",
            {
                "GET": (v.variant_stocks, "stocksRead"),
                "POST": (v.variant_stock_update, "stocksWrite"),
            },
        ),
        (
            SHOP_COUNTRY + "$",
            {"GET": (v.orders_list, "ordersRead"), "POST": (v.order_create, "ordersWrite")},
        ),
        (ORDER + "$", {"GET": (v.order_detail, "ordersRead")}),
        (ORDER + "/reference-key$", {"PUT": (v.order_reference_key, "ordersWrite")}),
        (r"fulfillment/shipments$", {"POST": (v.shipment_create, "fulfillmentWrite")}),
        (r"fulfillment/return-items$", {"POST": (v.return_item_create, "fulfillmentWrite")}),
    ],
)

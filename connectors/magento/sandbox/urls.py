"""Magento REST paths under /sandbox/magento/: ``rest/<store>/V1/...`` or ``rest/V1/...``."""

from django.urls import re_path

from connectors.magento.sandbox import views as v

REST = r"^rest/(?:(?P<store>[A-Za-z0-9_]+)/)?V1/"
CART = r"guest-carts/(?P<cart_id>[A-Za-z0-9]+)"
ORDER_ID = r"(?P<order_id>[0-9]+)"

SALES_VIEW = "Magento_Sales::actions_view"

urlpatterns = [
    re_path(
        REST + r"store/storeConfigs$",
        v.endpoint({"GET": (v.store_configs, "Magento_Backend::store")}),
    ),
    re_path(
        REST + r"products$", v.endpoint({"GET": (v.products_list, "Magento_Catalog::products")})
    ),
    re_path(
        REST + r"inventory/sources$",
        v.endpoint({"GET": (v.sources_list, "Magento_InventoryApi::source")}),
    ),
    re_path(
        REST + r"inventory/source-items$",
        v.endpoint({"GET": (v.source_items_list, "Magento_InventoryApi::source")}),
    ),
    re_path(
        REST + r"inventory/get-product-salable-quantity/(?P<sku>[^/]+)/(?P<stock_id>[0-9]+)$",
        v.endpoint({"GET": (v.salable_quantity, "Magento_InventoryApi::stock")}),
    ),
    re_path(REST + r"guest-carts$", v.endpoint({"POST": (v.cart_create, None)})),
    re_path(REST + CART + r"$", v.endpoint({"GET": (v.cart_detail, None)})),
    re_path(REST + CART + r"/items$", v.endpoint({"POST": (v.cart_item_add, None)})),
    re_path(
        REST + CART + r"/shipping-information$",
        v.endpoint({"POST": (v.cart_shipping_information, None)}),
    ),
    re_path(
        REST + CART + r"/payment-information$",
        v.endpoint({"POST": (v.cart_payment_information, None)}),
    ),
    re_path(REST + CART + r"/order$", v.endpoint({"PUT": (v.cart_order, None)})),
    re_path(
        REST + r"orders$",
        v.endpoint(
            {"GET": (v.orders_list, SALES_VIEW), "POST": (v.order_save, "Magento_Sales::create")}
        ),
    ),
    re_path(REST + r"orders/" + ORDER_ID + "$", v.endpoint({"GET": (v.order_detail, SALES_VIEW)})),
    re_path(
        REST + r"orders/" + ORDER_ID + "/comments$",
        v.endpoint({"POST": (v.order_comment_add, "Magento_Sales::comment")}),
    ),
    re_path(
        REST + r"orders/" + ORDER_ID + "/cancel$",
        v.endpoint({"POST": (v.order_cancel, "Magento_Sales::cancel")}),
    ),
    re_path(
        REST + r"shipments$", v.endpoint({"GET": (v.shipments_list, "Magento_Sales::shipment")})
    ),
    re_path(
        REST + r"order/" + ORDER_ID + "/ship$",
        v.endpoint({"POST": (v.order_ship, "Magento_Sales::ship")}),
    ),
    re_path(
        REST + r"creditmemos$",
        v.endpoint({"GET": (v.creditmemos_list, "Magento_Sales::sales_creditmemo")}),
    ),
    re_path(
        REST + r"order/" + ORDER_ID + "/refund$",
        v.endpoint({"POST": (v.order_refund, "Magento_Sales::creditmemo")}),
    ),
    # Magento answers an unknown REST path in its own error shape, like an unknown method.
    re_path(REST + r".*$", v.endpoint({})),
]

"""Magento REST paths under /sandbox/magento/: ``rest/<store>/V1/...`` or ``rest/V1/...``."""

from django.urls import re_path

from connectors.magento.sandbox import views as v
from connectors.sandbox.faults import sandbox_routes

REST = r"^rest/(?:(?P<store>[A-Za-z0-9_]+)/)?V1/"
CART = r"guest-carts/(?P<cart_id>[A-Za-z0-9]+)"
ORDER_ID = r"(?P<order_id>[0-9]+)"

SALES_VIEW = "Magento_Sales::actions_view"
ATTRIBUTES = "Magento_Catalog::attributes_attributes"

urlpatterns = sandbox_routes(
    REST,
    v.endpoint,
    [
        (r"store/storeConfigs$", {"GET": (v.store_configs, "Magento_Backend::store")}),
        (r"products$", {"GET": (v.products_list, "Magento_Catalog::products")}),
        (r"products/attributes$", {"GET": (v.attributes_list, ATTRIBUTES)}),
        (
            r"products/attributes/(?P<attribute_code>[A-Za-z0-9_]+)$",
            {"GET": (v.attribute_detail, ATTRIBUTES)},
        ),
        (r"categories$", {"GET": (v.categories_tree, "Magento_Catalog::categories")}),
        (r"inventory/sources$", {"GET": (v.sources_list, "Magento_InventoryApi::source")}),
        (
            r"inventory/source-items$",
            {"GET": (v.source_items_list, "Magento_InventoryApi::source")},
        ),
        (
            r"inventory/get-product-salable-quantity/(?P<sku>[^/]+)/(?P<stock_id>[0-9]+)$",
            {"GET": (v.salable_quantity, "Magento_InventoryApi::stock")},
        ),
        (r"guest-carts$", {"POST": (v.cart_create, None)}),
        (CART + r"$", {"GET": (v.cart_detail, None)}),
        (CART + r"/items$", {"POST": (v.cart_item_add, None)}),
        (CART + r"/shipping-information$", {"POST": (v.cart_shipping_information, None)}),
        (CART + r"/payment-information$", {"POST": (v.cart_payment_information, None)}),
        (CART + r"/order$", {"PUT": (v.cart_order, None)}),
        (
            r"orders$",
            {"GET": (v.orders_list, SALES_VIEW), "POST": (v.order_save, "Magento_Sales::create")},
        ),
        (r"orders/" + ORDER_ID + "$", {"GET": (v.order_detail, SALES_VIEW)}),
        (
            r"orders/" + ORDER_ID + "/comments$",
            {"POST": (v.order_comment_add, "Magento_Sales::comment")},
        ),
        (r"orders/" + ORDER_ID + "/cancel$", {"POST": (v.order_cancel, "Magento_Sales::cancel")}),
        (r"shipments$", {"GET": (v.shipments_list, "Magento_Sales::shipment")}),
        (r"order/" + ORDER_ID + "/ship$", {"POST": (v.order_ship, "Magento_Sales::ship")}),
        (r"creditmemos$", {"GET": (v.creditmemos_list, "Magento_Sales::sales_creditmemo")}),
        (
            r"order/" + ORDER_ID + "/refund$",
            {"POST": (v.order_refund, "Magento_Sales::creditmemo")},
        ),
        # Magento answers an unknown REST path in its own error shape, like an unknown method.
        (r".*$", {}),
    ],
)
# Product images (``base_media_url`` + ``catalog/product`` + file), public as in Magento
urlpatterns.insert(0, re_path(r"^pub/media/(?P<path>[A-Za-z0-9_./-]+)$", v.media_file))

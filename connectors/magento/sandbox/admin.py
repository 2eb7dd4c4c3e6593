"""Admin screens for the Magento sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.magento.sandbox import models as m
from connectors.sandbox.admin import admin_register

# the token is write-only, like a real integration's token
admin_register(m.Token, ["name", "active", "resources"], exclude=["token"])
admin_register(
    m.Product, ["sku", "name", "price", "status", "updated_at"], search_fields=["sku", "name"]
)
admin_register(
    m.SourceItem,
    ["sku", "source_code", "quantity", "status"],
    list_filter=["source_code", "status"],
    search_fields=["sku"],
)
admin_register(m.Reservation, ["sku", "stock_id", "quantity", "metadata"], search_fields=["sku"])
admin_register(
    m.Order,
    ["increment_id", "ext_order_id", "state", "grand_total", "created_at"],
    search_fields=["increment_id", "ext_order_id", "customer_email"],
    inlines=[m.OrderItem],
)
admin_register(
    m.Shipment, ["increment_id", "order", "source_code", "created_at"], inlines=[m.ShipmentTrack]
)
admin_register(m.CreditMemo, ["increment_id", "order", "grand_total", "created_at"])
admin_register(
    m.ProductAttribute,
    ["attribute_code", "frontend_input", "default_frontend_label"],
    search_fields=["attribute_code"],
)
admin_register(m.Category, ["name", "level", "parent", "position", "is_active"])
admin.site.register([m.Source, m.Stock, m.Cart])

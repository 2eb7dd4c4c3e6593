"""Admin screens for the SEKO sandbox tables (browse and tweak during demos and training)."""

from connectors.sandbox.admin import admin_register
from connectors.seko.sandbox import models as m

admin_register(m.ApiKey, ["name", "active"], exclude=["key"])  # write-only
admin_register(m.PushConfig, ["url", "integration_id", "rate_limit_per_minute"], exclude=["secret"])
admin_register(
    m.Product, ["product_code", "ean", "description"], search_fields=["product_code", "ean"]
)
admin_register(
    m.StockRow,
    ["product", "dc_code", "location_type", "quantity"],
    list_filter=["dc_code", "location_type"],
    search_fields=["product__product_code"],
)
admin_register(
    m.StockEvent,
    ["at", "kind", "product", "dc_code", "adjustment_type", "quantity"],
    list_filter=["kind", "dc_code"],
)
admin_register(
    m.SalesOrder,
    ["sales_order_number", "sales_order_reference", "dc_code", "status"],
    list_filter=["status", "dc_code"],
    search_fields=["sales_order_number", "sales_order_reference", "guid"],
    inlines=[m.SalesOrderLine],
)
admin_register(
    m.Dispatch,
    ["dispatch_number", "order", "courier", "courier_service", "tracking_number"],
    search_fields=["tracking_number", "order__sales_order_number"],
)
admin_register(
    m.Push,
    ["sequence_number", "kind", "status", "attempts", "last_result", "created_at"],
    list_filter=["kind", "status"],
)

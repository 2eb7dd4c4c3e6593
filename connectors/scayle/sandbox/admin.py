"""Admin screens for the SCAYLE sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.sandbox.admin import admin_register
from connectors.scayle.sandbox import models as m

admin_register(m.Token, ["name", "active", "scopes"], exclude=["token"])  # write-only
admin_register(
    m.Product,
    ["reference_key", "name", "state", "updated_at"],
    search_fields=["reference_key", "name"],
    inlines=[m.ProductImage],
)
admin_register(
    m.Variant,
    ["reference_key", "product", "size", "price", "updated_at"],
    search_fields=["reference_key"],
)
admin_register(
    m.Stock,
    ["variant", "warehouse_reference_key", "quantity", "changed_at"],
    list_filter=["warehouse_reference_key"],
    search_fields=["variant__reference_key"],
)
admin_register(
    m.Order,
    ["public_key", "reference_key", "channel_key", "status", "updated_at"],
    search_fields=["reference_key", "public_key"],
)
admin_register(m.Package, ["order", "carrier_key", "tracking_id", "delivery_status", "shipped_at"])
admin_register(
    m.OrderItem, ["order", "variant", "status", "package", "price"], list_filter=["status"]
)
admin.site.register([m.ShopCountry, m.Channel, m.ScopeLimit])
admin_register(m.WebhookConfig, ["url", "active"], exclude=["password"])
admin_register(
    m.WebhookDelivery,
    ["event_type", "key", "occurred_at", "response_status", "attempts"],
    list_filter=["event_type"],
)

"""Admin screens for the SCAYLE sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.scayle.sandbox import models as m


@admin.register(m.Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "scopes"]
    exclude = ["token"]  # write-only, like a real API key


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["reference_key", "name", "state", "updated_at"]
    search_fields = ["reference_key", "name"]


@admin.register(m.Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["reference_key", "product", "size", "price", "updated_at"]
    search_fields = ["reference_key"]


@admin.register(m.Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["variant", "warehouse_reference_key", "quantity", "changed_at"]
    list_filter = ["warehouse_reference_key"]
    search_fields = ["variant__reference_key"]


@admin.register(m.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["public_key", "reference_key", "channel_key", "status", "updated_at"]
    search_fields = ["reference_key", "public_key"]


@admin.register(m.Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier_key", "tracking_id", "delivery_status", "shipped_at"]


@admin.register(m.OrderItem)
class OrderItemAdmin(admin.ModelAdmin):
    list_display = ["order", "variant", "status", "package", "price"]
    list_filter = ["status"]


admin.site.register([m.ShopCountry, m.Channel, m.ScopeLimit])


@admin.register(m.WebhookConfig)
class WebhookConfigAdmin(admin.ModelAdmin):
    list_display = ["url", "active"]
    exclude = ["password"]


@admin.register(m.WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "key", "occurred_at", "response_status", "attempts"]
    list_filter = ["event_type"]

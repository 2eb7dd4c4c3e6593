"""Admin screens for the Fulfil sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.fulfil.sandbox import models as m


@admin.register(m.SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["__str__", "webhook_url", "rate_limit_per_minute"]
    exclude = ["api_key", "webhook_secret"]  # write-only, like a real API key


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "variant_name", "list_price", "ean", "active", "write_date"]
    search_fields = ["code", "variant_name", "ean"]


@admin.register(m.StockQuant)
class StockQuantAdmin(admin.ModelAdmin):
    list_display = ["product", "warehouse", "quantity_on_hand", "quantity_available"]
    list_filter = ["warehouse"]


class SaleLineInline(admin.TabularInline):
    model = m.SaleLine
    extra = 0


@admin.register(m.Sale)
class SaleAdmin(admin.ModelAdmin):
    list_display = ["reference", "number", "state", "total_amount", "write_date"]
    list_filter = ["state"]
    search_fields = ["reference", "number"]
    inlines = [SaleLineInline]


@admin.register(m.ShipmentOut)
class ShipmentOutAdmin(admin.ModelAdmin):
    list_display = ["number", "sale", "state", "carrier", "carrier_service", "tracking"]


@admin.register(m.WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["topic", "event_id", "url", "response_status", "error", "created_at"]
    list_filter = ["topic"]


for model in (m.Warehouse, m.Party, m.PartyAddress, m.Channel, m.Carrier, m.StockMove):
    admin.site.register(model)

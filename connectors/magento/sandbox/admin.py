"""Admin screens for the Magento sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.magento.sandbox import models as m


@admin.register(m.Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "resources"]
    exclude = ["token"]  # write-only, like a real integration's token


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "status", "updated_at"]
    search_fields = ["sku", "name"]


@admin.register(m.SourceItem)
class SourceItemAdmin(admin.ModelAdmin):
    list_display = ["sku", "source_code", "quantity", "status"]
    list_filter = ["source_code", "status"]
    search_fields = ["sku"]


@admin.register(m.Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["sku", "stock_id", "quantity", "metadata"]
    search_fields = ["sku"]


class OrderItemInline(admin.TabularInline):
    model = m.OrderItem
    extra = 0


@admin.register(m.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["increment_id", "ext_order_id", "state", "grand_total", "created_at"]
    search_fields = ["increment_id", "ext_order_id", "customer_email"]
    inlines = [OrderItemInline]


class ShipmentTrackInline(admin.TabularInline):
    model = m.ShipmentTrack
    extra = 0


@admin.register(m.Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["increment_id", "order", "source_code", "created_at"]
    inlines = [ShipmentTrackInline]


@admin.register(m.CreditMemo)
class CreditMemoAdmin(admin.ModelAdmin):
    list_display = ["increment_id", "order", "grand_total", "created_at"]


admin.site.register([m.Source, m.Stock, m.Cart])

"""Admin screens for the SEKO sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.seko.sandbox import models as m


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    exclude = ["key"]  # write-only, like a real API key


@admin.register(m.PushConfig)
class PushConfigAdmin(admin.ModelAdmin):
    list_display = ["url", "integration_id", "rate_limit_per_minute"]
    exclude = ["secret"]


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["product_code", "ean", "description"]
    search_fields = ["product_code", "ean"]


@admin.register(m.StockRow)
class StockRowAdmin(admin.ModelAdmin):
    list_display = ["product", "dc_code", "location_type", "quantity"]
    list_filter = ["dc_code", "location_type"]
    search_fields = ["product__product_code"]


@admin.register(m.StockEvent)
class StockEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "product", "dc_code", "adjustment_type", "quantity"]
    list_filter = ["kind", "dc_code"]


class SalesOrderLineInline(admin.TabularInline):
    model = m.SalesOrderLine
    extra = 0


@admin.register(m.SalesOrder)
class SalesOrderAdmin(admin.ModelAdmin):
    list_display = ["sales_order_number", "sales_order_reference", "dc_code", "status"]
    list_filter = ["status", "dc_code"]
    search_fields = ["sales_order_number", "sales_order_reference", "guid"]
    inlines = [SalesOrderLineInline]


@admin.register(m.Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["dispatch_number", "order", "courier", "courier_service", "tracking_number"]
    search_fields = ["tracking_number", "order__sales_order_number"]


@admin.register(m.Push)
class PushAdmin(admin.ModelAdmin):
    list_display = ["sequence_number", "kind", "status", "attempts", "last_result", "created_at"]
    list_filter = ["kind", "status"]

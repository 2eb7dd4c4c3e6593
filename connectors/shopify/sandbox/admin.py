from django.contrib import admin

from connectors.shopify.sandbox import models


@admin.register(models.Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = [
        "domain",
        "name",
        "currency",
        "bucket_max",
        "restore_rate",
        "webhook_target_url",
    ]
    exclude = ["access_token", "webhook_secret"]


@admin.register(models.Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "barcode", "price", "product", "updated_at"]
    search_fields = ["sku", "barcode"]


@admin.register(models.InventoryLevel)
class InventoryLevelAdmin(admin.ModelAdmin):
    list_display = ["variant", "location", "available", "updated_at"]


@admin.register(models.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["name", "source_identifier", "financial_status", "created_at"]
    search_fields = ["name", "source_identifier"]


@admin.register(models.Fulfillment)
class FulfillmentAdmin(admin.ModelAdmin):
    list_display = ["order", "status", "company", "service", "number", "created_at"]


@admin.register(models.Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["order", "amount", "shipping_amount", "created_at"]


@admin.register(models.SentWebhook)
class SentWebhookAdmin(admin.ModelAdmin):
    list_display = ["topic", "webhook_id", "target_url", "response_status", "created_at"]
    exclude = ["headers"]


admin.site.register([models.Location, models.Product, models.OrderLine])

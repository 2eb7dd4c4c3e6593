from django.contrib import admin

from connectors.sandbox.admin import admin_register
from connectors.shopify.sandbox import models

admin_register(
    models.Shop,
    ["domain", "name", "currency", "bucket_max", "restore_rate", "webhook_target_url"],
    exclude=["access_token", "webhook_secret"],
)
admin_register(
    models.Variant,
    ["sku", "barcode", "price", "product", "updated_at"],
    search_fields=["sku", "barcode"],
)
admin_register(models.InventoryLevel, ["variant", "location", "available", "updated_at"])
admin_register(
    models.Order,
    ["name", "source_identifier", "financial_status", "created_at"],
    search_fields=["name", "source_identifier"],
)
admin_register(
    models.Fulfillment, ["order", "status", "company", "service", "number", "created_at"]
)
admin_register(models.Refund, ["order", "amount", "shipping_amount", "created_at"])
admin_register(
    models.SentWebhook,
    ["topic", "webhook_id", "target_url", "response_status", "created_at"],
    exclude=["headers"],
)
admin.site.register([models.Location, models.Product, models.OrderLine])

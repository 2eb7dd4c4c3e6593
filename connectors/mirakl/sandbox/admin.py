"""Admin for the Mirakl sandbox: inspect and tweak shops, orders, money and imports."""

from django.contrib import admin

from connectors.mirakl.sandbox import models


@admin.register(models.SandboxShop)
class SandboxShopAdmin(admin.ModelAdmin):
    list_display = ["shop_id", "name", "commission_rate", "enforce_call_limits", "order_acceptance"]


class OrderLineInline(admin.TabularInline):
    model = models.SandboxOrderLine
    extra = 0
    fields = [
        "line_id",
        "state",
        "offer_sku",
        "quantity",
        "price_unit",
        "shipping_price",
        "commission_fee",
    ]
    readonly_fields = fields


@admin.register(models.SandboxOrder)
class SandboxOrderAdmin(admin.ModelAdmin):
    list_display = ["order_id", "shop", "state", "created_at", "updated_at", "acceptance_deadline"]
    list_filter = ["state", "shop"]
    search_fields = ["order_id", "commercial_id"]
    inlines = [OrderLineInline]


@admin.register(models.SandboxOffer)
class SandboxOfferAdmin(admin.ModelAdmin):
    list_display = ["shop_sku", "shop", "quantity", "prices", "active", "last_updated"]
    search_fields = ["shop_sku", "product_sku"]


@admin.register(models.SandboxImport)
class SandboxImportAdmin(admin.ModelAdmin):
    list_display = [
        "import_id",
        "kind",
        "status",
        "lines_in_success",
        "lines_in_error",
        "created_at",
    ]
    list_filter = ["kind", "status"]


@admin.register(models.SandboxTransaction)
class SandboxTransactionAdmin(admin.ModelAdmin):
    list_display = ["type", "amount", "payment_state", "order", "created_at", "updated_at"]
    list_filter = ["type", "payment_state"]


@admin.register(models.SandboxBillingCycle)
class SandboxBillingCycleAdmin(admin.ModelAdmin):
    list_display = ["cycle_id", "shop", "amount_to_seller", "amount_to_operator", "created_at"]


@admin.register(models.SandboxReturn)
class SandboxReturnAdmin(admin.ModelAdmin):
    list_display = ["rma", "order", "state", "created_at"]
    list_filter = ["state"]


@admin.register(models.SandboxCall)
class SandboxCallAdmin(admin.ModelAdmin):
    list_display = ["operation", "shop", "at", "over_limit", "rejected"]
    list_filter = ["operation", "over_limit", "rejected"]

"""Admin for the Mirakl sandbox: inspect and tweak shops, orders, money and imports."""

from django.contrib import admin

from connectors.mirakl.sandbox import models
from connectors.sandbox.admin import admin_register


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


admin_register(
    models.SandboxShop,
    ["shop_id", "name", "commission_rate", "enforce_call_limits", "order_acceptance"],
)
admin_register(
    models.SandboxOrder,
    ["order_id", "shop", "state", "created_at", "updated_at", "acceptance_deadline"],
    list_filter=["state", "shop"],
    search_fields=["order_id", "commercial_id"],
    inlines=[OrderLineInline],
)
admin_register(
    models.SandboxOffer,
    ["shop_sku", "shop", "quantity", "prices", "active", "last_updated"],
    search_fields=["shop_sku", "product_sku"],
)
admin_register(
    models.SandboxImport,
    ["import_id", "kind", "status", "lines_in_success", "lines_in_error", "created_at"],
    list_filter=["kind", "status"],
)
admin_register(
    models.SandboxTransaction,
    ["type", "amount", "payment_state", "order", "created_at", "updated_at"],
    list_filter=["type", "payment_state"],
)
admin_register(
    models.SandboxBillingCycle,
    ["cycle_id", "shop", "amount_to_seller", "amount_to_operator", "created_at"],
)
admin_register(models.SandboxReturn, ["rma", "order", "state", "created_at"], list_filter=["state"])
admin_register(
    models.SandboxCall,
    ["operation", "shop", "at", "over_limit", "rejected"],
    list_filter=["operation", "over_limit", "rejected"],
)

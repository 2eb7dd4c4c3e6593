"""Admin screens for the Fulfil sandbox tables (browse and tweak during demos and training)."""

from django.contrib import admin

from connectors.fulfil.sandbox import models as m
from connectors.sandbox.admin import admin_register

admin_register(
    m.SandboxAccount,
    ["__str__", "webhook_url", "rate_limit_per_minute"],
    exclude=["api_key", "webhook_secret"],  # write-only, like a real API key
)
admin_register(
    m.Product,
    ["code", "variant_name", "template", "list_price", "ean", "active", "write_date"],
    search_fields=["code", "variant_name", "ean"],
    inlines=[m.Media, m.ProductAttribute],
)
admin_register(m.Attribute, ["name", "display_name", "kind"], inlines=[m.AttributeOption])
admin_register(
    m.StockQuant,
    ["product", "warehouse", "quantity_on_hand", "quantity_available"],
    list_filter=["warehouse"],
)
admin_register(
    m.Sale,
    ["reference", "number", "state", "total_amount", "write_date"],
    list_filter=["state"],
    search_fields=["reference", "number"],
    inlines=[m.SaleLine],
)
admin_register(m.ShipmentOut, ["number", "sale", "state", "carrier", "carrier_service", "tracking"])
admin_register(
    m.WebhookDelivery,
    ["topic", "event_id", "url", "response_status", "error", "created_at"],
    list_filter=["topic"],
)
admin.site.register([m.Warehouse, m.Party, m.PartyAddress, m.Channel, m.Carrier, m.StockMove])
admin.site.register([m.Template, m.Category, m.Brand, m.Uom])

from django import forms
from django.contrib import admin

from integration_hub.forms import SecretTextarea
from integration_hub.models import (
    CarrierMapping,
    Integration,
    MarketplaceCarrier,
    MarketplaceImport,
    Order,
    OrderEvent,
    OrderLine,
    OutboundJob,
    PersonalDataAccess,
    Product,
    StockLedgerEntry,
    SyncCursor,
    SyncRun,
    WebhookReceipt,
)


class IntegrationAdminForm(forms.ModelForm):
    """Credentials are write-only: the form never renders stored values back."""

    marketplace_api_key = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored key.",
    )
    source_credentials_text = forms.CharField(
        required=False,
        label="Source credentials",
        widget=SecretTextarea(attrs={"rows": 3}),
        help_text="KEY=VALUE per line; replaces all stored source credentials. "
        "Leave empty to keep them.",
    )

    class Meta:
        model = Integration
        fields = [
            "name",
            "source_kind",
            "source_url",
            "marketplace_url",
            "shop_id",
            "default_buffer",
            "call_limit_mode",
            "products_enabled",
            "stock_enabled",
            "prices_enabled",
            "orders_enabled",
            "dispatch_enabled",
            "settlements_enabled",
            "returns_enabled",
            "paused",
        ]

    def clean_source_credentials_text(self) -> dict | None:
        text = self.cleaned_data["source_credentials_text"].strip()
        if not text:
            return None
        credentials = {}
        for number, line in enumerate(text.splitlines(), start=1):
            key, sep, value = line.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise forms.ValidationError(f"line {number}: expected KEY=VALUE")
            credentials[key.strip()] = value.strip()
        return credentials

    def save(self, commit=True):
        integration = super().save(commit=False)
        if self.cleaned_data.get("marketplace_api_key"):
            integration.marketplace_credentials = {
                **integration.marketplace_credentials,
                "api_key": self.cleaned_data["marketplace_api_key"],
            }
        if self.cleaned_data.get("source_credentials_text") is not None:
            integration.source_credentials = self.cleaned_data["source_credentials_text"]
        if commit:
            integration.save()
        return integration


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationAdminForm
    list_display = ["name", "source_kind", "marketplace_url", "paused", "updated_at"]
    list_filter = ["source_kind", "paused"]
    readonly_fields = ["stored_credentials"]

    @admin.display(description="Stored credentials")
    def stored_credentials(self, obj: Integration) -> str:
        keys = sorted(obj.source_credentials) + (
            ["marketplace api_key"] if obj.marketplace_api_key else []
        )
        return ", ".join(keys) or "none"


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "commercial_id",
        "marketplace_order_id",
        "integration",
        "marketplace_state",
        "hub_status",
    ]
    list_filter = ["integration", "hub_status", "marketplace_state"]
    search_fields = [
        "=commercial_id",
        "=marketplace_order_id",
        "=source_order_id",
        "=tracking_number",
    ]
    inlines = [OrderLineInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The admin shows the customer's name and addresses too: log who opened it, as the
        order page does (issue 18)."""
        response = super().change_view(request, object_id, form_url, extra_context)
        order = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and order is not None:
            PersonalDataAccess.objects.create(user=request.user, order=order, path=request.path)
        return response


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Append-only for every role, superusers included: an audit log nobody can edit."""

    list_display = ["at", "user", "order", "path"]
    list_filter = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["order", "at", "source", "kind", "message"]
    list_filter = ["source", "kind"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "offer_sku", "ean", "integration", "buffer_override", "last_pushed_qty"]
    list_filter = ["integration"]
    search_fields = ["=sku", "=offer_sku", "=ean"]


@admin.register(OutboundJob)
class OutboundJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "identity_key", "status", "attempts", "not_before", "integration"]
    list_filter = ["status", "kind", "integration"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["integration", "flow", "started_at", "finished_at", "outcome"]
    list_filter = ["integration", "flow", "outcome"]


@admin.register(StockLedgerEntry)
class StockLedgerEntryAdmin(admin.ModelAdmin):
    list_display = [
        "product",
        "source_qty",
        "buffer",
        "committed",
        "pushed_qty",
        "outcome",
        "created_at",
    ]
    list_filter = ["outcome"]
    search_fields = ["=product__sku", "=product__offer_sku"]


admin.site.register(
    [
        MarketplaceCarrier,
        CarrierMapping,
        SyncCursor,
        MarketplaceImport,
        WebhookReceipt,
    ]
)
admin.site.site_header = "Integration Hub administration"

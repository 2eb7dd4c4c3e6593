"""Sandbox tables shaped like the SCAYLE entities the hub touches.

Money is stored as SCAYLE does: integers in minor units (``1999`` = 19.99).
"""

from __future__ import annotations

from django.db import models

from connectors.sandbox.models import ListedRow, SandboxCredential, WebhookOutbox
from connectors.sandbox.webhooks import basic_auth

ALL_SCOPES = "*"


class Token(SandboxCredential):
    """An Admin API key and the rate-limit scopes (read/write rights) it was granted."""

    token = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, help_text='e.g. ["*"] or ["productRead"]')

    def allows(self, scope: str) -> bool:
        return ALL_SCOPES in self.scopes or scope in self.scopes


class ShopCountry(models.Model):
    shop_key = models.CharField(max_length=50)
    country_code = models.CharField(max_length=2)
    currency_code = models.CharField(max_length=3, default="GBP")
    name = models.CharField(max_length=100, default="Sandbox shop")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop_key", "country_code"], name="scayle_shop_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.shop_key}/{self.country_code}"


class Channel(models.Model):
    """An External Order Creation channel (Panel > Shops > Configuration)."""

    key = models.CharField(max_length=100, unique=True)
    channel_type = models.CharField(max_length=20, default="marketplace")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.key


class Product(ListedRow):
    """A product (one colour of a master); attribute lists are stored as the API answers them:
    ``[{"name", "type", "value"}]`` with SCAYLE's attribute types."""

    reference_key = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255)
    name_translations = models.JSONField(
        default=dict, blank=True, help_text='other locales of the name, e.g. {"de_DE": "..."}'
    )
    state = models.CharField(max_length=20, default="live")
    attributes = models.JSONField(default=list, blank=True)
    master_reference_key = models.CharField(max_length=100, blank=True)
    master_attributes = models.JSONField(default=list, blank=True)
    category_paths = models.JSONField(
        default=list, blank=True, help_text='master category paths, e.g. [["Women", "Shirts"]]'
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.reference_key


class ProductImage(ListedRow):
    """An image of a product: ``asset_url`` is a CDN path (``images/<hash>``) or a URL."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    asset_url = models.CharField(max_length=500)
    mime_type = models.CharField(max_length=50, default="image/jpeg")
    position = models.PositiveIntegerField(default=0)
    view = models.CharField(max_length=50, blank=True, help_text="the image's view attribute")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}: {self.asset_url}"


class Variant(ListedRow):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    reference_key = models.CharField(max_length=100, unique=True)
    size = models.CharField(max_length=20, blank=True)
    attributes = models.JSONField(default=dict, blank=True, help_text='e.g. {"ean": "501..."}')
    price = models.PositiveIntegerField(help_text="Price with tax, minor units")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0.2)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.reference_key


class Stock(ListedRow):
    """Sellable quantity of one variant in one warehouse."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stocks")
    warehouse_reference_key = models.CharField(max_length=100)
    quantity = models.IntegerField(default=0)
    sellable_without_stock = models.BooleanField(default=False)
    merchant_reference_key = models.CharField(max_length=100, blank=True)
    changed_at = models.DateTimeField()

    class Meta(ListedRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "warehouse_reference_key"], name="scayle_stock_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant}@{self.warehouse_reference_key}={self.quantity}"


class Order(ListedRow):
    shop_key = models.CharField(max_length=50)
    country_code = models.CharField(max_length=2)
    reference_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    public_key = models.CharField(max_length=50, unique=True)
    channel_key = models.CharField(max_length=100, blank=True)
    currency_code = models.CharField(max_length=3, default="GBP")
    status = models.CharField(max_length=40, default="payment_reserved")
    customer = models.JSONField(default=dict, blank=True)
    address = models.JSONField(default=dict, blank=True)
    delivery_key = models.CharField(max_length=50, blank=True)
    delivery_option = models.CharField(max_length=100, blank=True)
    delivery_price = models.PositiveIntegerField(default=0)
    custom_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.public_key} ({self.reference_key or 'no reference'})"


class Package(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="packages")
    carrier_key = models.CharField(max_length=100)
    shipment_key = models.CharField(max_length=100, blank=True)
    tracking_id = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    delivery_status = models.CharField(max_length=20, default="open")
    return_ident_code = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.order} {self.carrier_key} {self.tracking_id}"


class OrderItem(ListedRow):
    """One piece: SCAYLE order items have no quantity."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    price = models.PositiveIntegerField(help_text="Price with tax, minor units")
    tax = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, default="available")
    return_key = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.order} item {self.pk} {self.variant} {self.status}"


class ScopeLimit(models.Model):
    """Requests per minute for one rate-limit scope (defaults apply when absent)."""

    scope = models.CharField(max_length=50, primary_key=True)
    per_minute = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.per_minute}/min"


class RateWindow(models.Model):
    """Requests counted for one token and scope in one minute window."""

    token = models.CharField(max_length=64)
    scope = models.CharField(max_length=50)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token", "scope", "window_start"], name="scayle_rate_window_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} @ {self.window_start:%H:%M}: {self.count}"


class WebhookConfig(models.Model):
    """Where the sandbox sends webhooks and the Basic-auth credentials they carry (one row)."""

    url = models.URLField(max_length=500, blank=True, help_text="Empty: store only")
    username = models.CharField(max_length=200, blank=True)
    password = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.url or "(store only)"


class WebhookDelivery(WebhookOutbox):
    key = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=60)
    occurred_at = models.DateTimeField()
    url = models.URLField(max_length=500, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.event_type} {self.key}"

    def signed_headers(self) -> dict[str, str]:
        """SCAYLE signs nothing: JSON and the subscription's Basic auth."""
        headers = {"Content-Type": "application/json"}
        config = WebhookConfig.objects.order_by("id").first()
        if config is not None and (config.username or config.password):
            headers["Authorization"] = basic_auth(config.username, config.password)
        return headers

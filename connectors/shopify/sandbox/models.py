"""Sandbox tables: one row per Shopify object the simulated Admin API serves."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from connectors.sandbox.models import ListedRow, WebhookOutbox


class Shop(models.Model):
    """A simulated store; the access token picks the shop, like a custom app token does."""

    domain = models.CharField(max_length=100, unique=True, help_text="e.g. jl-demo.myshopify.com")
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="GBP")
    access_token = models.CharField(max_length=100, unique=True)
    webhook_secret = models.CharField(max_length=100)
    webhook_target_url = models.URLField(blank=True, help_text="Hub URL webhooks are POSTed to.")
    bucket_max = models.FloatField(default=1000.0)
    restore_rate = models.FloatField(default=50.0, help_text="Cost points restored per second.")
    bucket_available = models.FloatField(default=1000.0)
    bucket_updated_at = models.DateTimeField(null=True, blank=True)
    next_order_number = models.PositiveIntegerField(default=1001)

    def __str__(self) -> str:
        return self.domain


class Location(ListedRow):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Product(ListedRow):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(max_length=200)
    vendor = models.CharField(max_length=100, blank=True)
    description_html = models.TextField(blank=True)
    product_type = models.CharField(max_length=255, blank=True)
    tags = models.JSONField(default=list, blank=True)
    category_name = models.CharField(
        max_length=255, blank=True, help_text="Standard product taxonomy category, e.g. Dresses"
    )
    category_full_name = models.CharField(
        max_length=500, blank=True, help_text="e.g. Apparel & Accessories > Clothing > Dresses"
    )
    media = models.JSONField(
        default=list, blank=True, help_text='Images in order: [{"file": "shirt-1.jpg", "alt": ""}]'
    )
    metafields = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"namespace": "custom", "key": "fabric", "type": "single_line_text_field", '
        '"value": "Linen"}] (values stored as strings, like Shopify)',
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class Variant(ListedRow):
    """A ProductVariant and its 1:1 InventoryItem (same primary key in the API)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    title = models.CharField(max_length=200, default="Default Title")
    sku = models.CharField(max_length=100, blank=True, db_index=True)
    barcode = models.CharField(max_length=50, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    inventory_policy = models.CharField(max_length=10, default="DENY")
    selected_options = models.JSONField(
        default=list, blank=True, help_text='[{"name": "Size", "value": "M"}]'
    )
    weight = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(max_length=10, default="KILOGRAMS")
    image = models.CharField(max_length=200, blank=True, help_text="A file of the product media.")
    metafields = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.sku or f"variant {self.pk}"


class InventoryLevel(ListedRow):
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="levels")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="levels")
    available = models.IntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta(ListedRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="shopify_sb_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.location}: {self.available}"


class Order(ListedRow):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders")
    name = models.CharField(max_length=20)
    source_identifier = models.CharField(max_length=100, blank=True, db_index=True)
    source_name = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list)
    custom_attributes = models.JSONField(default=list)
    email = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    financial_status = models.CharField(max_length=30, default="PAID")
    shipping_title = models.CharField(max_length=200, blank=True)
    shipping_code = models.CharField(max_length=200, blank=True)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    shipping_address = models.JSONField(default=dict)
    billing_address = models.JSONField(default=dict)
    options = models.JSONField(default=dict, help_text="The OrderCreateOptionsInput received.")
    processed_at = models.DateTimeField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.source_identifier})"

    def total(self) -> Decimal:
        """Lines (price x quantity, VAT included) plus shipping."""
        lines = sum((line.price * line.quantity for line in self.lines.all()), Decimal("0"))
        return lines + self.shipping_price


class OrderLine(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.SET_NULL, null=True, blank=True)
    sku = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class Fulfillment(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfillments")
    status = models.CharField(max_length=20, default="SUCCESS")
    company = models.CharField(max_length=100, blank=True)
    service = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=500, blank=True)
    lines = models.JSONField(default=list, help_text='[{"line_id": 1, "quantity": 1}]')
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.order.name}: {self.company} {self.number}"


class Refund(ListedRow):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    lines = models.JSONField(default=list, help_text='[{"line_id": 1, "quantity": 1}]')
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.order.name}: refund {self.amount}"


class Return(ListedRow):
    """A return (``returnCreate``) and what the warehouse did with the goods.

    ``lines``: ``[{"line_id": 1, "fulfillment_line_item_id": "12000", "quantity": 1,
    "reason": "OTHER", "note": "...", "restocked": 0, "not_restocked": 0}]``; the disposed
    quantities are the reverse fulfillment order's dispositions (RESTOCKED, NOT_RESTOCKED).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    name = models.CharField(max_length=30)
    status = models.CharField(max_length=20, default="OPEN")
    lines = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.status}"


class SentWebhook(WebhookOutbox):
    """A signed delivery, stored always; POSTed when the shop has a target URL."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="webhooks")
    topic = models.CharField(max_length=50)
    webhook_id = models.CharField(max_length=64, unique=True)
    headers = models.JSONField(default=dict)
    target_url = models.CharField(max_length=500, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"

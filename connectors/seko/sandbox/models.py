"""Sandbox tables shaped like what SEKO 360 / iHub keeps for one client (the brand)."""

from __future__ import annotations

from django.db import models

from connectors.sandbox.models import SandboxCredential


class ApiKey(SandboxCredential):
    """An iHub API key; calls with an unknown or inactive key get a 401."""

    secret_field = "key"
    key = models.CharField(max_length=64, unique=True)


class PushConfig(models.Model):
    """Where SEKO pushes to and how (one row: the client's push endpoint settings)."""

    url = models.URLField(blank=True, help_text="The hub's push endpoint; empty = store only.")
    secret = models.CharField(max_length=200, blank=True)
    auth_mode = models.CharField(
        max_length=10,
        default="hmac",
        choices=[(mode, mode) for mode in ("hmac", "header", "basic", "none")],
        help_text="How pushes prove who sent them: agreed per client (SEKO documents none).",
    )
    auth_header = models.CharField(max_length=100, default="X-Seko-Push-Secret")
    username = models.CharField(max_length=100, blank=True, help_text="For basic auth.")
    integration_id = models.CharField(max_length=100, default="JLHUB")
    rate_limit_per_minute = models.PositiveIntegerField(
        default=0, help_text="Calls per API key per minute before a 429; 0 = unlimited."
    )

    def __str__(self) -> str:
        return self.url or "(store pushes only)"


class Product(models.Model):
    """The product master (loaded through products/v1/submit in real life)."""

    product_code = models.CharField(max_length=100, unique=True)
    ean = models.CharField(max_length=20, blank=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["product_code"]

    def __str__(self) -> str:
        return self.product_code


class StockRow(models.Model):
    """Physical quantity of a product in one location type of one DC."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_rows")
    dc_code = models.CharField(max_length=100)
    location_type = models.CharField(max_length=100, default="Available Stock")
    quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["product__product_code", "dc_code", "location_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "dc_code", "location_type"], name="seko_stock_row_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.dc_code}/{self.location_type}: {self.quantity}"


class StockEvent(models.Model):
    """A stock adjustment (Increase/Decrease) or a movement between location types."""

    ADJUSTMENT = "adjustment"
    MOVEMENT = "movement"

    kind = models.CharField(max_length=20, choices=[(ADJUSTMENT, ADJUSTMENT), (MOVEMENT, MOVEMENT)])
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    dc_code = models.CharField(max_length=100)
    adjustment_type = models.CharField(max_length=20, blank=True)
    reason_code = models.CharField(max_length=50, blank=True)
    location_type = models.CharField(max_length=100, blank=True)
    to_location_type = models.CharField(max_length=100, blank=True)
    quantity = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.product} {self.quantity} at {self.at:%Y-%m-%d %H:%M}"


class SalesOrder(models.Model):
    RECEIVED = "Received"
    DISPATCHED = "Dispatched"
    CANCELLED = "Cancelled"

    guid = models.CharField(max_length=40, unique=True)
    sales_order_number = models.CharField(max_length=50, unique=True)
    sales_order_reference = models.CharField(max_length=50, blank=True)
    dc_code = models.CharField(max_length=100)
    status = models.CharField(max_length=20, default=RECEIVED)
    sales_order_date = models.CharField(max_length=40, blank=True)
    delivery = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.sales_order_number


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    product_code = models.CharField(max_length=100)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency_code = models.CharField(max_length=3, default="GBP")
    vat = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["order", "line_number"]

    def __str__(self) -> str:
        return f"{self.order} #{self.line_number}: {self.product_code} x{self.quantity}"


class Dispatch(models.Model):
    """The DC's dispatch of a whole order: 'Dispatched' closes a SEKO order."""

    order = models.OneToOneField(SalesOrder, on_delete=models.CASCADE, related_name="dispatch")
    guid = models.CharField(max_length=40, unique=True)
    dispatch_number = models.CharField(max_length=100)
    courier = models.CharField(max_length=100)
    courier_service = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=50)
    tracking_url = models.CharField(max_length=4000, blank=True)
    dispatched_at = models.DateTimeField()

    class Meta:
        ordering = ["dispatched_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispatch_number} ({self.order})"


class Receipt(models.Model):
    """An ASN (receipts/v1/submit) the DC expects, and its GRN once the goods arrived.

    ``lines``: ``[{"ProductCode", "Quantity"}]``; ``grn``: ``[{"ProductCode", "Quantity",
    "LocationType"}]`` (received units by the location they were booked to).
    """

    asn_number = models.CharField(max_length=100, unique=True)
    guid = models.CharField(max_length=40, blank=True)
    receipt_type = models.CharField(max_length=20)
    customer_reference = models.CharField(max_length=50, blank=True)
    dc_code = models.CharField(max_length=100)
    lines = models.JSONField(default=list)
    grn = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.asn_number


class Push(models.Model):
    """One push message SEKO sends (or would send) to the client's endpoint."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DROPPED = "dropped"

    sequence_number = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=40)
    interface_record_id = models.CharField(max_length=100)
    body = models.TextField()
    signature = models.CharField(max_length=64)
    status = models.CharField(max_length=20, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_result = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["sequence_number"]

    def __str__(self) -> str:
        return f"#{self.sequence_number} {self.kind} ({self.status})"


class RateWindow(models.Model):
    """Calls per API key in the current minute, for the sandbox's 429s."""

    key = models.CharField(max_length=64)
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="seko_rate_unique")]

    def __str__(self) -> str:
        return f"{self.minute:%H:%M}: {self.calls}"

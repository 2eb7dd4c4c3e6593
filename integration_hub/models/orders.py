from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from integration_hub import columns
from integration_hub.models.integration import Integration

MONEY = {"max_digits": 12, "decimal_places": 2}


class HubStatus(models.TextChoices):
    """Where the hub is with an order, across both systems."""

    NEW = "new", "New"
    HELD = "held", "Held for ops"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"
    TO_INJECT = "to_inject", "To inject into source"
    INJECTED = "injected", "In source"
    DISPATCHED = "dispatched", "Dispatched in source"
    CONFIRMED = "confirmed", "Shipped on marketplace"
    CANCELLED = "cancelled", "Cancelled"
    CLOSED = "closed", "Closed"


class Order(models.Model):
    """A marketplace order and what the hub has done with it."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="orders")
    # indexed on its own too: CX search looks it up without the integration
    marketplace_order_id = models.CharField(max_length=64, db_index=True)
    commercial_id = models.CharField("customer order number", max_length=64, db_index=True)
    marketplace_state = models.CharField(max_length=40, db_index=True)
    hub_status = models.CharField(
        max_length=20, choices=HubStatus.choices, default=HubStatus.NEW, db_index=True
    )
    source_order_id = models.CharField(max_length=64, blank=True, db_index=True)
    source_order_number = models.CharField(max_length=64, blank=True, db_index=True)
    currency = models.CharField(max_length=3, default="GBP")
    price = columns.DecimalField(**MONEY, default=0)
    shipping_price = columns.DecimalField(**MONEY, default=0)
    total_price = columns.DecimalField(**MONEY, default=0)
    total_commission = columns.DecimalField(**MONEY, default=0)
    shipping_type_code = models.CharField(max_length=64, blank=True)
    acceptance_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    shipping_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    marketplace_created_at = models.DateTimeField(null=True, blank=True)
    marketplace_updated_at = models.DateTimeField(null=True, blank=True)
    customer_lastname = models.CharField(max_length=100, blank=True)
    shipping_postcode = models.CharField(max_length=20, blank=True)
    carrier_code = models.CharField(max_length=64, blank=True)
    carrier_name = models.CharField(max_length=100, blank=True, help_text="As the source says.")
    carrier_service = models.CharField(max_length=100, blank=True, help_text="As the source says.")
    tracking_number = models.CharField(max_length=100, blank=True, db_index=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(
        default=dict, blank=True, encoder=DjangoJSONEncoder, help_text="The last OR11 payload."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-marketplace_created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "marketplace_order_id"], name="order_unique_marketplace_id"
            )
        ]
        indexes = [
            models.Index(
                fields=["customer_lastname", "shipping_postcode"], name="order_surname_postcode_idx"
            ),
            models.Index(fields=["integration", "hub_status"], name="order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.marketplace_order_id


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    marketplace_line_id = models.CharField(max_length=80)
    line_index = models.PositiveIntegerField(default=1)
    offer_sku = models.CharField(max_length=100, db_index=True)
    product_title = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = columns.DecimalField(**MONEY, default=0)
    price = columns.DecimalField(**MONEY, default=0)
    shipping_price = columns.DecimalField(**MONEY, default=0)
    tax_amount = columns.DecimalField(**MONEY, default=0)
    shipping_tax_amount = columns.DecimalField(**MONEY, default=0)
    commission_fee = columns.DecimalField(**MONEY, default=0)
    commission_vat = columns.DecimalField(**MONEY, default=0)
    state = models.CharField(max_length=40)
    # What the marketplace last said (OR11): the line's ``can_refund``, and the order's
    # ``can_cancel`` (OR11 gives it per order). The returns flows offer and send nothing else.
    can_refund = models.BooleanField(default=False)
    can_cancel = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "line_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "marketplace_line_id"], name="orderline_unique_marketplace_id"
            )
        ]

    def __str__(self) -> str:
        return self.marketplace_line_id


class EventSource(models.TextChoices):
    MARKETPLACE = "marketplace", "Marketplace"
    SOURCE = "source", "Source system"
    HUB = "hub", "Hub"
    USER = "user", "Person"


class OrderEvent(models.Model):
    """One entry of an order's timeline: what happened, where, and who did it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=20, choices=EventSource.choices)
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="orderevent_order_at_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"

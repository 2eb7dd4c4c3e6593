"""Returns, refunds and cancellations of marketplace orders, and what the hub did with each.

Every row has a natural unique key (the marketplace return id, or our ``key`` for refunds and
cancellations: where they came from plus the id they had there), so a pull or a retry that
sees the same thing twice updates the row instead of adding one.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from integration_hub import columns
from integration_hub.models import Integration, Order, OrderLine

MONEY = {"max_digits": 12, "decimal_places": 2}


class Origin(models.TextChoices):
    MARKETPLACE = "marketplace", "Marketplace"
    SOURCE = "source", "Source system"
    HUB = "hub", "Hub (ops)"


class Work(models.TextChoices):
    """Where the hub is with the work a row needs (the same words on every screen)."""

    MANUAL = "manual", "Manual: returns automation is off"
    QUEUED = "queued", "Queued"
    DONE = "done", "Done"
    NOTHING = "nothing", "Nothing to do"
    FAILED = "failed", "Failed: see the exception"


class ReturnStep(models.TextChoices):
    NEW = "new", "Requested on the marketplace"
    AUTHORISING = "authorising", "Authorising in the source"
    AUTHORISED = "authorised", "Authorised in the source"
    RECEIVED = "received", "Received and inspected in the source"
    CLOSED = "closed", "Received and closed on the marketplace"


class Return(models.Model):
    """A marketplace return (RT11) and its matching return authorisation in the source."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="hub_returns"
    )
    marketplace_return_id = models.CharField(max_length=64)
    marketplace_order_id = models.CharField(max_length=64, db_index=True)
    commercial_id = models.CharField("customer order number", max_length=64, db_index=True)
    rma = models.CharField("RMA", max_length=64, blank=True)
    marketplace_state = models.CharField(max_length=30)
    reason_code = models.CharField(max_length=40, blank=True)
    step = models.CharField(max_length=20, choices=ReturnStep.choices, default=ReturnStep.NEW)
    work = models.CharField(max_length=10, choices=Work.choices, default=Work.QUEUED)
    source_return_id = models.CharField(max_length=100, blank=True, db_index=True)
    source_return_name = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    marketplace_created_at = models.DateTimeField(null=True, blank=True)
    marketplace_updated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    raw = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-marketplace_created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "marketplace_return_id"], name="return_unique_marketplace_id"
            )
        ]

    def __str__(self) -> str:
        return self.rma or self.marketplace_return_id


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.SET_NULL, null=True, blank=True)
    marketplace_line_id = models.CharField(max_length=80)
    offer_sku = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    reason_code = models.CharField(max_length=40, blank=True)
    received_quantity = models.PositiveIntegerField(null=True, blank=True)
    sellable_quantity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ret", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ret", "marketplace_line_id"], name="returnline_unique_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.offer_sku}"


class Refund(models.Model):
    """Money given back on an order, wherever it was decided.

    ``origin`` says where: the source (sent to the marketplace with OR28), ops on the hub
    (OR28 too) or the marketplace portal (mirrored to the source). ``key`` is unique per
    integration: ``source:<source refund id>``, ``hub:<uuid>`` or ``marketplace:<refund id>``.
    """

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="hub_refunds")
    key = models.CharField(max_length=200)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    amount = columns.DecimalField(**MONEY, help_text="Goods, tax included.")
    shipping_amount = columns.DecimalField(**MONEY, default=0)
    currency = models.CharField(max_length=3, default="GBP")
    work = models.CharField(max_length=10, choices=Work.choices, default=Work.QUEUED)
    source_refund_id = models.CharField(max_length=100, blank=True, db_index=True)
    attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="When OR28 was first sent: look before sending again."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "key"], name="refund_unique_key")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def total(self):
        return self.amount + self.shipping_amount


class RefundLine(models.Model):
    """One order line's share of a refund, with its taxes (what OR28 sends per line)."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=0)
    amount = columns.DecimalField(**MONEY, default=0)
    tax_amount = columns.DecimalField(**MONEY, default=0)
    shipping_amount = columns.DecimalField(**MONEY, default=0)
    shipping_tax_amount = columns.DecimalField(**MONEY, default=0)
    marketplace_refund_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["refund", "id"]
        constraints = [
            models.UniqueConstraint(fields=["refund", "order_line"], name="refundline_unique_line")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id}: {self.amount} + {self.shipping_amount}"


class Cancellation(models.Model):
    """Order lines (or a whole order) cancelled before dispatch.

    From the source or ops (sent to the marketplace with OR30), or from the marketplace
    (mirrored to the source). ``lines``: ``[{"line_id", "offer_sku", "quantity", "amount",
    "shipping_amount", "marketplace_cancelation_id"}]``; empty for a whole-order cancellation
    the marketplace made.
    """

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="hub_cancellations")
    key = models.CharField(max_length=200)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    whole_order = models.BooleanField(default=False)
    reason_code = models.CharField(max_length=40, blank=True)
    lines = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    work = models.CharField(max_length=10, choices=Work.choices, default=Work.QUEUED)
    attempted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "key"], name="cancellation_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class MarketplaceReason(models.Model):
    """A reason code of the marketplace (RE01): refunds and cancellations must carry one the
    shop may use (``is_shop_right``); the others are the operator's."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=30)
    is_shop_right = models.BooleanField(
        default=False, help_text="RE01: the shop may use it (OR28/OR30 refuse the others)."
    )
    refreshed_at = models.DateTimeField()

    class Meta:
        ordering = ["type", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "type", "code"], name="marketplacereason_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

from django.conf import settings
from django.db import models

from integration_hub.models.integration import Integration


class ConnectionCheck(models.Model):
    """One "test connection" an Admin asked for: A01 on the marketplace and the source's ping.

    The screen only creates the row and queues the work (no outbound HTTP in a web request);
    the worker fills in the outcome, which the integration page shows with when it ran.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        OK = "ok", "Both answered"
        FAILED = "failed", "Failed"

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="connection_checks"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    marketplace_ok = models.BooleanField(null=True)
    marketplace_message = models.CharField(max_length=500, blank=True)
    # When the shop details shown were read: now, or the stored A01 answer of earlier today
    # (A01 is allowed once a day, so a retest reuses it).
    account_read_at = models.DateTimeField(null=True, blank=True)
    source_ok = models.BooleanField(null=True)
    source_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.integration_id} check {self.status}"


class ShopModel(models.TextChoices):
    """A01 ``model``: who sells to the customer, and so what PRI01's ``price`` means."""

    MARKETPLACE = "MARKETPLACE", "Marketplace (the shop sells; price = selling price)"
    DROPSHIP = "DROPSHIP", "Dropship (the operator sells; price = purchase price)"
    ONE_CREDITOR = "ONE_CREDITOR", "One creditor"


class PartialAcceptance(models.TextChoices):
    # PC01 does not publish it; OR21 answers ORDER_PARTIAL_ACCEPTANCE_DISABLED when it is off.
    UNKNOWN = "unknown", "Not published by the marketplace (assumed allowed)"
    DISABLED = "disabled", "Disabled (the marketplace refused a partial decision)"


class MarketplaceShop(models.Model):
    """The shop's model and platform settings as the marketplace last reported them.

    A01 (once a day at most) gives the shop: id, name, state, currency, model. PC01 gives the
    platform: order acceptance, multi-shipment, tax mode. Read on "test connection" and daily
    by the orders pass; the flows obey it (DROPSHIP prices, partial acceptance). Its own table,
    not fields on Integration, so a daily refresh writes no integration history.
    """

    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="marketplace_shop"
    )
    shop_id = models.CharField(max_length=40, blank=True)
    shop_name = models.CharField(max_length=200, blank=True)
    shop_state = models.CharField(max_length=20, blank=True)
    currency_iso_code = models.CharField(max_length=3, blank=True)
    model = models.CharField(max_length=20, blank=True)
    account_fetched_at = models.DateTimeField(null=True, blank=True)
    order_acceptance = models.CharField(max_length=20, blank=True)
    partial_acceptance = models.CharField(
        max_length=10, choices=PartialAcceptance.choices, default=PartialAcceptance.UNKNOWN
    )
    multi_shipment = models.BooleanField(null=True)
    order_tax_mode = models.CharField(max_length=20, blank=True)
    shipping_and_billing_details_before_acceptance = models.BooleanField(null=True)
    dropship_retail_pricing = models.BooleanField(null=True)
    platform_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.integration_id} shop {self.shop_id or '?'} ({self.model or '?'})"

    @property
    def partial_acceptance_disabled(self) -> bool:
        return self.partial_acceptance == PartialAcceptance.DISABLED

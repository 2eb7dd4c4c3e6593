from django.db import models

from integration_hub import columns
from integration_hub.models.catalog import Product
from integration_hub.models.integration import Integration


class MarketplaceImport(models.Model):
    """One STO01 stock import (or PRI01 price import) the hub sent, and how it ended."""

    class Kind(models.TextChoices):
        STOCK = "stock", "Stock (STO01)"
        PRICE = "price", "Price (PRI01)"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    import_id = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    lines = models.PositiveIntegerField(default=0)
    lines_in_error = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "kind", "import_id"], name="marketplaceimport_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} import {self.import_id} ({self.status})"


class StockLedgerEntry(models.Model):
    """Why the marketplace shows a number: one row per SKU per stock push.

    ``pushed = max(0, source_qty - buffer - committed)``; the row is confirmed only when the
    import completed without an error for this SKU.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", "Sent, waiting for the import"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected by the marketplace"

    class Reason(models.TextChoices):
        CHANGE = "change", "Quantity changed"
        DRIFT = "drift", "Drift repair"
        RETRY = "retry", "Retry after a rejection"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ledger")
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.CHANGE)
    marketplace_import = models.ForeignKey(
        MarketplaceImport, on_delete=models.CASCADE, related_name="entries"
    )
    source_qty = models.IntegerField()
    buffer = models.PositiveIntegerField()
    committed = models.PositiveIntegerField()
    pushed_qty = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-created_at"], name="ledger_product_idx")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.pushed_qty} ({self.outcome})"


class PriceLedgerEntry(models.Model):
    """One row per SKU per price push (PRI01), settled from PRI02/PRI03 like stock."""

    Outcome = StockLedgerEntry.Outcome

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_ledger")
    marketplace_import = models.ForeignKey(
        MarketplaceImport, on_delete=models.CASCADE, related_name="price_entries"
    )
    price = columns.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    outcome = models.CharField(
        max_length=10, choices=StockLedgerEntry.Outcome.choices, default="pending"
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-created_at"], name="priceledger_product_idx")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.price} ({self.outcome})"

from django.db import models
from simple_history.models import HistoricalRecords

from integration_hub import columns
from integration_hub.models.integration import Integration
from integration_hub.models.listings import ListingStatus


class Validation(models.TextChoices):
    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid: not published"


PRODUCT_HISTORY_EXCLUDED = [
    "source_ids",
    "last_source_qty",
    "last_source_qty_at",
    "last_pushed_qty",
    "last_pushed_at",
    "last_pushed_price",
    "last_pushed_price_at",
    "validation_errors",
    "marketplace_qty",
    "marketplace_price",
    "marketplace_checked_at",
    "drift_found_at",
    "updated_at",
    "source_content",
    "source_categories",
    "listing_status",
    "listing_category",
    "listing_problems",
    "listing_record",
    "listing_record_hash",
    "listing_accepted_hash",
    "listing_integrated_at",
    "listing_live_at",
    "listing_checked_at",
]


class Product(models.Model):
    """One SKU of the source catalogue and how it is offered on the marketplace (the SKU map)."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField("source SKU", max_length=100)
    offer_sku = models.CharField(
        "marketplace offer SKU", max_length=100, help_text="Defaults to the source SKU."
    )
    ean = models.CharField("EAN / GTIN", max_length=14, blank=True)
    title = models.CharField(max_length=255, blank=True)
    price = columns.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    source_ids = models.JSONField(default=dict, blank=True)
    buffer_override = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Units held back for this SKU; empty = integration default.",
    )
    last_source_qty = models.IntegerField(null=True, blank=True)
    last_source_qty_at = models.DateTimeField(null=True, blank=True)
    last_pushed_qty = models.IntegerField(null=True, blank=True)
    last_pushed_at = models.DateTimeField(null=True, blank=True)
    last_pushed_price = columns.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    last_pushed_price_at = models.DateTimeField(null=True, blank=True)
    validation_status = models.CharField(
        max_length=10, choices=Validation.choices, default=Validation.VALID, db_index=True
    )
    validation_errors = models.JSONField(
        default=list, blank=True, help_text="Why the SKU is not published: [{kind, message}]."
    )
    marketplace_qty = models.IntegerField(
        null=True, blank=True, help_text="Quantity the marketplace showed at the last audit."
    )
    marketplace_price = columns.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    marketplace_checked_at = models.DateTimeField(null=True, blank=True)
    drift_found_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Set while the marketplace differs from what the hub confirmed.",
    )
    # Catalogue publishing (flows/listings.py, docs/flows/catalogue.md)
    source_content = models.JSONField(
        default=dict, blank=True, help_text="The source's product content, by its field names."
    )
    source_categories = models.JSONField(default=list, blank=True)
    sheet_content = models.JSONField(
        default=dict,
        blank=True,
        help_text="Content from the catalogue spreadsheet, by marketplace attribute code; it "
        "wins over the source.",
    )
    listing_status = models.CharField(
        max_length=12,
        choices=ListingStatus.choices,
        default=ListingStatus.INCOMPLETE,
        db_index=True,
    )
    listing_category = models.CharField("marketplace category", max_length=100, blank=True)
    listing_problems = models.JSONField(
        default=list, blank=True, help_text="[{attribute, kind, message}] of the last build."
    )
    listing_record = models.JSONField(default=dict, blank=True, help_text="The built product.")
    listing_record_hash = models.CharField(max_length=64, blank=True)
    listing_accepted_hash = models.CharField(
        max_length=64, blank=True, help_text="The record the marketplace last accepted."
    )
    listing_integrated_at = models.DateTimeField(null=True, blank=True)
    listing_live_at = models.DateTimeField(null=True, blank=True)
    listing_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The map and catalogue fields only: quantities, pushes and audits change every minute and
    # have their own ledgers, so keeping them here would bury the changes people care about.
    history = HistoricalRecords(excluded_fields=PRODUCT_HISTORY_EXCLUDED)

    class Meta:
        ordering = ["integration", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "sku"], name="product_unique_sku"),
            models.UniqueConstraint(
                fields=["integration", "offer_sku"], name="product_unique_offer_sku"
            ),
        ]
        indexes = [models.Index(fields=["ean"], name="product_ean_idx")]

    def __str__(self) -> str:
        return self.sku

    def save(self, *args, **kwargs) -> None:
        if not self.offer_sku:
            self.offer_sku = self.sku
        super().save(*args, **kwargs)

    @property
    def buffer(self) -> int:
        """The units held back: the SKU's override, else the integration's default."""
        if self.buffer_override is not None:
            return self.buffer_override
        return self.integration.default_buffer

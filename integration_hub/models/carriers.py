from django.db import models
from simple_history.models import HistoricalRecords

from integration_hub.models.integration import Integration


def normalize_carrier(text: str) -> str:
    """Case- and whitespace-insensitive key for a carrier or service name."""
    return " ".join(text.split()).casefold()


class MarketplaceCarrier(models.Model):
    """A carrier approved by the marketplace (Mirakl SH21); the only allowed mapping targets."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="carriers")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    standard_code = models.CharField(max_length=64, blank=True)
    tracking_url = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True, help_text="False once SH21 no longer lists it.")
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["integration", "label"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "code"], name="carrier_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


class CarrierMapping(models.Model):
    """Maps a source carrier (and optionally one of its services) to a marketplace carrier.

    A row with a service wins over the carrier-wide row (empty service) for the same carrier.
    """

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="carrier_mappings"
    )
    source_carrier = models.CharField(max_length=100)
    source_service = models.CharField(max_length=100, blank=True)
    source_carrier_key = models.CharField(max_length=100, editable=False)
    source_service_key = models.CharField(max_length=100, editable=False, blank=True)
    carrier = models.ForeignKey(MarketplaceCarrier, on_delete=models.PROTECT)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["integration", "source_carrier_key", "source_service_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "source_carrier_key", "source_service_key"],
                name="carriermapping_unique_source",
            )
        ]

    def __str__(self) -> str:
        service = f" / {self.source_service}" if self.source_service else ""
        return f"{self.source_carrier}{service} → {self.carrier.code}"

    def save(self, *args, **kwargs) -> None:
        self.source_carrier_key = normalize_carrier(self.source_carrier)
        self.source_service_key = normalize_carrier(self.source_service)
        super().save(*args, **kwargs)


class ShippingType(models.Model):
    """A marketplace shipping type (Mirakl SH12): whether a dispatch must carry tracking."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="shipping_types"
    )
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    mandatory_tracking = models.BooleanField(default=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["integration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "code"], name="shippingtype_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

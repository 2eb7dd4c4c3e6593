"""Catalogue publishing: the marketplace's category structure, the merchandiser's mappings and
the product/offer imports the hub sent (issue 21, `docs/flows/catalogue.md`)."""

from django.db import models
from simple_history.models import HistoricalRecords

from integration_hub.models.integration import Integration


class ListingStatus(models.TextChoices):
    """Why a SKU is or is not live, in the order a SKU moves through them."""

    INCOMPLETE = "incomplete", "Incomplete"
    READY = "ready", "Ready"
    SUBMITTED = "submitted", "Submitted"
    REJECTED = "rejected", "Rejected"
    INTEGRATED = "integrated", "Integrated"
    LIVE = "live", "Live"


class Requirement(models.TextChoices):
    """PM11 ``requirement_level``."""

    REQUIRED = "REQUIRED", "Required"
    RECOMMENDED = "RECOMMENDED", "Recommended"
    OPTIONAL = "OPTIONAL", "Optional"
    DISABLED = "DISABLED", "Disabled"


class MarketplaceCategory(models.Model):
    """One category of the marketplace's catalogue tree (Mirakl H11)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="marketplace_categories"
    )
    code = models.CharField(max_length=100)
    label = models.CharField(max_length=255, blank=True)
    level = models.PositiveSmallIntegerField(default=0)
    parent_code = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["integration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "code"], name="mpcategory_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})" if self.label else self.code


class MarketplaceAttribute(models.Model):
    """One product attribute (Mirakl PM11), of one category or shared by all (empty code)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="marketplace_attributes"
    )
    code = models.CharField(max_length=100)
    hierarchy_code = models.CharField(
        "category", max_length=100, blank=True, help_text="Empty: shared by every category."
    )
    label = models.CharField(max_length=255, blank=True)
    requirement_level = models.CharField(
        max_length=12, choices=Requirement.choices, default=Requirement.OPTIONAL
    )
    type = models.CharField(max_length=40)
    values_list = models.CharField(max_length=100, blank=True)
    variant = models.BooleanField(default=False)
    roles = models.JSONField(default=list, blank=True)
    validations = models.JSONField(default=dict, blank=True)
    type_parameters = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    example = models.TextField(blank=True)
    default_value = models.CharField(max_length=255, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["integration", "hierarchy_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "code", "hierarchy_code"], name="mpattribute_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.code


class MarketplaceValueList(models.Model):
    """A value list (Mirakl VL11): the codes a LIST attribute accepts, with their labels."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="marketplace_value_lists"
    )
    code = models.CharField(max_length=100)
    label = models.CharField(max_length=255, blank=True)
    values = models.JSONField(default=list, blank=True, help_text="[[code, label], ...]")
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["integration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "code"], name="mpvaluelist_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class CategoryMapping(models.Model):
    """Source category (name or full path) -> marketplace category code."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="category_mappings"
    )
    source_category = models.CharField(max_length=255)
    marketplace_category = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["integration", "source_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "source_category"], name="categorymapping_unique_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_category} → {self.marketplace_category}"


class AttributeMapping(models.Model):
    """Marketplace attribute <- source field (or a default), for one category or all (empty)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="attribute_mappings"
    )
    marketplace_attribute = models.CharField(max_length=100)
    source_field = models.CharField(max_length=255, blank=True)
    marketplace_category = models.CharField(
        max_length=100, blank=True, help_text="Empty: every category."
    )
    default = models.CharField(
        max_length=1000, blank=True, help_text="Sent when the source field is empty."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["integration", "marketplace_attribute", "marketplace_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "marketplace_attribute", "marketplace_category"],
                name="attributemapping_unique_target",
            )
        ]

    def __str__(self) -> str:
        where = f" [{self.marketplace_category}]" if self.marketplace_category else ""
        return f"{self.marketplace_attribute}{where} ← {self.source_field or repr(self.default)}"


class ValueMapping(models.Model):
    """For a LIST attribute: a source value -> the marketplace value code."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="value_mappings"
    )
    marketplace_attribute = models.CharField(max_length=100)
    source_value = models.CharField(max_length=255)
    marketplace_value = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["integration", "marketplace_attribute", "source_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "marketplace_attribute", "source_value"],
                name="valuemapping_unique_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.marketplace_attribute}: {self.source_value} → {self.marketplace_value}"


class CatalogueImport(models.Model):
    """One P41 product import or OF01 offer import the hub sent, and the marketplace's answer."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", "Products (P41)"
        OFFERS = "offers", "Offers (OF01)"

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="catalogue_imports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    import_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=30, blank=True, help_text="The marketplace's status.")
    finished = models.BooleanField(default=False, db_index=True)
    lines = models.PositiveIntegerField(default=0)
    answer = models.JSONField(default=dict, blank=True, help_text="The last status answer.")
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["integration", "kind", "finished"], name="catimport_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.import_id or '(not sent)'}"


class CatalogueImportLine(models.Model):
    """One SKU in a catalogue import: what was sent and what the marketplace said about it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    catalogue_import = models.ForeignKey(
        CatalogueImport, on_delete=models.CASCADE, related_name="import_lines"
    )
    product = models.ForeignKey(
        "integration_hub.Product",
        null=True,
        on_delete=models.SET_NULL,
        related_name="catalogue_lines",
    )
    sku = models.CharField(max_length=100)
    record = models.JSONField(default=dict, blank=True, help_text="The line as sent.")
    record_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    attributes = models.JSONField(default=list, blank=True, help_text="Attributes it names.")
    retry_requested = models.BooleanField(
        default=False, help_text="A person asked to send it again despite this answer."
    )

    class Meta:
        ordering = ["catalogue_import", "sku"]
        indexes = [models.Index(fields=["catalogue_import", "sku"], name="catimportline_sku")]

    def __str__(self) -> str:
        return f"{self.sku}: {self.outcome}"

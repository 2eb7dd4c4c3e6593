from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from connectors.registry import SOURCE_KINDS
from integration_hub.crypto import EncryptedJSONField


class CallLimitMode(models.TextChoices):
    SPEC = "spec", "Mirakl's published maximum call frequencies"
    PARTNER = "partner", "Mirakl's External Partner maximums (partner keys: OR11 every 15 min)"
    OFF = "off", "No call limits (sandboxes and tests only)"


def call_limits_validate(value) -> None:
    """Per-integration limits may only tighten the spec's maximums (see the limiter)."""
    from connectors.mirakl.limiter import call_limits_parse

    try:
        call_limits_parse(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ShortStockPolicy(models.TextChoices):
    REFUSE = "refuse", "Refuse the short lines"
    HOLD = "hold", "Hold the order for ops"


class Flow(models.TextChoices):
    """The flows the hub runs per integration; each has its own switch and its own runs."""

    PRODUCTS = "products", "Products"
    STOCK = "stock", "Stock"
    PRICES = "prices", "Prices"
    ORDERS = "orders", "Orders"
    DISPATCH = "dispatch", "Dispatch"
    SETTLEMENTS = "settlements", "Settlements"
    RETURNS = "returns", "Returns"
    CATALOGUE = "catalogue", "Catalogue publishing"


NAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,62}$",
    "Use lower-case letters, digits and hyphens (up to 63 characters), starting with a letter "
    "or digit.",
)


# Each system's secrets belong to the address they were given for (issue 18): an Admin who
# points a URL at a listener must not be able to make the hub send the stored key there.
CREDENTIALS_OF_URL = {
    "source_url": "source_credentials",
    "marketplace_url": "marketplace_credentials",
}


class Integration(models.Model):
    """One brand's link between its source system and its John Lewis Marketplace shop."""

    name = models.CharField(max_length=63, unique=True, validators=[NAME_VALIDATOR])
    source_kind = models.CharField(max_length=20, choices=list(SOURCE_KINDS.items()))
    source_url = models.URLField(max_length=300)
    source_credentials = EncryptedJSONField(blank=True, default=dict)
    source_options = models.JSONField(
        default=dict, blank=True, help_text="Non-secret connector options (locations, store code)."
    )
    marketplace_url = models.URLField(max_length=300)
    marketplace_credentials = EncryptedJSONField(blank=True, default=dict)
    shop_id = models.CharField(max_length=40, blank=True)
    default_buffer = models.PositiveIntegerField(
        default=0, help_text="Units held back from the marketplace for every SKU without its own."
    )
    call_limit_mode = models.CharField(
        max_length=10, choices=CallLimitMode.choices, default=CallLimitMode.SPEC
    )
    mirakl_call_limits = models.JSONField(
        default=dict,
        blank=True,
        validators=[call_limits_validate],
        help_text='Stricter limits per Mirakl operation, e.g. {"OR11": "1/15m"}; never looser '
        "than the spec's maximum.",
    )
    products_enabled = models.BooleanField(default=True)
    stock_enabled = models.BooleanField(default=True)
    prices_enabled = models.BooleanField(default=True)
    orders_enabled = models.BooleanField(default=True)
    dispatch_enabled = models.BooleanField(default=True)
    settlements_enabled = models.BooleanField(default=True)
    returns_enabled = models.BooleanField(default=False)
    catalogue_enabled = models.BooleanField(
        default=False,
        help_text="List products and create offers on the marketplace (P41/OF01). While on, "
        "stock and prices are sent only for SKUs that are live.",
    )
    offer_state = models.CharField(
        max_length=20, default="11", help_text="The offer condition sent with OF01 (11 = new)."
    )
    offer_leadtime_to_ship = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days to ship sent with OF01; empty: the shop's default."
    )
    paused = models.BooleanField(default=False, help_text="A paused integration runs no flow.")
    auto_accept = models.BooleanField(
        default=True, help_text="Accept orders whose every line has a known SKU and enough stock."
    )
    short_stock_policy = models.CharField(
        max_length=10, choices=ShortStockPolicy.choices, default=ShortStockPolicy.HOLD
    )
    acceptance_window_hours = models.PositiveIntegerField(
        default=48,
        help_text="The operator's acceptance window: undecided orders are refused after it.",
    )
    order_not_injected_minutes = models.PositiveIntegerField(
        default=30, help_text="Alarm when a paid order is not in the source after this long."
    )
    stock_stale_minutes = models.PositiveIntegerField(
        default=5,
        help_text="Alarm when a stock change is not confirmed on the marketplace by then.",
    )
    shipped_not_confirmed_minutes = models.PositiveIntegerField(
        default=60,
        help_text="Alarm when a dispatch is not confirmed on the marketplace after this.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Credentials never enter the history table: it is not encrypted and admins read it.
    history = HistoricalRecords(
        excluded_fields=["source_credentials", "marketplace_credentials", "updated_at"]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """A changed URL drops its system's stored secrets unless new ones come with it."""
        stored = getattr(self, "_stored", {})
        update_fields = kwargs.get("update_fields")
        for url, secrets in CREDENTIALS_OF_URL.items():
            url_changed = url in stored and stored[url] != getattr(self, url)
            # "is", not "==": secrets assigned with the new URL stay, even if equal to the old
            if url_changed and stored.get(secrets) is getattr(self, secrets):
                setattr(self, secrets, {})
                if update_fields is not None:  # save(update_fields=[url]) drops them too
                    kwargs["update_fields"] = update_fields = {*update_fields, secrets}
        super().save(*args, **kwargs)
        self._stored = {
            name: getattr(self, name) for pair in CREDENTIALS_OF_URL.items() for name in pair
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored = {
            name: getattr(instance, name)
            for pair in CREDENTIALS_OF_URL.items()
            for name in pair
            if name in field_names
        }
        return instance

    def clean(self) -> None:
        super().clean()
        for field in CREDENTIALS_OF_URL:
            parts = urlsplit(getattr(self, field) or "")
            if parts.username or parts.password:  # it would be printed, logged and kept in history
                raise ValidationError(
                    {field: "Put user names and passwords in the credentials, not in the URL."}
                )

    @property
    def marketplace_api_key(self) -> str:
        return self.marketplace_credentials.get("api_key", "")

    def flow_enabled(self, flow: str) -> bool:
        """True when the integration is running and ``flow`` is switched on."""
        return not self.paused and bool(getattr(self, f"{flow}_enabled"))

    def enabled_flows(self) -> list[str]:
        return [flow.value for flow in Flow if self.flow_enabled(flow.value)]

from django import forms

from connectors.mirakl.limiter import call_limit_operation
from integration_hub.models import CarrierMapping, Integration, MarketplaceCarrier


class CarrierMappingForm(forms.Form):
    """Map a source carrier (and optionally one service) to an approved marketplace carrier."""

    integration = forms.ModelChoiceField(queryset=Integration.objects.all())
    source_carrier = forms.CharField(max_length=100, help_text="As the source system names it.")
    source_service = forms.CharField(
        max_length=100, required=False, help_text="Leave empty to map every service of the carrier."
    )
    carrier = forms.ModelChoiceField(
        queryset=MarketplaceCarrier.objects.filter(active=True).select_related("integration"),
        label="Marketplace carrier",
        help_text="Only carriers the marketplace approved (SH21) are offered.",
    )

    def __init__(self, *args, mapping: CarrierMapping | None = None, **kwargs) -> None:
        if mapping is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "integration": mapping.integration_id,
                "source_carrier": mapping.source_carrier,
                "source_service": mapping.source_service,
                "carrier": mapping.carrier_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["carrier"].label_from_instance = lambda c: (
            f"{c.label} ({c.code}) · {c.integration}"
        )

    def clean(self):
        data = super().clean()
        integration, carrier = data.get("integration"), data.get("carrier")
        if integration and carrier and carrier.integration_id != integration.pk:
            self.add_error("carrier", "That carrier belongs to another integration's marketplace.")
        return data


class ProductMappingForm(forms.Form):
    """The SKU map's editable part: offer SKU and buffer (checked again by the service)."""

    offer_sku = forms.CharField(
        label="Offer SKU",
        max_length=100,
        required=False,
        help_text="The SKU of the offer on the marketplace; empty = the source SKU.",
    )
    buffer_override = forms.IntegerField(
        label="Buffer",
        required=False,
        min_value=0,
        max_value=100_000,
        help_text="Units held back from the marketplace; empty = the integration's default.",
        error_messages={
            "min_value": "The buffer cannot be negative; leave it empty for the default."
        },
    )


class MappingUploadForm(forms.Form):
    """A .xlsx or .csv file of mappings for one integration (imported all-or-nothing)."""

    integration = forms.ModelChoiceField(queryset=Integration.objects.all())
    file = forms.FileField(
        label="File (.xlsx or .csv)",
        help_text="Download the current mappings first, edit them and upload the file back.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(f"{upload.name} is not a .xlsx or .csv file.")
        return upload


INTEGRATION_FIELDS = [
    "name",
    "source_kind",
    "source_url",
    "marketplace_url",
    "shop_id",
    "default_buffer",
    "call_limit_mode",
    "mirakl_call_limits",
    "products_enabled",
    "stock_enabled",
    "prices_enabled",
    "orders_enabled",
    "dispatch_enabled",
    "settlements_enabled",
    "returns_enabled",
    "catalogue_enabled",
    "offer_state",
    "offer_leadtime_to_ship",
    "paused",
    "auto_accept",
    "short_stock_policy",
    "acceptance_window_hours",
    "order_not_injected_minutes",
    "stock_stale_minutes",
    "shipped_not_confirmed_minutes",
]


class CallLimitsField(forms.CharField):
    """``OP = CALLS/WINDOW`` per line (``OR11 = 1/15m``) <-> ``{"OR11": "1/15m"}``; each rule
    must tighten the spec's maximum (checked by the limiter's parser, errors name the line)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{op} = {rule}" for op, rule in value.items())
        return value

    def to_python(self, value) -> dict[str, str]:
        if isinstance(value, dict):
            return value
        limits: dict[str, str] = {}
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            op, sep, rule = line.partition("=")
            if not sep or not op.strip() or not rule.strip():
                raise forms.ValidationError(f"{line.strip()!r}: write OPERATION = CALLS/WINDOW")
            limits[call_limit_operation(op)] = rule.strip()
        return limits

    def validate(self, value: dict[str, str]) -> None:
        from connectors.mirakl.limiter import call_limits_parse

        try:
            call_limits_parse(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SecretTextarea(forms.Textarea):
    """A textarea that never renders a value back, not even the one just typed (the page after a
    form error would otherwise show the secrets in its source)."""

    def format_value(self, value):
        return None


class IntegrationForm(forms.ModelForm):
    """Create or edit an integration. Credentials are write-only: the fields are never filled
    in from the stored values, and leaving them empty keeps what is stored."""

    marketplace_api_key = forms.CharField(
        label="Marketplace API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="From the JL Marketplace back office. Leave empty to keep the stored key.",
    )
    source_credentials_text = forms.CharField(
        label="Source credentials",
        required=False,
        widget=SecretTextarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text="One KEY=VALUE per line (e.g. access_token=..., webhook_secret=...). "
        "Keys you enter replace the stored ones; keys you leave out are kept.",
    )

    mirakl_call_limits = CallLimitsField(
        label="Stricter call limits",
        required=False,
        help_text="Optional, one per line: OPERATION = CALLS/WINDOW, e.g. OR11 = 1/15m or "
        "TL02 = 10/1m, 30/1h. Only stricter than Mirakl's maximum; the External Partner mode "
        "already sets OR11 = 1/15m.",
    )

    offer_state = forms.CharField(
        label="Offer condition",
        max_length=20,
        required=False,
        help_text="The offer state code OF01 sends (11 = new). Empty: 11.",
    )

    class Meta:
        model = Integration
        fields = INTEGRATION_FIELDS

    def clean_offer_state(self) -> str:
        return self.cleaned_data.get("offer_state") or "11"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.creating = self.instance.pk is None
        # as stored, before the form's values land on the instance
        self.stored_urls = {f: getattr(self.instance, f) for f in ("source_url", "marketplace_url")}
        if not self.creating:  # the name is in webhook URLs and schedules: fixed once created
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "Fixed once the integration exists."
        else:
            self.fields["marketplace_api_key"].help_text = "From the JL Marketplace back office."

    def clean_source_url(self) -> str:
        return self.cleaned_data["source_url"].rstrip("/")

    def clean_marketplace_url(self) -> str:
        return self.cleaned_data["marketplace_url"].rstrip("/")

    def clean_marketplace_api_key(self) -> str:
        key = self.cleaned_data["marketplace_api_key"]
        if self.creating and not key:
            raise forms.ValidationError("Enter the marketplace API key.")
        return key

    def clean_source_credentials_text(self) -> dict[str, str]:
        from django.core.exceptions import ValidationError

        from integration_hub.services.integrations import _credentials_parse

        lines = [line.strip() for line in self.cleaned_data["source_credentials_text"].splitlines()]
        try:
            return _credentials_parse([line for line in lines if line])
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["source_credentials"]) from None

    def _url_changed(self, field: str) -> bool:
        return not self.creating and self.cleaned_data.get(field) != self.stored_urls[field]

    def clean(self):
        """A stored secret is only sent to the address it was given for: a new URL needs its
        system's secrets typed again (Integration.save drops the stored ones)."""
        cleaned = super().clean()
        if self._url_changed("marketplace_url") and not cleaned.get("marketplace_api_key"):
            self.add_error(
                "marketplace_api_key",
                "The marketplace URL changed: enter the API key again. A stored key is only "
                "sent to the address it was given for.",
            )
        if (
            self._url_changed("source_url")
            and self.instance.source_credentials
            and not cleaned.get("source_credentials_text")
        ):
            self.add_error(
                "source_credentials_text",
                "The source URL changed: enter the source credentials again. Stored ones are "
                "only sent to the address they were given for.",
            )
        return cleaned

    def credentials_apply(self, integration: Integration) -> None:
        """Put newly entered secrets on ``integration``, keeping stored ones not re-entered
        (unless the system's URL changed: then only the ones entered now are kept)."""
        if self.cleaned_data.get("marketplace_api_key"):
            kept = (
                {} if self._url_changed("marketplace_url") else integration.marketplace_credentials
            )
            integration.marketplace_credentials = {
                **kept,
                "api_key": self.cleaned_data["marketplace_api_key"],
            }
        if self.cleaned_data.get("source_credentials_text"):
            kept = {} if self._url_changed("source_url") else integration.source_credentials
            integration.source_credentials = {
                **kept,
                **self.cleaned_data["source_credentials_text"],
            }

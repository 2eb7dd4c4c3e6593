from django import forms

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

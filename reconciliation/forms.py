from django import forms

from integration_hub.models import Integration

REASON_HELP = "Required: what you checked and why this is right (kept in the audit trail)."


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        min_length=3,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )


class LineMatchForm(forms.Form):
    order_number = forms.CharField(
        label="Customer order number or Mirakl order id", max_length=64, strip=True
    )
    reason = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UndoForm(forms.Form):
    reason = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettlementImportForm(forms.Form):
    integration = forms.ModelChoiceField(queryset=Integration.objects.all())
    file = forms.FileField(help_text="A .csv or .xlsx settlement report (see the columns below).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(f"{upload.name}: use a .csv or .xlsx file")
        return upload

"""The two forms of the order panel: refund shipped lines, cancel unshipped lines."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from integration_hub.models import Order, OrderLine
from returns.flows.common import reason_choices


def _reason_field(order: Order, reason_type: str) -> forms.ChoiceField:
    choices = reason_choices(order.integration, reason_type)
    return forms.ChoiceField(
        choices=[("", "Choose a reason")] + choices,
        label="Reason",
        help_text=""
        if choices
        else "The marketplace reasons (RE01) are read by the next returns pass.",
    )


class RefundForm(forms.Form):
    """Quantities (and optionally a smaller amount) per shipped line, plus shipping."""

    shipping = forms.DecimalField(
        min_value=Decimal("0"), decimal_places=2, required=False, initial=Decimal("0")
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, order: Order, lines: list[OrderLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        self.fields["reason"] = _reason_field(order, "REFUND")
        for line in lines:
            self.fields[f"qty-{line.pk}"] = forms.IntegerField(
                min_value=0, max_value=line.quantity, required=False, initial=0
            )
            self.fields[f"amount-{line.pk}"] = forms.DecimalField(
                min_value=Decimal("0"), decimal_places=2, required=False
            )

    def quantities(self) -> dict[OrderLine, int]:
        data = self.cleaned_data
        picked = {line: data.get(f"qty-{line.pk}") or 0 for line in self.lines}
        amounts = self.amounts()
        return {line: q for line, q in picked.items() if q or line in amounts}

    def amounts(self) -> dict[OrderLine, Decimal]:
        data = self.cleaned_data
        return {
            line: data[f"amount-{line.pk}"]
            for line in self.lines
            if data.get(f"amount-{line.pk}") is not None
        }


class CancelForm(forms.Form):
    """Quantities per line not shipped yet."""

    def __init__(self, *args, order: Order, lines: list[OrderLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        self.fields["reason"] = _reason_field(order, "CANCELATION")
        for line in lines:
            self.fields[f"qty-{line.pk}"] = forms.IntegerField(
                min_value=0, max_value=line.quantity, required=False, initial=0
            )

    def quantities(self) -> dict[OrderLine, int]:
        data = self.cleaned_data
        return {line: data.get(f"qty-{line.pk}") or 0 for line in self.lines}

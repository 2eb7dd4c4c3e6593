import django_filters
from django.db.models import Q

from integration_hub.models import Integration
from returns.models import Return, ReturnStep, Work


class ReturnFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Order number, RMA, return id")
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    step = django_filters.ChoiceFilter(choices=ReturnStep.choices, label="Step")
    work = django_filters.ChoiceFilter(choices=Work.choices, label="Hub work")

    class Meta:
        model = Return
        fields = ["q", "integration", "step", "work"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(commercial_id__iexact=value)
            | Q(marketplace_order_id__iexact=value)
            | Q(rma__iexact=value)
            | Q(marketplace_return_id__iexact=value)
        )

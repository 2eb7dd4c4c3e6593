import django_filters
from django.db.models import Q

from integration_hub.models import HubStatus, Integration, Order


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Order number, Mirakl id, tracking")
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    hub_status = django_filters.ChoiceFilter(choices=HubStatus.choices, label="Hub status")
    marketplace_state = django_filters.CharFilter(label="Marketplace state")

    class Meta:
        model = Order
        fields = ["q", "integration", "hub_status", "marketplace_state"]

    def search(self, queryset, name, value):
        """Exact identifiers only, so every branch uses an index (no LIKE '%x%' scans)."""
        value = value.strip()
        return queryset.filter(
            Q(commercial_id=value)
            | Q(marketplace_order_id=value)
            | Q(source_order_id=value)
            | Q(source_order_number=value)
            | Q(tracking_number=value)
        )

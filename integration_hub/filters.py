import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone

from integration_hub.models import HubStatus, Integration, Order, Product, Validation


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Order number, Mirakl id, tracking")
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    hub_status = django_filters.ChoiceFilter(choices=HubStatus.choices, label="Hub status")
    marketplace_state = django_filters.CharFilter(label="Marketplace state")
    deadline = django_filters.ChoiceFilter(
        choices=[
            ("accept_soon", "To accept within 4 hours"),
            ("ship_soon", "To ship within 12 hours"),
            ("overdue", "Past a deadline"),
        ],
        method="deadline_risk",
        label="Deadline risk",
    )

    class Meta:
        model = Order
        fields = ["q", "integration", "hub_status", "marketplace_state", "deadline"]

    def deadline_risk(self, queryset, name, value):
        now = timezone.now()
        undecided = Q(hub_status__in=[HubStatus.NEW, HubStatus.HELD])
        unshipped = Q(hub_status__in=[HubStatus.ACCEPTED, HubStatus.TO_INJECT, HubStatus.INJECTED])
        if value == "accept_soon":
            return queryset.filter(undecided, acceptance_deadline__lte=now + dt.timedelta(hours=4))
        if value == "ship_soon":
            return queryset.filter(unshipped, shipping_deadline__lte=now + dt.timedelta(hours=12))
        return queryset.filter(
            (undecided & Q(acceptance_deadline__lt=now))
            | (unshipped & Q(shipping_deadline__lt=now))
        )

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


class ProductFilter(django_filters.FilterSet):
    """The SKU map's filters; the text box matches a SKU, offer SKU or EAN exactly (indexed)."""

    q = django_filters.CharFilter(method="search", label="SKU, offer SKU or EAN")
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    validation_status = django_filters.ChoiceFilter(choices=Validation.choices, label="Validation")
    drift = django_filters.BooleanFilter(
        field_name="drift_found_at", lookup_expr="isnull", exclude=True, label="Drift found"
    )
    buffer_set = django_filters.BooleanFilter(
        field_name="buffer_override", lookup_expr="isnull", exclude=True, label="Own buffer set"
    )

    class Meta:
        model = Product
        fields = ["q", "integration", "validation_status", "drift", "buffer_set"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(sku=value) | Q(offer_sku=value) | Q(ean=value))

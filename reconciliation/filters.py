import django_filters

from integration_hub.models import Integration
from reconciliation.models import LineStatus, OrderStatus, Payout, PayoutStatus


class PayoutFilter(django_filters.FilterSet):
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    status = django_filters.ChoiceFilter(choices=PayoutStatus.choices)
    cycle_id = django_filters.CharFilter(label="Billing cycle")

    class Meta:
        model = Payout
        fields = ["integration", "status", "cycle_id"]


class QueueFilter(django_filters.FilterSet):
    """For both queue tables: the integration (a FilterSet without a model cannot name the
    field by itself: django-filter would label it "[invalid name]")."""

    integration = django_filters.ModelChoiceFilter(
        queryset=Integration.objects.all(), label="Integration"
    )


ORDER_QUEUE_STATUSES = [(s.value, s.label) for s in (OrderStatus.VARIANCE, OrderStatus.UNSETTLED)]
LINE_QUEUE_STATUSES = [(s.value, s.label) for s in (LineStatus.UNMATCHED, LineStatus.UNKNOWN)]

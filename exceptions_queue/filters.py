"""The exceptions list's filters: kind, owner, status, integration, age and due soon."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from exceptions_queue.kinds import KINDS, OWNERS
from exceptions_queue.models import ACTIVE_STATUSES, ExceptionItem, Status
from integration_hub.models import Integration

ACTIVE = "active"
STATUS_CHOICES = [(ACTIVE, "Open or retrying"), *Status.choices]
AGE_CHOICES = [("1h", "Older than 1 hour"), ("4h", "Older than 4 hours"),
               ("24h", "Older than 1 day"), ("7d", "Older than 7 days")]  # fmt: skip
DUE_CHOICES = [("overdue", "Overdue"), ("1h", "Due within 1 hour"),
               ("4h", "Due within 4 hours"), ("24h", "Due within 1 day")]  # fmt: skip
SPANS = {"1h": dt.timedelta(hours=1), "4h": dt.timedelta(hours=4),
         "24h": dt.timedelta(days=1), "7d": dt.timedelta(days=7)}  # fmt: skip


class ExceptionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=sorted(((code, kind.title) for code, kind in KINDS.items()), key=lambda c: c[1])
    )
    owner = django_filters.ChoiceFilter(choices=list(OWNERS.items()), label="Owner team")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label="Any status"
    )
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label="Age")
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label="Due")

    class Meta:
        model = ExceptionItem
        fields = ["kind", "owner", "status", "integration", "age", "due"]

    def __init__(self, data=None, *args, **kwargs) -> None:
        # With no status in the query, show what needs work (the link from the menu).
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = ACTIVE
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(first_seen__lt=timezone.now() - SPANS[value])

    def filter_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_by__lt=now)
        return queryset.filter(due_by__lte=now + SPANS[value])

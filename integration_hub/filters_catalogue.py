"""The Listings screen's filters (issue 21)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from integration_hub.models import Integration, ListingStatus, MarketplaceCategory, Product

NO_CATEGORY = "-"


def category_choices() -> list[tuple[str, str]]:
    """Every pulled marketplace category, and "no category yet"."""
    seen: dict[str, str] = {}
    for code, label in MarketplaceCategory.objects.order_by("code").values_list("code", "label"):
        seen.setdefault(code, f"{code} · {label}" if label else code)
    return [(NO_CATEGORY, "(no category yet)"), *seen.items()]


class ListingFilter(django_filters.FilterSet):
    """The text box matches a SKU or EAN exactly, or a part of the title."""

    q = django_filters.CharFilter(method="search", label="SKU, EAN or title")
    integration = django_filters.ModelChoiceFilter(queryset=Integration.objects.all())
    listing_status = django_filters.ChoiceFilter(choices=ListingStatus.choices, label="Status")
    listing_category = django_filters.ChoiceFilter(
        choices=category_choices, method="category", label="Category"
    )

    class Meta:
        model = Product
        fields = ["q", "integration", "listing_status", "listing_category"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(sku=value) | Q(ean=value) | Q(title__icontains=value))

    def category(self, queryset, name, value):
        return queryset.filter(listing_category="" if value == NO_CATEGORY else value)

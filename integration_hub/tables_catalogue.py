"""The Listings table (issue 21): one row per SKU and why it is or is not live."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from integration_hub.flows.listing_build import INVALID, MISSING, REJECTED
from integration_hub.models import ListingStatus, Product
from integration_hub.tables import WhenColumn

STATUS_BADGES = {
    ListingStatus.LIVE: "badge-ok",
    ListingStatus.INTEGRATED: "badge-ok",
    ListingStatus.INCOMPLETE: "badge-bad",
    ListingStatus.REJECTED: "badge-bad",
    ListingStatus.READY: "badge-warn",
    ListingStatus.SUBMITTED: "badge-warn",
}
ERROR_KINDS = (INVALID, REJECTED)


def missing_codes(product: Product) -> list[str]:
    return [p["attribute"] for p in product.listing_problems or [] if p["kind"] == MISSING]


def error_messages(product: Product) -> list[str]:
    return [p["message"] for p in product.listing_problems or [] if p["kind"] in ERROR_KINDS]


def status_badge(status: str) -> str:
    label = ListingStatus(status).label if status in ListingStatus.values else status
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), label)


class ListingTable(tables.Table):
    sku = tables.Column(verbose_name="SKU")
    integration = tables.Column(accessor="integration__name", verbose_name="Integration")
    title = tables.Column()
    listing_status = tables.Column(verbose_name="Status")
    listing_category = tables.Column(verbose_name="Category")
    missing = tables.Column(
        verbose_name="Missing", accessor="listing_problems", orderable=False, empty_values=()
    )
    errors = tables.Column(
        verbose_name="Errors", accessor="listing_problems", orderable=False, empty_values=()
    )
    listing_checked_at = WhenColumn(verbose_name="Last change")

    class Meta:
        model = Product
        fields = (
            "sku",
            "integration",
            "title",
            "listing_status",
            "listing_category",
            "missing",
            "errors",
            "listing_checked_at",
        )
        attrs = {"class": "table", "id": "listings-table"}
        empty_text = (
            "No SKUs match. Clear the filters; listings are built once the catalogue flow has "
            "pulled the marketplace's categories."
        )

    def render_sku(self, record: Product) -> str:
        url = reverse("sku-detail", args=[record.pk])
        return format_html('<a href="{}#listing">{}</a>', url, record.sku)

    def value_sku(self, record: Product) -> str:
        return record.sku

    def render_listing_status(self, record: Product) -> str:
        return status_badge(record.listing_status)

    def value_listing_status(self, record: Product) -> str:
        return record.listing_status

    def render_missing(self, record: Product) -> str:
        codes = missing_codes(record)
        return format_html_join(", ", "<code>{}</code>", ((c,) for c in codes)) if codes else ""

    def value_missing(self, record: Product) -> str:
        return ", ".join(missing_codes(record))

    def render_errors(self, record: Product) -> str:
        problems = error_messages(record)
        if not problems:
            return ""
        items = format_html_join("", "<li>{}</li>", ((m,) for m in problems))
        return format_html('<ul class="plain">{}</ul>', items)

    def value_errors(self, record: Product) -> str:
        return "; ".join(error_messages(record))

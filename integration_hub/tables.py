"""Tables for the list screens (django-tables2) and their "Export to Excel" download."""

from __future__ import annotations

import io
from decimal import Decimal

import django_tables2 as tables
import openpyxl
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from integration_hub.models import Order, Product
from integration_hub.tabular import cell_safe
from integration_hub.templatetags.hub import money, when

EXPORT_PARAM = "_export"
EXPORT_MAX_ROWS = 50_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WhenColumn(tables.Column):
    """A datetime shown in the hub's time zone with the zone's name."""

    def render(self, value) -> str:
        return when(value)

    def value(self, value) -> str:
        return when(value) if value else ""


class OrderTable(tables.Table):
    commercial_id = tables.LinkColumn(
        "order-detail", args=[tables.A("pk")], verbose_name="Customer order no."
    )
    marketplace_order_id = tables.Column(verbose_name="Mirakl order")
    integration = tables.Column(accessor="integration__name")
    total_price = tables.Column(verbose_name="Total", order_by="total_price")
    acceptance_deadline = WhenColumn(verbose_name="Accept by")
    shipping_deadline = WhenColumn(verbose_name="Ship by")

    class Meta:
        model = Order
        fields = (
            "commercial_id",
            "marketplace_order_id",
            "integration",
            "marketplace_state",
            "hub_status",
            "total_price",
            "acceptance_deadline",
            "shipping_deadline",
            "tracking_number",
        )
        attrs = {"class": "table", "id": "orders-table"}
        empty_text = (
            "No orders match. Clear the filters; new orders appear once the orders flow pulls "
            "them from the marketplace."
        )

    def render_total_price(self, record: Order) -> str:
        return money(record.total_price, record.currency)

    def value_total_price(self, record: Order):
        return record.total_price


class ProductTable(tables.Table):
    """The SKU map (issue 5): one row per source SKU and what the marketplace shows."""

    sku = tables.LinkColumn("sku-detail", args=[tables.A("pk")], verbose_name="SKU")
    offer_sku = tables.Column(verbose_name="Offer SKU")
    ean = tables.Column(verbose_name="EAN")
    title = tables.Column()
    price = tables.Column()
    last_source_qty = tables.Column(verbose_name="Source qty")
    buffer = tables.Column(
        verbose_name="Buffer",
        accessor="buffer_override",
        order_by="buffer_override",
        empty_values=(),  # an empty override shows the integration's default
    )
    last_pushed_qty = tables.Column(verbose_name="Pushed qty")
    last_pushed_at = WhenColumn(verbose_name="Pushed at")
    last_pushed_price = tables.Column(verbose_name="Pushed price")
    marketplace_qty = tables.Column(verbose_name="Marketplace qty")
    validation_status = tables.Column(verbose_name="Validation")
    drift_found_at = WhenColumn(verbose_name="Drift since")

    class Meta:
        model = Product
        fields = (
            "sku",
            "offer_sku",
            "ean",
            "title",
            "price",
            "last_source_qty",
            "buffer",
            "last_pushed_qty",
            "last_pushed_at",
            "last_pushed_price",
            "marketplace_qty",
            "validation_status",
            "drift_found_at",
        )
        attrs = {"class": "table", "id": "skus-table"}
        empty_text = (
            "No SKUs match. Clear the filters; the SKU map fills from the source catalogue on the "
            "next products pass."
        )

    def render_price(self, record: Product) -> str:
        return money(record.price, record.currency)

    def render_last_pushed_price(self, record: Product) -> str:
        return money(record.last_pushed_price, record.currency)

    def render_buffer(self, record: Product) -> str:
        if record.buffer_override is None:
            return f"{record.integration.default_buffer} (default)"
        return str(record.buffer_override)

    def value_buffer(self, record: Product) -> int:
        return record.buffer

    def render_validation_status(self, record: Product):
        if record.validation_status == "valid":
            return mark_safe('<span class="badge badge-ok">valid</span>')  # noqa: S308 - constant
        return mark_safe('<span class="badge badge-bad">invalid</span>')  # noqa: S308 - constant

    def value_validation_status(self, record: Product) -> str:
        return record.validation_status


def table_export_requested(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_PARAM) == "xlsx"


def table_xlsx_response(table: tables.Table, name: str) -> HttpResponse:
    """The whole (filtered, sorted) table as an .xlsx download; formulas are escaped."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    for number, row in enumerate(table.as_values()):
        if number > EXPORT_MAX_ROWS:
            break
        sheet.append([cell_safe(_plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, str, Decimal)):
        return value
    return str(value)

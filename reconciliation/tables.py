import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from integration_hub.templatetags.hub import money
from reconciliation.models import OrderReconciliation, Payout, TransactionLine

STATUS_BADGES = {
    "matched": "badge-ok",
    "variance": "badge-bad",
    "unsettled": "badge-warn",
    "unmatched": "badge-bad",
    "unknown": "badge-warn",
    "written_off": "",
    "open": "",
}


def badge(status: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), label)


class MoneyColumn(tables.Column):
    """An amount in the row's currency ("£12.50", "−£0.60")."""

    def __init__(self, *args, currency_accessor: str = "currency", **kwargs) -> None:
        self.currency_accessor = currency_accessor
        kwargs.setdefault("attrs", {"td": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        currency = getattr(record, self.currency_accessor, None)
        if isinstance(record, dict):
            currency = record.get(self.currency_accessor)
        return money(value, currency or "GBP")


class PayoutTable(tables.Table):
    cycle_id = tables.LinkColumn(
        "payout-detail", args=[tables.A("pk")], verbose_name="Billing cycle"
    )
    integration = tables.Column(accessor="integration__name")
    date_created = tables.DateTimeColumn(verbose_name="Date", format="j M Y")
    amount_to_seller = MoneyColumn(verbose_name="Transferred")
    lines_total = MoneyColumn(verbose_name="Sum of lines")
    variance = MoneyColumn()
    status = tables.Column()
    open_items = tables.Column(verbose_name="Open items")

    class Meta:
        model = Payout
        fields = ("cycle_id", "integration", "date_created", "pay_out_state", "amount_to_seller",
                  "lines_total", "variance", "status", "open_items")  # fmt: skip
        attrs = {"class": "table"}
        empty_text = (
            "No payouts yet. They appear after the settlements pass reads the marketplace's "
            "billing cycles, or after you import a settlement file."
        )

    def render_status(self, record, value):
        return badge(record.status, value)


class OrderReconciliationTable(tables.Table):
    order = tables.LinkColumn(
        "reconcile-order", args=[tables.A("order_id")], accessor="order__commercial_id",
        verbose_name="Customer order no.",
    )  # fmt: skip
    marketplace_order_id = tables.Column(
        accessor="order__marketplace_order_id", verbose_name="Order ID"
    )
    expected_net = MoneyColumn(verbose_name="Expected net")
    settled_net = MoneyColumn(verbose_name="Settled net")
    variance = MoneyColumn()
    status = tables.Column()

    class Meta:
        model = OrderReconciliation
        fields = (
            "order",
            "marketplace_order_id",
            "expected_net",
            "settled_net",
            "variance",
            "status",
        )
        attrs = {"class": "table"}
        empty_text = "No orders here."

    def render_status(self, record, value):
        return badge(record.status, value)


class TransactionLineTable(tables.Table):
    line_id = tables.Column(verbose_name="Transaction")
    date_created = tables.DateTimeColumn(verbose_name="Date", format="j M Y H:i")
    amount = MoneyColumn()
    order = tables.Column(accessor="commercial_id", verbose_name="Order", default="—")
    match_status = tables.Column(verbose_name="Status")

    class Meta:
        model = TransactionLine
        fields = ("line_id", "date_created", "type", "amount", "payment_state", "billing_cycle_id",
                  "order", "match_status")  # fmt: skip
        attrs = {"class": "table"}
        empty_text = "No transaction lines here."

    def render_match_status(self, record, value):
        return badge(record.match_status, value)

    def render_order(self, record, value):
        if record.order_id:
            url = reverse("reconcile-order", args=[record.order_id])
            return format_html('<a href="{}">{}</a>', url, value or record.order_id)
        return value or record.marketplace_order_id or "—"


class MarginOrderTable(tables.Table):
    order = tables.LinkColumn(
        "reconcile-order", args=[tables.A("order_id")], accessor="order__commercial_id",
        verbose_name="Customer order no.",
    )  # fmt: skip
    placed = tables.DateTimeColumn(accessor="order__marketplace_created_at", format="j M Y")
    gross = MoneyColumn()
    settled_commission = MoneyColumn(verbose_name="Commission")
    settled_commission_vat = MoneyColumn(verbose_name="VAT on commission")
    settled_refunds = MoneyColumn(verbose_name="Refunds")
    settled_other = MoneyColumn(verbose_name="Other fees")
    settled_net = MoneyColumn(verbose_name="Net")

    class Meta:
        model = OrderReconciliation
        fields = ("order", "placed", "gross", "settled_commission", "settled_commission_vat",
                  "settled_refunds", "settled_other", "settled_net")  # fmt: skip
        attrs = {"class": "table"}
        empty_text = "No settled orders yet."


class MarginGroupTable(tables.Table):
    gross = MoneyColumn()
    commission = MoneyColumn()
    commission_vat = MoneyColumn(verbose_name="VAT on commission")
    refunds = MoneyColumn()
    net = MoneyColumn()

    class Meta:
        attrs = {"class": "table"}
        empty_text = "Nothing settled yet."


class MarginSkuTable(MarginGroupTable):
    sku = tables.Column(verbose_name="SKU")

    class Meta(MarginGroupTable.Meta):
        sequence = ("sku", "...")


class MarginMonthTable(MarginGroupTable):
    month = tables.DateColumn(format="F Y")

    class Meta(MarginGroupTable.Meta):
        sequence = ("month", "...")

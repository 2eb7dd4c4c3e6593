import django_tables2 as tables

from integration_hub.models import Order


class OrderTable(tables.Table):
    commercial_id = tables.LinkColumn(
        "order-detail", args=[tables.A("pk")], verbose_name="Customer order no."
    )
    marketplace_order_id = tables.Column(verbose_name="Mirakl order")
    integration = tables.Column(accessor="integration__name")
    total_price = tables.TemplateColumn(
        "{{ record.currency }} {{ record.total_price }}",
        verbose_name="Total",
        order_by="total_price",
    )

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
        attrs = {"class": "table"}
        empty_text = (
            "No orders yet. Orders appear here once the orders flow pulls them "
            "from the marketplace."
        )

import django_tables2 as tables

from returns.models import Return


class ReturnTable(tables.Table):
    rma = tables.Column(verbose_name="RMA")
    commercial_id = tables.TemplateColumn(
        "{% if record.order_id %}<a href=\"{% url 'order-detail' record.order_id %}\">"
        "{{ record.commercial_id }}</a>{% else %}{{ record.commercial_id }}{% endif %}",
        verbose_name="Customer order no.",
    )
    integration = tables.Column(accessor="integration__name")
    items = tables.TemplateColumn(
        "{% for line in record.lines.all %}{{ line.quantity }} x {{ line.offer_sku|default:'?' }}"
        "{% if line.received_quantity is not None %} ({{ line.received_quantity }} back, "
        "{{ line.sellable_quantity|default_if_none:'?' }} sellable){% endif %}"
        "{% if not forloop.last %}, {% endif %}{% endfor %}",
        verbose_name="Items",
        orderable=False,
    )

    class Meta:
        model = Return
        fields = (
            "rma",
            "commercial_id",
            "integration",
            "marketplace_state",
            "step",
            "work",
            "items",
            "reason_code",
            "source_return_name",
            "marketplace_created_at",
        )
        attrs = {"class": "table"}
        empty_text = (
            "No returns yet. Returns appear here once the returns pass reads them from the "
            "marketplace (RT11)."
        )

import django_tables2 as tables
from django.utils.html import format_html

from exceptions_queue.models import ExceptionItem

SEVERITY_BADGES = {"critical": "badge-bad", "high": "badge-warn"}


class ExceptionTable(tables.Table):
    ids = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"aria-label": "Select all", "class": "select-all"},
            "td__input": {"aria-label": lambda record: f"Select #{record.pk}"},
        },
        orderable=False,
    )
    id = tables.LinkColumn("exception-detail", args=[tables.A("pk")], verbose_name="#")
    kind = tables.Column(verbose_name="Kind")
    severity = tables.Column()
    integration = tables.Column(accessor="integration__name", verbose_name="Integration")
    subject = tables.Column(accessor="subject_id", verbose_name="Subject")
    message = tables.Column(orderable=False)
    occurrences = tables.Column(verbose_name="Times")
    first_seen = tables.TemplateColumn(
        "{{ record.first_seen|timesince }}", verbose_name="Age", order_by="first_seen"
    )
    due_by = tables.DateTimeColumn(verbose_name="Due", format="j M H:i")
    assignee = tables.Column(accessor="assignee__username", default="—", verbose_name="Assigned to")

    class Meta:
        model = ExceptionItem
        fields = ("ids", "id", "kind", "owner", "severity", "integration", "subject", "message",
                  "occurrences", "first_seen", "due_by", "status", "assignee")  # fmt: skip
        attrs = {"class": "table"}
        empty_text = "No exceptions match. When a flow cannot finish something, it appears here."

    def render_severity(self, record: ExceptionItem, value: str) -> str:
        css = SEVERITY_BADGES.get(record.severity, "")
        return format_html('<span class="badge {}">{}</span>', css, value)

    def render_subject(self, record: ExceptionItem) -> str:
        return f"{record.get_subject_type_display()} {record.subject_id}"

    def render_message(self, value: str) -> str:
        return value if len(value) <= 140 else value[:139] + "…"

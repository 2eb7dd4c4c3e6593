from django.conf import settings
from django.db import models
from django.db.models import Q

from exceptions_queue.kinds import KINDS, OWNERS, SEVERITIES


class Status(models.TextChoices):
    OPEN = "open", "Open"
    RETRYING = "retrying", "Retrying"
    RESOLVED = "resolved", "Resolved"
    IGNORED = "ignored", "Ignored"


ACTIVE_STATUSES = [Status.OPEN, Status.RETRYING]
# An ignored item still absorbs repeats of its problem; only a resolved one lets a new item open.
DEDUPE_STATUSES = [Status.OPEN, Status.RETRYING, Status.IGNORED]


class SubjectType(models.TextChoices):
    ORDER = "order", "Marketplace order"
    SKU = "sku", "SKU"
    LISTING = "listing", "Listing of SKU"
    DISPATCH = "dispatch", "Dispatch"
    TRANSACTION_LINE = "transaction_line", "Transaction line"
    PAYOUT = "payout", "Payout"
    RETURN = "return", "Return"
    INTEGRATION = "integration", "Integration"


class ExceptionItem(models.Model):
    """One problem a person must act on, bound to one business object (the subject).

    The fingerprint (integration + kind + subject) keeps one live item (open, retrying or
    ignored) per problem: a repeat bumps ``occurrences`` instead of adding a row.
    """

    integration = models.ForeignKey(
        "integration_hub.Integration", on_delete=models.CASCADE, related_name="exceptions"
    )
    kind = models.CharField(max_length=40, choices=[(k, v.title) for k, v in KINDS.items()])
    owner = models.CharField(max_length=20, choices=list(OWNERS.items()))
    severity = models.CharField(max_length=10, choices=list(SEVERITIES.items()))
    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_id = models.CharField(max_length=200)
    order = models.ForeignKey(
        "integration_hub.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exceptions",
    )
    fingerprint = models.CharField(max_length=64, db_index=True)
    message = models.TextField()
    detail = models.TextField(blank=True, help_text="Technical detail, secrets stripped.")
    payload = models.JSONField(default=dict, blank=True, help_text="What a retry needs.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    occurrences = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    due_by = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_by", "-last_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=DEDUPE_STATUSES),
                name="exceptionitem_one_live_per_fingerprint",
            )
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="exception_status_kind_idx"),
            models.Index(fields=["status", "owner"], name="exception_status_owner_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="exception_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id} ({self.status})"

    @property
    def kind_info(self):
        return KINDS[self.kind]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ExceptionAction(models.Model):
    """The item's history: every occurrence, retry, resolution and note, with who and when."""

    class Action(models.TextChoices):
        RAISED = "raised", "Raised"
        REPEATED = "repeated", "Happened again"
        RETRY_STARTED = "retry_started", "Retry started"
        RETRY_SUCCEEDED = "retry_succeeded", "Retry succeeded"
        RETRY_FAILED = "retry_failed", "Retry failed"
        AUTO_RESOLVED = "auto_resolved", "Resolved by itself"
        RESOLVED = "resolved", "Resolved"
        IGNORED = "ignored", "Ignored"
        REOPENED = "reopened", "Reopened"
        ASSIGNED = "assigned", "Assigned"

    item = models.ForeignKey(ExceptionItem, on_delete=models.CASCADE, related_name="actions")
    at = models.DateTimeField()
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class AlertMessage(models.Model):
    """The alert outbox: one message owed for one item on one channel (email or webhook).

    ``key`` (item + channel + mode) is unique for ever, so an item is alerted at most once per
    channel and mode; the sender claims a row with a conditional UPDATE before sending it.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Chat webhook"

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        DIGEST = "digest", "Hourly digest"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    key = models.CharField(max_length=120, unique=True)
    item = models.ForeignKey(ExceptionItem, on_delete=models.CASCADE, related_name="alerts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    owner = models.CharField(max_length=20, choices=list(OWNERS.items()))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    not_before = models.DateTimeField()
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["not_before", "id"]
        indexes = [
            models.Index(fields=["state", "mode", "not_before"], name="alertmessage_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

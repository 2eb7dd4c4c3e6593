from django.db import models
from django.db.models import Q

from integration_hub.models.integration import Integration


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_FLIGHT = "in_flight", "In flight"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_JOB_STATUSES = [JobStatus.PENDING, JobStatus.IN_FLIGHT]


class OutboundJob(models.Model):
    """One call the hub owes a remote system (the outbox).

    Written in the same transaction as the state change that needs it; the relay claims due
    rows and runs the handler registered for ``kind``. ``identity_key`` is unique while the job
    is open, so the same work cannot be queued twice.
    """

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="outbound_jobs"
    )
    kind = models.CharField(max_length=40)
    identity_key = models.CharField(max_length=200)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    not_before = models.DateTimeField()
    in_flight_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["not_before", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "identity_key"],
                condition=Q(status__in=OPEN_JOB_STATUSES),
                name="outboundjob_unique_open_identity",
            )
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="outboundjob_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.identity_key} ({self.status})"

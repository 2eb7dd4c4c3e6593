from django.db import models

from integration_hub.models.integration import Integration


class SyncCursor(models.Model):
    """Where a flow got to in a remote system (a date, a token); advanced only after commit."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="cursors")
    name = models.CharField(max_length=64)
    value = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "name"], name="cursor_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.integration_id}:{self.name}={self.value}"


class RunOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Succeeded"
    PARTIAL = "partial", "Succeeded with item errors"
    FAILED = "failed", "Failed"


class SyncRun(models.Model):
    """One pass of one flow for one integration: when, how many, and how it ended."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="runs")
    flow = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=RunOutcome.choices, default=RunOutcome.RUNNING
    )
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["integration", "flow", "-started_at"], name="syncrun_flow_idx")
        ]

    def __str__(self) -> str:
        return f"{self.integration_id}:{self.flow}@{self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class WorkerHeartbeat(models.Model):
    """The worker writes its last beat here every minute; /healthz reads its age."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}@{self.beat_at:%H:%M:%S}"


class WebhookReceipt(models.Model):
    """A verified webhook the hub accepted; its id makes a redelivery a no-op."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    # The delivery id is a header no source signs: a captured delivery replayed under a new id
    # is still the same signed body, and this makes it a no-op too (issue 18).
    body_sha256 = models.CharField(max_length=64, null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "event_id"], name="webhookreceipt_unique_event"
            ),
            models.UniqueConstraint(
                fields=["integration", "body_sha256"], name="webhookreceipt_unique_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.integration_id}:{self.topic}:{self.event_id}"

from django.conf import settings
from django.db import models

from integration_hub.models.integration import Integration


class ConnectionCheck(models.Model):
    """One "test connection" an Admin asked for: A01 on the marketplace and the source's ping.

    The screen only creates the row and queues the work (no outbound HTTP in a web request);
    the worker fills in the outcome, which the integration page shows with when it ran.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        OK = "ok", "Both answered"
        FAILED = "failed", "Failed"

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="connection_checks"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    marketplace_ok = models.BooleanField(null=True)
    marketplace_message = models.CharField(max_length=500, blank=True)
    source_ok = models.BooleanField(null=True)
    source_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.integration_id} check {self.status}"

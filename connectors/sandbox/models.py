from typing import Self

from django.apps import apps
from django.db import models

from connectors.sandbox.webhooks import Timeout, webhook_post


class FaultKind(models.TextChoices):
    RATE_LIMIT = "429", "429 Too Many Requests with Retry-After"
    SERVER_ERROR = "500", "500 Internal Server Error"
    UNAVAILABLE = "503", "503 Service Unavailable"
    SLOW = "slow", "Slow response (delay, then the real answer)"
    MALFORMED = "malformed", "200 with a body that is not valid JSON"


class SandboxFault(models.Model):
    """A failure a sandbox injects into matching requests.

    ``path_contains`` matches a substring of the request path below the system's mount
    (empty = every path); ``method`` is an HTTP method or empty for all. ``remaining`` counts
    down per injected fault; null means forever. ``probability`` (0-1) makes it random.
    """

    system = models.CharField(max_length=20, db_index=True)
    method = models.CharField(max_length=10, blank=True)
    path_contains = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=FaultKind.choices)
    remaining = models.PositiveIntegerField(null=True, blank=True)
    probability = models.FloatField(default=1.0)
    retry_after = models.PositiveIntegerField(default=1, help_text="Seconds, for 429/503.")
    delay_seconds = models.FloatField(default=3.0, help_text="For slow responses.")
    injected = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        target = f"{self.method or '*'} *{self.path_contains}*"
        return f"{self.system}: {self.get_kind_display()} on {target}"


class SandboxClock(models.Model):
    """Per-system offset added to the real clock, so deadlines can be reached on demand."""

    system = models.CharField(max_length=20, primary_key=True)
    offset_seconds = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.system}: +{self.offset_seconds}s"


class ListedRow(models.Model):
    """A row the vendor's API lists in the order it was created (its id)."""

    class Meta:
        abstract = True
        ordering = ["id"]


class SandboxCredential(models.Model):
    """An API credential a sandbox issued: a name, the vendor's secret column (its name in
    ``secret_field``) and ``active``, so a revoked one is refused like an unknown one."""

    secret_field = "token"
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @classmethod
    def holder(cls, secret: str) -> Self | None:
        """The active credential with this secret; None for an empty or unknown one."""
        if not secret:
            return None
        return cls.objects.filter(**{cls.secret_field: secret, "active": True}).first()


class WebhookOutbox(models.Model):
    """A stored webhook delivery: the exact body sent and how its last POST went.

    The vendor's model adds its ids and ``response_status``; :meth:`signed_headers` is the
    signing hook (the stored ``headers`` by default).
    """

    body = models.TextField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def signed_headers(self) -> dict[str, str]:
        return dict(getattr(self, "headers", None) or {})

    def post(self, url: str, *, timeout: Timeout) -> int | None:
        """POST the stored body to ``url`` once and note the answer (the caller saves)."""
        self.response_status, self.error = webhook_post(
            url, self.body, self.signed_headers(), timeout=timeout
        )
        return self.response_status


def app_models_delete(app_label: str, *, keep: tuple[type[models.Model], ...] = ()) -> None:
    """Delete every row of the app's models but ``keep``, children first (an app declares its
    models parents first, so deleting in reverse never meets a PROTECT)."""
    for model in reversed(list(apps.get_app_config(app_label).get_models())):
        if model not in keep:
            model.objects.all().delete()

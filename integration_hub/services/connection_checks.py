"""The "test connection" button: A01 on the marketplace and the source's ping, in the worker.

The screen only records a ConnectionCheck and queues :func:`connection_check_run` (django-q2)
after the commit; no outbound HTTP happens inside the web request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from connectors.base import ConfigError, PermanentError, TransientError
from integration_hub.models import ConnectionCheck, Integration

TASK = "integration_hub.services.connection_checks.connection_check_run"


def connection_check_request(*, integration: Integration, user=None) -> ConnectionCheck:
    """Record the request and queue the check once the row is committed."""
    from django_q.tasks import async_task

    check = ConnectionCheck.objects.create(integration=integration, requested_by=user)
    transaction.on_commit(
        lambda: async_task(TASK, check.pk, task_name=f"connection check {check.pk}")
    )
    return check


def _outcome(error: Exception) -> str:
    """A person-readable reason; connector errors never carry credentials."""
    if isinstance(error, ConfigError):
        return f"refused: {error} (check the credentials)"
    if isinstance(error, TransientError):
        return f"not reachable now: {error}"
    if isinstance(error, PermanentError):
        return f"answered with an error: {error}"
    return f"failed: {type(error).__name__}"


def _marketplace_check(integration: Integration) -> tuple[bool, str]:
    from integration_hub.clients import marketplace_client_for

    try:
        account = marketplace_client_for(integration).account_get()
    except Exception as error:  # noqa: BLE001 - every failure is shown, none is raised
        return False, _outcome(error)[:500]
    return True, f"A01 answered: shop {account.shop_name} ({account.shop_id}), {account.shop_state}"


def _source_check(integration: Integration) -> tuple[bool, str]:
    from integration_hub.clients import source_connector_for

    try:
        source_connector_for(integration).ping()
    except Exception as error:  # noqa: BLE001 - every failure is shown, none is raised
        return False, _outcome(error)[:500]
    return True, f"{integration.get_source_kind_display()} answered the ping"


def connection_check_run(check_id: int) -> str:
    """Worker task: run both checks and store what they said."""
    check = ConnectionCheck.objects.select_related("integration").filter(pk=check_id).first()
    if check is None or check.finished_at:
        return "skipped"
    check.marketplace_ok, check.marketplace_message = _marketplace_check(check.integration)
    check.source_ok, check.source_message = _source_check(check.integration)
    ok = check.marketplace_ok and check.source_ok
    check.status = ConnectionCheck.Status.OK if ok else ConnectionCheck.Status.FAILED
    check.finished_at = timezone.now()
    check.save()
    return check.status


def connection_check_json(check: ConnectionCheck | None) -> dict:
    """What the integration page's poller reads (no secrets, only outcomes)."""
    if check is None:
        return {"status": "none"}
    return {
        "status": check.status,
        "status_label": check.get_status_display(),
        "requested_at": check.requested_at.isoformat(),
        "finished_at": check.finished_at.isoformat() if check.finished_at else None,
        "marketplace_ok": check.marketplace_ok,
        "marketplace_message": check.marketplace_message,
        "source_ok": check.source_ok,
        "source_message": check.source_message,
    }

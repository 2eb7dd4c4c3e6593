"""The outbox: calls the hub owes remote systems, queued in the same transaction as the change.

Flows call :func:`outbound_job_enqueue` inside their transaction; :func:`outbox_relay` (a
scheduled task, and triggered right after commit) claims due jobs one by one and runs the
handler registered for the job's kind. Retry state lives in the row, not in django-q2.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from connectors.base import ConfigError, PermanentError, TransientError
from integration_hub.models import Integration, JobStatus, OutboundJob

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


@dataclass(frozen=True)
class OutboxHandler:
    """``run(job)`` does the call; ``give_up(job, error)`` records what a person must fix."""

    run: Callable[[OutboundJob], None]
    give_up: Callable[[OutboundJob, Exception], None] | None = None


OUTBOX_HANDLERS: dict[str, OutboxHandler] = {}


def outbox_handler_register(kind: str, run, give_up=None) -> None:
    OUTBOX_HANDLERS[kind] = OutboxHandler(run=run, give_up=give_up)


def outbound_job_enqueue(
    *,
    integration: Integration,
    kind: str,
    identity_key: str,
    payload: dict | None = None,
    not_before: dt.datetime | None = None,
    max_attempts: int = 8,
) -> OutboundJob:
    """Queue a job unless an open job with the same identity exists; return the open job.

    Call inside the transaction that makes the job necessary.
    """
    existing = OutboundJob.objects.filter(
        integration=integration, identity_key=identity_key, status__in=_OPEN
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            job = OutboundJob.objects.create(
                integration=integration,
                kind=kind,
                identity_key=identity_key,
                payload=payload or {},
                not_before=not_before or timezone.now(),
                max_attempts=max_attempts,
            )
    except IntegrityError:
        return OutboundJob.objects.get(
            integration=integration, identity_key=identity_key, status__in=_OPEN
        )
    transaction.on_commit(_relay_soon)
    return job


_OPEN = [JobStatus.PENDING, JobStatus.IN_FLIGHT]


def _relay_soon() -> None:
    from django_q.tasks import async_task

    if not settings.Q_CLUSTER.get("sync"):
        async_task("integration_hub.tasks.outbox_relay", task_name="outbox relay (on commit)")


def outbox_stuck_release(*, now: dt.datetime | None = None) -> int:
    """Put jobs in flight longer than the task timeout back to pending (a worker died)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.HUB_TASK_TIMEOUT)
    return OutboundJob.objects.filter(
        status=JobStatus.IN_FLIGHT, in_flight_since__lt=cutoff
    ).update(status=JobStatus.PENDING, in_flight_since=None, not_before=now)


def outbound_job_claim(job_id: int, *, now: dt.datetime) -> bool:
    """Atomically move one pending job to in flight; False if another worker got it first."""
    claimed = OutboundJob.objects.filter(
        pk=job_id, status=JobStatus.PENDING, not_before__lte=now
    ).update(status=JobStatus.IN_FLIGHT, in_flight_since=now, attempts=F("attempts") + 1)
    return claimed == 1


def outbox_due_ids(*, now: dt.datetime, limit: int, kinds: list[str] | None = None) -> list[int]:
    due = OutboundJob.objects.filter(status=JobStatus.PENDING, not_before__lte=now)
    if kinds:
        due = due.filter(kind__in=kinds)
    due = due.order_by("not_before", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            return list(
                due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit]
            )
    return list(due.values_list("id", flat=True)[:limit])


RELAY_ROUNDS = 5


def outbox_relay(*, limit: int = 200, kinds: list[str] | None = None) -> dict[str, int]:
    """Run every due job once; jobs queued by those jobs (OR24 after OR23) run in later rounds
    of the same call. Returns counts by outcome."""
    counts = {"released": outbox_stuck_release(), "done": 0, "retry": 0, "failed": 0}
    for _round in range(RELAY_ROUNDS):
        now = timezone.now()
        ran = 0
        for job_id in outbox_due_ids(now=now, limit=limit, kinds=kinds):
            if not outbound_job_claim(job_id, now=now):
                continue
            counts[outbound_job_run(OutboundJob.objects.get(pk=job_id))] += 1
            ran += 1
        if ran == 0:
            break
    return counts


def outbound_job_expedite(*, integration: Integration, identity_key: str) -> int:
    """Make a pending job due now (a person pressed retry); returns 1 if one was found."""
    return OutboundJob.objects.filter(
        integration=integration, identity_key=identity_key, status=JobStatus.PENDING
    ).update(not_before=timezone.now())


def outbound_job_run(job: OutboundJob) -> str:
    """Run a claimed job's handler and record the outcome: "done", "retry" or "failed"."""
    handler = OUTBOX_HANDLERS.get(job.kind)
    if handler is None:
        return _job_fail(job, PermanentError(f"no outbox handler for kind {job.kind!r}"), None)
    try:
        handler.run(job)
    except TransientError as exc:
        if job.attempts >= job.max_attempts:
            return _job_fail(job, exc, handler)
        _job_reschedule(job, exc)
        return "retry"
    except (PermanentError, ConfigError) as exc:
        return _job_fail(job, exc, handler)
    except Exception as exc:
        log.exception("outbox job %s (%s) crashed", job.pk, job.kind)
        return _job_fail(job, exc, handler)
    OutboundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now(), in_flight_since=None, last_error=""
    )
    return "done"


def retry_delay_seconds(attempts: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter, never sooner than the remote's Retry-After."""
    backoff = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    backoff = backoff * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not security)
    return max(backoff, retry_after or 0)


def _job_reschedule(job: OutboundJob, exc: TransientError) -> None:
    delay = retry_delay_seconds(job.attempts, exc.retry_after)
    OutboundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.PENDING,
        in_flight_since=None,
        not_before=timezone.now() + dt.timedelta(seconds=delay),
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def _job_fail(job: OutboundJob, exc: Exception, handler: OutboxHandler | None) -> str:
    OutboundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        in_flight_since=None,
        finished_at=timezone.now(),
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    if handler and handler.give_up:
        job.refresh_from_db()
        handler.give_up(job, exc)
    return "failed"


def outbound_job_retry(job: OutboundJob) -> OutboundJob:
    """Send a failed job again (a person fixed the cause); a no-op for an open job."""
    if job.status in _OPEN:
        return job
    return outbound_job_enqueue(
        integration=job.integration,
        kind=job.kind,
        identity_key=job.identity_key,
        payload=job.payload,
        max_attempts=job.max_attempts,
    )

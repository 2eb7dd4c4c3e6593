"""Record every pass of a flow as a SyncRun, so health and the dashboard can judge it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from integration_hub.logging import redact
from integration_hub.models import Integration, RunOutcome, SyncRun

log = logging.getLogger(__name__)


class RunRecorder:
    """Counts what one run did; ``item_failed`` marks the run partial without stopping it."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.counts: dict[str, int] = {}
        self.item_errors = 0

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def item_failed(self, name: str = "failed") -> None:
        self.item_errors += 1
        self.add(name)


@contextmanager
def sync_run(integration: Integration, flow: str) -> Iterator[RunRecorder]:
    """Open a SyncRun for ``flow``; close it as success, partial or failed.

    An exception escaping the block marks the run failed (with the error) and is re-raised.
    """
    now = timezone.now()
    # Callers hold the flow's lock, so a run of this flow still marked running was cut off
    # (a killed worker): close it, or the dashboard shows it running forever.
    SyncRun.objects.filter(integration=integration, flow=flow, outcome=RunOutcome.RUNNING).update(
        outcome=RunOutcome.FAILED,
        finished_at=now,
        error="Interrupted: the worker stopped during this run (nothing after it was recorded).",
    )
    run = SyncRun.objects.create(integration=integration, flow=flow, started_at=now)
    recorder = RunRecorder(run)
    try:
        yield recorder
    except Exception as exc:
        _run_finish(recorder, RunOutcome.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    outcome = RunOutcome.PARTIAL if recorder.item_errors else RunOutcome.SUCCESS
    _run_finish(recorder, outcome)


def _run_finish(recorder: RunRecorder, outcome: str, error: str = "") -> None:
    run = recorder.run
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.counts = recorder.counts
    run.error = redact(error)[:2000]  # errors can quote a URL with a key in it
    run.save(update_fields=["finished_at", "outcome", "counts", "error"])
    log.info("run %s %s %s %s", run.integration_id, run.flow, outcome, recorder.counts)


@contextmanager
def flow_lock(integration: Integration, flow: str) -> Iterator[bool]:
    """Yield True if this process holds the integration's lock for ``flow``, else False.

    Two passes of the same flow for the same integration never overlap (a slow pass and the
    next scheduled one); the lock lives in the shared cache and expires with the task timeout.
    """
    from django.conf import settings
    from django.core.cache import cache

    key = f"hub-flow-lock:{integration.pk}:{flow}"
    acquired = cache.add(key, "1", timeout=settings.HUB_TASK_TIMEOUT)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)

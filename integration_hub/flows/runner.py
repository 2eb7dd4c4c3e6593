"""Run one pass of a flow for one integration: locked, recorded, failures turned into items.

A pass that cannot reach a system raises; the runner records the run as failed and, when the
credentials were refused or the system stayed down, one exception bound to the integration.
A successful pass clears those exceptions by itself. A pass stopped by the marketplace's call
budget (CallDeferred) is a success counted as ``deferred``: the next pass continues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone

from connectors.base import ConfigError, TransientError
from connectors.mirakl.limiter import CallDeferred
from exceptions_queue.services import exception_clear, exception_record
from integration_hub.models import Integration, RunOutcome, SyncRun
from integration_hub.services.runs import RunRecorder, flow_lock, sync_run

log = logging.getLogger(__name__)

FlowBody = Callable[[Integration, RunRecorder], None]


def _integration_subject(integration: Integration, flow: str) -> str:
    return f"{integration.name}:{flow}"


def flow_pass_run(integration: Integration, flow: str, body: FlowBody) -> SyncRun | None:
    """Run ``body`` as the integration's ``flow`` pass; None if a pass is already running."""
    with flow_lock(integration, flow) as acquired:
        if not acquired:
            log.info("%s %s pass skipped: the previous one is still running", integration, flow)
            return None
        recorder = None
        try:
            with sync_run(integration, flow) as recorder:
                try:
                    body(integration, recorder)
                except CallDeferred as deferred:
                    # the marketplace's call budget for an operation is spent: what is done
                    # stays done and the next pass goes on from there; nothing is wrong
                    recorder.add("deferred")
                    log.info("%s %s pass stopped early: %s", integration, flow, deferred)
        except ConfigError as error:
            _flow_failed(integration, flow, "auth_failed", error)
        except TransientError as error:
            _flow_failed(integration, flow, "api_unavailable", error)
        except Exception as error:
            log.exception("%s %s pass crashed", integration, flow)
            _flow_failed(integration, flow, "internal_error", error)
        else:
            for kind in ("auth_failed", "api_unavailable", "internal_error"):
                exception_clear(
                    integration=integration,
                    kind=kind,
                    subject_type="integration",
                    subject_id=_integration_subject(integration, flow),
                    note=f"the {flow} pass succeeded again",
                )
        return recorder.run if recorder else None


def _flow_failed(integration: Integration, flow: str, kind: str, error: Exception) -> None:
    if kind == "api_unavailable" and not _failed_before(integration, flow):
        return  # one blip is retried by the next pass; two in a row are worth a person
    exception_record(
        integration=integration,
        kind=kind,
        subject_type="integration",
        subject_id=_integration_subject(integration, flow),
        message=f"The {flow} pass of {integration.name} failed: {error}",
        detail=getattr(error, "detail", "") or repr(error),
    )


def _failed_before(integration: Integration, flow: str) -> bool:
    previous = (
        SyncRun.objects.filter(integration=integration, flow=flow)
        .exclude(outcome=RunOutcome.RUNNING)
        .order_by("-started_at", "-id")[1:2]
    )
    return any(run.outcome == RunOutcome.FAILED for run in previous)


def flow_run_all(flow: str, passes: dict[str, FlowBody]) -> dict[str, str]:
    """Run ``flow`` for every integration that has it on; one failing integration stops none."""
    from integration_hub.flows.passes import FLOW_SWITCH

    outcomes = {}
    for integration in Integration.objects.all():
        if not integration.flow_enabled(FLOW_SWITCH.get(flow, flow)):
            continue
        run = flow_pass_run(integration, flow, passes[flow])
        outcomes[integration.name] = run.outcome if run else "skipped"
    log.info("%s pass at %s: %s", flow, timezone.now().isoformat(), outcomes)
    return outcomes

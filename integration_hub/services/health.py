"""What /healthz and the dashboard report: database, worker heartbeat, each flow's last run."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from integration_hub.models import Integration, RunOutcome, SyncRun, WorkerHeartbeat

WORKER = "worker"


def heartbeat_beat(*, now: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=WORKER, defaults={"beat_at": now or timezone.now()}
    )


def worker_status(*, now: dt.datetime) -> dict:
    beat = WorkerHeartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True).first()
    if beat is None:
        return {"ok": False, "last_beat": None, "age_seconds": None}
    age = (now - beat).total_seconds()
    return {
        "ok": age <= settings.HUB_HEARTBEAT_STALE_SECONDS,
        "last_beat": beat.isoformat(),
        "age_seconds": round(age),
    }


def flow_last_success(*, now: dt.datetime) -> list[dict]:
    """Per integration and enabled flow: when it last succeeded and how long ago."""
    successes = (
        SyncRun.objects.filter(outcome__in=[RunOutcome.SUCCESS, RunOutcome.PARTIAL])
        .values("integration_id", "flow")
        .annotate(last=Max("finished_at"))
    )
    last = {(row["integration_id"], row["flow"]): row["last"] for row in successes}
    tried = set(SyncRun.objects.values_list("integration_id", "flow").distinct())
    rows = []
    for integration in Integration.objects.all():
        for flow in integration.enabled_flows():
            at = last.get((integration.id, flow))
            rows.append(
                {
                    "integration": integration.name,
                    "flow": flow,
                    "last_success": at.isoformat() if at else None,
                    "age_seconds": round((now - at).total_seconds()) if at else None,
                    "ever_run": (integration.id, flow) in tried,
                    "created_at": integration.created_at,
                }
            )
    return rows


def health_report(*, now: dt.datetime | None = None) -> tuple[bool, dict]:
    """(healthy, report). Healthy means the database answers and the worker beats."""
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return False, {"status": "down", "database": {"ok": False, "error": str(exc)[:200]}}
    worker = worker_status(now=now)
    report = {
        "status": "ok" if worker["ok"] else "degraded",
        "database": {"ok": True},
        "worker": worker,
        "flows": [
            {k: v for k, v in row.items() if k != "created_at"}
            for row in flow_last_success(now=now)
        ],
        "checked_at": now.isoformat(),
    }
    return worker["ok"], report

"""Reads for the screens (HackSoft style: selectors read, services write)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min
from django.utils import timezone

from integration_hub.models import (
    HubStatus,
    Integration,
    JobStatus,
    Order,
    OutboundJob,
)
from integration_hub.services.health import flow_last_success, worker_status

# How long each flow may go without a successful run before the dashboard shows it red.
FLOW_STALE_AFTER = {
    "orders": dt.timedelta(minutes=15),
    "dispatch": dt.timedelta(minutes=30),
    "stock": dt.timedelta(minutes=10),
    "prices": dt.timedelta(hours=2),
    "products": dt.timedelta(days=1, hours=1),
    "settlements": dt.timedelta(days=1),
    "returns": dt.timedelta(hours=2),
}

WAITING_STATUSES = {
    "to accept": [HubStatus.NEW, HubStatus.HELD],
    "to inject": [HubStatus.TO_INJECT],
    "to confirm": [HubStatus.DISPATCHED],
}


def flow_rows(*, now: dt.datetime) -> list[dict]:
    rows = flow_last_success(now=now)
    for row in rows:
        window = FLOW_STALE_AFTER.get(row["flow"], dt.timedelta(hours=1))
        age = row["age_seconds"]
        row["red"] = age is None or age > window.total_seconds()
        row["window_minutes"] = int(window.total_seconds() // 60)
    return rows


def orders_waiting() -> dict[str, int]:
    counts = dict(
        Order.objects.values_list("hub_status")
        .annotate(n=Count("id"))
        .values_list("hub_status", "n")
    )
    return {
        label: sum(counts.get(s, 0) for s in statuses)
        for label, statuses in WAITING_STATUSES.items()
    }


def outbox_summary(*, now: dt.datetime) -> dict:
    open_jobs = OutboundJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.IN_FLIGHT])
    oldest = open_jobs.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "open": open_jobs.count(),
        "failed": OutboundJob.objects.filter(status=JobStatus.FAILED).count(),
        "oldest_age_seconds": round((now - oldest).total_seconds()) if oldest else None,
    }


def dashboard_data() -> dict:
    now = timezone.now()
    return {
        "now": now,
        "integrations": list(Integration.objects.all()),
        "flows": flow_rows(now=now),
        "worker": worker_status(now=now),
        "orders_waiting": orders_waiting(),
        "deadlines_at_risk": Order.objects.filter(
            hub_status__in=[HubStatus.NEW, HubStatus.HELD],
            acceptance_deadline__lte=now + dt.timedelta(hours=4),
        ).count()
        + Order.objects.filter(
            hub_status__in=[HubStatus.TO_INJECT, HubStatus.INJECTED],
            shipping_deadline__lte=now + dt.timedelta(hours=4),
        ).count(),
        "outbox": outbox_summary(now=now),
    }

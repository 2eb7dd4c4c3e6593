"""The hub's recurring tasks, created idempotently by `python manage.py hub schedules`.

Every schedule the hub owns is named "hub: ..."; `schedules_sync` creates the missing ones,
corrects changed ones and removes hub schedules no longer listed, and leaves other schedules
alone. Later flows add their entries to HUB_SCHEDULES.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_q.models import Schedule

PREFIX = "hub: "


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int
    args: str = ""


HUB_SCHEDULES: list[ScheduleSpec] = [
    ScheduleSpec("worker heartbeat", "integration_hub.tasks.worker_heartbeat", 1),
    ScheduleSpec("outbox relay", "integration_hub.tasks.outbox_relay", 1),
    ScheduleSpec("alerts send", "exceptions_queue.tasks.alerts_send", 1),
    ScheduleSpec("alerts digest", "exceptions_queue.tasks.alerts_digest_send", 60),
    ScheduleSpec(
        "exceptions retry stuck release",
        "exceptions_queue.tasks.exceptions_retry_stuck_release",
        5,
    ),
    ScheduleSpec("products pass", "integration_hub.tasks.flow_run", 5, "'products'"),
    ScheduleSpec("stock pass", "integration_hub.tasks.flow_run", 1, "'stock'"),
    ScheduleSpec("prices pass", "integration_hub.tasks.flow_run", 2, "'prices'"),
    ScheduleSpec("offers drift audit", "integration_hub.tasks.flow_run", 10, "'offers_audit'"),
    ScheduleSpec("orders pass", "integration_hub.tasks.flow_run", 2, "'orders'"),
    ScheduleSpec("dispatch pass", "integration_hub.tasks.flow_run", 5, "'dispatch'"),
    ScheduleSpec("settlements pass", "integration_hub.tasks.flow_run", 60, "'settlements'"),
    ScheduleSpec("returns pass", "integration_hub.tasks.flow_run", 5, "'returns'"),
    ScheduleSpec("catalogue pass", "integration_hub.tasks.flow_run", 5, "'catalogue'"),
    ScheduleSpec(
        "orders completeness check", "integration_hub.tasks.flow_run", 1440, "'orders_audit'"
    ),
]


# Only with HUB_SANDBOX=1: the demo world moves by itself (orders, debits, dispatches).
SANDBOX_SCHEDULES: list[ScheduleSpec] = [
    ScheduleSpec("sandbox demo tick", "integration_hub.tasks.demo_tick", 2),
]


@transaction.atomic
def schedules_sync(specs: list[ScheduleSpec] | None = None) -> dict[str, list[str]]:
    """Make the django-q2 schedules match ``specs``; returns what was created/updated/deleted."""
    if specs is None:
        specs = HUB_SCHEDULES + (SANDBOX_SCHEDULES if settings.HUB_SANDBOX else [])
    wanted = {PREFIX + spec.name: spec for spec in specs}
    report: dict[str, list[str]] = {"created": [], "updated": [], "deleted": [], "unchanged": []}
    existing = {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}
    for name, spec in wanted.items():
        schedule = existing.get(name)
        fields = {
            "func": spec.func,
            "args": spec.args or None,
            "schedule_type": Schedule.MINUTES,
            "minutes": spec.minutes,
            "repeats": -1,
        }
        if schedule is None:
            Schedule.objects.create(name=name, **fields)
            report["created"].append(name)
        elif any(getattr(schedule, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(schedule, key, value)
            schedule.save()
            report["updated"].append(name)
        else:
            report["unchanged"].append(name)
    for name, schedule in existing.items():
        if name not in wanted:
            schedule.delete()
            report["deleted"].append(name)
    return report

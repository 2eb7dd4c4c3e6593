"""Reads for the screens (HackSoft style: selectors read, services write)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from exceptions_queue import selectors as exception_selectors
from exceptions_queue.models import AlertMessage
from integration_hub.models import (
    HubStatus,
    Integration,
    JobStatus,
    Order,
    OutboundJob,
    Product,
)
from integration_hub.schedules import HUB_SCHEDULES
from integration_hub.services.health import flow_last_success, worker_status


def flow_interval(flow: str, default: dt.timedelta) -> dt.timedelta:
    """How often the worker runs ``flow`` (its "<flow> pass" schedule), else ``default``."""
    minutes = next((s.minutes for s in HUB_SCHEDULES if s.name == f"{flow} pass"), None)
    return dt.timedelta(minutes=minutes) if minutes else default


# How long each flow may go without a successful run before the dashboard shows it red.
# Orders may miss two passes (3x their interval); settlements are fetched daily.
FLOW_STALE_AFTER = {
    "orders": 3 * flow_interval("orders", dt.timedelta(minutes=5)),
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
    """Each enabled flow's last success, red (with the reason) when it missed its window."""
    rows = flow_last_success(now=now)
    unconfirmed = skus_unconfirmed_oldest(now=now)
    from integration_hub.flows.passes import FLOW_PASSES

    for row in rows:
        window = FLOW_STALE_AFTER.get(row["flow"], dt.timedelta(hours=1))
        row["window_minutes"] = int(window.total_seconds() // 60)
        if row["age_seconds"] is None and row["flow"] not in FLOW_PASSES:
            row["reason"], row["red"] = "not available in this version of the hub yet", False
            continue
        row["reason"] = _flow_late_reason(row, window, unconfirmed.get(row["integration"]))
        row["red"] = bool(row["reason"])
    return rows


def _flow_late_reason(row: dict, window: dt.timedelta, unconfirmed: dict | None) -> str:
    age = row["age_seconds"]
    if age is None:
        return "never succeeded"
    if age > window.total_seconds():
        return f"no successful run for {age // 60} min"
    waited = unconfirmed["age_seconds"] if unconfirmed and row["flow"] == "stock" else 0
    if waited > window.total_seconds():
        return f"{unconfirmed['count']} SKU change(s) not confirmed for {waited // 60} min"
    return ""


def skus_unconfirmed() -> QuerySet[Product]:
    """SKUs whose latest source quantity has not been pushed to the marketplace yet."""
    return Product.objects.filter(last_source_qty__isnull=False).filter(
        Q(last_pushed_qty__isnull=True)
        | Q(last_pushed_at__isnull=True)
        | Q(last_pushed_at__lt=F("last_source_qty_at"))
    )


def skus_unconfirmed_oldest(*, now: dt.datetime) -> dict[str, dict]:
    """Per integration name: how many SKUs wait and how long the oldest change has waited."""
    rows = (
        skus_unconfirmed()
        .values("integration__name")
        .annotate(count=Count("id"), oldest=Min("last_source_qty_at"))
    )
    return {
        row["integration__name"]: {
            "count": row["count"],
            "age_seconds": round((now - row["oldest"]).total_seconds()) if row["oldest"] else 0,
        }
        for row in rows
    }


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


def alerts_summary() -> dict[str, int]:
    states = AlertMessage.objects.values_list("state").annotate(n=Count("id"))
    counts = dict(states.values_list("state", "n"))
    return {"queued": counts.get("pending", 0), "failed": counts.get("failed", 0)}


def exceptions_summary(*, now: dt.datetime) -> dict:
    """Open exceptions by kind and by owner (oldest age), and the role homes' short lists."""
    return {
        "exceptions_by_kind": exception_selectors.exceptions_open_by_kind(now=now),
        "exceptions_by_owner": exception_selectors.exceptions_open_by_owner(now=now),
        "exceptions_due": exception_selectors.exceptions_due_soonest(limit=10),
        "exceptions_finance": exception_selectors.exceptions_finance(limit=10),
        "alerts": alerts_summary(),
    }


def dashboard_data() -> dict:
    now = timezone.now()
    flows = flow_rows(now=now)
    worker = worker_status(now=now)
    return {
        "now": now,
        "integrations": list(Integration.objects.all()),
        "flows": flows,
        "red_flows": [row for row in flows if row["red"]],
        "all_green": worker["ok"] and not any(row["red"] for row in flows),
        "worker": worker,
        "orders_waiting": orders_waiting(),
        "skus_unconfirmed": skus_unconfirmed().count(),
        **exceptions_summary(now=now),
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


def order_timeline(order: Order) -> list[dict]:
    """One timeline: marketplace and source events, hub actions, exceptions and who did what."""
    from exceptions_queue.models import ExceptionAction

    entries = [
        {
            "at": event.at,
            "source": event.get_source_display(),
            "message": event.message,
            "actor": event.actor.get_username() if event.actor else "",
        }
        for event in order.events.select_related("actor")
    ]
    actions = ExceptionAction.objects.filter(item__order=order).select_related("item", "actor")
    for action in actions:
        entries.append(
            {
                "at": action.at,
                "source": "Exception",
                "message": f"{action.item.kind_info.title}: {action.get_action_display().lower()}"
                + (f" — {action.note}" if action.note else ""),
                "actor": action.actor.get_username() if action.actor else "",
                "exception_id": action.item_id,
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])

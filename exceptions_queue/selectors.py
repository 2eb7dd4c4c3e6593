"""Reads for the exceptions screens and the dashboard (selectors read, services write)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Min, Q, QuerySet

from exceptions_queue.kinds import FINANCE, KINDS, OWNERS
from exceptions_queue.models import ACTIVE_STATUSES, ExceptionAction, ExceptionItem, SubjectType
from integration_hub.models import Order, OrderEvent

Action = ExceptionAction.Action
RETRY_ACTIONS = [Action.RETRY_STARTED, Action.RETRY_SUCCEEDED, Action.RETRY_FAILED]
ACT_PERMISSION = "handle_exceptions"


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    source: str
    text: str
    actor: str


def exception_list_queryset() -> QuerySet[ExceptionItem]:
    """Every item, due soonest first (no due date last), then most recently seen."""
    return ExceptionItem.objects.select_related("integration", "assignee", "order").order_by(
        F("due_by").asc(nulls_last=True), "-last_seen", "-id"
    )


def exceptions_active() -> QuerySet[ExceptionItem]:
    return exception_list_queryset().filter(status__in=ACTIVE_STATUSES)


def exceptions_due_soonest(*, limit: int = 10) -> list[ExceptionItem]:
    return list(exceptions_active()[:limit])


def exceptions_for_owner(owner: str, *, limit: int = 10) -> list[ExceptionItem]:
    return list(exceptions_active().filter(owner=owner)[:limit])


def exceptions_finance(*, limit: int = 10) -> list[ExceptionItem]:
    return exceptions_for_owner(FINANCE, limit=limit)


def _open_grouped(field: str, labels: dict[str, str], now: dt.datetime) -> list[dict]:
    rows = (
        ExceptionItem.objects.filter(status__in=ACTIVE_STATUSES)
        .values(field)
        .annotate(count=Count("id"), oldest=Min("first_seen"))
        .order_by("oldest")
    )
    return [
        {
            "code": row[field],
            "label": labels.get(row[field], row[field]),
            "count": row["count"],
            "oldest": row["oldest"],
            "oldest_age_seconds": round((now - row["oldest"]).total_seconds()),
        }
        for row in rows
    ]


def exceptions_open_by_kind(*, now: dt.datetime) -> list[dict]:
    """Open (or retrying) items per kind with the oldest one's age, oldest first."""
    return _open_grouped("kind", {code: kind.title for code, kind in KINDS.items()}, now)


def exceptions_open_by_owner(*, now: dt.datetime) -> list[dict]:
    return _open_grouped("owner", OWNERS, now)


def exception_timeline(item: ExceptionItem) -> list[TimelineEntry]:
    """The subject's story: the order's events (for an order) and the item's own history."""
    entries = [
        TimelineEntry(a.at, "Exception", _action_text(a), _who(a.actor))
        for a in item.actions.select_related("actor")
    ]
    order_id = _subject_order_id(item)
    if order_id:
        events = OrderEvent.objects.filter(order_id=order_id).select_related("actor")
        entries += [
            TimelineEntry(e.at, e.get_source_display(), e.message, _who(e.actor)) for e in events
        ]
    return sorted(entries, key=lambda entry: entry.at)


def _subject_order_id(item: ExceptionItem) -> int | None:
    """The item's order: its link, else an order subject's marketplace id."""
    if item.order_id or item.subject_type != SubjectType.ORDER:
        return item.order_id
    orders = Order.objects.filter(integration_id=item.integration_id)
    return orders.filter(marketplace_order_id=item.subject_id).values_list("id", flat=True).first()


def exception_retry_history(item: ExceptionItem) -> QuerySet[ExceptionAction]:
    return item.actions.filter(action__in=RETRY_ACTIONS).select_related("actor")


def exception_assignees() -> QuerySet:
    """Active users who may act on exceptions (by group permission, or superusers)."""
    users = get_user_model().objects.filter(is_active=True)
    can_act = Q(groups__permissions__codename=ACT_PERMISSION) | Q(
        user_permissions__codename=ACT_PERMISSION
    )
    return users.filter(can_act | Q(is_superuser=True)).distinct().order_by("username")


def _action_text(action: ExceptionAction) -> str:
    label = action.get_action_display()
    return f"{label}: {action.note}" if action.note else label


def _who(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user else ""

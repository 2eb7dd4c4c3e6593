"""Record, retry, resolve and clear exceptions. Flows call these; screens and the CLI too."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from exceptions_queue.alerts import alerts_plan_on_commit
from exceptions_queue.kinds import KINDS
from exceptions_queue.models import (
    ACTIVE_STATUSES,
    DEDUPE_STATUSES,
    ExceptionAction,
    ExceptionItem,
    Status,
)
from integration_hub.logging import redact

log = logging.getLogger(__name__)
Action = ExceptionAction.Action

DETAIL_LIMIT = 4000
RETRY_STUCK_AFTER = dt.timedelta(minutes=10)

# kind -> handler(item) that re-runs exactly the failed step for the item's subject and
# returns True when the problem is gone now, False when it is still there (or re-queued).
RETRY_HANDLERS: dict[str, Callable[[ExceptionItem], bool]] = {}


def retry_handler_register(kind: str, handler: Callable[[ExceptionItem], bool]) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown exception kind {kind!r}")
    RETRY_HANDLERS[kind] = handler


def fingerprint_for(integration_id: int, kind: str, subject_type: str, subject_id: str) -> str:
    raw = f"{integration_id}|{kind}|{subject_type}|{subject_id}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_detail(detail: str) -> str:
    detail = redact(detail or "")
    if len(detail) > DETAIL_LIMIT:
        detail = detail[:DETAIL_LIMIT] + " …[truncated]"
    return detail


def _act(item: ExceptionItem, action: str, *, actor=None, note: str = "", at=None) -> None:
    ExceptionAction.objects.create(
        item=item, action=action, actor=actor, note=note[:2000], at=at or timezone.now()
    )


def exception_record(
    *,
    integration,
    kind: str,
    subject_type: str,
    subject_id: str,
    message: str,
    detail: str = "",
    payload: dict | None = None,
    due_by: dt.datetime | None = None,
    order=None,
) -> ExceptionItem:
    """Open an item for this problem, or bump the live one (one item per fingerprint).

    The message is redacted like the detail: it often quotes an error, and errors can quote
    a URL with a key in it."""
    message = redact(message)
    info = KINDS[kind]
    now = timezone.now()
    fingerprint = fingerprint_for(integration.pk, kind, subject_type, str(subject_id))
    with transaction.atomic():
        alerts_plan_on_commit(fingerprint=fingerprint)
        item = (
            ExceptionItem.objects.select_for_update()
            .filter(fingerprint=fingerprint, status__in=DEDUPE_STATUSES)
            .first()
        )
        if item is None:
            try:
                with transaction.atomic():
                    item = ExceptionItem.objects.create(
                        integration=integration,
                        kind=kind,
                        owner=info.owner,
                        severity=info.severity,
                        subject_type=subject_type,
                        subject_id=str(subject_id),
                        order=order,
                        fingerprint=fingerprint,
                        message=message,
                        detail=_clean_detail(detail),
                        payload=payload or {},
                        first_seen=now,
                        last_seen=now,
                        due_by=due_by,
                    )
                _act(item, Action.RAISED, note=message, at=now)
                return item
            except IntegrityError:  # another worker opened it a moment ago
                item = ExceptionItem.objects.select_for_update().get(
                    fingerprint=fingerprint, status__in=DEDUPE_STATUSES
                )
        return _item_bump(item, message, detail, payload, due_by, now)


def _item_bump(item, message, detail, payload, due_by, now) -> ExceptionItem:
    item.occurrences = F("occurrences") + 1
    item.last_seen = now
    item.message = message
    item.detail = _clean_detail(detail) or item.detail
    if payload is not None:
        item.payload = payload
    if due_by is not None:
        item.due_by = due_by
    item.save(update_fields=["occurrences", "last_seen", "message", "detail", "payload", "due_by"])
    item.refresh_from_db()
    _act(item, Action.REPEATED, note=message, at=now)
    return item


def exception_clear(
    *, integration, kind: str, subject_type: str, subject_id: str, note: str
) -> int:
    """The condition is gone (carrier mapped, order found ...): resolve the live item, if any.

    Returns how many items were resolved (0 or 1). Ignored items are resolved too.
    """
    fingerprint = fingerprint_for(integration.pk, kind, subject_type, str(subject_id))
    items = list(ExceptionItem.objects.filter(fingerprint=fingerprint, status__in=DEDUPE_STATUSES))
    now = timezone.now()
    for item in items:
        ExceptionItem.objects.filter(pk=item.pk).update(
            status=Status.RESOLVED, resolved_at=now, resolved_by=None, note=note
        )
        _act(item, Action.AUTO_RESOLVED, note=note, at=now)
    return len(items)


def exception_retry(item_id: int, *, actor=None) -> str:
    """Run the kind's retry handler once; safe to press twice, even at the same moment.

    Returns "resolved", "still_failing", "failed", "no_handler" or "busy" (another retry is
    running, or the item is not open).
    """
    claimed = ExceptionItem.objects.filter(pk=item_id, status=Status.OPEN).update(
        status=Status.RETRYING, last_seen=timezone.now()
    )
    if not claimed:
        return "busy"
    item = ExceptionItem.objects.select_related("integration", "order").get(pk=item_id)
    _act(item, Action.RETRY_STARTED, actor=actor)
    handler = RETRY_HANDLERS.get(item.kind)
    if handler is None:
        note = "no automatic retry for this kind: fix the cause, then resolve it"
        _retry_finish(item, Status.OPEN, Action.RETRY_FAILED, actor, note)
        return "no_handler"
    try:
        fixed = handler(item)
    except Exception as exc:  # the retry itself failed; the item stays open with the reason
        log.warning("retry of exception %s failed", item.pk, exc_info=True)
        _retry_finish(item, Status.OPEN, Action.RETRY_FAILED, actor, redact(f"{exc}"))
        return "failed"
    if fixed:
        _retry_finish(item, Status.RESOLVED, Action.RETRY_SUCCEEDED, actor, "")
        return "resolved"
    _retry_finish(item, Status.OPEN, Action.RETRY_FAILED, actor, "the problem is still there")
    return "still_failing"


def _retry_finish(item, status, action, actor, note) -> None:
    fields = {"status": status}
    if status == Status.RESOLVED:
        fields.update(resolved_at=timezone.now(), resolved_by=actor)
    ExceptionItem.objects.filter(pk=item.pk, status=Status.RETRYING).update(**fields)
    _act(item, action, actor=actor, note=note)


def exceptions_retry_stuck_release(*, now: dt.datetime | None = None) -> int:
    """Items left 'retrying' by a crashed worker go back to open."""
    cutoff = (now or timezone.now()) - RETRY_STUCK_AFTER
    return ExceptionItem.objects.filter(status=Status.RETRYING, last_seen__lt=cutoff).update(
        status=Status.OPEN
    )


def exception_resolve(item: ExceptionItem, *, actor, note: str) -> None:
    _manual_close(item, Status.RESOLVED, Action.RESOLVED, actor, note)


def exception_ignore(item: ExceptionItem, *, actor, note: str) -> None:
    _manual_close(item, Status.IGNORED, Action.IGNORED, actor, note)


def _manual_close(item, status, action, actor, note) -> None:
    if not note.strip():
        raise ValueError("a note is required: say why")
    now = timezone.now()
    ExceptionItem.objects.filter(pk=item.pk).update(
        status=status, note=note, resolved_at=now, resolved_by=actor
    )
    _act(item, action, actor=actor, note=note, at=now)


def exception_reopen(item: ExceptionItem, *, actor, note: str = "") -> None:
    if item.status in ACTIVE_STATUSES:
        return
    live = ExceptionItem.objects.filter(fingerprint=item.fingerprint, status__in=DEDUPE_STATUSES)
    if live.exclude(pk=item.pk).exists():
        raise ValueError("a newer item for the same problem is already open")
    ExceptionItem.objects.filter(pk=item.pk).update(
        status=Status.OPEN, resolved_at=None, resolved_by=None
    )
    _act(item, Action.REOPENED, actor=actor, note=note)


def exception_assign(item: ExceptionItem, *, actor, assignee) -> None:
    ExceptionItem.objects.filter(pk=item.pk).update(assignee=assignee)
    who = assignee.get_username() if assignee else "nobody"
    _act(item, Action.ASSIGNED, actor=actor, note=f"assigned to {who}")

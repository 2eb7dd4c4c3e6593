"""Tell the owner team about new exceptions: email and an optional chat webhook, via an outbox.

``exception_record`` plans alerts after commit (:func:`alerts_plan_on_commit`); the plan writes
one :class:`AlertMessage` per channel with a key unique per item + channel + mode, so nothing is
alerted twice. Critical kinds go out immediately (:func:`alerts_send`, every minute), even in
quiet hours; every other kind waits for the team's hourly digest (:func:`alerts_digest_send`),
which is held during quiet hours. A kind with a threshold alerts only once the item has
happened that many times. A failed send is retried with the outbox's backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from exceptions_queue.kinds import CRITICAL, KINDS, OWNERS
from exceptions_queue.models import ACTIVE_STATUSES, AlertMessage, ExceptionItem
from integration_hub.logging import redact
from integration_hub.services import outbox  # module, not name: safe if outbox imports us

log = logging.getLogger(__name__)
Channel, Mode, State = AlertMessage.Channel, AlertMessage.Mode, AlertMessage.State

WEBHOOK_TIMEOUT_SECONDS = 10
SUBJECT_PREFIX = "[Integration Hub] "
DIGEST_MAX_LINES = 50


class AlertSendError(Exception):
    """A channel could not deliver; ``retry_after`` (seconds) when the remote said so."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# --- Settings --------------------------------------------------------------------------------


def alert_thresholds() -> dict[str, int]:
    """``HUB_ALERT_THRESHOLDS=unmapped_carrier:3,stock_drift:5`` as {kind: occurrences}."""
    thresholds: dict[str, int] = {}
    for pair in filter(None, (p.strip() for p in settings.HUB_ALERT_THRESHOLDS.split(","))):
        kind, _, count = pair.partition(":")
        if (
            kind.strip() not in KINDS
            or not (count.strip().isascii() and count.strip().isdigit())
            or int(count) < 1
        ):
            raise ImproperlyConfigured(
                f"HUB_ALERT_THRESHOLDS: {pair!r} is not KIND:N with a known kind and N >= 1"
            )
        thresholds[kind.strip()] = int(count)
    return thresholds


def alert_threshold(kind: str) -> int:
    return alert_thresholds().get(kind, 1)


def quiet_hours() -> tuple[int, int] | None:
    """``HUB_ALERT_QUIET_HOURS=22-07`` as (22, 7); None when empty (no quiet hours)."""
    raw = settings.HUB_ALERT_QUIET_HOURS.strip()
    if not raw:
        return None
    start, _, end = raw.partition("-")
    if not (
        start.isascii()
        and end.isascii()
        and start.isdigit()
        and end.isdigit()
        and int(start) < 24
        and int(end) < 24
    ):
        raise ImproperlyConfigured(f"HUB_ALERT_QUIET_HOURS must look like 22-07; got {raw!r}")
    return int(start), int(end)


def alerts_quiet_now(now: dt.datetime) -> bool:
    """True inside quiet hours, judged on the hub's local clock (HUB_TIME_ZONE)."""
    hours = quiet_hours()
    if hours is None or hours[0] == hours[1]:
        return False
    start, end = hours
    hour = timezone.localtime(now).hour
    return start <= hour < end if start < end else hour >= start or hour < end


def alert_recipients(owner: str) -> list[str]:
    return list(getattr(settings, f"HUB_ALERT_EMAILS_{owner.upper()}", []))


# --- Channels (small classes, a plain registry) -----------------------------------------------


class EmailChannel:
    def configured(self, owner: str) -> bool:
        return bool(alert_recipients(owner))

    def send(self, owner: str, subject: str, text: str) -> None:
        try:
            send_mail(SUBJECT_PREFIX + subject, text, None, alert_recipients(owner))
        except Exception as exc:  # SMTP and socket errors alike: retry from the row
            raise AlertSendError(f"{type(exc).__name__}: {exc}") from exc


class WebhookChannel:
    """A Slack or Teams incoming webhook: POST ``{"text": ...}``."""

    def configured(self, owner: str) -> bool:
        return bool(settings.HUB_ALERT_WEBHOOK_URL)

    def send(self, owner: str, subject: str, text: str) -> None:
        body = {"text": f"*{subject}*\n{text}"}
        try:
            response = requests.post(
                settings.HUB_ALERT_WEBHOOK_URL, json=body, timeout=WEBHOOK_TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            raise AlertSendError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            retry_after = response.headers.get("Retry-After", "")
            raise AlertSendError(
                f"webhook answered HTTP {response.status_code}",
                retry_after=float(retry_after)
                if retry_after.isascii() and retry_after.isdigit()
                else None,
            )


CHANNELS: dict[str, EmailChannel | WebhookChannel] = {
    Channel.EMAIL: EmailChannel(),
    Channel.WEBHOOK: WebhookChannel(),
}


# --- Planning ---------------------------------------------------------------------------------


def alerts_plan_on_commit(*, fingerprint: str) -> None:
    """The hook in ``exception_record``: plan once the item is committed, never break the flow."""

    def alerts_plan_committed() -> None:  # a named function: Django logs its __qualname__
        alerts_plan(fingerprint=fingerprint)

    transaction.on_commit(alerts_plan_committed, robust=True)


def alerts_plan(*, fingerprint: str, now: dt.datetime | None = None) -> list[AlertMessage]:
    """Queue the alerts the live item for ``fingerprint`` is owed now (idempotent)."""
    item = ExceptionItem.objects.filter(fingerprint=fingerprint, status__in=ACTIVE_STATUSES).first()
    if item is None or item.occurrences < alert_threshold(item.kind):
        return []
    mode = Mode.IMMEDIATE if item.severity == CRITICAL else Mode.DIGEST
    planned = []
    for channel, transport in CHANNELS.items():
        if transport.configured(item.owner):
            planned.append(_alert_queue(item, channel, mode, now or timezone.now()))
    return planned


def _alert_queue(item: ExceptionItem, channel: str, mode: str, now: dt.datetime) -> AlertMessage:
    message, _ = AlertMessage.objects.get_or_create(
        key=f"{item.pk}:{channel}:{mode}",
        defaults={
            "item": item,
            "channel": channel,
            "mode": mode,
            "owner": item.owner,
            "not_before": now,
        },
    )
    return message


# --- Sending ----------------------------------------------------------------------------------


def alert_claim(message_id: int, *, now: dt.datetime) -> bool:
    """Atomically move one due pending message to sending; False if another worker has it."""
    claimed = AlertMessage.objects.filter(
        pk=message_id, state=State.PENDING, not_before__lte=now
    ).update(state=State.SENDING, sending_since=now, attempts=F("attempts") + 1)
    return claimed == 1


def alerts_stuck_release(*, now: dt.datetime) -> int:
    """Messages left 'sending' by a crashed worker go back to pending."""
    cutoff = now - dt.timedelta(seconds=settings.HUB_TASK_TIMEOUT)
    return AlertMessage.objects.filter(state=State.SENDING, sending_since__lt=cutoff).update(
        state=State.PENDING, sending_since=None
    )


def _due(mode: str, now: dt.datetime):
    return AlertMessage.objects.filter(state=State.PENDING, mode=mode, not_before__lte=now)


def alerts_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due immediate alert once. Returns counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    counts["released"] = alerts_stuck_release(now=now)
    for message_id in _due(Mode.IMMEDIATE, now).values_list("id", flat=True)[:200]:
        if alert_claim(message_id, now=now):
            message = AlertMessage.objects.select_related("item__integration").get(pk=message_id)
            counts[_deliver([message], now)] += 1
    return counts


def alerts_digest_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send one digest per channel and owner team with every due digest alert (not at night)."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "quiet": 0}
    if alerts_quiet_now(now):
        counts["quiet"] = 1
        return counts
    groups = _due(Mode.DIGEST, now).order_by().values_list("channel", "owner").distinct()
    for channel, owner in sorted(groups):
        due = _due(Mode.DIGEST, now).filter(channel=channel, owner=owner)
        ids = list(due.values_list("id", flat=True))
        claimed = [i for i in ids if alert_claim(i, now=now)]
        messages = list(
            AlertMessage.objects.filter(pk__in=claimed).select_related("item__integration")
        )
        if messages:
            counts[_deliver(messages, now)] += 1
    return counts


def _deliver(messages: list[AlertMessage], now: dt.datetime) -> str:
    """Send claimed messages of one channel and team as one text; record the outcome."""
    live = [m for m in messages if m.item.status in ACTIVE_STATUSES]
    _mark([m for m in messages if m not in live], State.SKIPPED, "the item was closed first")
    if not live:
        return "skipped"
    first = live[0]
    subject, text = _compose(live)
    try:
        CHANNELS[first.channel].send(first.owner, subject, text)
    except AlertSendError as exc:
        return _reschedule(live, exc, now)
    AlertMessage.objects.filter(pk__in=[m.pk for m in live]).update(
        state=State.SENT, sent_at=now, sending_since=None, last_error=""
    )
    return "sent"


def _mark(messages: Iterable[AlertMessage], state: str, error: str) -> None:
    AlertMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        state=state, sending_since=None, last_error=error
    )


def _reschedule(messages: list[AlertMessage], exc: AlertSendError, now: dt.datetime) -> str:
    error = redact(str(exc))[:2000]
    exhausted = [m for m in messages if m.attempts >= m.max_attempts]
    _mark(exhausted, State.FAILED, error)
    for message in exhausted:
        log.error("alert %s gave up after %s attempts: %s", message.key, message.attempts, error)
    waiting = [m for m in messages if m not in exhausted]
    for message in waiting:
        delay = outbox.retry_delay_seconds(message.attempts, exc.retry_after)
        AlertMessage.objects.filter(pk=message.pk).update(
            state=State.PENDING,
            sending_since=None,
            last_error=error,
            not_before=now + dt.timedelta(seconds=delay),
        )
    return "retry" if waiting else "failed"


# --- Text -------------------------------------------------------------------------------------


def _item_url(item: ExceptionItem) -> str:
    return settings.HUB_BASE_URL + reverse("exception-detail", args=[item.pk])


def _item_line(item: ExceptionItem) -> str:
    info = KINDS[item.kind]
    return (
        f"- [{item.get_severity_display()}] {info.title} — {item.integration.name}, "
        f"{item.subject_type} {item.subject_id}: {redact(item.message)[:300]} "
        f"(x{item.occurrences}) {_item_url(item)}"
    )


def _compose(messages: list[AlertMessage]) -> tuple[str, str]:
    items = [m.item for m in messages]
    team = OWNERS.get(messages[0].owner, messages[0].owner)
    if messages[0].mode == Mode.IMMEDIATE:
        item = items[0]
        info = KINDS[item.kind]
        subject = f"{item.get_severity_display().upper()}: {info.title} ({item.integration.name})"
        return subject, f"{_item_line(item)}\n\nWhat to do ({team}): {info.runbook}\n"
    subject = f"{len(items)} new exception{'s' if len(items) != 1 else ''} for {team}"
    lines = "\n".join(_item_line(item) for item in items[:DIGEST_MAX_LINES])
    if len(items) > DIGEST_MAX_LINES:
        lines += f"\n… and {len(items) - DIGEST_MAX_LINES} more"
    return subject, f"{lines}\n\nAll open exceptions: {settings.HUB_BASE_URL}/exceptions/\n"

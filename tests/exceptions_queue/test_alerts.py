"""Alert outbox: planned after commit, sent once, retried with backoff, thresholds, quiet hours."""

import datetime as dt
import json
import smtplib

import pytest
import responses
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from exceptions_queue import alerts, tasks
from exceptions_queue.alerts import alerts_digest_send, alerts_plan, alerts_send
from exceptions_queue.models import AlertMessage, ExceptionItem
from exceptions_queue.services import exception_clear, exception_record
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db
State = AlertMessage.State
WEBHOOK = "https://hooks.example.test/services/T000/B000"

# 10:00 and 23:30 London time in November (GMT).
DAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
NIGHT = dt.datetime(2026, 11, 2, 23, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def alert_settings(settings):
    settings.HUB_ALERT_EMAILS_OPS = ["ops@example.com", "lead@example.com"]
    settings.HUB_ALERT_EMAILS_FINANCE = ["finance@example.com"]
    settings.HUB_ALERT_EMAILS_TECH = []
    settings.HUB_ALERT_WEBHOOK_URL = ""
    settings.HUB_ALERT_QUIET_HOURS = "22-07"
    settings.HUB_ALERT_THRESHOLDS = ""
    settings.HUB_BASE_URL = "https://hub.example.com"
    return settings


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    """exception_record with its after-commit hook run, as in production."""
    integration = integration_make()

    def make(kind="order_injection_failed", subject="8817455903", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return exception_record(
                integration=integration,
                kind=kind,
                subject_type=kwargs.pop("subject_type", "order"),
                subject_id=subject,
                message=kwargs.pop("message", "Source refused the order: address too long"),
                **kwargs,
            )

    return make


def test_critical_item_is_emailed_once_to_its_team(record):
    with time_machine.travel(DAY, tick=False):
        item = record()
        record()  # a repeat plans nothing new
        assert alerts_send()["sent"] == 1
        assert alerts_send()["sent"] == 0
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ops@example.com", "lead@example.com"]
    assert email.subject == "[Integration Hub] CRITICAL: Order not created in source (acme)"
    assert f"https://hub.example.com/exceptions/{item.pk}/" in email.body
    assert "looks the order up by the JL order number" in email.body  # the runbook
    message = AlertMessage.objects.get()
    assert message.key == f"{item.pk}:email:immediate"
    assert (message.state, message.attempts) == (State.SENT, 1)


def test_planning_twice_is_idempotent(record):
    item = record()
    alerts_plan(fingerprint=item.fingerprint)
    alerts_plan(fingerprint=item.fingerprint)
    assert AlertMessage.objects.count() == 1


def test_nothing_is_planned_until_the_transaction_commits():
    integration = integration_make()
    exception_record(
        integration=integration, kind="auth_failed", subject_type="integration",
        subject_id="acme", message="401",
    )  # fmt: skip
    assert AlertMessage.objects.count() == 0  # the test transaction never commits


def test_a_broken_plan_never_breaks_the_flow(record, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("mail config exploded")

    monkeypatch.setattr(alerts, "alerts_plan", broken)
    item = record()  # robust on_commit: logged, not raised
    assert ExceptionItem.objects.filter(pk=item.pk).exists()


def test_failed_send_is_retried_with_backoff_then_sent_once(record, monkeypatch):
    real_send = alerts.send_mail
    failures = [smtplib.SMTPServerDisconnected("connection closed")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(alerts, "send_mail", flaky)
    with time_machine.travel(DAY, tick=False):
        record()
        assert alerts_send()["retry"] == 1
        message = AlertMessage.objects.get()
        assert message.state == State.PENDING and message.attempts == 1
        assert "SMTPServerDisconnected" in message.last_error
        assert 15 <= (message.not_before - DAY).total_seconds() <= 30  # the outbox's backoff
        assert alerts_send()["sent"] == 0  # not due yet
    with time_machine.travel(DAY + dt.timedelta(seconds=31), tick=False):
        assert alerts_send()["sent"] == 1
        assert alerts_send()["sent"] == 0
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.SENT, 2, "")


def test_send_gives_up_after_max_attempts(record, monkeypatch):
    def down(*args, **kwargs):
        raise OSError("no route to host")

    monkeypatch.setattr(alerts, "send_mail", down)
    record()
    AlertMessage.objects.update(attempts=7)
    assert alerts_send()["failed"] == 1
    assert AlertMessage.objects.get().state == State.FAILED


def test_a_message_claimed_by_another_worker_is_not_sent_again(record):
    record()
    message = AlertMessage.objects.get()
    assert alerts.alert_claim(message.pk, now=timezone.now()) is True
    assert alerts.alert_claim(message.pk, now=timezone.now()) is False
    assert alerts_send()["sent"] == 0
    assert mail.outbox == []


def test_a_message_stuck_in_sending_is_released(record, settings):
    with time_machine.travel(DAY, tick=False):
        record()
        alerts.alert_claim(AlertMessage.objects.get().pk, now=DAY)
    later = DAY + dt.timedelta(seconds=settings.HUB_TASK_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        counts = alerts_send()
    assert (counts["released"], counts["sent"]) == (1, 1)


def test_item_closed_before_sending_is_skipped(record):
    item = record()
    exception_clear(
        integration=item.integration, kind=item.kind, subject_type="order",
        subject_id=item.subject_id, note="found in source",
    )  # fmt: skip
    assert alerts_send()["skipped"] == 1
    assert AlertMessage.objects.get().state == State.SKIPPED
    assert mail.outbox == []


def test_threshold_alerts_only_once_occurrences_reach_it(record, settings):
    settings.HUB_ALERT_THRESHOLDS = "unmapped_carrier:3, stock_drift:5"
    for _ in range(2):
        record("unmapped_carrier", "UPS", subject_type="dispatch")
    assert AlertMessage.objects.count() == 0
    record("unmapped_carrier", "UPS", subject_type="dispatch")
    record("unmapped_carrier", "UPS", subject_type="dispatch")
    message = AlertMessage.objects.get()
    assert message.mode == "digest" and message.item.occurrences == 4


def test_bad_threshold_setting_names_the_variable(settings):
    settings.HUB_ALERT_THRESHOLDS = "unmapped_carrier:three"
    with pytest.raises(ImproperlyConfigured, match="HUB_ALERT_THRESHOLDS"):
        alerts.alert_thresholds()
    settings.HUB_ALERT_QUIET_HOURS = "10pm-7am"
    with pytest.raises(ImproperlyConfigured, match="HUB_ALERT_QUIET_HOURS"):
        alerts.quiet_hours()


def test_non_critical_items_wait_for_the_team_digest(record):
    with time_machine.travel(DAY, tick=False):
        record("unmapped_carrier", "UPS", subject_type="dispatch")
        record("missing_tracking", "8817455903")
        record("payout_variance", "PO-1", subject_type="payout")
        assert alerts_send()["sent"] == 0  # not immediate
        assert alerts_digest_send()["sent"] == 2  # one for Ops, one for Finance
        assert alerts_digest_send()["sent"] == 0
    by_team = {tuple(email.to): email for email in mail.outbox}
    ops = by_team[("ops@example.com", "lead@example.com")]
    assert ops.subject == "[Integration Hub] 2 new exceptions for Ops"
    assert "Carrier not mapped" in ops.body and "Tracking number missing" in ops.body
    assert by_team[("finance@example.com",)].subject.endswith("1 new exception for Finance")


def test_quiet_hours_hold_the_digest_but_not_critical_alerts(record):
    with time_machine.travel(NIGHT, tick=False):
        record("unmapped_carrier", "UPS", subject_type="dispatch")
        record()  # critical
        held = alerts_digest_send()
        assert (held["quiet"], held["sent"]) == (1, 0)
        assert alerts_send()["sent"] == 1
    assert [email.subject for email in mail.outbox] == [
        "[Integration Hub] CRITICAL: Order not created in source (acme)"
    ]
    morning = dt.datetime(2026, 11, 3, 7, 0, tzinfo=dt.UTC)
    with time_machine.travel(morning - dt.timedelta(minutes=1), tick=False):
        assert alerts_digest_send()["quiet"] == 1
    with time_machine.travel(morning, tick=False):
        assert alerts_digest_send()["sent"] == 1
    assert len(mail.outbox) == 2


def test_quiet_hours_follow_london_local_time(settings):
    summer_2230_local = dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC)  # BST
    assert alerts.alerts_quiet_now(summer_2230_local) is True
    assert alerts.alerts_quiet_now(dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC)) is False
    settings.HUB_ALERT_QUIET_HOURS = ""
    assert alerts.alerts_quiet_now(NIGHT) is False
    settings.HUB_ALERT_QUIET_HOURS = "12-14"
    assert alerts.alerts_quiet_now(dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC)) is True


def test_team_without_recipients_gets_no_email(record):
    record("auth_failed", "acme", subject_type="integration")  # Tech, no recipients
    assert AlertMessage.objects.count() == 0


@responses.activate
def test_webhook_posts_json_text_once_and_retries_after_an_error(record, settings):
    settings.HUB_ALERT_WEBHOOK_URL = WEBHOOK
    settings.HUB_ALERT_EMAILS_OPS = []
    responses.post(WEBHOOK, status=429, headers={"Retry-After": "120"})
    responses.post(WEBHOOK, status=200, body="ok")
    with time_machine.travel(DAY, tick=False):
        record()
        assert alerts_send()["retry"] == 1
        message = AlertMessage.objects.get()
        assert message.channel == "webhook"
        assert (message.not_before - DAY).total_seconds() == 120  # honours Retry-After
    with time_machine.travel(DAY + dt.timedelta(seconds=121), tick=False):
        assert alerts_send()["sent"] == 1
        assert alerts_send()["sent"] == 0
    assert len(responses.calls) == 2
    body = json.loads(responses.calls[1].request.body)
    assert set(body) == {"text"}
    assert "CRITICAL: Order not created in source" in body["text"]


def test_webhook_is_called_with_a_timeout(record, settings, monkeypatch):
    settings.HUB_ALERT_WEBHOOK_URL = WEBHOOK
    seen = {}

    class Ok:
        status_code = 204
        headers = {}

    def post(url, **kwargs):
        seen.update(kwargs, url=url)
        return Ok()

    monkeypatch.setattr(alerts.requests, "post", post)
    record()
    assert alerts_send()["sent"] == 2  # email and webhook
    assert seen["url"] == WEBHOOK and seen["timeout"] == alerts.WEBHOOK_TIMEOUT_SECONDS


def test_tasks_are_thin_entry_points(record):
    record()
    assert tasks.alerts_send()["sent"] == 1
    assert tasks.alerts_digest_send()["sent"] == 0
    assert tasks.exceptions_retry_stuck_release() == 0


def test_a_failed_digest_is_retried_as_one_message(record, monkeypatch):
    real_send = alerts.send_mail
    failures = [ConnectionRefusedError("smtp down")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(alerts, "send_mail", flaky)
    monkeypatch.setattr(alerts, "DIGEST_MAX_LINES", 2)
    with time_machine.travel(DAY, tick=False):
        for carrier in ("UPS", "DPD", "Evri"):
            record("unmapped_carrier", carrier, subject_type="dispatch")
        assert alerts_digest_send()["retry"] == 1
        assert set(AlertMessage.objects.values_list("state", "attempts")) == {(State.PENDING, 1)}
    with time_machine.travel(DAY + dt.timedelta(hours=1), tick=False):
        assert alerts_digest_send()["sent"] == 1
        assert alerts_digest_send()["sent"] == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("3 new exceptions for Ops")
    assert "… and 1 more" in mail.outbox[0].body


def test_bad_alert_settings_fail_the_startup_check(settings):
    from exceptions_queue.checks import alert_settings_check

    assert alert_settings_check(None) == []
    settings.HUB_ALERT_THRESHOLDS = "unmapped_carrier:three"
    errors = alert_settings_check(None)
    assert [e.id for e in errors] == ["exceptions_queue.E001"]
    assert "HUB_ALERT_THRESHOLDS" in errors[0].msg
    settings.HUB_ALERT_THRESHOLDS = ""
    settings.HUB_ALERT_QUIET_HOURS = "late"
    assert "HUB_ALERT_QUIET_HOURS" in alert_settings_check(None)[0].msg

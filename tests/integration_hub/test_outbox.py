import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from connectors.base import ConfigError, PermanentError, TransientError
from integration_hub.models import JobStatus, OutboundJob
from integration_hub.services import outbox
from integration_hub.services.outbox import (
    outbound_job_claim,
    outbound_job_enqueue,
    outbound_job_retry,
    outbox_handler_register,
    outbox_relay,
    retry_delay_seconds,
)
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Register a test handler whose behaviour each test scripts; records every call."""
    monkeypatch.setattr(outbox, "OUTBOX_HANDLERS", {})
    record = {"runs": [], "gave_up": [], "script": []}

    def run(job):
        record["runs"].append(job.identity_key)
        if record["script"]:
            raise record["script"].pop(0)

    def give_up(job, error):
        record["gave_up"].append((job.identity_key, type(error).__name__))

    outbox_handler_register("test_call", run, give_up)
    return record


def enqueue(integration, key="order-1:ship", **kwargs):
    return outbound_job_enqueue(
        integration=integration, kind="test_call", identity_key=key, **kwargs
    )


def test_same_identity_is_queued_once_while_open(calls):
    integration = integration_make()
    first = enqueue(integration)
    second = enqueue(integration)
    assert first.pk == second.pk
    assert OutboundJob.objects.count() == 1


def test_relay_runs_due_job_once_and_marks_it_done(calls):
    integration = integration_make()
    job = enqueue(integration)
    assert outbox_relay()["done"] == 1
    assert outbox_relay()["done"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 1
    assert calls["runs"] == ["order-1:ship"]


def test_done_identity_can_be_queued_again(calls):
    integration = integration_make()
    enqueue(integration)
    outbox_relay()
    enqueue(integration)
    assert OutboundJob.objects.filter(status=JobStatus.PENDING).count() == 1


def test_transient_error_reschedules_with_retry_after(calls):
    integration = integration_make()
    job = enqueue(integration)
    calls["script"] = [TransientError("429 too many", retry_after=120)]
    before = timezone.now()
    assert outbox_relay()["retry"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.not_before >= before + dt.timedelta(seconds=120)
    assert "429 too many" in job.last_error
    assert outbox_relay()["retry"] == 0  # not due yet


def test_escalates_when_attempts_run_out(calls):
    integration = integration_make()
    job = enqueue(integration, max_attempts=2)
    calls["script"] = [TransientError("down"), TransientError("still down")]
    outbox_relay()
    OutboundJob.objects.filter(pk=job.pk).update(not_before=timezone.now())
    assert outbox_relay()["failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert calls["gave_up"] == [("order-1:ship", "TransientError")]


@pytest.mark.parametrize("error", [PermanentError("400 bad"), ConfigError("401")])
def test_permanent_and_config_errors_fail_at_once(calls, error):
    integration = integration_make()
    job = enqueue(integration)
    calls["script"] = [error]
    assert outbox_relay()["failed"] == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert calls["gave_up"] == [("order-1:ship", type(error).__name__)]


def test_a_crashing_job_does_not_stop_the_batch(calls):
    integration = integration_make()
    enqueue(integration, key="a")
    enqueue(integration, key="b")
    calls["script"] = [RuntimeError("bug")]
    counts = outbox_relay()
    assert (counts["failed"], counts["done"]) == (1, 1)
    assert calls["runs"] == ["a", "b"]


def test_unknown_kind_fails_with_a_message(calls):
    integration = integration_make()
    job = outbound_job_enqueue(integration=integration, kind="nobody_handles", identity_key="x")
    outbox_relay()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "no outbox handler for kind 'nobody_handles'" in job.last_error


def test_claim_is_exclusive(calls):
    integration = integration_make()
    job = enqueue(integration)
    now = timezone.now()
    assert outbound_job_claim(job.pk, now=now) is True
    assert outbound_job_claim(job.pk, now=now) is False


def test_job_stuck_in_flight_is_released_and_run_again(calls, settings):
    """A worker killed mid-job leaves it in flight; past the task timeout it runs again."""
    integration = integration_make()
    job = enqueue(integration)
    stuck_since = timezone.now() - dt.timedelta(seconds=settings.HUB_TASK_TIMEOUT + 5)
    OutboundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.IN_FLIGHT, in_flight_since=stuck_since, attempts=1
    )
    counts = outbox_relay()
    assert (counts["released"], counts["done"]) == (1, 1)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


def test_job_in_flight_within_timeout_is_left_alone(calls):
    integration = integration_make()
    job = enqueue(integration)
    OutboundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.IN_FLIGHT, in_flight_since=timezone.now()
    )
    assert outbox_relay() == {"released": 0, "done": 0, "retry": 0, "failed": 0}


def test_retry_of_a_failed_job_queues_it_again_and_twice_is_harmless(calls):
    integration = integration_make()
    job = enqueue(integration)
    calls["script"] = [PermanentError("bad carrier")]
    outbox_relay()
    job.refresh_from_db()
    again = outbound_job_retry(job)
    again_twice = outbound_job_retry(job)
    assert again.pk == again_twice.pk
    assert OutboundJob.objects.filter(status=JobStatus.PENDING).count() == 1
    assert outbox_relay()["done"] == 1


def test_enqueue_rolled_back_with_its_transaction(calls):
    integration = integration_make()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(integration)
        raise RuntimeError("the state change failed")
    assert not OutboundJob.objects.exists()


def test_backoff_grows_and_respects_retry_after():
    assert 15 <= retry_delay_seconds(1, None) <= 30
    assert 60 <= retry_delay_seconds(3, None) <= 120
    assert retry_delay_seconds(20, None) <= 3600
    assert retry_delay_seconds(1, 600) == 600

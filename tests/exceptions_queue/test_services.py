import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from exceptions_queue import services
from exceptions_queue.kinds import KINDS
from exceptions_queue.models import ExceptionAction, ExceptionItem, Status
from exceptions_queue.services import (
    exception_clear,
    exception_ignore,
    exception_record,
    exception_reopen,
    exception_resolve,
    exception_retry,
    exceptions_retry_stuck_release,
    retry_handler_register,
)
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


def record(integration, subject="UPS Next Day", **kwargs):
    return exception_record(
        integration=integration,
        kind=kwargs.pop("kind", "unmapped_carrier"),
        subject_type="dispatch",
        subject_id=subject,
        message=kwargs.pop("message", "Carrier 'UPS Next Day' is not mapped"),
        **kwargs,
    )


@pytest.fixture
def handlers(monkeypatch):
    monkeypatch.setattr(services, "RETRY_HANDLERS", {})
    return services.RETRY_HANDLERS


def test_every_kind_has_owner_severity_and_runbook():
    assert len(KINDS) == 26
    for kind in KINDS.values():
        assert kind.owner in {"ops", "finance", "merchandising", "cx", "tech"}
        assert len(kind.runbook) > 80


def test_one_item_per_fingerprint_under_repeats():
    integration = integration_make()
    first = record(integration)
    for _ in range(4):
        again = record(integration, message="still not mapped")
    assert ExceptionItem.objects.count() == 1
    assert again.pk == first.pk
    assert again.occurrences == 5
    assert again.message == "still not mapped"
    assert again.owner == "ops" and again.severity == "high"
    actions = list(ExceptionAction.objects.values_list("action", flat=True))
    assert actions == ["raised"] + ["repeated"] * 4


def test_different_subjects_or_integrations_are_different_items():
    acme, other = integration_make(), integration_make("other")
    record(acme, "UPS")
    record(acme, "DPD Local")
    record(other, "UPS")
    assert ExceptionItem.objects.count() == 3


def test_detail_is_stripped_of_secrets_and_truncated():
    integration = integration_make()
    item = record(integration, detail="Authorization: k-123 " + "x" * 5000)
    assert "k-123" not in item.detail
    assert item.detail.endswith("…[truncated]")
    assert len(item.detail) < 4100


def test_ignored_item_absorbs_repeats_resolved_item_does_not():
    integration = integration_make()
    item = record(integration)
    exception_ignore(item, actor=None, note="carrier retired")
    assert record(integration).pk == item.pk
    item.refresh_from_db()
    assert (item.status, item.occurrences) == (Status.IGNORED, 2)
    exception_resolve(item, actor=None, note="done")
    assert record(integration).pk != item.pk


def test_manual_actions_need_a_note():
    item = record(integration_make())
    with pytest.raises(ValueError, match="a note is required"):
        exception_resolve(item, actor=None, note="  ")


def test_auto_resolve_when_the_condition_is_gone():
    integration = integration_make()
    item = record(integration)
    cleared = exception_clear(
        integration=integration, kind="unmapped_carrier", subject_type="dispatch",
        subject_id="UPS Next Day", note="carrier mapped to UPS",
    )  # fmt: skip
    item.refresh_from_db()
    assert cleared == 1
    assert item.status == Status.RESOLVED
    assert item.actions.last().action == "auto_resolved"
    assert item.actions.last().note == "carrier mapped to UPS"


def test_retry_runs_the_handler_and_resolves(handlers, django_user_model):
    calls = []
    retry_handler_register("unmapped_carrier", lambda item: calls.append(item.pk) or True)
    item = record(integration_make())
    user = django_user_model.objects.create_user("olivia")
    assert exception_retry(item.pk, actor=user) == "resolved"
    assert exception_retry(item.pk, actor=user) == "busy"
    item.refresh_from_db()
    assert calls == [item.pk]
    assert (item.status, item.resolved_by) == (Status.RESOLVED, user)


def test_retry_still_failing_keeps_it_open(handlers):
    retry_handler_register("unmapped_carrier", lambda item: False)
    item = record(integration_make())
    assert exception_retry(item.pk) == "still_failing"
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_retry_handler_crash_is_recorded(handlers):
    def boom(item):
        raise RuntimeError("source said no, token=abc")

    retry_handler_register("unmapped_carrier", boom)
    item = record(integration_make())
    assert exception_retry(item.pk) == "failed"
    item.refresh_from_db()
    assert item.status == Status.OPEN
    note = item.actions.last().note
    assert "source said no" in note and "abc" not in note


def test_retry_without_handler_says_so(handlers):
    item = record(integration_make())
    assert exception_retry(item.pk) == "no_handler"
    assert "fix the cause" in item.actions.last().note


def test_stuck_retrying_item_is_released(handlers):
    item = record(integration_make())
    ExceptionItem.objects.filter(pk=item.pk).update(
        status=Status.RETRYING, last_seen=timezone.now() - dt.timedelta(minutes=11)
    )
    assert exceptions_retry_stuck_release() == 1
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_reopen_refuses_when_a_newer_item_is_live():
    integration = integration_make()
    old = record(integration)
    exception_resolve(old, actor=None, note="fixed")
    record(integration)
    old.refresh_from_db()
    with pytest.raises(ValueError, match="newer item"):
        exception_reopen(old, actor=None)


@pytest.mark.django_db(transaction=True)
def test_retry_pressed_twice_at_once_runs_the_action_once(handlers):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Shared-cache memory SQLite fails a second writer at once ("table is locked") instead
        # of waiting; the PostgreSQL run of the suite proves this path.
        pytest.skip("needs a database that lets two threads write at once")
    runs = []

    def slow_fix(item):
        runs.append(item.pk)
        time.sleep(0.3)
        return True

    retry_handler_register("unmapped_carrier", slow_fix)
    item = record(integration_make())
    barrier = threading.Barrier(2)
    outcomes = []

    def press():
        barrier.wait()
        outcomes.append(exception_retry(item.pk))
        connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runs == [item.pk]
    assert sorted(outcomes) == ["busy", "resolved"]

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from integration_hub.models import Integration
from integration_hub.schedules import ScheduleSpec, schedules_sync

pytestmark = pytest.mark.django_db


def test_schedules_are_created_once_and_corrected():
    first = schedules_sync()
    assert set(first["created"]) == {"hub: worker heartbeat", "hub: outbox relay"}
    second = schedules_sync()
    assert second["created"] == [] and len(second["unchanged"]) == 2
    Schedule.objects.filter(name="hub: outbox relay").update(minutes=9)
    Schedule.objects.create(name="someone else's", func="math.floor", schedule_type="I", minutes=5)
    third = schedules_sync()
    assert third["updated"] == ["hub: outbox relay"]
    assert Schedule.objects.get(name="hub: outbox relay").minutes == 1
    assert Schedule.objects.filter(name="someone else's").exists()
    assert Schedule.objects.filter(name__startswith="hub: ").count() == 2


def test_schedules_no_longer_listed_are_removed():
    schedules_sync()
    report = schedules_sync([ScheduleSpec("worker heartbeat", "integration_hub.tasks.worker_heartbeat", 1)])
    assert report["deleted"] == ["hub: outbox relay"]


def test_hub_schedules_command_prints_changes(capsys):
    call_command("hub", "schedules")
    assert "created    hub: worker heartbeat" in capsys.readouterr().out


def test_demo_creates_users_for_every_role_once(capsys):
    call_command("hub", "demo", "--source", "magento")
    out = capsys.readouterr().out
    integration = Integration.objects.get(name="demo")
    assert integration.source_kind == "magento"
    assert integration.marketplace_url.endswith("/sandbox/mirakl")
    passwords = dict(
        line.split() for line in out.splitlines() if line.startswith("  ")
    )
    assert set(passwords) == {"ops", "finance", "cx", "admin"}
    user = authenticate(username="cx", password=passwords["cx"])
    assert [g.name for g in user.groups.all()] == ["CX"]
    call_command("hub", "demo")
    again = capsys.readouterr().out
    assert "demo users already exist" in again
    assert passwords["cx"] not in again


def test_demo_refuses_outside_sandbox_mode(settings):
    settings.HUB_SANDBOX = False
    with pytest.raises(CommandError, match="needs HUB_SANDBOX=1") as error:
        call_command("hub", "demo")
    assert error.value.returncode == 2

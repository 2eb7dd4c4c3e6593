import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from integration_hub.models import Integration
from integration_hub.schedules import (
    HUB_SCHEDULES,
    SANDBOX_SCHEDULES,
    ScheduleSpec,
    schedules_sync,
)

ALL = HUB_SCHEDULES + SANDBOX_SCHEDULES  # the test settings run in sandbox mode

pytestmark = pytest.mark.django_db


def test_schedules_are_created_once_and_corrected():
    first = schedules_sync()
    assert set(first["created"]) == {f"hub: {spec.name}" for spec in ALL}
    assert {"hub: worker heartbeat", "hub: outbox relay"} <= set(first["created"])
    second = schedules_sync()
    assert second["created"] == [] and len(second["unchanged"]) == len(ALL)
    Schedule.objects.filter(name="hub: outbox relay").update(minutes=9)
    Schedule.objects.create(name="someone else's", func="math.floor", schedule_type="I", minutes=5)
    third = schedules_sync()
    assert third["updated"] == ["hub: outbox relay"]
    assert Schedule.objects.get(name="hub: outbox relay").minutes == 1
    assert Schedule.objects.filter(name="someone else's").exists()
    assert Schedule.objects.filter(name__startswith="hub: ").count() == len(ALL)


def test_exceptions_schedules_alerts_digest_and_stuck_retries():
    specs = {spec.name: spec for spec in HUB_SCHEDULES}
    assert specs["alerts send"].func == "exceptions_queue.tasks.alerts_send"
    assert specs["alerts send"].minutes == 1
    assert specs["alerts digest"].func == "exceptions_queue.tasks.alerts_digest_send"
    assert specs["alerts digest"].minutes == 60
    release = specs["exceptions retry stuck release"]
    assert release.func == "exceptions_queue.tasks.exceptions_retry_stuck_release"


def test_schedules_no_longer_listed_are_removed():
    schedules_sync()
    report = schedules_sync(
        [ScheduleSpec("worker heartbeat", "integration_hub.tasks.worker_heartbeat", 1)]
    )
    assert "hub: outbox relay" in report["deleted"]
    assert len(report["deleted"]) == len(ALL) - 1


def test_demo_tick_is_scheduled_only_in_sandbox_mode(settings):
    settings.HUB_SANDBOX = False
    assert "hub: sandbox demo tick" not in schedules_sync()["created"]
    settings.HUB_SANDBOX = True
    assert schedules_sync()["created"] == ["hub: sandbox demo tick"]


def test_hub_schedules_command_prints_changes(capsys):
    call_command("hub", "schedules")
    assert "created    hub: worker heartbeat" in capsys.readouterr().out


def test_demo_creates_users_for_every_role_once(capsys):
    call_command("hub", "demo", "--source", "magento")
    out = capsys.readouterr().out
    integration = Integration.objects.get(name="demo")
    assert integration.source_kind == "magento"
    assert integration.marketplace_url.endswith("/sandbox/mirakl")
    passwords = dict(line.split() for line in out.splitlines() if line.startswith("  "))
    assert set(passwords) == {"ops", "merch", "finance", "cx", "admin"}
    user = authenticate(username="cx", password=passwords["cx"])
    assert [g.name for g in user.groups.all()] == ["CX"]
    call_command("hub", "demo")
    again = capsys.readouterr().out
    assert "demo users already exist" in again
    assert passwords["cx"] not in again


def test_a_demo_served_on_another_address_is_repointed_with_its_keys(settings):
    """BIND=host:port make run: the demo integration follows HUB_BASE_URL, keys and all."""
    call_command("hub", "demo", "--source", "shopify")
    integration = Integration.objects.get(name="demo")
    assert integration.marketplace_url.startswith(settings.HUB_BASE_URL)
    settings.HUB_BASE_URL = "http://127.0.0.1:8123"
    call_command("hub", "demo", "--source", "shopify")
    integration.refresh_from_db()
    assert integration.marketplace_url == "http://127.0.0.1:8123/sandbox/mirakl"
    assert integration.source_url.startswith("http://127.0.0.1:8123/sandbox/shopify")
    assert integration.marketplace_api_key  # given again with the new address, so kept
    assert integration.source_credentials


def test_the_demo_maps_its_catalogue_at_once_and_again_for_another_source():
    call_command("hub", "demo", "--source", "shopify")
    integration = Integration.objects.get(name="demo")
    assert integration.catalogue_enabled
    fields = dict(
        integration.attribute_mappings.values_list("marketplace_attribute", "source_field")
    )
    assert fields["colour"] == "option:Colour" and integration.category_mappings.exists()
    call_command("hub", "demo", "--source", "shopify")  # once: nothing is added again
    assert integration.attribute_mappings.filter(marketplace_attribute="colour").count() == 1
    call_command("hub", "demo", "--source", "magento")
    fields = dict(
        integration.attribute_mappings.values_list("marketplace_attribute", "source_field")
    )
    assert fields["colour"] == "color"  # Magento's attribute code


def test_demo_refuses_outside_sandbox_mode(settings):
    settings.HUB_SANDBOX = False
    with pytest.raises(CommandError, match="needs HUB_SANDBOX=1") as error:
        call_command("hub", "demo")
    assert error.value.returncode == 2

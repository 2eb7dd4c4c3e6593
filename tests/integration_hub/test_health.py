import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from integration_hub.models import Integration, SyncRun
from integration_hub.services.health import heartbeat_beat
from integration_hub.services.runs import sync_run
from integration_hub.tasks import worker_heartbeat
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_healthz_is_503_before_the_worker_ever_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["worker"] == {"ok": False, "last_beat": None, "age_seconds": None}
    assert body["status"] == "degraded"


def test_healthz_is_200_with_a_fresh_heartbeat_and_503_when_stale(client, settings):
    with time_machine.travel(T0, tick=False):
        worker_heartbeat()
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["worker"]["age_seconds"] == 60
    stale = settings.HUB_HEARTBEAT_STALE_SECONDS + 1
    with time_machine.travel(T0 + dt.timedelta(seconds=stale), tick=False):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["worker"]["ok"] is False


def test_healthz_reports_last_successful_run_per_enabled_flow(client):
    integration = integration_make(settlements_enabled=False)
    with time_machine.travel(T0, tick=False):
        heartbeat_beat()
        with sync_run(integration, "orders") as run:
            run.add("pulled", 3)
        with pytest.raises(RuntimeError), sync_run(integration, "stock"):
            raise RuntimeError("boom")
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        flows = {row["flow"]: row for row in client.get("/healthz").json()["flows"]}
    assert flows["orders"]["age_seconds"] == 30
    assert flows["orders"]["last_success"] == T0.isoformat()
    assert flows["stock"]["last_success"] is None  # its only run failed
    assert "settlements" not in flows


def test_sync_run_records_outcomes_and_counts():
    integration = integration_make()
    with sync_run(integration, "orders") as run:
        run.add("pulled", 2)
        run.item_failed()
    with pytest.raises(ValueError), sync_run(integration, "stock"):
        raise ValueError("bad page")
    runs = {r.flow: r for r in SyncRun.objects.all()}
    assert runs["orders"].outcome == "partial"
    assert runs["orders"].counts == {"pulled": 2, "failed": 1}
    assert runs["stock"].outcome == "failed"
    assert runs["stock"].error == "ValueError: bad page"
    assert runs["stock"].finished_at <= timezone.now()


def test_dashboard_marks_flows_late_or_on_time(client, role_user):
    integration = integration_make()
    Integration.objects.filter(pk=integration.pk).update(created_at=T0 - dt.timedelta(days=2))
    client.force_login(role_user("Ops"))
    with time_machine.travel(T0, tick=False), sync_run(integration, "orders"):
        pass
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        flows = {row["flow"]: row for row in client.get("/").context["flows"]}
        assert flows["orders"]["red"] is False
        assert flows["dispatch"]["red"] is True  # never ran
        assert flows["dispatch"]["reason"] == "never succeeded"
        assert flows["settlements"]["red"] is True  # switched on, never ran
        assert flows["settlements"]["reason"] == "never succeeded"
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        flows = {row["flow"]: row for row in client.get("/").context["flows"]}
        assert flows["orders"]["red"] is True

"""Runs a killed worker left open are closed by the flow's next run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from integration_hub.models import RunOutcome, SyncRun
from integration_hub.services.runs import sync_run
from tests.integration_hub.factories import integration_make

pytestmark = pytest.mark.django_db


def test_a_run_left_running_is_closed_as_interrupted_by_the_next_one():
    integration = integration_make()
    cut_off = SyncRun.objects.create(
        integration=integration, flow="orders", started_at=timezone.now()
    )
    other_flow = SyncRun.objects.create(
        integration=integration, flow="stock", started_at=timezone.now()
    )
    with sync_run(integration, "orders"):
        pass
    cut_off.refresh_from_db()
    assert cut_off.outcome == RunOutcome.FAILED and cut_off.finished_at is not None
    assert cut_off.error.startswith("Interrupted")
    other_flow.refresh_from_db()
    assert other_flow.outcome == RunOutcome.RUNNING  # another flow's run is not ours to close
    assert SyncRun.objects.filter(flow="orders", outcome=RunOutcome.SUCCESS).count() == 1

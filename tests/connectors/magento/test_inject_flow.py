"""The hub's order injection on the stock Magento sandbox, through the outbox, with a kill.

The worker dies after Magento placed the order and before the JL number is on it; the job is
released as stuck and runs again: the quote id the hub recorded finds the order, which gets
its number, and no second order is placed.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from connectors.magento.sandbox import models as m
from integration_hub import clients
from integration_hub.demo_sandbox import demo_tick
from integration_hub.flows.orders_inject import ATTEMPT_EVENT
from integration_hub.flows.passes import FLOW_PASSES
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import Integration, Order, OutboundJob
from integration_hub.services.outbox import outbox_relay, outbox_stuck_release
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """The process dies: the relay's ``except Exception`` does not see it."""


class KillsOnceBeforeStamp(DjangoAppAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    def send(self, request, **kwargs):
        stamp = request.method == "POST" and request.url.split("?")[0].endswith("/V1/orders")
        if stamp and "/sandbox/magento/" in request.url and self.armed:
            self.armed = False
            raise WorkerKilled
        return super().send(request, **kwargs)


@pytest.fixture
def adapter(monkeypatch) -> KillsOnceBeforeStamp:
    adapter = KillsOnceBeforeStamp()

    def session():
        s = requests.Session()
        s.mount(settings.HUB_BASE_URL, adapter)
        return s

    monkeypatch.setattr(clients, "http_session", session)
    cache.clear()
    return adapter


def test_a_kill_between_placement_and_stamp_is_finished_by_the_released_job(adapter):
    call_command("hub", "demo", "--source", "magento")
    integration = Integration.objects.get(name="demo")
    integration.call_limit_mode = "off"
    integration.save()
    rng = random.Random(7)
    with pytest.raises(WorkerKilled):
        for _ in range(10):
            demo_tick(rng=rng)
            for flow in ("products", "stock", "orders"):
                flow_pass_run(integration, flow, FLOW_PASSES[flow])
                outbox_relay()
    [placed] = m.Order.objects.filter(ext_order_id="")
    order = Order.objects.get(events__kind=ATTEMPT_EVENT)
    assert order.source_order_id == ""
    attempt = order.events.get(kind=ATTEMPT_EVENT).data["attempt"]
    assert attempt["quote_id"] == str(placed.quote_id)

    # the dead worker's job stays in flight until the task timeout has passed
    long_ago = timezone.now() - dt.timedelta(seconds=settings.HUB_TASK_TIMEOUT + 1)
    OutboundJob.objects.filter(kind="order_inject", status="in_flight").update(
        in_flight_since=long_ago
    )
    assert outbox_stuck_release() == 1
    outbox_relay()

    order.refresh_from_db()
    placed.refresh_from_db()
    assert (order.source_order_id, placed.ext_order_id) == (str(placed.pk), order.commercial_id)
    assert m.Order.objects.filter(quote_id=placed.quote_id).count() == 1
    assert m.Order.objects.filter(ext_order_id=order.commercial_id).count() == 1
    assert placed.comments.count() == 1

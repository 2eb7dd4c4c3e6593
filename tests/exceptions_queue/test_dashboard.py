"""The dashboard's red/green rules on frozen clocks, waiting SKUs, exceptions, home per role."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from exceptions_queue.services import exception_record, exception_resolve
from integration_hub.models import Integration, Product, SyncRun
from integration_hub.selectors import (
    FLOW_STALE_AFTER,
    dashboard_data,
    flow_interval,
    skus_unconfirmed,
)
from integration_hub.services.health import heartbeat_beat
from integration_hub.services.runs import sync_run
from tests.integration_hub.factories import integration_make, order_make

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def flows_at(moment):
    with time_machine.travel(moment, tick=False):
        return {row["flow"]: row for row in dashboard_data()["flows"]}


def runs_at(moment, integration, *flows):
    with time_machine.travel(moment, tick=False):
        for flow in flows:
            with sync_run(integration, flow):
                pass


def product_make(integration, sku, **fields):
    return Product.objects.create(integration=integration, sku=sku, **fields)


def record(integration, kind, subject, **kwargs):
    return exception_record(
        integration=integration, kind=kind, subject_type=kwargs.pop("subject_type", "dispatch"),
        subject_id=subject, message=f"{kind} {subject}", **kwargs,
    )  # fmt: skip


def test_orders_go_red_after_three_missed_intervals():
    window = FLOW_STALE_AFTER["orders"]
    assert window == 3 * flow_interval("orders", dt.timedelta(minutes=5))
    integration = integration_make()
    runs_at(T0, integration, "orders")
    assert flows_at(T0 + window - MINUTE)["orders"]["red"] is False
    late = flows_at(T0 + window + MINUTE)["orders"]
    assert late["red"] is True
    assert late["reason"].startswith("no successful run for")


def test_settlements_go_red_after_a_day_without_a_fetch():
    integration = integration_make()
    runs_at(T0, integration, "settlements")
    assert flows_at(T0 + dt.timedelta(hours=23))["settlements"]["red"] is False
    assert flows_at(T0 + dt.timedelta(hours=25))["settlements"]["red"] is True


def test_a_flow_that_never_succeeded_is_red():
    integration = integration_make()
    Integration.objects.filter(pk=integration.pk).update(created_at=T0 - dt.timedelta(days=2))
    assert flows_at(T0)["orders"]["reason"] == "never succeeded"
    assert flows_at(T0)["orders"]["red"] is True


def test_a_new_flow_says_when_it_first_runs_and_is_not_late():
    integration = integration_make()
    Integration.objects.filter(pk=integration.pk).update(created_at=T0)
    Schedule.objects.create(
        name="orders pass",
        func="integration_hub.tasks.flow_run",
        args="'orders'",
        schedule_type=Schedule.MINUTES,
        minutes=2,
        next_run=T0 + dt.timedelta(minutes=1),
    )
    soon = flows_at(T0 + dt.timedelta(seconds=20))
    assert soon["orders"]["red"] is False
    assert soon["orders"]["reason"] == "first run at " + timezone.localtime(
        T0 + dt.timedelta(minutes=1)
    ).strftime("%H:%M")
    assert soon["settlements"]["reason"] == "first run not due yet"  # no schedule known
    sync_run_failed(integration, "orders", at=T0 + dt.timedelta(minutes=1))
    tried = flows_at(T0 + dt.timedelta(minutes=2))["orders"]
    assert tried["red"] is True and tried["reason"] == "never succeeded"
    assert flows_at(T0 + dt.timedelta(days=2))["settlements"]["red"] is True  # window passed


def sync_run_failed(integration, flow, *, at):
    with time_machine.travel(at, tick=False):
        SyncRun.objects.create(
            integration=integration, flow=flow, started_at=at, finished_at=at, outcome="failed"
        )


def test_stock_goes_red_when_a_change_is_not_confirmed_within_its_window():
    integration = integration_make()
    window = FLOW_STALE_AFTER["stock"]
    product = product_make(integration, "SKU-1", last_source_qty=4, last_source_qty_at=T0)
    runs_at(T0 + window, integration, "stock")  # the flow runs, but SKU-1 is still unconfirmed
    assert flows_at(T0 + window - MINUTE)["stock"]["red"] is False
    late = flows_at(T0 + window + MINUTE)["stock"]
    assert late["red"] is True
    assert late["reason"] == f"1 SKU change(s) not confirmed for {window.seconds // 60 + 1} min"
    Product.objects.filter(pk=product.pk).update(last_pushed_qty=4, last_pushed_at=T0 + MINUTE)
    assert flows_at(T0 + window + MINUTE)["stock"]["red"] is False


def test_skus_unconfirmed_follow_the_push_timestamps():
    integration = integration_make()
    product_make(integration, "never-pushed", last_source_qty=3, last_source_qty_at=T0)
    product_make(integration, "pushed-before-change", last_source_qty=3, last_source_qty_at=T0,
                 last_pushed_qty=5, last_pushed_at=T0 - MINUTE)  # fmt: skip
    product_make(integration, "confirmed", last_source_qty=3, last_source_qty_at=T0,
                 last_pushed_qty=3, last_pushed_at=T0 + MINUTE)  # fmt: skip
    product_make(integration, "no-stock-read-yet")
    assert {p.sku for p in skus_unconfirmed()} == {"never-pushed", "pushed-before-change"}
    assert dashboard_data()["skus_unconfirmed"] == 2


def test_stale_worker_turns_the_dashboard_red(client, role_user, settings):
    integration = integration_make(
        products_enabled=False, stock_enabled=False, prices_enabled=False,
        dispatch_enabled=False, settlements_enabled=False,
    )  # fmt: skip
    client.force_login(role_user("Ops"))
    with time_machine.travel(T0, tick=False):
        heartbeat_beat()
        runs_at(T0, integration, "orders")
        response = client.get("/")
        assert response.context["all_green"] is True
        assert "Every flow ran within its window" in response.content.decode()
    stale = T0 + dt.timedelta(seconds=settings.HUB_HEARTBEAT_STALE_SECONDS + 1)
    with time_machine.travel(stale, tick=False):
        response = client.get("/")
    assert response.context["all_green"] is False
    assert "Worker: no fresh heartbeat" in response.content.decode()


def test_open_exceptions_by_kind_and_owner_with_the_oldest_age():
    integration = integration_make()
    with time_machine.travel(T0, tick=False):
        record(integration, "unmapped_carrier", "UPS")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        record(integration, "unmapped_carrier", "DPD")
        record(integration, "payout_variance", "PO-1", subject_type="payout")
        exception_resolve(record(integration, "stock_drift", "SKU-1"), actor=None, note="ok")
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        data = dashboard_data()
    by_kind = {row["code"]: row for row in data["exceptions_by_kind"]}
    assert set(by_kind) == {"unmapped_carrier", "payout_variance"}
    carriers = by_kind["unmapped_carrier"]
    assert (carriers["count"], carriers["oldest_age_seconds"]) == (2, 3 * 3600)
    by_owner = {row["code"]: row for row in data["exceptions_by_owner"]}
    assert by_owner["ops"]["count"] == 2 and by_owner["finance"]["count"] == 1
    assert by_owner["finance"]["oldest_age_seconds"] == 2 * 3600
    assert data["exceptions_by_kind"][0]["code"] == "unmapped_carrier"  # oldest first


def test_ops_home_lists_exceptions_due_soonest_and_late_flows(client, role_user):
    integration = integration_make()
    Integration.objects.filter(pk=integration.pk).update(created_at=T0 - dt.timedelta(days=2))
    later = record(integration, "dispatch_deadline", "A", due_by=T0 + dt.timedelta(hours=6))
    sooner = record(integration, "acceptance_deadline", "B", due_by=T0 + dt.timedelta(hours=1))
    undated = record(integration, "unmapped_carrier", "C")
    client.force_login(role_user("Ops"))
    with time_machine.travel(T0, tick=False):
        response = client.get("/")
    assert [i.pk for i in response.context["exceptions_due"]] == [sooner.pk, later.pk, undated.pk]
    body = response.content.decode()
    assert "Needs you now" in body and "Exceptions due soonest" in body
    link = 'href="/exceptions/{}/"'.format
    assert body.index(link(sooner.pk)) < body.index(link(later.pk))
    assert "acme · orders: never succeeded" in body


def test_finance_home_shows_finance_owned_exceptions_only(client, role_user):
    integration = integration_make()
    payout = record(integration, "payout_unmatched", "TL-9", subject_type="transaction_line")
    carrier = record(integration, "unmapped_carrier", "UPS")
    client.force_login(role_user("Finance"))
    response = client.get("/")
    assert [i.pk for i in response.context["exceptions_finance"]] == [payout.pk]
    body = response.content.decode()
    assert "Finance exceptions" in body and f'href="/exceptions/{payout.pk}/"' in body
    assert "Needs you now" not in body and f'href="/exceptions/{carrier.pk}/"' not in body


def test_cx_home_has_an_order_search_box_that_goes_to_the_orders_list(client, role_user):
    order = order_make(integration_make())
    client.force_login(role_user("CX"))
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body and 'method="get"' in body and 'name="q"' in body
    assert "Needs you now" not in body and "Finance exceptions" not in body
    found = client.get("/orders/", {"q": order.commercial_id})
    assert [o.pk for o in found.context["table"].data] == [order.pk]

"""Order-to-cash against the Mirakl and Shopify sandboxes: accept, inject exactly once, dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
import time_machine
from django.utils import timezone

from connectors.mirakl.sandbox.models import SandboxOrder
from connectors.sandbox.models import SandboxFault
from connectors.shopify.sandbox import services as shopify
from connectors.shopify.sandbox.models import Order as ShopifyOrder
from exceptions_queue.models import ExceptionItem, Status
from exceptions_queue.services import exception_retry
from integration_hub.flows.passes import dispatch_pass, orders_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import (
    CarrierMapping,
    HubStatus,
    JobStatus,
    MarketplaceCarrier,
    Order,
    OrderEvent,
    OutboundJob,
)

pytestmark = pytest.mark.django_db


def orders(hub):
    run = flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()
    return run


def dispatch(hub):
    run = flow_pass_run(hub.integration, "dispatch", dispatch_pass)
    hub.relay()
    return run


def to_shipping(hub, lines=None):
    """One marketplace order, accepted by the hub, debited, injected into Shopify."""
    created = hub.marketplace_orders(lines=lines or [{"sku": "SB-0001", "quantity": 2}])[0]
    orders(hub)
    hub.debit_all()
    orders(hub)
    return Order.objects.get(marketplace_order_id=created.order_id)


def open_items(kind=None):
    items = ExceptionItem.objects.filter(status=Status.OPEN)
    return items.filter(kind=kind) if kind else items


def map_carrier(hub, source_carrier, code, service=""):
    return CarrierMapping.objects.create(
        integration=hub.integration,
        source_carrier=source_carrier,
        source_service=service,
        carrier=MarketplaceCarrier.objects.get(integration=hub.integration, code=code),
    )


def test_order_is_accepted_then_injected_once_with_the_jl_number(hub):
    created = hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 2}])[0]
    run = orders(hub)
    assert run.outcome == "success"
    order = Order.objects.get(marketplace_order_id=created.order_id)
    assert order.hub_status == HubStatus.ACCEPTED
    assert SandboxOrder.objects.get(order_id=created.order_id).state == "WAITING_DEBIT_PAYMENT"
    assert len(hub.calls(f"/api/orders/{created.order_id}/accept", "PUT")) == 1
    hub.debit_all()
    orders(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.INJECTED
    shopify_order = ShopifyOrder.objects.get(source_identifier=order.commercial_id)
    assert order.source_order_id.endswith(f"/{shopify_order.pk}")
    assert order.source_order_number == shopify_order.name
    assert order.shipping_postcode and order.customer_lastname
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[:1] == ["received"] and "created_in_source" in kinds


def test_repeated_and_overlapping_pulls_change_nothing(hub):
    order = to_shipping(hub)
    events = OrderEvent.objects.count()
    for _ in range(3):
        run = orders(hub)
        assert run.counts.get("created", 0) == 0 and run.counts.get("updated", 0) == 0
    assert Order.objects.count() == 1
    assert ShopifyOrder.objects.filter(source_identifier=order.commercial_id).count() == 1
    assert OrderEvent.objects.count() == events
    assert len(hub.calls("/accept", "PUT")) == 1


def test_cursor_overlap_rereads_but_never_duplicates(hub):
    hub.marketplace_orders(count=3, lines=[{"sku": "SB-0001", "quantity": 1}])
    orders(hub)
    orders(hub)  # takes in the state change our own acceptance caused
    # forget the cursor entirely: the next pass re-reads everything
    hub.integration.cursors.all().delete()
    run = orders(hub)
    assert run.counts.get("unchanged") == 3
    assert Order.objects.count() == 3


def test_marketplace_429_and_500_are_retried_and_nothing_duplicates(hub):
    hub.marketplace_orders(count=2, lines=[{"sku": "SB-0001", "quantity": 1}])
    SandboxFault.objects.create(
        system="mirakl", kind="429", path_contains="/accept", remaining=1, retry_after=0
    )
    SandboxFault.objects.create(system="mirakl", kind="500", path_contains="/accept", remaining=1)
    orders(hub)
    later = timezone.now() + dt.timedelta(hours=2)
    with time_machine.travel(later):
        hub.relay()
        hub.relay()
    assert set(SandboxOrder.objects.values_list("state", flat=True)) == {"WAITING_DEBIT_PAYMENT"}
    assert OutboundJob.objects.filter(kind="order_accept", status=JobStatus.DONE).count() == 2


def test_source_timeout_after_create_does_not_duplicate(hub):
    hub.marketplace_orders(lines=[{"sku": "SB-0002", "quantity": 1}])
    orders(hub)
    hub.debit_all()
    hub.adapter.fail("/graphql.json", requests.ReadTimeout("read timed out"), after=False)
    hub.adapter.fail("orderCreate", requests.ReadTimeout("lost"))  # never matches a URL
    orders(hub)
    job = OutboundJob.objects.get(kind="order_inject")
    assert job.status == JobStatus.PENDING and job.attempts == 1  # rescheduled
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        hub.relay()
    order = Order.objects.get()
    assert order.hub_status == HubStatus.INJECTED
    assert ShopifyOrder.objects.filter(source_identifier=order.commercial_id).count() == 1


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the hub catches it, like SIGKILL."""


def test_worker_killed_between_remote_create_and_local_save(hub, monkeypatch):
    from integration_hub import clients

    hub.marketplace_orders(lines=[{"sku": "SB-0003", "quantity": 1}])
    orders(hub)
    hub.debit_all()
    real = clients.source_connector_for

    def dying_connector(integration):
        connector = real(integration)
        create = connector.order_create

        def create_then_die(request):
            create(request)
            raise WorkerKilled

        connector.order_create = create_then_die
        return connector

    monkeypatch.setattr(clients, "source_connector_for", dying_connector)
    with pytest.raises(WorkerKilled):
        orders(hub)
    job = OutboundJob.objects.get(kind="order_inject")
    assert job.status == JobStatus.IN_FLIGHT
    monkeypatch.setattr(clients, "source_connector_for", real)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        counts = hub.relay()
    assert counts["released"] == 1 and counts["done"] == 1
    order = Order.objects.get()
    assert order.hub_status == HubStatus.INJECTED
    assert ShopifyOrder.objects.filter(source_identifier=order.commercial_id).count() == 1


def test_unknown_sku_holds_the_order_with_one_exception_per_sku(hub):
    hub.marketplace_orders(count=2, lines=[{"sku": "NOT-MAPPED", "quantity": 1}])
    orders(hub)
    orders(hub)
    assert set(Order.objects.values_list("hub_status", flat=True)) == {HubStatus.HELD}
    item = open_items("unknown_sku").get()
    assert item.subject_id == "NOT-MAPPED" and item.occurrences == 2
    assert not hub.calls("/accept", "PUT")


def test_sku_differing_in_case_is_a_mismatch_not_a_guess(hub):
    hub.marketplace_orders(lines=[{"sku": "sb-0001 ", "quantity": 1}])
    orders(hub)
    item = open_items("sku_mismatch").get()
    assert "'SB-0001'" in item.message
    assert Order.objects.get().hub_status == HubStatus.HELD


def test_mapping_the_sku_and_retrying_accepts_the_held_order(hub):
    from integration_hub.models import Product

    hub.marketplace_orders(lines=[{"sku": "NEW-SKU", "quantity": 1}])
    orders(hub)
    item = open_items("unknown_sku").get()
    assert exception_retry(item.pk) == "still_failing"
    Product.objects.create(
        integration=hub.integration, sku="NEW-SKU", offer_sku="NEW-SKU", last_source_qty=5
    )
    assert exception_retry(item.pk) == "resolved"
    assert Order.objects.get().hub_status == HubStatus.ACCEPTED


def test_short_stock_is_held_by_default_with_the_deadline(hub):
    hub.marketplace_orders(lines=[{"sku": "SB-0004", "quantity": 9}])  # 10 in stock, buffer 2
    hub.integration.default_buffer = 2
    hub.integration.save()
    orders(hub)
    order = Order.objects.get()
    item = open_items("acceptance_deadline").get()
    assert order.hub_status == HubStatus.HELD
    assert item.due_by == order.acceptance_deadline
    assert "8 sellable, 9 ordered" in item.message


def test_short_stock_refuse_policy_refuses_only_short_lines(hub):
    hub.integration.short_stock_policy = "refuse"
    hub.integration.save()
    created = hub.marketplace_orders(
        lines=[{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 11}]
    )[0]
    orders(hub)
    lines = {
        line.offer_sku: line.state
        for line in SandboxOrder.objects.get(order_id=created.order_id).lines.all()
    }
    assert lines["SB-0002"] == "REFUSED" and lines["SB-0001"] != "REFUSED"


def test_stock_committed_to_earlier_orders_is_not_sold_twice(hub):
    hub.integration.short_stock_policy = "refuse"
    hub.integration.save()
    hub.marketplace_orders(count=3, lines=[{"sku": "SB-0005", "quantity": 4}])  # 10 in stock
    orders(hub)
    statuses = sorted(Order.objects.values_list("hub_status", flat=True))
    assert statuses == [HubStatus.ACCEPTED, HubStatus.ACCEPTED, HubStatus.REFUSED]


def test_dispatch_with_unmapped_carrier_is_held_then_released_when_mapped(hub):
    order = to_shipping(hub)
    shopify.fulfillment_create(
        shop=hub.shopify_shop,
        order_reference=order.commercial_id,
        company="Royal Mail",
        number="RM123456785GB",
        service="Tracked 24",
    )
    dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.DISPATCHED
    item = open_items("unmapped_carrier").get()
    assert item.subject_id == "Royal Mail / Tracked 24"
    assert not hub.calls("/tracking", "PUT") and not hub.calls("/ship", "PUT")
    dispatch(hub)  # still unmapped: still nothing sent, still one item
    assert not hub.calls("/tracking", "PUT")
    assert open_items("unmapped_carrier").get().occurrences == 2
    map_carrier(hub, "  royal   MAIL ", "RM")
    dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert order.carrier_code == "RM"
    sandbox = SandboxOrder.objects.get(order_id=order.marketplace_order_id)
    assert sandbox.state == "SHIPPED"
    assert sandbox.carrier_code == "RM" and sandbox.tracking_number == "RM123456785GB"
    tracking = [i for i, (m, p) in enumerate(hub.adapter.calls) if p.endswith("/tracking")]
    ship = [i for i, (m, p) in enumerate(hub.adapter.calls) if p.endswith("/ship")]
    assert len(tracking) == 1 and len(ship) == 1 and tracking[0] < ship[0]
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_service_specific_mapping_wins_over_carrier_wide(hub):
    order = to_shipping(hub)
    dispatch(hub)  # fetch nothing yet; carriers come with the orders pass
    map_carrier(hub, "DPD", "DPD")
    map_carrier(hub, "DPD", "EVRI", service="Next Day")
    shopify.fulfillment_create(
        shop=hub.shopify_shop,
        order_reference=order.commercial_id,
        company="DPD",
        number="1556",
        service="next  day",
    )
    dispatch(hub)
    order.refresh_from_db()
    assert order.carrier_code == "EVRI"


def test_missing_tracking_holds_the_dispatch(hub):
    order = to_shipping(hub)
    map_carrier(hub, "Evri", "EVRI")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="Evri", number=""
    )
    dispatch(hub)
    item = open_items("missing_tracking").get()
    assert item.subject_id == order.marketplace_order_id
    assert not hub.calls("/tracking", "PUT")


def test_order_already_shipped_on_marketplace_is_marked_not_resent(hub):
    from connectors.mirakl.sandbox.services import orders as sandbox_orders

    order = to_shipping(hub)
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="1556"
    )
    sandbox = SandboxOrder.objects.get(order_id=order.marketplace_order_id)
    sandbox_orders.order_tracking_set(sandbox, {"carrier_code": "DPD", "tracking_number": "1556"})
    sandbox_orders.order_ship(sandbox)
    dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert not hub.calls("/ship", "PUT")


def test_a_decision_the_marketplace_lost_is_sent_again(hub):
    """OR21 answered but never taken (the chaos soak found it): without a second look the
    marketplace would refuse the order at its deadline."""
    from connectors.mirakl.sandbox.models import SandboxOrderLine

    created = hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])[0]
    orders(hub)
    order = Order.objects.get(marketplace_order_id=created.order_id)
    assert order.hub_status == HubStatus.ACCEPTED
    SandboxOrder.objects.filter(pk=created.pk).update(
        state="WAITING_ACCEPTANCE", acceptance_decision_date=None
    )
    SandboxOrderLine.objects.filter(order_id=created.pk).update(state="WAITING_ACCEPTANCE")
    orders(hub)  # too early to doubt the decision
    assert not order.events.filter(kind="decision_lost").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        run = orders(hub)
    assert run.counts.get("decisions_resent") == 1
    assert order.events.filter(kind="decision_lost").count() == 1
    assert SandboxOrder.objects.get(pk=created.pk).state == "WAITING_DEBIT_PAYMENT"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=12)):
        orders(hub)
    order.refresh_from_db()
    assert order.marketplace_state == "WAITING_DEBIT_PAYMENT"
    assert order.events.filter(kind="decision_lost").count() == 1


def test_a_confirmation_the_marketplace_lost_is_sent_again(hub):
    """The hub recorded OR24 as done, yet the marketplace still shows SHIPPING (the chaos soak
    found this: a 200 whose request never took). The next pull notices and re-confirms."""
    order = to_shipping(hub)
    map_carrier(hub, "DPD", "DPD")
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="1556"
    )
    dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    SandboxOrder.objects.filter(order_id=order.marketplace_order_id).update(
        state="SHIPPING", shipped_date=None, updated_at=timezone.now()
    )
    orders(hub)
    order.refresh_from_db()
    assert (order.hub_status, order.carrier_code) == (HubStatus.DISPATCHED, "")
    assert order.events.filter(kind="confirmation_lost").count() == 1
    dispatch(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED
    assert SandboxOrder.objects.get(order_id=order.marketplace_order_id).state == "SHIPPED"
    assert len(hub.calls("/ship", "PUT")) == 2


def test_acceptance_deadline_clock_raises_in_the_last_quarter(hub):
    hub.integration.auto_accept = False
    hub.integration.save()
    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    orders(hub)  # held: auto-accept off
    item = open_items("acceptance_deadline").get()
    assert item.occurrences == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=19)):
        orders(hub)
    item.refresh_from_db()
    assert item.occurrences == 2 and "refuses it automatically" in item.message


def test_paid_order_not_injected_raises_then_clears(hub):
    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    orders(hub)
    hub.debit_all()
    SandboxFault.objects.create(system="shopify", kind="503", path_contains="graphql")
    orders(hub)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=45)):
        dispatch(hub)
    item = open_items("order_not_injected").get()
    SandboxFault.objects.all().delete()
    assert exception_retry(item.pk) == "resolved"
    assert Order.objects.get().hub_status == HubStatus.INJECTED


def test_shipped_not_confirmed_and_dispatch_deadline(hub):
    order = to_shipping(hub)
    shopify.fulfillment_create(
        shop=hub.shopify_shop,
        order_reference=order.commercial_id,
        company="Pigeon Post",
        number="P1",
    )
    dispatch(hub)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        dispatch(hub)
    assert (
        open_items("shipped_not_confirmed").filter(subject_id=order.marketplace_order_id).exists()
    )
    other = to_shipping(hub, lines=[{"sku": "SB-0002", "quantity": 1}])
    with time_machine.travel(other.shipping_deadline - dt.timedelta(hours=1)):
        dispatch(hub)
    assert open_items("dispatch_deadline").filter(subject_id=other.marketplace_order_id).exists()


def test_marketplace_cancellation_after_injection_is_flagged(hub):
    from connectors.mirakl.sandbox.services import orders as sandbox_orders

    order = to_shipping(hub)
    sandbox_orders.order_cancel(SandboxOrder.objects.get(order_id=order.marketplace_order_id))
    orders(hub)
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CANCELLED
    assert open_items("return_failed").get().subject_id == order.marketplace_order_id


def test_bad_credentials_raise_auth_failed_and_clear_after(hub):
    hub.integration.marketplace_credentials = {"api_key": "wrong"}
    hub.integration.save()
    run = orders(hub)
    assert run.outcome == "failed"
    item = open_items("auth_failed").get()
    assert item.subject_id == "acme:orders"
    hub.integration.marketplace_credentials = {"api_key": hub.mirakl_shop.api_key}
    hub.integration.save()
    orders(hub)
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_a_pass_stopped_by_the_call_budget_is_a_success_that_the_next_pass_continues(hub):
    hub.integration.call_limit_mode = "spec"
    hub.integration.save()
    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    assert orders(hub).counts.get("accepted") == 1
    run = orders(hub)  # OR11 is once a minute: this one is deferred
    assert (run.outcome, run.counts.get("deferred")) == ("success", 1)
    assert not ExceptionItem.objects.filter(kind__in=["api_unavailable", "internal_error"])
    assert orders(hub).outcome == "success"  # twice in a row is still not an outage


def test_completeness_check_flags_an_order_the_source_lost_and_shared_source_ids(hub):
    from integration_hub.flows.orders_audit import orders_audit_pass

    order = to_shipping(hub)
    twin = to_shipping(hub, lines=[{"sku": "SB-0002", "quantity": 1}])
    run = flow_pass_run(hub.integration, "orders_audit", orders_audit_pass)
    assert run.counts == {"present": 2}
    ShopifyOrder.objects.filter(source_identifier=order.commercial_id).delete()
    Order.objects.filter(pk=twin.pk).update(source_order_id="gid://shared")
    Order.objects.filter(pk=order.pk).update(source_order_id="gid://shared")
    run = flow_pass_run(hub.integration, "orders_audit", orders_audit_pass)
    assert run.counts == {"missing_in_source": 1, "present": 1, "duplicate": 2}
    assert open_items("order_not_injected").get().subject_id == order.marketplace_order_id
    assert open_items("order_injection_failed").count() == 2


def test_hub_sync_cli_runs_one_pass_and_sends_what_it_queued(hub, capsys):
    import json

    from django.core.management import call_command

    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    call_command("hub", "sync", "orders", "--integration", "acme", "--json")
    result = json.loads(capsys.readouterr().out)[0]
    assert result["outcome"] == "success"
    assert result["counts"]["accepted"] == 1
    assert result["outbound"]["done"] == 1
    assert SandboxOrder.objects.get().state == "WAITING_DEBIT_PAYMENT"


def test_hub_sync_cli_exit_status_on_failure(hub):
    from django.core.management import CommandError, call_command

    hub.integration.marketplace_credentials = {"api_key": "wrong"}
    hub.integration.save()
    with pytest.raises(CommandError, match="the orders pass failed for 1 integration") as error:
        call_command("hub", "sync", "orders")
    assert error.value.returncode == 1


def test_marketplace_refusing_the_tracking_raises_dispatch_rejected(hub, monkeypatch):
    from connectors.base import PermanentError
    from connectors.mirakl.client import MiraklClient

    order = to_shipping(hub)
    map_carrier(hub, "DPD", "DPD")

    def refuse(self, order_id, **kwargs):
        raise PermanentError("400: the tracking number is not valid for this carrier", status=400)

    original = MiraklClient.order_tracking_update
    monkeypatch.setattr(MiraklClient, "order_tracking_update", refuse)
    shopify.fulfillment_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, company="DPD", number="X"
    )
    dispatch(hub)
    item = open_items("dispatch_rejected").get()
    assert item.subject_id == order.marketplace_order_id
    assert "not valid for this carrier" in item.message
    assert not hub.calls("/ship", "PUT")
    monkeypatch.setattr(MiraklClient, "order_tracking_update", original)
    assert exception_retry(item.pk) == "resolved"
    order.refresh_from_db()
    assert order.hub_status == HubStatus.CONFIRMED


def test_an_unreadable_order_is_an_exception_and_the_others_are_stored(hub, monkeypatch):
    from connectors.mirakl import parse

    created = hub.marketplace_orders(count=3, lines=[{"sku": "SB-0001", "quantity": 1}])
    bad_id = created[1].order_id
    real_order = parse.order

    def order_or_fail(raw):
        if raw.get("order_id") == bad_id:
            raise ValueError("total_price is not a number")
        return real_order(raw)

    monkeypatch.setattr(parse, "order", order_or_fail)
    run = orders(hub)
    assert run.outcome == "partial"
    assert Order.objects.count() == 2
    item = open_items("internal_error").get()
    assert item.subject_id == bad_id and "could not read" in item.message
    assert hub.integration.cursors.get(name="orders.updated_since").value

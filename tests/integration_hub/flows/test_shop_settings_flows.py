"""The shop's model and platform settings (A01, PC01) are read daily and obeyed by the flows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from connectors.base import PermanentError
from connectors.mirakl.client import MiraklClient
from connectors.mirakl.sandbox.models import SandboxOrder
from exceptions_queue.models import ExceptionItem, Status
from integration_hub.flows.orders_accept import order_decision_submit
from integration_hub.flows.passes import orders_pass
from integration_hub.flows.prices import prices_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import HubStatus, MarketplaceShop, Order, Product
from tests.integration_hub.flows.test_stock_flow import offers_for

pytestmark = pytest.mark.django_db


def orders(hub):
    run = flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()
    return run


def open_items(kind):
    return ExceptionItem.objects.filter(status=Status.OPEN, kind=kind)


def test_the_orders_pass_reads_a01_and_pc01_once_a_day_and_stores_them(hub):
    hub.mirakl_shop.order_tax_mode = "TAX_EXCLUDED"
    hub.mirakl_shop.multi_shipment = True
    hub.mirakl_shop.save()
    orders(hub)
    orders(hub)
    assert len(hub.calls("/api/account", "GET")) == 1
    assert len(hub.calls("/api/platform/configuration", "GET")) == 1
    shop = MarketplaceShop.objects.get(integration=hub.integration)
    assert (shop.shop_id, shop.shop_state, shop.model, shop.currency_iso_code) == (
        str(hub.mirakl_shop.shop_id),
        "OPEN",
        "MARKETPLACE",
        "GBP",
    )
    assert (shop.order_acceptance, shop.multi_shipment, shop.order_tax_mode) == (
        "NOT_AUTOMATIC",
        True,
        "TAX_EXCLUDED",
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        orders(hub)
    assert len(hub.calls("/api/account", "GET")) == 2


def _short_order(hub):
    hub.integration.short_stock_policy = "refuse"
    hub.integration.save()
    return hub.marketplace_orders(
        lines=[{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 11}]
    )[0]


def test_partial_acceptance_disabled_holds_the_order_and_is_remembered(hub):
    hub.mirakl_shop.partial_acceptance = False
    hub.mirakl_shop.save()
    first = _short_order(hub)
    orders(hub)  # the hub tries a partial decision once; the marketplace refuses it

    order = Order.objects.get(marketplace_order_id=first.order_id)
    assert order.hub_status == HubStatus.HELD
    item = open_items("acceptance_deadline").get(subject_id=first.order_id)
    assert "takes no partial acceptance for this shop" in item.message
    assert MarketplaceShop.objects.get(integration=hub.integration).partial_acceptance_disabled
    assert SandboxOrder.objects.get(order_id=first.order_id).state == "WAITING_ACCEPTANCE"

    second = _short_order(hub)
    sent_before = len(hub.calls("/accept", "PUT"))
    orders(hub)
    assert len(hub.calls("/accept", "PUT")) == sent_before  # never sent a mixed decision
    held = Order.objects.get(marketplace_order_id=second.order_id)
    assert held.hub_status == HubStatus.HELD
    assert "accept every line or refuse the whole order" in (
        open_items("acceptance_deadline").get(subject_id=second.order_id).message
    )

    decisions = {line.marketplace_line_id: line.offer_sku == "SB-0001" for line in held.lines.all()}
    with pytest.raises(ValueError, match="no partial acceptance"):
        order_decision_submit(held, decisions, actor=None)
    everything = dict.fromkeys(decisions, True)
    assert order_decision_submit(held, everything, actor=None) == "accepted"


def test_ops_accepting_every_line_after_a_refused_partial_decision_resets_the_lines(hub):
    hub.mirakl_shop.partial_acceptance = False
    hub.mirakl_shop.save()
    created = _short_order(hub)
    orders(hub)
    order = Order.objects.get(marketplace_order_id=created.order_id)
    decisions = dict.fromkeys(order.lines.values_list("marketplace_line_id", flat=True), True)
    order_decision_submit(order, decisions, actor=None)
    assert not order.lines.filter(state="REFUSED").exists()
    hub.relay()
    sandbox = SandboxOrder.objects.get(order_id=created.order_id)
    assert not sandbox.lines.filter(state="REFUSED").exists()


def test_a_dropship_shop_gets_no_price_import_and_one_clear_exception(hub):
    hub.mirakl_shop.model = "DROPSHIP"
    hub.mirakl_shop.save()
    for product in Product.objects.filter(integration=hub.integration):
        product.price = Decimal("10.00")
        product.save()
    offers_for(hub, hub.skus)
    orders(hub)  # the daily read learns the model

    for _ in range(2):
        flow_pass_run(hub.integration, "prices", prices_pass)
    assert hub.calls("/api/offers/pricing/imports", "POST") == []
    item = open_items("shop_setting_conflict").get()
    assert item.subject_id == hub.integration.name and item.occurrences == 2
    assert "DROPSHIP" in item.message and "purchase (wholesale) price" in item.message

    hub.mirakl_shop.model = "MARKETPLACE"
    hub.mirakl_shop.save()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        orders(hub)
        flow_pass_run(hub.integration, "prices", prices_pass)
    assert len(hub.calls("/api/offers/pricing/imports", "POST")) == 1
    assert not open_items("shop_setting_conflict").exists()


def test_a_failed_platform_read_never_stops_the_orders_pass(hub, monkeypatch):
    def broken(self):
        raise PermanentError("Mirakl PC01: 'features' is not an object")

    monkeypatch.setattr(MiraklClient, "platform_configuration_get", broken)
    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    run = orders(hub)
    assert run.outcome == "success" and run.counts["shop_settings_failed"] == 1
    assert Order.objects.get().hub_status == HubStatus.ACCEPTED
    shop = MarketplaceShop.objects.get(integration=hub.integration)
    assert shop.account_fetched_at and shop.platform_fetched_at is None  # A01 kept


def test_a_failed_carrier_read_never_stops_the_orders_pass(hub, monkeypatch):
    """Before: one failed SH21 stopped every orders pass of the day ('call budget spent')."""
    from connectors.base import TransientError

    def down(self):
        raise TransientError("Mirakl SH21 GET /api/shipping/carriers failed with HTTP 500")

    monkeypatch.setattr(MiraklClient, "carriers_list", down)
    hub.marketplace_orders(lines=[{"sku": "SB-0001", "quantity": 1}])
    run = orders(hub)
    assert run.outcome == "success" and run.counts["carriers_failed"] == 1
    assert Order.objects.get().hub_status == HubStatus.ACCEPTED

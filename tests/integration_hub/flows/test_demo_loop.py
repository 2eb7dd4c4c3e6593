"""The sandbox demo runs the whole order loop by itself, on each of the five source systems.

The hub's real passes run against the Mirakl sandbox and the source's sandbox, in-process:
orders appear on the marketplace, are accepted, injected once, dispatched by the demo warehouse
with mapped carriers (confirmed on the marketplace) and with an unmapped one (an exception).
"""

from __future__ import annotations

import random

import pytest
import requests
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count

from connectors.mirakl.http import MiraklHttp
from connectors.mirakl.sandbox.models import SandboxOffer, SandboxOrder
from connectors.sandbox.faults import clock_advance
from exceptions_queue.models import ExceptionItem, Status
from integration_hub import clients
from integration_hub.demo_sandbox import SOURCES, UNMAPPED_CARRIER, demo_tick
from integration_hub.flows.passes import FLOW_PASSES
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import HubStatus, Integration, Order, Product
from integration_hub.services.outbox import outbox_relay
from tests.support import mirakl_spec
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_process(monkeypatch, settings):
    # the in-process sandbox sees host "testserver": the URLs it builds (OF53's chunks) must
    # name the host the demo integration points at, or the client keeps its key to itself
    settings.HUB_BASE_URL = "http://testserver"
    adapter = DjangoAppAdapter()

    def session():
        s = requests.Session()
        s.mount(settings.HUB_BASE_URL, adapter)
        return s

    monkeypatch.setattr(clients, "http_session", session)
    # every Mirakl request the flows make is judged by the official seller spec
    monkeypatch.setattr(MiraklHttp, "default_request_validator", mirakl_spec.request_check)
    cache.clear()
    return adapter


def run_world(integration, ticks: int, rng) -> None:
    for _ in range(ticks):
        demo_tick(rng=rng)
        clock_advance("mirakl", 61)  # a minute passes: imports finish, the next window opens
        for flow in ("products", "catalogue", "stock", "offers_audit", "orders", "dispatch"):
            run = flow_pass_run(integration, flow, FLOW_PASSES[flow])
            assert run.outcome in ("success", "partial"), (flow, run.error)
            outbox_relay()


@pytest.mark.parametrize("source", ["shopify", "magento", "fulfil", "scayle", "seko"])
def test_demo_loop_runs_by_itself(in_process, source, capsys):
    call_command("hub", "demo", "--source", source)
    integration = Integration.objects.get(name="demo")
    integration.call_limit_mode = "off"  # the real demo keeps the spec's limits; tests are fast
    integration.save()
    if source == "shopify":  # passes run back to back here, not minutes apart
        from connectors.shopify.sandbox import services

        services.throttle_set(shop=services.shop_get(), bucket_max=100_000, restore_rate=10_000)
    run_world(integration, ticks=10, rng=random.Random(7))

    orders = Order.objects.filter(integration=integration)
    assert orders.count() >= 8
    injected = orders.exclude(source_order_id="")
    assert injected.count() >= 5, list(orders.values_list("hub_status", flat=True))
    confirmed = orders.filter(hub_status=HubStatus.CONFIRMED)
    assert confirmed.exists()
    for order in confirmed:
        sandbox = SandboxOrder.objects.get(order_id=order.marketplace_order_id)
        assert sandbox.state == "SHIPPED"
        assert sandbox.carrier_code in {"RM", "DPD", "EVRI"}
    held = orders.filter(hub_status=HubStatus.DISPATCHED, carrier_name=UNMAPPED_CARRIER)
    if held.exists():
        item = ExceptionItem.objects.get(kind="unmapped_carrier", status=Status.OPEN)
        assert item.subject_id.startswith(UNMAPPED_CARRIER)
    assert len(set(injected.values_list("source_order_id", flat=True))) == injected.count()

    # a stock change in the source reaches the marketplace, less the buffer and open orders
    listed = dict(
        Product.objects.filter(integration=integration)
        .values_list("listing_status")
        .annotate(n=Count("pk"))
        .values_list("listing_status", "n")
    )
    if source != "seko":  # SEKO carries no content: its listings need the spreadsheet
        assert listed.get("live", 0) >= 2, listed
    products = Product.objects.filter(
        integration=integration, last_source_qty__isnull=False, listing_live_at__isnull=False
    )
    product = products.exclude(sku="SHIPPING").order_by("sku").last()  # Fulfil's service item
    before = product.last_source_qty
    SOURCES[source][2](product.sku, before + 7)
    run_world(integration, ticks=3, rng=random.Random(8))
    product.refresh_from_db()
    assert product.last_source_qty > before  # each source says what is sellable its own way
    entry = product.ledger.filter(outcome="confirmed").first()  # the latest confirmed push
    assert entry.source_qty > before
    assert entry.pushed_qty == max(0, entry.source_qty - entry.buffer - entry.committed)
    assert SandboxOffer.objects.get(shop_sku=product.offer_sku).quantity == entry.pushed_qty


def test_stock_rejected_before_the_demo_listed_the_offer_is_retried(in_process):
    from exceptions_queue.models import ExceptionItem, Status

    call_command("hub", "demo", "--source", "magento")
    integration = Integration.objects.get(name="demo")
    integration.call_limit_mode = "off"
    integration.catalogue_enabled = False  # offers made outside the hub: stock goes to all
    integration.save()
    for flow in ("products", "stock"):  # before any tick: no marketplace offers yet
        flow_pass_run(integration, flow, FLOW_PASSES[flow])
    for _ in range(3):
        clock_advance("mirakl", 61)
        flow_pass_run(integration, "stock", FLOW_PASSES["stock"])
    rejected = ExceptionItem.objects.filter(kind="stock_import_error", status=Status.OPEN)
    assert rejected.count() == Product.objects.filter(integration=integration).count()
    run_world(integration, ticks=2, rng=random.Random(3))
    assert not rejected.exists()
    assert not Product.objects.filter(
        integration=integration, last_pushed_qty__isnull=True
    ).exists()


def test_the_demo_lists_products_and_a_value_mapping_makes_the_mustard_throw_live(in_process):
    from connectors.shopify.sandbox import services
    from integration_hub.flows.listings import listings_refresh
    from integration_hub.models import ValueMapping

    call_command("hub", "demo", "--source", "shopify")
    integration = Integration.objects.get(name="demo")
    integration.call_limit_mode = "off"
    integration.save()
    services.throttle_set(shop=services.shop_get(), bucket_max=100_000, restore_rate=10_000)
    run_world(integration, ticks=8, rng=random.Random(5))
    throw = Product.objects.get(integration=integration, source_content__title="Wool Throw")
    assert throw.listing_status == "incomplete"
    assert any("Mustard" in p["message"] for p in throw.listing_problems)
    statuses = set(
        Product.objects.filter(integration=integration).values_list("listing_status", flat=True)
    )
    assert {"live", "incomplete"} <= statuses
    ValueMapping.objects.create(
        integration=integration,
        marketplace_attribute="colour",
        source_value="Mustard",
        marketplace_value="BROWN",
    )
    listings_refresh(integration)
    run_world(integration, ticks=8, rng=random.Random(6))
    throw.refresh_from_db()
    assert throw.listing_status == "live", throw.listing_problems
    assert throw.catalogue_lines.filter(outcome="accepted").count() == 2  # P41 then OF01

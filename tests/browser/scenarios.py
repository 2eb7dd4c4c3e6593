"""Business states the journeys start from, built through the real flows and sandboxes.

Each builder drives the same passes the worker runs (against the in-process sandboxes of the
``hub`` fixture), so a screen shows rows exactly as production would write them.
``scripts/user_guide_screenshots.py`` seeds the user guide's demo data with these too.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from connectors.mirakl.sandbox import services as mirakl
from connectors.shopify.sandbox import services as shopify
from integration_hub import clients
from integration_hub.flows.passes import dispatch_pass, orders_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import CarrierMapping, Integration, MarketplaceCarrier, Order, Product
from reconciliation.matching import reconcile
from reconciliation.models import Payout, TransactionLine
from tests.integration_hub.flows.conftest import BASE, Hub, ScriptedAdapter
from tests.reconciliation.builders import D, order_with_lines, settle_line

FORM_BASE = "http://sandbox.test"


def sandbox_hub_make(setattr_: Callable[[object, str, object], None], name: str = "acme") -> Hub:
    """An integration wired to the Mirakl and Shopify sandboxes, answered in-process.

    The same wiring as the flow tests' ``hub`` fixture, except that the integration's URLs use
    a host the integration form accepts (an Admin edits it in a journey); the sandboxes' own
    absolute links still say ``testserver``, so both hosts are answered in process.
    ``setattr_`` swaps the hub's HTTP session factory: a test passes ``monkeypatch.setattr``
    (undone afterwards), the screenshot script plain ``setattr``. The live server's threads
    share the swapped factory, so a screen that runs a retry reaches the sandboxes too.
    """
    adapter = ScriptedAdapter()

    def session() -> requests.Session:
        http = requests.Session()
        http.mount(BASE, adapter)
        http.mount(FORM_BASE, adapter)
        return http

    setattr_(clients, "http_session", session)
    mirakl_shop = mirakl.shop_get_or_create(acceptance_window_hours=24)
    shopify_shop = shopify.shop_setup(bucket_max=100_000, restore_rate=10_000)
    shopify.catalogue_seed(shop=shopify_shop, count=5, stock=10)
    integration = Integration.objects.create(
        name=name,
        source_kind="shopify",
        source_url=f"{FORM_BASE}/sandbox/shopify",
        source_credentials={
            "access_token": shopify_shop.access_token,
            "webhook_secret": shopify_shop.webhook_secret,
        },
        marketplace_url=f"{FORM_BASE}/sandbox/mirakl",
        marketplace_credentials={"api_key": mirakl_shop.api_key},
        call_limit_mode="off",
        acceptance_window_hours=24,
    )
    skus = [f"SB-{n:04d}" for n in range(1, 6)]
    for sku in skus:
        Product.objects.create(integration=integration, sku=sku, offer_sku=sku, last_source_qty=10)
    return Hub(integration, mirakl_shop, shopify_shop, adapter, skus)


def orders_run(hub) -> None:
    """One orders pass, then the calls it queued (accept, inject)."""
    flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()


def dispatch_run(hub) -> None:
    """One dispatch pass (held dispatches are planned again), then the calls it queued."""
    flow_pass_run(hub.integration, "dispatch", dispatch_pass)
    hub.relay()


def order_in_source(hub, *, sku: str = "SB-0001", quantity: int = 1) -> Order:
    """A marketplace order the hub accepted, saw debited and created in the source."""
    created = hub.marketplace_orders(lines=[{"sku": sku, "quantity": quantity}])[0]
    orders_run(hub)
    hub.debit_all()
    orders_run(hub)
    return Order.objects.get(marketplace_order_id=created.order_id)


def carrier_map(hub, source_carrier: str, code: str) -> CarrierMapping:
    """Map a source carrier to an approved marketplace carrier (known after an orders pass)."""
    return CarrierMapping.objects.create(
        integration=hub.integration,
        source_carrier=source_carrier,
        carrier=MarketplaceCarrier.objects.get(integration=hub.integration, code=code),
    )


def order_shipped(hub, order: Order, *, carrier: str, tracking: str, service: str = "") -> Order:
    """The warehouse ships ``order`` in the source; the dispatch pass takes it from there."""
    shopify.fulfillment_create(
        shop=hub.shopify_shop,
        order_reference=order.commercial_id,
        company=carrier,
        number=tracking,
        service=service,
    )
    dispatch_run(hub)
    order.refresh_from_db()
    return order


def payout_with_a_mistyped_line(
    integration: Integration, *, commercial_id: str = "8817455903", cycle: str = "CYCLE-7"
) -> tuple[Order, TransactionLine]:
    """A payout whose VAT line names the order with a letter O for a zero: one stray line.

    Returns the order and the stray line, which reconciliation leaves unmatched in the queue.
    """
    order = order_with_lines(integration, commercial_id, [("24.00", "0", "3.00", "0.60")])
    lines = settle_line(integration, order, 1, "24.00", "0", "3.00", "0.60", cycle=cycle)
    stray = next(line for line in lines if line.type == "ORDER_AMOUNT_TAX")
    mistyped = commercial_id[:-2] + "O" + commercial_id[-1]
    TransactionLine.objects.filter(pk=stray.pk).update(
        marketplace_order_id=f"{mistyped}-A", commercial_id=mistyped, marketplace_line_id=""
    )
    Payout.objects.create(integration=integration, cycle_id=cycle, amount_to_seller=D("20.40"))
    reconcile(integration)
    stray.refresh_from_db()
    return order, stray

"""Settled net end to end: orders with fees in the Mirakl sandbox, pulled through the real client
(OR11, TL02, SBC11), matched, and the Orders sheet checked against every TL02 line."""

from __future__ import annotations

import random
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxTransaction
from connectors.shopify.sandbox import services as shopify
from integration_hub.flows.passes import orders_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import Integration
from reconciliation.export import workbook_write
from reconciliation.models import ExpectedFee, OrderStatus, Payout
from tests.integration_hub.flows.test_demo_loop import (  # noqa: F401 - in_process: a fixture
    in_process,
    run_world,
)
from tests.reconciliation.test_pull import settle, ship


def placed(hub, shipping_type_code: str):
    lines = [{"sku": hub.skus[0], "quantity": 1}]
    [order] = hub.marketplace_orders(lines=lines, seed=5, shipping_type_code=shipping_type_code)
    return order


def test_fees_settled_expected_and_tied_out_to_the_transfer(hub, tmp_path):
    express, standard = placed(hub, "EXP"), placed(hub, "STD")
    flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()
    hub.debit_all()
    flow_pass_run(hub.integration, "orders", orders_pass)
    ship([express, standard])
    cycle = mirakl.billing_cycle_close(shop=hub.mirakl_shop)
    settle(hub)

    orders = {o.marketplace_order_id: o for o in hub.integration.orders.all()}
    fast = orders[express.order_id].reconciliation
    slow = orders[standard.order_id].reconciliation
    assert ExpectedFee.objects.get().amount == Decimal("1.00")  # read from OR11 fees[]
    assert fast.expected_order_fees == fast.settled_order_fees == Decimal("1.00")
    # the operator's seller fee is not in the order: settled, shown by kind, a variance
    assert fast.settled_other_kinds == {
        "SELLER_FEE_ON_ORDER": "-0.55",
        "SELLER_FEE_ON_ORDER_TAX": "-0.11",
    }
    assert fast.status == OrderStatus.VARIANCE and fast.variance == Decimal("-0.66")
    assert slow.status == OrderStatus.MATCHED

    sandbox_net = {
        order.order_id: sum(
            SandboxTransaction.objects.filter(order=order).values_list("amount", flat=True),
            Decimal(0),
        )
        for order in (express, standard)
    }
    assert fast.settled_net == sandbox_net[express.order_id]
    assert slow.settled_net == sandbox_net[standard.order_id]

    payout = Payout.objects.get(integration=hub.integration, cycle_id=cycle.cycle_id)
    assert payout.amount_to_seller == cycle.amount_to_seller == sum(sandbox_net.values())
    assert payout.status == "matched" and payout.lines_total == payout.amount_to_seller

    path = tmp_path / "finance.xlsx"
    workbook_write(path, integration=hub.integration)
    rows = list(openpyxl.load_workbook(path)["Orders"].iter_rows(values_only=True))
    sheet = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    row = sheet[express.order_id]
    assert Decimal(str(row["Settled net"])) == sandbox_net[express.order_id]
    assert row["Not predicted by the order"] == (
        "SELLER_FEE_ON_ORDER -0.55; SELLER_FEE_ON_ORDER_TAX -0.11"
    )
    assert row["Status"] == "variance"
    rows = list(openpyxl.load_workbook(path)["Payouts"].iter_rows(values_only=True))
    [paid] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert paid["Transferred to seller"] == paid["Sum of lines"] == float(cycle.amount_to_seller)
    assert paid["Variance"] == 0 and paid["Status"] == "Matched"
    assert paid["Open items"] == 1  # the express order's seller fee, waiting in the queue


@pytest.mark.django_db
def test_the_demo_world_places_orders_with_fees(in_process):  # noqa: F811 - the fixture
    call_command("hub", "demo", "--source", "shopify")
    integration = Integration.objects.get(name="demo")
    integration.call_limit_mode = "off"
    integration.save()
    shopify.throttle_set(shop=shopify.shop_get(), bucket_max=100_000, restore_rate=10_000)
    run_world(integration, ticks=8, rng=random.Random(7))
    kinds = set(SandboxTransaction.objects.values_list("type", flat=True))
    assert {"ORDER_FEE_AMOUNT", "SELLER_FEE_ON_ORDER", "SELLER_FEE_ON_ORDER_TAX"} <= kinds

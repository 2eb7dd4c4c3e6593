"""TL02/SBC11/IV01 pulled from the Mirakl sandbox: incremental, paged to the end, no doubles."""

from __future__ import annotations

from decimal import Decimal

from connectors.mirakl.limiter import CallDeferred
from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxTransaction
from integration_hub.flows.orders_pull import cursor_get
from integration_hub.flows.passes import orders_pass
from integration_hub.flows.runner import flow_pass_run
from integration_hub.models import SyncRun
from integration_hub.services.runs import RunRecorder
from reconciliation import pull
from reconciliation.models import AccountingDocument, OrderStatus, Payout, TransactionLine
from reconciliation.settlements import settlements_pass


def settle(hub):
    run = flow_pass_run(hub.integration, "settlements", settlements_pass)
    assert run.outcome == "success", run.error
    return run


def ship(orders):
    from connectors.mirakl.sandbox import catalog

    code = next(iter(catalog.CARRIERS_BY_CODE))
    for order in orders:
        order.refresh_from_db()
        mirakl.order_tracking_set(order, {"carrier_code": code, "tracking_number": "TRK1"})
        mirakl.order_ship(order)


def paid_orders(hub, count=2):
    """Orders created, accepted by the hub, debited and pulled back (lines PENDING)."""
    lines = [{"sku": hub.skus[0], "quantity": 1}, {"sku": hub.skus[1], "quantity": 2}]
    orders = hub.marketplace_orders(count=count, lines=lines, seed=3)
    flow_pass_run(hub.integration, "orders", orders_pass)
    hub.relay()
    hub.debit_all()
    flow_pass_run(hub.integration, "orders", orders_pass)
    return orders


def test_incremental_pull_moves_payment_state_without_duplicates(hub):
    orders = paid_orders(hub)
    settle(hub)
    stored = TransactionLine.objects.filter(integration=hub.integration)
    sandbox_count = SandboxTransaction.objects.filter(shop=hub.mirakl_shop).count()
    assert stored.count() == sandbox_count > 0
    assert set(stored.values_list("payment_state", flat=True)) == {"PENDING"}
    cursor = cursor_get(hub.integration, pull.CURSOR)
    assert cursor

    ship(orders)
    cycle = mirakl.billing_cycle_close(shop=hub.mirakl_shop)
    settle(hub)

    assert stored.count() == SandboxTransaction.objects.filter(shop=hub.mirakl_shop).count()
    states = set(stored.exclude(type="PAYMENT").values_list("payment_state", flat=True))
    assert states == {"PAID"}
    assert set(stored.values_list("billing_cycle_id", flat=True)) == {cycle.cycle_id}
    assert cursor_get(hub.integration, pull.CURSOR) > cursor
    payout = Payout.objects.get(integration=hub.integration, cycle_id=cycle.cycle_id)
    assert payout.amount_to_seller == cycle.amount_to_seller
    assert payout.status == "matched" and payout.variance == Decimal("0.00")
    assert AccountingDocument.objects.filter(integration=hub.integration).count() == 1

    settle(hub)  # a repeated pass (overlap) changes nothing
    assert stored.count() == SandboxTransaction.objects.filter(shop=hub.mirakl_shop).count()


def test_every_order_of_the_sandbox_matches(hub):
    paid_orders(hub, count=3)
    settle(hub)
    rows = hub.integration.orders.values_list("reconciliation__status", flat=True)
    assert list(rows) == [OrderStatus.MATCHED] * 3


def test_pagination_follows_next_page_token_to_the_end(hub):
    paid_orders(hub, count=3)  # 3 orders x 2 lines x several transaction types
    total = SandboxTransaction.objects.filter(shop=hub.mirakl_shop).count()
    run = RunRecorder(
        SyncRun.objects.create(integration=hub.integration, flow="t", started_at=_now())
    )
    from integration_hub.clients import marketplace_client_for

    pull.transaction_lines_pull(
        hub.integration, marketplace_client_for(hub.integration), run, page_size=5
    )
    assert TransactionLine.objects.filter(integration=hub.integration).count() == total
    tl02_calls = hub.calls("/api/sellerpayment/transactions_logs")
    assert len(tl02_calls) == -(-total // 5)
    assert "limit=5" in tl02_calls[0] and "sort=lastUpdated%2CASC" in tl02_calls[0]
    assert all("page_token=" in call for call in tl02_calls[1:])


def test_spent_call_budget_keeps_committed_pages_and_resumes(hub, monkeypatch):
    paid_orders(hub, count=3)
    total = SandboxTransaction.objects.filter(shop=hub.mirakl_shop).count()
    from integration_hub.clients import marketplace_client_for

    client = marketplace_client_for(hub.integration)
    original = client._http.call
    calls = {"n": 0}

    def budget_of_two(op, *args, **kwargs):
        if op == "TL02":
            calls["n"] += 1
            if calls["n"] > 2:
                raise CallDeferred("TL02 budget spent", retry_after=60)
        return original(op, *args, **kwargs)

    monkeypatch.setattr(client._http, "call", budget_of_two)
    run = RunRecorder(
        SyncRun.objects.create(integration=hub.integration, flow="t", started_at=_now())
    )
    pull.transaction_lines_pull(hub.integration, client, run, page_size=4)
    assert TransactionLine.objects.filter(integration=hub.integration).count() == 8
    assert any("deferred" in name for name in run.counts)

    monkeypatch.setattr(client._http, "call", original)
    pull.transaction_lines_pull(hub.integration, client, run, page_size=4)
    assert TransactionLine.objects.filter(integration=hub.integration).count() == total


def test_an_unreadable_line_is_queued_and_the_others_stored(hub, monkeypatch):
    paid_orders(hub, count=1)
    from connectors.mirakl import parse

    real = parse.transaction_line

    def picky(value):
        if value["type"] == "COMMISSION_VAT":
            raise ValueError("amount is not a number")
        return real(value)

    monkeypatch.setattr(parse, "transaction_line", picky)
    settle_run = flow_pass_run(hub.integration, "settlements", settlements_pass)
    assert settle_run.outcome == "partial"
    from exceptions_queue.models import ExceptionItem

    assert ExceptionItem.objects.filter(kind="payout_unmatched").count() == 2
    assert TransactionLine.objects.filter(type="COMMISSION_FEE").count() == 2


def test_a_line_too_large_for_its_column_is_queued_and_never_stored(hub, monkeypatch):
    """Issue 18: one 1e17 amount, once stored, broke every finance screen and pass."""
    import dataclasses

    paid_orders(hub, count=1)
    from connectors.mirakl import parse

    real = parse.transaction_line

    def huge(value):
        line = real(value)
        if line.type == "COMMISSION_VAT":
            return dataclasses.replace(line, amount=Decimal("99999999999999999.99"))
        return line

    monkeypatch.setattr(parse, "transaction_line", huge)
    settle_run = flow_pass_run(hub.integration, "settlements", settlements_pass)
    assert settle_run.outcome == "partial"
    from exceptions_queue.models import ExceptionItem

    items = ExceptionItem.objects.filter(kind="payout_unmatched", subject_type="transaction_line")
    assert items.count() == 2
    assert "more than 12 digits before the point" in items.first().message
    assert not TransactionLine.objects.filter(type="COMMISSION_VAT").exists()
    assert TransactionLine.objects.filter(type="COMMISSION_FEE").count() == 2
    flow_pass_run(hub.integration, "settlements", settlements_pass)
    assert items.count() == 2  # the next pass does not break, and opens nothing twice


def _now():
    from django.utils import timezone

    return timezone.now()


def test_hub_sync_settlements_runs_the_pass(hub, capsys):
    from django.core.management import call_command

    paid_orders(hub, count=1)
    call_command("hub", "sync", "settlements", "--integration", "acme")
    out = capsys.readouterr().out
    assert "acme: settlements success" in out and "orders matched 1" in out


def test_partial_refund_in_the_sandbox_is_expected_from_the_order_and_matches(hub):
    from connectors.mirakl.sandbox import catalog
    from connectors.mirakl.sandbox.models import SandboxOrderLine
    from reconciliation.models import ExpectedRefund

    orders = paid_orders(hub, count=1)
    ship(orders)
    line = SandboxOrderLine.objects.filter(order=orders[0]).order_by("line_id").first()
    reason = next(code for kind, code in catalog.REASON_CODES if kind == "REFUND")
    body = {"refunds": [{"order_line_id": line.line_id, "amount": "5.00", "shipping_amount": "0",
                         "reason_code": reason, "quantity": 1}]}  # fmt: skip
    mirakl.refunds_create(shop=hub.mirakl_shop, body=body)
    flow_pass_run(hub.integration, "orders", orders_pass)  # the order now shows the refund
    settle(hub)
    refund = ExpectedRefund.objects.get()
    assert refund.amount == Decimal("5.00") and refund.commission > 0
    row = hub.integration.orders.get().reconciliation
    assert row.expected_refunds == Decimal("-5.00") == row.settled_refunds
    assert row.status == OrderStatus.MATCHED

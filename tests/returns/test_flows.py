"""Returns flows: allocation, failures, manual fallback, retries, the CLI and the schedule."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from connectors.base import NotSupportedError
from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxAdjustment
from connectors.shopify.client import ShopifyConnector
from connectors.shopify.sandbox.models import Return as ShopifyReturn
from exceptions_queue.services import exception_retry
from integration_hub.models import OrderLine
from integration_hub.schedules import HUB_SCHEDULES
from returns.flows import allocation
from returns.flows.handlers import return_failed_retry
from returns.flows.refunds import refund_from_hub
from returns.models import Refund, Return, Work
from tests.returns.conftest import automate, open_items, returns, sandbox_order, shipped

pytestmark = pytest.mark.django_db


def _line(**fields) -> OrderLine:
    line_id = fields.pop("id", "L1")
    line = OrderLine(
        pk=sum(map(ord, line_id)),
        marketplace_line_id=line_id,
        offer_sku="SKU",
        quantity=fields.pop("quantity", 3),
        unit_price=Decimal("10.00"),
        price=Decimal("30.00"),
        shipping_price=Decimal("4.00"),
        tax_amount=Decimal("5.00"),
        shipping_tax_amount=Decimal("0.67"),
        state="SHIPPED",
    )
    for name, value in fields.items():
        setattr(line, name, value)
    return line


def test_split_puts_the_rounding_on_the_last_line_and_adds_up(monkeypatch):
    monkeypatch.setattr(allocation, "left_on", lambda line: (line.price, line.shipping_price))
    a, b = _line(id="A"), _line(id="B")

    shares = allocation.shares_for({a: 1, b: 2}, Decimal("20.00"), Decimal("1.00"))

    assert [s.amount for s in shares] == [Decimal("6.67"), Decimal("13.33")]
    assert sum(s.shipping_amount for s in shares) == Decimal("1.00")
    assert shares[0].tax_amount == Decimal("1.11")  # 6.67 x 5 / 30
    assert shares[1].shipping_tax_amount == Decimal("0.08")  # 0.50 x 0.67 / 4


def test_a_line_never_gets_more_than_is_left_on_it(monkeypatch):
    monkeypatch.setattr(allocation, "left_on", lambda line: (Decimal("5.00"), Decimal("0")))
    with pytest.raises(ValueError, match="has 5.00 left to refund"):
        allocation.shares_for({_line(): 1}, Decimal("10.00"), Decimal("0"))


def test_a_source_without_returns_api_falls_back_to_manual_with_one_item(hub, monkeypatch):
    def refuse(self, request):
        raise NotSupportedError("return authorisation is not supported by shopify")

    monkeypatch.setattr(ShopifyConnector, "return_authorise", refuse)
    automate(hub)
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))

    returns(hub)
    returns(hub)

    ret = Return.objects.get()
    assert ret.work == Work.MANUAL
    item = open_items().get()
    assert item.subject_id == ret.marketplace_return_id and item.order_id == order.pk
    assert "Authorise it in the source by hand" in item.message
    assert not hub.calls("/api/returns/accept")


def test_refused_or28_opens_one_item_and_retry_twice_sends_once(hub, django_user_model):
    order = shipped(hub)
    returns(hub)
    user = django_user_model.objects.create_user("ops2")
    line = order.lines.get()
    refund = refund_from_hub(
        order=order, quantities={line: 1}, shipping=Decimal("0"), reason_code="99", actor=user
    )
    hub.relay()

    refund.refresh_from_db()
    assert refund.work == Work.FAILED and "reason code" in refund.error
    item = open_items().get()
    assert item.subject_type == "refund" and item.subject_id == refund.key
    Refund.objects.filter(pk=refund.pk).update(reason_code="16")  # ops fix the cause

    assert return_failed_retry(item) is True
    assert return_failed_retry(item) is True
    assert exception_retry(item.pk) == "busy"  # resolved by the successful send

    assert SandboxAdjustment.objects.filter(kind="REFUND").count() == 1
    refund.refresh_from_db()
    assert refund.work == Work.DONE


def test_hub_sync_returns_runs_the_pass_and_sends_its_calls(hub, capsys):
    automate(hub)
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))

    call_command("hub", "sync", "returns", "--integration", "acme", "--json")

    (row,) = json.loads(capsys.readouterr().out)
    assert row["outcome"] == "success"
    assert row["counts"]["returns created"] == 1
    assert row["outbound"]["done"] >= 2  # authorised in the source, accepted on the marketplace
    assert ShopifyReturn.objects.count() == 1


def test_returns_pass_is_scheduled_every_five_minutes():
    spec = next(s for s in HUB_SCHEDULES if s.name == "returns pass")
    assert (spec.func, spec.minutes, spec.args) == (
        "integration_hub.tasks.flow_run",
        5,
        "'returns'",
    )


def test_the_pass_runs_in_manual_mode_but_not_for_a_paused_integration(hub, capsys):
    hub.integration.paused = True
    hub.integration.save()

    call_command("hub", "sync", "returns", "--json")

    assert json.loads(capsys.readouterr().out)[0]["outcome"] == "off"


def test_an_rt11_call_budget_spent_does_not_stop_the_rest_of_the_pass(hub, monkeypatch):
    from connectors.mirakl.client import MiraklClient
    from connectors.mirakl.limiter import CallDeferred
    from connectors.shopify.sandbox import services as shopify

    def deferred(self, **kwargs):
        raise CallDeferred("Mirakl RT11: call budget spent", retry_after=200)

    order = shipped(hub)
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )
    monkeypatch.setattr(MiraklClient, "returns_list", deferred)

    run = returns(hub)

    assert run.outcome == "success"
    assert run.counts["returns deferred (RT11 call budget)"] == 1
    assert Refund.objects.get().origin == "source"  # the source refunds were still read

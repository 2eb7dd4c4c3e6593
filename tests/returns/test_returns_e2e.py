"""Returns end to end against the Mirakl and Shopify sandboxes, each exactly once under retries."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxAdjustment, SandboxReturn, SandboxTransaction
from connectors.shopify.sandbox import services as shopify
from connectors.shopify.sandbox.models import Refund as ShopifyRefund
from connectors.shopify.sandbox.models import Return as ShopifyReturn
from connectors.shopify.sandbox.models import Variant
from connectors.shopify.sandbox.returns import return_receive
from integration_hub.models import OrderEvent
from returns.models import Refund, Return, ReturnStep, Work
from tests.returns.conftest import automate, open_items, returns, sandbox_order, shipped

pytestmark = pytest.mark.django_db


def _stock(sku: str) -> int:
    return sum(level.available for level in Variant.objects.get(sku=sku).levels.all())


def test_full_return_authorised_received_closed_and_refunded_once(hub):
    automate(hub)
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))

    returns(hub)
    returns(hub)  # a second pass changes nothing

    ret = Return.objects.get()
    assert ret.order == order and ret.step == ReturnStep.AUTHORISED
    assert ShopifyReturn.objects.count() == 1
    assert SandboxReturn.objects.get().state == "IN_PROGRESS"  # accepted (RT21) once
    assert len(hub.calls("/api/returns/accept", "PUT")) == 1
    stock_before = _stock("SB-0001")

    return_receive(ret=ShopifyReturn.objects.get(), restocked={"SB-0001": 1})
    returns(hub)
    returns(hub)

    ret.refresh_from_db()
    assert ret.step == ReturnStep.CLOSED and ret.work == Work.DONE
    assert SandboxReturn.objects.get().state == "CLOSED"
    assert len(hub.calls("/api/returns/receive", "PUT")) == 1
    assert len(hub.calls("/api/returns/close", "PUT")) == 1
    line = ret.lines.get()
    assert (line.quantity, line.received_quantity, line.sellable_quantity) == (2, 2, 1)
    assert _stock("SB-0001") == stock_before + 1  # the source restocked the sellable unit only

    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 2}
    )
    returns(hub)
    returns(hub)

    refund = Refund.objects.get()
    assert refund.work == Work.DONE and refund.origin == "source"
    assert refund.reason_code == "15"  # "Customer return", from RE01
    assert SandboxAdjustment.objects.filter(kind="REFUND").count() == 1
    assert len(hub.calls("/api/orders/refund", "PUT")) == 1
    kinds = set(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert {"return_requested", "return_authorised", "return_received", "return_closed"} <= kinds
    assert {"refund_recorded", "refund_sent"} <= kinds
    assert not open_items().exists()


def test_manual_mode_shows_everything_and_calls_nothing(hub):
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )

    returns(hub)

    ret = Return.objects.get()
    assert ret.work == Work.MANUAL and ret.step == ReturnStep.NEW
    assert Refund.objects.get().work == Work.MANUAL
    assert not ShopifyReturn.objects.exists()
    assert not hub.calls("/api/returns/accept") and not hub.calls("/api/orders/refund")
    kinds = set(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert {"return_requested", "refund_recorded"} <= kinds


def test_partial_refund_from_the_source_is_sent_once_when_the_answer_is_lost(hub):
    automate(hub)
    order = shipped(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    line = order.lines.get()
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )
    hub.adapter.fail("/api/orders/refund", requests.ReadTimeout("lost"), method="PUT")

    returns(hub)  # OR28 reaches the sandbox, the answer is lost: outcome unknown
    refund = Refund.objects.get()
    assert refund.work == Work.QUEUED and refund.attempted_at is not None
    from tests.returns.conftest import relay_now

    relay_now(hub)  # looks the order up first and adopts the refund
    relay_now(hub)
    returns(hub)

    refund.refresh_from_db()
    assert refund.work == Work.DONE
    (adjustment,) = SandboxAdjustment.objects.filter(kind="REFUND")
    assert adjustment.amount == line.unit_price and adjustment.shipping_amount == 0
    assert refund.lines.get().marketplace_refund_id == adjustment.adjustment_id
    assert len(hub.calls("/api/orders/refund", "PUT")) == 1
    assert "found on the marketplace" in OrderEvent.objects.get(kind="refund_sent").message


def test_refund_with_shipping_sends_shipping_and_its_tax_per_line(hub):
    automate(hub)
    order = shipped(
        hub, lines=[{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 1}]
    )
    lines = {line.offer_sku: line for line in order.lines.all()}
    shipping = sum((line.shipping_price for line in lines.values()), Decimal("0"))
    assert shipping > 0
    shopify.refund_create(
        shop=hub.shopify_shop,
        order_reference=order.commercial_id,
        lines={"SB-0001": 1, "SB-0002": 1},
        shipping_amount=shipping,
    )

    returns(hub)
    returns(hub)

    refund = Refund.objects.get()
    assert refund.work == Work.DONE and refund.shipping_amount == shipping
    for refund_line in refund.lines.select_related("order_line"):
        line = refund_line.order_line
        assert refund_line.amount == line.price
        assert refund_line.shipping_amount == line.shipping_price
        assert refund_line.tax_amount == line.tax_amount
        assert refund_line.shipping_tax_amount == line.shipping_tax_amount
    adjustments = SandboxAdjustment.objects.filter(kind="REFUND")
    assert adjustments.count() == 2
    assert sum(a.shipping_amount for a in adjustments) == shipping
    types = set(SandboxTransaction.objects.values_list("type", flat=True))
    assert {"REFUND_ORDER_AMOUNT", "REFUND_ORDER_SHIPPING_AMOUNT"} <= types


def test_portal_refund_is_mirrored_to_the_source_once_and_retry_is_safe_twice(hub):
    from exceptions_queue.services import exception_retry
    from returns.flows.handlers import return_failed_retry
    from tests.returns.conftest import orders

    automate(hub)
    order = shipped(hub)
    line = order.lines.get()
    token = hub.integration.source_credentials
    hub.integration.source_credentials = {**token, "access_token": "wrong"}
    hub.integration.save()
    mirakl.order_refund_portal(sandbox_order(order), amount=Decimal("10.00"), shipping_amount=0)

    orders(hub)  # the OR11 payload now shows the portal refund
    returns(hub)

    refund = Refund.objects.get()
    assert refund.origin == "marketplace" and refund.work == Work.FAILED
    item = open_items().get()
    assert item.subject_type == "refund" and item.order_id == order.pk
    hub.integration.source_credentials = token
    hub.integration.save()

    assert return_failed_retry(item) is True
    assert return_failed_retry(item) is True  # pressed twice: still one refund in the source
    assert not open_items().exists()  # the mirror cleared its item itself
    assert exception_retry(item.pk) == "busy"
    returns(hub)
    orders(hub)
    returns(hub)

    (mirrored,) = ShopifyRefund.objects.all()
    assert mirrored.amount == Decimal("10.00") and mirrored.note == f"JL refund {refund.key}"
    refund.refresh_from_db()
    assert refund.work == Work.DONE and refund.source_refund_id.endswith(f"/{mirrored.pk}")
    assert refund.lines.get().order_line == line
    # the source's copy is never sent back to the marketplace as a new refund
    assert Refund.objects.count() == 1
    assert SandboxAdjustment.objects.filter(kind="REFUND").count() == 1
    assert not hub.calls("/api/orders/refund", "PUT")


def test_lines_the_source_cannot_fulfil_are_cancelled_once_before_dispatch(hub):
    from returns.models import Cancellation
    from tests.returns.conftest import relay_now, to_shipping

    automate(hub)
    order = to_shipping(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    line = order.lines.get()
    shopify.refund_create(  # the merchant refunds one unit they cannot ship
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )
    hub.adapter.fail("/api/orders/cancel", requests.ReadTimeout("lost"), method="PUT")

    returns(hub)
    relay_now(hub)
    returns(hub)

    cancellation = Cancellation.objects.get()
    assert cancellation.origin == "source" and cancellation.work == Work.DONE
    assert cancellation.reason_code == "20"  # "Out of stock", from RE01
    (adjustment,) = SandboxAdjustment.objects.filter(kind="CANCELATION")
    assert adjustment.quantity == 1 and adjustment.amount == line.price / 2
    assert cancellation.lines[0]["marketplace_cancelation_id"] == adjustment.adjustment_id
    assert len(hub.calls("/api/orders/cancel", "PUT")) == 1
    assert not Refund.objects.exists()  # a cancellation, never an OR28
    assert not hub.calls("/api/orders/refund")
    # the marketplace scan sees the cancelation it already knows and records nothing new
    from tests.returns.conftest import orders

    orders(hub)
    returns(hub)
    assert Cancellation.objects.count() == 1


def test_ops_cancel_a_line_before_dispatch_from_the_hub(hub, django_user_model):
    from returns.flows.cancellations import cancellation_from_hub
    from returns.models import Cancellation
    from tests.returns.conftest import to_shipping

    order = to_shipping(
        hub, lines=[{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 1}]
    )
    lines = {line.offer_sku: line for line in order.lines.all()}
    user = django_user_model.objects.create_user("ops1")
    returns(hub)  # reads RE01

    cancellation_from_hub(
        order=order, quantities={lines["SB-0002"]: 1}, reason_code="21", actor=user
    )
    hub.relay()
    hub.relay()

    cancellation = Cancellation.objects.get()
    assert cancellation.origin == "hub" and cancellation.work == Work.DONE
    assert sandbox_order(order).lines.get(offer_sku="SB-0002").state == "CANCELED"
    assert len(hub.calls("/api/orders/cancel", "PUT")) == 1
    with pytest.raises(ValueError, match="not shipped yet"):
        lines["SB-0001"].state = "SHIPPED"
        cancellation_from_hub(
            order=order, quantities={lines["SB-0001"]: 1}, reason_code="21", actor=user
        )


def test_marketplace_cancellation_after_injection_is_mirrored_to_the_source_once(hub):
    from connectors.mirakl.sandbox.services import orders as sandbox_orders
    from connectors.shopify.sandbox.models import Order as ShopifyOrder
    from returns.models import Cancellation
    from tests.returns.conftest import orders, to_shipping

    automate(hub)
    order = to_shipping(hub)
    sandbox_orders.order_cancel(sandbox_order(order))

    orders(hub)
    orders(hub)
    returns(hub)

    cancellation = Cancellation.objects.get(origin="marketplace")
    assert cancellation.whole_order and cancellation.work == Work.DONE
    assert ShopifyOrder.objects.get(source_identifier=order.commercial_id).cancelled_at
    assert not open_items().exists()
    assert Cancellation.objects.count() == 1  # the line cancelations are the same event
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds.count("cancellation_mirrored") == 1

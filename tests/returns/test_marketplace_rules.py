"""What the marketplace allows, respected: reasons the shop may use (RE01 ``is_shop_right``),
lines it says can be refunded or cancelled (OR11 ``can_refund``/``can_cancel``), return
transitions decided from the state RT11 reads back, and every tax code of a line sent."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from connectors.mirakl.client import MiraklClient
from connectors.mirakl.dtos import ReturnsResult
from connectors.mirakl.sandbox import catalog
from connectors.mirakl.sandbox import services as mirakl
from connectors.mirakl.sandbox.models import SandboxReturn
from connectors.shopify.client import ShopifyConnector
from connectors.shopify.sandbox import services as shopify
from connectors.shopify.sandbox.models import Return as ShopifyReturn
from connectors.shopify.sandbox.returns import return_receive
from integration_hub.models import OrderLine
from returns import selectors
from returns.flows import allocation, common
from returns.flows.cancellations import cancellation_from_hub
from returns.flows.handlers import return_failed_retry
from returns.flows.refunds import refund_from_hub
from returns.forms import CancelForm, RefundForm
from returns.models import Cancellation, MarketplaceReason, Refund, Return, ReturnStep, Work
from tests.returns.conftest import (
    automate,
    open_items,
    returns,
    sandbox_order,
    shipped,
    to_shipping,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _codes(form, name="reason") -> list[str]:
    return [code for code, _label in form.fields[name].choices if code]


# --- reasons (RE01 is_shop_right) -----------------------------------------------------------


def test_re01_flag_is_stored_and_only_reasons_the_shop_may_use_are_offered(hub):
    order = shipped(hub)
    returns(hub)  # reads RE01

    assert MarketplaceReason.objects.get(type="REFUND", code="12").is_shop_right is False
    assert MarketplaceReason.objects.get(type="REFUND", code="15").is_shop_right is True
    refund_codes = _codes(RefundForm(order=order, lines=[]))
    cancel_codes = _codes(CancelForm(order=order, lines=[]))
    assert "12" not in refund_codes and "15" in refund_codes
    assert "19" not in cancel_codes and "20" in cancel_codes
    # the operator's "Return refused…" and "Out of stock at the operator" are never picked
    assert common.reason_code_for(hub.integration, "REFUND", hint="return") == "15"
    assert common.reason_code_for(hub.integration, "CANCELATION", hint="stock") == "20"


def test_ops_cannot_send_a_reason_the_shop_may_not_use(hub, django_user_model):
    user = django_user_model.objects.create_user("ops-reasons")
    order = shipped(hub)
    returns(hub)
    line = order.lines.get()

    with pytest.raises(ValueError, match="may not use"):
        refund_from_hub(order=order, quantities={line: 1}, shipping=D("0"), reason_code="12",
                        actor=user)  # fmt: skip
    waiting = to_shipping(hub)
    with pytest.raises(ValueError, match="may not use"):
        cancellation_from_hub(order=waiting, quantities={waiting.lines.get(): 1},
                              reason_code="19", actor=user)  # fmt: skip
    assert not Refund.objects.exists() and not Cancellation.objects.exists()


def test_an_automatic_refund_without_a_usable_reason_opens_one_clear_item(hub, monkeypatch):
    automate(hub)
    order = shipped(hub)
    returns(hub)
    original = catalog.REASONS
    operator_only = [
        {**r, "is_shop_right": False} if r["type"] == "REFUND" else r for r in catalog.REASONS
    ]
    monkeypatch.setattr(catalog, "REASONS", operator_only)  # the marketplace took them away
    MarketplaceReason.objects.filter(type="REFUND").update(is_shop_right=False)
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )

    returns(hub)

    refund = Refund.objects.get()
    assert refund.origin == "source" and refund.work == Work.FAILED
    item = open_items().get()
    assert item.subject_id == refund.key
    assert "no refund reason the shop may use" in item.message
    assert not hub.calls("/api/orders/refund")  # nothing sent that OR28 would refuse

    monkeypatch.setattr(catalog, "REASONS", original)  # …and gave them back
    assert return_failed_retry(item) is True  # RE01 is read again: "13" may be used again
    refund.refresh_from_db()
    assert refund.work == Work.DONE and refund.reason_code == "13"
    assert len(hub.calls("/api/orders/refund", "PUT")) == 1


# --- can_refund / can_cancel per line -------------------------------------------------------


def test_the_line_flags_follow_or11(hub):
    waiting = to_shipping(hub).lines.get()
    assert (waiting.can_refund, waiting.can_cancel) == (False, True)
    sent = shipped(hub).lines.get()
    assert (sent.can_refund, sent.can_cancel) == (True, False)


def test_a_line_the_marketplace_says_cannot_be_refunded_is_not_offered_nor_sent(
    hub, django_user_model
):
    automate(hub)
    two = [{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 1}]
    order = shipped(hub, lines=two)
    returns(hub)
    lines = {line.offer_sku: line for line in order.lines.all()}
    OrderLine.objects.filter(pk=lines["SB-0001"].pk).update(can_refund=False)
    lines["SB-0001"].refresh_from_db()

    panel = selectors.order_panel(order)
    assert [row["line"].offer_sku for row in panel["refundable"]] == ["SB-0002"]
    user = django_user_model.objects.create_user("ops-flags")
    with pytest.raises(ValueError, match="cannot be refunded"):
        refund_from_hub(order=order, quantities={lines["SB-0001"]: 1}, shipping=D("0"),
                        reason_code="15", actor=user)  # fmt: skip
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )
    returns(hub)

    assert not Refund.objects.exists() and not hub.calls("/api/orders/refund")
    assert "cannot be refunded" in open_items().get().message


def test_a_line_the_marketplace_says_cannot_be_cancelled_is_not_offered_nor_sent(
    hub, django_user_model
):
    automate(hub)
    order = to_shipping(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    returns(hub)
    OrderLine.objects.filter(order=order).update(can_cancel=False)
    line = order.lines.get()

    assert selectors.order_panel(order)["cancellable"] == []
    user = django_user_model.objects.create_user("ops-cancel")
    with pytest.raises(ValueError, match="cannot be cancelled"):
        cancellation_from_hub(order=order, quantities={line: 1}, reason_code="21", actor=user)
    shopify.refund_create(
        shop=hub.shopify_shop, order_reference=order.commercial_id, lines={"SB-0001": 1}
    )
    returns(hub)

    assert not Cancellation.objects.exists() and not hub.calls("/api/orders/cancel")
    assert "cannot be cancelled" in open_items().get().message


# --- RT21/RT25/RT27 decided from the state read back ----------------------------------------


def _authorised_and_accepted_in_the_back_office(monkeypatch):
    """The source authorises the return while the operator accepts it in the back office."""
    original = ShopifyConnector.return_authorise

    def authorise(self, request):
        SandboxReturn.objects.filter(return_id=request.reference).update(state="IN_PROGRESS")
        return original(self, request)

    monkeypatch.setattr(ShopifyConnector, "return_authorise", authorise)


def test_a_return_accepted_meanwhile_is_done_whatever_the_error_says(hub, monkeypatch):
    automate(hub)
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))
    _authorised_and_accepted_in_the_back_office(monkeypatch)

    returns(hub)

    ret = Return.objects.get()
    assert len(hub.calls("/api/returns/accept", "PUT")) == 1  # refused: "invalid state"
    assert ret.marketplace_state == "IN_PROGRESS"  # read back from RT11
    assert ret.step == ReturnStep.AUTHORISED and ret.error == ""
    assert not open_items().exists()


def _received_in_the_source(hub) -> Return:
    automate(hub)
    order = shipped(hub)
    mirakl.return_create(sandbox_order(order))
    returns(hub)  # authorised in the source, accepted (RT21)
    return_receive(ret=ShopifyReturn.objects.get(), restocked={"SB-0001": 1})
    return Return.objects.get()


def test_a_return_closed_in_the_back_office_after_the_pull_is_closed_from_rt11(hub):
    ret = _received_in_the_source(hub)
    # closed by the operator just after RT11 was read: the pull still shows it IN_PROGRESS
    SandboxReturn.objects.filter(return_id=ret.marketplace_return_id).update(
        state="CLOSED", updated_at=ret.marketplace_updated_at
    )

    returns(hub)

    ret.refresh_from_db()
    assert ret.step == ReturnStep.CLOSED and ret.work == Work.DONE
    assert len(hub.calls("/api/returns/receive", "PUT")) == 1  # refused: read back CLOSED
    assert not hub.calls("/api/returns/close")
    assert not open_items().exists()


def test_a_return_the_pull_shows_closed_needs_no_call(hub):
    ret = _received_in_the_source(hub)
    SandboxReturn.objects.filter(return_id=ret.marketplace_return_id).update(state="CLOSED")

    returns(hub)

    ret.refresh_from_db()
    assert ret.step == ReturnStep.CLOSED and ret.work == Work.DONE
    assert not hub.calls("/api/returns/receive") and not hub.calls("/api/returns/close")


def test_an_error_worded_like_done_is_not_trusted_when_rt11_says_otherwise(hub, monkeypatch):
    ret = _received_in_the_source(hub)

    def receive_refused(self, *, return_ids):
        return ReturnsResult(success_ids=(), errors=((return_ids[0], "Return is in state CLOSED"),))

    monkeypatch.setattr(MiraklClient, "returns_receive", receive_refused)

    returns(hub)

    ret.refresh_from_db()
    assert ret.work == Work.FAILED and ret.step == ReturnStep.RECEIVED
    assert "RT25 refused" in ret.error and "it is IN_PROGRESS" in ret.error
    assert not hub.calls("/api/returns/close")  # RT27 never sent on a guess
    assert open_items().get().subject_id == ret.marketplace_return_id


# --- several taxes per line -----------------------------------------------------------------


def _bodies(hub, monkeypatch, path: str) -> list[dict]:
    bodies: list[dict] = []
    send = hub.adapter.send

    def spy(request, **kwargs):
        if path in request.url and request.method == "PUT":
            bodies.append(json.loads(request.body))
        return send(request, **kwargs)

    monkeypatch.setattr(hub.adapter, "send", spy)
    return bodies


def _two_tax_codes(order, eco=D("1.00"), eco_shipping=D("0.10")) -> None:
    """OR11 gives each line a VAT and an ECO tax (their sum is the line's tax)."""
    raw = order.raw
    for raw_line in raw["order_lines"]:
        line = order.lines.get(marketplace_line_id=raw_line["order_line_id"])
        raw_line["taxes"] = [
            {"code": "VAT", "amount": str(line.tax_amount - eco)},
            {"code": "ECO", "amount": str(eco)},
        ]
        raw_line["shipping_taxes"] = [
            {"code": "VAT", "amount": str(line.shipping_tax_amount - eco_shipping)},
            {"code": "ECO", "amount": str(eco_shipping)},
        ]
    type(order).objects.filter(pk=order.pk).update(raw=raw)


def _taxes(entry: dict, field: str = "taxes") -> dict[str, Decimal]:
    return {tax["code"]: D(str(tax["amount"])) for tax in entry[field]}


def test_or28_sends_each_tax_code_of_the_line(hub, monkeypatch, django_user_model):
    user = django_user_model.objects.create_user("ops-taxes")
    two = [{"sku": "SB-0001", "quantity": 1}, {"sku": "SB-0002", "quantity": 2}]
    order = shipped(hub, lines=two)
    returns(hub)
    _two_tax_codes(order)
    lines = {line.offer_sku: line for line in order.lines.all()}
    whole, part = lines["SB-0001"], lines["SB-0002"]
    bodies = _bodies(hub, monkeypatch, "/api/orders/refund")

    refund_from_hub(order=order, quantities={whole: 1}, shipping=whole.shipping_price,
                    reason_code="15", actor=user)  # fmt: skip
    refund_from_hub(order=order, quantities={part: 1}, shipping=D("0"), reason_code="15",
                    actor=user)  # fmt: skip
    hub.relay()

    (first,), (second,) = (body["refunds"] for body in bodies)
    # the whole line: each tax its own amount
    assert _taxes(first) == {"VAT": whole.tax_amount - D("1.00"), "ECO": D("1.00")}
    assert _taxes(first, "shipping_taxes") == {
        "VAT": whole.shipping_tax_amount - D("0.10"),
        "ECO": D("0.10"),
    }
    # half the line: its tax split over both codes, adding up to the penny
    sent = Refund.objects.order_by("id").last().lines.get()
    assert set(_taxes(second)) == {"VAT", "ECO"}
    assert sum(_taxes(second).values()) == sent.tax_amount
    assert abs(_taxes(second)["ECO"] - D("0.50")) <= D("0.01")


def test_or30_sends_each_tax_code_of_the_line(hub, monkeypatch, django_user_model):
    user = django_user_model.objects.create_user("ops-taxes-cancel")
    order = to_shipping(hub, lines=[{"sku": "SB-0001", "quantity": 2}])
    returns(hub)
    _two_tax_codes(order)
    line = order.lines.get()
    bodies = _bodies(hub, monkeypatch, "/api/orders/cancel")

    cancellation_from_hub(order=order, quantities={line: 2}, reason_code="21", actor=user)
    hub.relay()

    (entry,) = bodies[0]["cancelations"]
    assert _taxes(entry) == {"VAT": line.tax_amount - D("1.00"), "ECO": D("1.00")}
    assert _taxes(entry, "shipping_taxes") == {
        "VAT": line.shipping_tax_amount - D("0.10"),
        "ECO": D("0.10"),
    }
    assert Cancellation.objects.get().work == Work.DONE


def test_taxes_split_adds_up_exactly_and_never_goes_negative():
    taxes = [("VAT", D("5.00")), ("ECO", D("1.00"))]

    assert allocation.taxes_split(D("6.00"), taxes) == taxes  # the whole: own amounts
    assert allocation.taxes_split(D("3.00"), taxes) == [("VAT", D("2.50")), ("ECO", D("0.50"))]
    odd = allocation.taxes_split(D("1.01"), [("A", D("1")), ("B", D("1")), ("C", D("1"))])
    assert sum(amount for _code, amount in odd) == D("1.01")
    tiny = allocation.taxes_split(D("0.02"), [(c, D("1")) for c in "ABCD"])
    assert sum(a for _c, a in tiny) == D("0.02") and all(a > 0 for _c, a in tiny)
    assert allocation.taxes_split(D("0"), taxes) == []
    assert allocation.taxes_split(D("2.00"), []) == [("VAT", D("2.00"))]


def test_existing_lines_take_the_flags_from_the_stored_or11_payload(hub):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "integration_hub.migrations.0010_orderline_can_refund_cancel"
    )
    order = to_shipping(hub)
    OrderLine.objects.filter(order=order).update(can_refund=True, can_cancel=False)

    migration.flags_from_last_payload(apps, None)

    line = order.lines.get()
    assert (line.can_refund, line.can_cancel) == (False, True)  # as OR11 last said

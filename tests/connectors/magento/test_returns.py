"""Refunds and cancellations: the Magento connector against its sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest
import responses

from connectors.base import (
    NotSupportedError,
    PermanentError,
    ShipmentLine,
    SourceCancelRequest,
    SourceRefundRequest,
    SourceReturnLine,
    SourceReturnRequest,
)
from connectors.magento.sandbox import models as m
from connectors.magento.sandbox import services
from tests.connectors.magento.test_end_to_end import make_connector, order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter():
    return DjangoAppAdapter()


@pytest.fixture
def connector(adapter):
    services.catalogue_seed(products=5)
    return make_connector(adapter)


def _refund(ref, amount="28.80", shipping="0", qty=2) -> SourceRefundRequest:
    return SourceRefundRequest(
        reference="marketplace:77",
        external_reference="JL-1001",
        source_order_id=ref.source_order_id,
        lines=[ShipmentLine(sku="MG-0002", quantity=qty)],
        amount=Decimal(amount),
        shipping_amount=Decimal(shipping),
    )


def test_refund_create_makes_one_credit_memo_with_our_comment(connector, adapter):
    ref = connector.order_create(order_request())

    first = connector.refund_create(_refund(ref))
    again = connector.refund_create(_refund(ref))

    assert first == again
    memo = m.CreditMemo.objects.get()
    assert memo.comment == "JL refund marketplace:77"
    # The marketplace refunded 2 x 14.40 (VAT included); Magento adds the items' VAT itself,
    # so nothing is left for an adjustment and the VAT is counted once.
    assert (memo.subtotal, memo.tax_amount, memo.adjustment, memo.grand_total) == (
        Decimal("24.00"),
        Decimal("4.80"),
        Decimal("0.00"),
        Decimal("28.80"),
    )
    posts = [p for method, p in adapter.calls if method == "POST" and p.endswith("/refund")]
    assert len(posts) == 1


def test_partial_amount_goes_in_the_adjustment(connector):
    ref = connector.order_create(order_request())

    connector.refund_create(_refund(ref, amount="5.00", qty=1))

    memo = m.CreditMemo.objects.get()
    assert (memo.subtotal, memo.tax_amount, memo.adjustment, memo.grand_total) == (
        Decimal("12.00"),
        Decimal("2.40"),
        Decimal("-9.40"),
        Decimal("5.00"),
    )


def test_refunds_in_two_parts_add_up_to_the_tax_inclusive_total(connector):
    ref = connector.order_create(order_request(qty=3))  # 3 x 12.00 + 20% VAT = 43.20
    connector.refund_create(_refund(ref, amount="14.40", qty=1))
    second = SourceRefundRequest(
        reference="marketplace:78",
        external_reference="JL-1001",
        source_order_id=ref.source_order_id,
        lines=[ShipmentLine(sku="MG-0002", quantity=2)],
        amount=Decimal("28.80"),
        shipping_amount=Decimal("0"),
    )
    connector.refund_create(second)
    memos = list(m.CreditMemo.objects.values_list("adjustment", "grand_total"))
    assert memos == [(Decimal("0.00"), Decimal("14.40")), (Decimal("0.00"), Decimal("28.80"))]


def test_refund_of_an_item_the_order_does_not_have_is_refused(connector):
    ref = connector.order_create(order_request())
    request = SourceRefundRequest(
        reference="x",
        external_reference="JL-1001",
        source_order_id=ref.source_order_id,
        lines=[ShipmentLine(sku="NOPE", quantity=1)],
        amount=Decimal("1"),
        shipping_amount=Decimal("0"),
    )
    with pytest.raises(PermanentError, match="no item NOPE"):
        connector.refund_create(request)


def test_order_cancel_is_idempotent_and_refused_after_shipping(connector):
    salable_before = services.salable_quantity(sku="MG-0002", stock_id=1)
    ref = connector.order_create(order_request())
    request = SourceCancelRequest(
        reference="k", external_reference="JL-1001", source_order_id=ref.source_order_id
    )

    connector.order_cancel(request)
    connector.order_cancel(request)

    assert m.Order.objects.get(ext_order_id="JL-1001").state == "canceled"
    # the order's reservation is released, once
    assert services.salable_quantity(sku="MG-0002", stock_id=1) == salable_before

    other = connector.order_create(order_request("JL-1002"))
    services.order_ship(
        order=services.order_lookup("JL-1002"),
        carrier_title="DPD",
        carrier_code="dpd",
        track_number="1",
    )
    with pytest.raises(PermanentError, match="refused to cancel"):
        connector.order_cancel(
            SourceCancelRequest(
                reference="k2", external_reference="JL-1002", source_order_id=other.source_order_id
            )
        )


def test_returns_and_line_cancels_are_not_supported_so_the_hub_goes_manual(connector):
    with pytest.raises(NotSupportedError, match="not supported by magento"):
        connector.return_authorise(
            SourceReturnRequest(
                reference="r",
                external_reference="JL-1001",
                source_order_id="1",
                lines=[SourceReturnLine(sku="MG-0002", quantity=1)],
            )
        )
    with pytest.raises(NotSupportedError):
        connector.order_lines_cancel(
            SourceCancelRequest(reference="k", external_reference="JL-1001", source_order_id="1")
        )
    assert connector.returns_read("").items == []


@responses.activate
@pytest.mark.parametrize("answer", [[None], "text", 7])
def test_a_malformed_answer_is_a_connector_error_not_a_crash(answer):
    from tests.connectors.magento.support import API, make

    responses.get(f"{API}/creditmemos", json=answer)
    responses.get(f"{API}/orders/5", json=answer)
    request = SourceRefundRequest(
        reference="k",
        external_reference="JL-1",
        source_order_id="5",
        lines=[ShipmentLine(sku="MG-0002", quantity=1)],
        amount=Decimal("1"),
        shipping_amount=Decimal("0"),
    )
    with pytest.raises(PermanentError, match="Magento sent a"):
        make().refund_create(request)
    with pytest.raises(PermanentError, match="Magento sent a"):
        make().order_cancel(
            SourceCancelRequest(reference="k", external_reference="JL-1", source_order_id="5")
        )

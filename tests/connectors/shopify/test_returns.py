"""Returns, refunds and cancellations: the Shopify connector against its sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql import parse, validate

from connectors.base import (
    NotSupportedError,
    PermanentError,
    ReturnReceiptLine,
    ShipmentLine,
    SourceCancelRequest,
    SourceRefundRequest,
    SourceReturnLine,
    SourceReturnRequest,
)
from connectors.shopify import returns as documents
from connectors.shopify.sandbox import services
from connectors.shopify.sandbox.admin_schema import admin_schema
from connectors.shopify.sandbox.cost import MAX_SINGLE_QUERY_COST, query_cost
from connectors.shopify.sandbox.models import Order, Refund, Return, Variant
from connectors.shopify.sandbox.returns import return_receive
from tests.connectors.shopify.test_sandbox_e2e import connector_for, order_request
from tests.support.wsgi_adapter import DjangoAppAdapter

DOCUMENTS = {
    "ORDER_RETURNS": (documents.ORDER_RETURNS, {}),
    "RETURN_CREATE": (documents.RETURN_CREATE, {}),
    "ORDERS_RETURNS_PAGE": (documents.ORDERS_RETURNS_PAGE, {"first": 5}),
    "ORDER_REFUNDS": (documents.ORDER_REFUNDS, {}),
    "REFUND_CREATE": (documents.REFUND_CREATE, {}),
    "ORDER_CANCEL_STATE": (documents.ORDER_CANCEL_STATE, {}),
    "ORDER_CANCEL": (documents.ORDER_CANCEL, {}),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_and_affordable(name):
    text, variables = DOCUMENTS[name]
    document = parse(text)
    assert validate(admin_schema(), document) == []
    assert query_cost(document, variables) < MAX_SINGLE_QUERY_COST


@pytest.fixture
def shop(db):
    shop = services.shop_setup(bucket_max=100_000, restore_rate=10_000)
    services.catalogue_seed(shop=shop, count=5, stock=7)
    return shop


@pytest.fixture
def adapter():
    return DjangoAppAdapter()


@pytest.fixture
def shipped(shop, adapter):
    connector = connector_for(shop, adapter)
    ref = connector.order_create(order_request("JL-500"))
    services.fulfillment_create(shop=shop, order_reference="JL-500", company="DPD", number="T1")
    return connector, ref


def _return_request(ref, reference="RT-1", lines=None) -> SourceReturnRequest:
    return SourceReturnRequest(
        reference=reference,
        external_reference="JL-500",
        source_order_id=ref.source_order_id,
        lines=lines or [SourceReturnLine(sku="SB-0001", quantity=2)],
    )


def _available(sku: str) -> int:
    variant = Variant.objects.get(sku=sku)
    return sum(level.available for level in variant.levels.all())


def test_return_authorise_creates_once_and_finds_it_again(shipped):
    connector, ref = shipped

    first = connector.return_authorise(_return_request(ref))
    again = connector.return_authorise(_return_request(ref))

    assert first == again
    assert Return.objects.count() == 1
    ret = Return.objects.get()
    assert ret.lines[0]["quantity"] == 2
    assert ret.lines[0]["note"] == "JL return RT-1"


def test_return_of_an_unfulfilled_line_is_refused(shop, adapter):
    connector = connector_for(shop, adapter)
    ref = connector.order_create(order_request("JL-500"))

    with pytest.raises(PermanentError, match="no fulfilled SB-0001"):
        connector.return_authorise(_return_request(ref))
    assert not Return.objects.exists()


def test_returns_read_reports_received_goods_with_what_is_sellable(shipped, shop):
    connector, ref = shipped
    connector.return_authorise(_return_request(ref))
    stock_before = _available("SB-0001")

    assert connector.returns_read("").items == []  # not received yet

    return_receive(ret=Return.objects.get(), restocked={"SB-0001": 1})
    page = connector.returns_read("")

    (receipt,) = page.items
    assert receipt.external_reference == "JL-500"
    assert receipt.lines == [ReturnReceiptLine(sku="SB-0001", received=2, sellable=1)]
    assert _available("SB-0001") == stock_before + 1  # only the sellable unit is restocked


def test_refund_create_is_found_by_reference_and_never_restocks(shipped):
    connector, ref = shipped
    stock_before = _available("SB-0001")
    request = SourceRefundRequest(
        reference="hub-refund-7",
        external_reference="JL-500",
        source_order_id=ref.source_order_id,
        lines=[ShipmentLine(sku="SB-0001", quantity=1)],
        amount=Decimal("26.00"),
        shipping_amount=Decimal("3.95"),
    )

    first = connector.refund_create(request)
    again = connector.refund_create(request)

    assert first == again
    refund = Refund.objects.get()
    assert refund.amount == Decimal("29.95")
    assert refund.shipping_amount == Decimal("3.95")
    assert refund.note == "JL refund hub-refund-7"
    assert _available("SB-0001") == stock_before


def test_order_cancel_is_idempotent_and_refused_once_fulfilled(shop, adapter):
    connector = connector_for(shop, adapter)
    ref = connector.order_create(order_request("JL-600"))
    request = SourceCancelRequest(
        reference="MIRAKL-1-A", external_reference="JL-600", source_order_id=ref.source_order_id
    )

    connector.order_cancel(request)
    connector.order_cancel(request)

    assert Order.objects.get(source_identifier="JL-600").cancelled_at is not None
    ref2 = connector.order_create(order_request("JL-601"))
    services.fulfillment_create(shop=shop, order_reference="JL-601", company="DPD", number="T2")
    with pytest.raises(PermanentError, match="fulfilled"):
        connector.order_cancel(
            SourceCancelRequest(
                reference="x", external_reference="JL-601", source_order_id=ref2.source_order_id
            )
        )


def test_line_cancellation_is_not_supported(shop, adapter):
    connector = connector_for(shop, adapter)
    with pytest.raises(NotSupportedError, match="not supported by shopify"):
        connector.order_lines_cancel(
            SourceCancelRequest(reference="x", external_reference="JL-1", source_order_id="g")
        )

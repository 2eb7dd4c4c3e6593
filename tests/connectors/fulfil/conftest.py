"""Shared pieces of the Fulfil contract tests (``responses``, no database)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import responses

from connectors.base import Address, SourceOrderLine, SourceOrderRequest
from connectors.fulfil import FulfilConnector

BASE = "https://acme.fulfil.io"
API_KEY = "sk_live_TOPSECRET_0123456789"
V2 = f"{BASE}/api/v2/model"
RPC = f"{BASE}/api/v3/jsonrpc"
CONTEXT = {"company": 1, "language": "en", "timezone": "Europe/London"}


def make(*, secret: str = "", **options) -> FulfilConnector:
    settings = {
        "warehouse_ids": "3,4",
        "party_id": "7",
        "channel_id": "2",
        "user_context": json.dumps(CONTEXT),
        **options,
    }
    return FulfilConnector(
        base_url=BASE + "/",
        credentials={"api_key": API_KEY, "webhook_secret": secret},
        sleep=lambda seconds: None,
        **settings,
    )


def body_of(call) -> object:
    return json.loads(call.request.body)


def tryton_dt(value: dt.datetime) -> dict:
    return {
        "__class__": "datetime",
        "year": value.year,
        "month": value.month,
        "day": value.day,
        "hour": value.hour,
        "minute": value.minute,
        "second": value.second,
        "microsecond": value.microsecond,
    }


def iso_dt(value: dt.datetime) -> dict:
    """A datetime as the official client (fulfil-client 3.x) encodes it."""
    return {"__class__": "datetime", "iso_string": value.isoformat()}


def rpc_result(data: list, *, next_cursor=None, has_more=False, request_id=1) -> dict:
    pagination = {"next_cursor": next_cursor, "has_more": has_more}
    return {"jsonrpc": "2.0", "id": request_id, "result": {"data": data, "pagination": pagination}}


def order_request(reference: str = "JL-1001", shipping: Decimal = Decimal("0")):
    address = Address(
        first_name="Ada",
        last_name="Lovelace",
        street_1="1 Oxford Street",
        street_2="Floor 2",
        city="London",
        postcode="W1A 1AA",
        country_iso2="gb",
        phone="07000000000",
    )
    return SourceOrderRequest(
        external_reference=reference,
        marketplace_order_id=f"{reference}-A",
        currency="GBP",
        lines=[SourceOrderLine(sku="SKU-1", quantity=2, unit_price=Decimal("12.50"), title="Mug")],
        shipping_price=shipping,
        shipping_method="STD",
        customer_email="masked@marketplace.example",
        shipping_address=address,
        billing_address=address,
        placed_at=dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC),
    )


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def content_none(mocked) -> None:
    """Answer the content reads of products_read with no content (product, attributes)."""
    mocked.put(f"{V2}/product.product/search_read", json=[])
    mocked.put(f"{V2}/product.product.attribute/search_read", json=[])

"""Shared pieces of the Magento connector contract tests (recorded answers via `responses`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from connectors.base import Address, SourceOrderLine, SourceOrderRequest
from connectors.magento import MagentoConnector

SHOP = "https://shop.example.com"
API = f"{SHOP}/rest/jl_uk/V1"
TOKEN = "secret-integration-token-123"
SC = "searchCriteria"
FG = "searchCriteria[filter_groups]"


def make(sleeps: list[float] | None = None, **options) -> MagentoConnector:
    return MagentoConnector(
        base_url=SHOP + "/",
        credentials={"access_token": TOKEN},
        sleep=(sleeps if sleeps is not None else []).append,
        store_code="jl_uk",
        **options,
    )


def query(call) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.request.url).query, keep_blank_values=True))


def path(call) -> str:
    return urlsplit(call.request.url).path


def body(call) -> object:
    return json.loads(call.request.body)


def order_request(reference: str = "JL-1001") -> SourceOrderRequest:
    address = Address(
        first_name="Ada",
        last_name="Lovelace",
        street_1="1 Oxford Street",
        street_2="Flat 2",
        city="London",
        postcode="W1A 1AA",
        country_iso2="gb",
        county="Greater London",
    )
    return SourceOrderRequest(
        external_reference=reference,
        marketplace_order_id="MKP-77-A",
        currency="GBP",
        lines=[
            SourceOrderLine(sku="MG-1", quantity=2, unit_price=Decimal("12.00")),
            SourceOrderLine(sku="MG-2", quantity=1, unit_price=Decimal("8.50")),
        ],
        shipping_price=Decimal("0"),
        shipping_method="STD",
        customer_email="masked@marketplace.example",
        shipping_address=address,
        billing_address=address,
        placed_at=dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC),
    )


EXPECTED_ADDRESS = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "company": "",
    "street": ["1 Oxford Street", "Flat 2"],
    "city": "London",
    "region": "Greater London",
    "postcode": "W1A 1AA",
    "country_id": "GB",
    "telephone": "0000000000",
    "email": "masked@marketplace.example",
}


def orders_found(*orders: dict) -> dict:
    return {"items": list(orders), "search_criteria": {}, "total_count": len(orders)}

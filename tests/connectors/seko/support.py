"""Shared builders for the SEKO connector tests (responses-based, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from connectors.base import Address, SourceOrderLine, SourceOrderRequest
from connectors.seko import SekoConnector

BASE = "https://ihub.seko.test/api"
KEY = "k3y-Secret-0042"
PUSH_SECRET = "push-secret-for-tests"
NOW = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)


def connector(sleeps: list | None = None, **options) -> SekoConnector:
    credentials = {"api_key": KEY, "push_secret": PUSH_SECRET}
    settings = {"dc_code": "DC01", **options}
    return SekoConnector(
        base_url=BASE,
        credentials=credentials,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        clock=lambda: NOW,
        **settings,
    )


def ok(**payload) -> dict:
    return {"Response": {"CallStatus": {"Success": True, "Code": 0, "Message": ""}, **payload}}


def refused(message: str, key: str = "Message") -> dict:
    return {"Response": {"CallStatus": {"Success": False, "Code": 100, key: message}}}


def order_request(reference: str = "JL-1001", skus=("SK-1", "SK-2")) -> SourceOrderRequest:
    address = Address(
        first_name="Ada",
        last_name="Lovelace",
        street_1="1 Oxford Street",
        street_2="Flat 2",
        city="London",
        postcode="W1A 1AA",
        country_iso2="gb",
        phone="07000000000",
    )
    lines = [
        SourceOrderLine(
            sku=sku, quantity=index, unit_price=Decimal("12.5"), tax_amount=Decimal("2.08")
        )
        for index, sku in enumerate(skus, start=1)
    ]
    return SourceOrderRequest(
        external_reference=reference,
        marketplace_order_id=f"{reference}-A",
        currency="gbp",
        lines=lines,
        shipping_price=Decimal("0"),
        shipping_method="STD",
        customer_email="masked@marketplace.example",
        shipping_address=address,
        billing_address=address,
        placed_at=dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC),
    )

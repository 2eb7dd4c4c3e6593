"""One marketplace order as the hub asks a source to create it, for the connector tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from connectors.base import Address, SourceOrderLine, SourceOrderRequest

PLACED_AT = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def test_address(**changes) -> Address:
    """Ada Lovelace on Oxford Street; ``changes`` override any field (``street_2=...``)."""
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "street_1": "1 Oxford Street",
        "city": "London",
        "postcode": "W1A 1AA",
        "country_iso2": "gb",
        "phone": "07000000000",
    }
    return Address(**{**values, **changes})


test_address.__test__ = False  # a builder, not a test


def source_order_request(
    reference: str = "JL-1001",
    *,
    lines: Iterable[SourceOrderLine],
    address: Address | None = None,
    **changes,
) -> SourceOrderRequest:
    """The request with the usual values; ``changes`` override any field."""
    address = address or test_address()
    values = {
        "external_reference": reference,
        "marketplace_order_id": f"{reference}-A",
        "currency": "GBP",
        "lines": list(lines),
        "shipping_price": Decimal("0"),
        "shipping_method": "STD",
        "customer_email": "masked@marketplace.example",
        "shipping_address": address,
        "billing_address": address,
        "placed_at": PLACED_AT,
    }
    return SourceOrderRequest(**{**values, **changes})

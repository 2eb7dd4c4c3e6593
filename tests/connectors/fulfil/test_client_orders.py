"""Contract tests for order_find / order_create: look up first, create once, finish drafts."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from connectors.base import (
    ConfigError,
    OutcomeUnknownError,
    PermanentError,
    SourceOrderRef,
    TransientError,
)
from tests.connectors.fulfil.conftest import V2, body_of, make, order_request

SALE_FIELDS = ["id", "number", "state", "reference", "total_amount"]


def path_of(call) -> str:
    """The URL without its query (every v2 call carries ``?context=``)."""
    return call.request.url.split("?")[0]


def lookup(mocked, rows: list) -> object:
    return mocked.put(f"{V2}/sale.sale/search_read", json=rows)


def test_order_find_searches_the_reference_in_any_state(mocked):
    call = lookup(mocked, [{"id": 5, "number": "SO5", "state": "done", "reference": "JL-1001"}])
    assert make().order_find("JL-1001") == SourceOrderRef("5", "SO5")
    assert body_of(call.calls[0]) == [
        [["reference", "=", "JL-1001"]],
        0,
        10,
        [["id", "ASC"]],
        SALE_FIELDS,
    ]
    assert call.calls[0].request.method == "PUT"


def test_order_find_ignores_return_sales_with_the_same_reference(mocked):
    negative = {"__class__": "Decimal", "decimal": "-12.50"}
    lookup(
        mocked,
        [
            {
                "id": 9,
                "number": "SO9",
                "state": "done",
                "reference": "JL-1001",
                "total_amount": negative,
            }
        ],
    )
    assert make().order_find("JL-1001") is None


def test_order_create_sends_nothing_when_the_order_exists(mocked):
    lookup(mocked, [{"id": 5, "number": "SO5", "state": "confirmed", "reference": "JL-1001"}])
    assert make().order_create(order_request()) == SourceOrderRef("5", "SO5")
    assert [c.request.url.split("?")[0] for c in mocked.calls] == [f"{V2}/sale.sale/search_read"]


def test_order_create_confirms_a_draft_left_by_a_crash(mocked):
    lookup(mocked, [{"id": 5, "number": None, "state": "draft", "reference": "JL-1001"}])
    quote = mocked.put(f"{V2}/sale.sale/quote", json=None)
    confirm = mocked.put(f"{V2}/sale.sale/confirm", json=None)
    mocked.put(
        f"{V2}/sale.sale/search_read", json=[{"id": 5, "number": "SO5", "state": "confirmed"}]
    )
    assert make().order_create(order_request()) == SourceOrderRef("5", "SO5")
    assert body_of(quote.calls[0]) == [[5]] and body_of(confirm.calls[0]) == [[5]]
    assert not any("create" in c.request.url for c in mocked.calls)


def mock_create_path(mocked, *, create_status: int = 200, create_exc=None):
    lookup(mocked, [])
    products = mocked.put(f"{V2}/product.product/search_read", json=[{"id": 11, "code": "SKU-1"}])
    countries = mocked.put(f"{V2}/country.country/search_read", json=[{"id": 44}])
    address = mocked.put(f"{V2}/party.address/create", json=[301])
    mocked.put(f"{V2}/party.contact_mechanism/create", json=[401])
    kwargs = {"body": create_exc} if create_exc else {"json": [55], "status": create_status}
    create = mocked.put(f"{V2}/sale.sale/create", **kwargs)
    return products, countries, address, create


def test_order_create_sends_the_sale_then_quotes_and_confirms(mocked):
    products, countries, address, create = mock_create_path(mocked)
    mocked.put(f"{V2}/sale.sale/quote", json=None)
    mocked.put(f"{V2}/sale.sale/confirm", json=None)
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 55, "number": "SO55"}])
    ref = make(invoice_address_id="8").order_create(order_request())
    assert ref == SourceOrderRef("55", "SO55")
    assert body_of(products.calls[0])[0] == [["code", "in", ["SKU-1"]]]
    assert body_of(countries.calls[0])[0] == [["code", "=", "GB"]]
    assert body_of(address.calls[0]) == [
        [
            {
                "party": 7,
                "name": "Ada Lovelace",
                "street": "1 Oxford Street",
                "street_bis": "Floor 2",
                "city": "London",
                "zip": "W1A 1AA",
                "country": 44,
            }
        ]
    ]
    assert body_of(create.calls[0]) == [
        [
            {
                "reference": "JL-1001",
                "sale_date": {"__class__": "date", "iso_string": "2026-11-22"},
                "party": 7,
                "shipment_address": 301,
                "comment": "John Lewis Marketplace order JL-1001-A",
                "lines": [
                    [
                        "create",
                        [
                            {
                                "product": 11,
                                "quantity": 2,
                                "unit_price": {"__class__": "Decimal", "decimal": "12.50"},
                                "description": "Mug",
                            }
                        ],
                    ]
                ],
                "invoice_address": 8,
                "channel": 2,
            }
        ]
    ]
    assert create.calls[0].request.headers["Content-Type"] == "application/json"


def test_a_timeout_on_create_is_not_resent_and_is_rechecked(mocked):
    *_, create = mock_create_path(mocked, create_exc=requests.ReadTimeout("slow"))
    recheck = lookup(mocked, [])
    with pytest.raises(OutcomeUnknownError, match="timed out.*look the sale up"):
        make().order_create(order_request())
    assert create.call_count == 1
    assert recheck.call_count == 1  # the re-check after the lookup before
    lookups = [c for c in mocked.calls if path_of(c).endswith("/sale.sale/search_read")]
    assert len(lookups) == 2


def test_a_create_that_landed_despite_the_error_is_found_and_confirmed(mocked):
    mock_create_path(mocked, create_status=502)
    lookup(mocked, [{"id": 56, "number": None, "state": "draft", "reference": "JL-1001"}])
    mocked.put(f"{V2}/sale.sale/quote", json=None)
    mocked.put(f"{V2}/sale.sale/confirm", json=None)
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 56, "number": "SO56"}])
    assert make().order_create(order_request()) == SourceOrderRef("56", "SO56")
    assert sum(1 for c in mocked.calls if path_of(c).endswith("/sale.sale/create")) == 1


def test_a_rate_limited_create_did_nothing_and_is_not_resent(mocked):
    *_, create = mock_create_path(mocked, create_status=429)
    lookup(mocked, [])
    with pytest.raises(TransientError) as caught:
        make().order_create(order_request())
    assert caught.value.nothing_done and not isinstance(caught.value, OutcomeUnknownError)
    assert create.call_count == 1


def test_unknown_skus_are_refused_before_any_write(mocked):
    lookup(mocked, [])
    mocked.put(f"{V2}/product.product/search_read", json=[])
    with pytest.raises(PermanentError, match="SKU-1") as caught:
        make().order_create(order_request())
    assert caught.value.code == "unknown_sku"


def test_a_business_refusal_surfaces_fulfils_message(mocked):
    lookup(mocked, [])
    mocked.put(f"{V2}/product.product/search_read", json=[{"id": 11, "code": "SKU-1"}])
    mocked.put(f"{V2}/country.country/search_read", json=[{"id": 44}])
    mocked.put(f"{V2}/party.address/create", json=[301])
    mocked.put(f"{V2}/party.contact_mechanism/create", json=[401])
    mocked.put(
        f"{V2}/sale.sale/create",
        status=400,
        json={
            "type": "UserError",
            "message": 'The field "Channel" is not valid.',
            "code": 400,
            "description": "Channel 2 is archived",
        },
    )
    with pytest.raises(PermanentError) as caught:
        make().order_create(order_request())
    assert 'The field "Channel" is not valid. (Channel 2 is archived)' in str(caught.value)
    assert caught.value.code == "UserError" and caught.value.status == 400


def test_shipping_charge_without_a_shipping_product_fails_closed(mocked):
    lookup(mocked, [])
    with pytest.raises(ConfigError, match="shipping_product_id"):
        make().order_create(order_request(shipping=Decimal("4.95")))


def test_shipping_charge_becomes_a_line_of_the_shipping_product(mocked):
    *_, create = mock_create_path(mocked)
    mocked.put(f"{V2}/sale.sale/quote", json=None)
    mocked.put(f"{V2}/sale.sale/confirm", json=None)
    mocked.put(f"{V2}/sale.sale/search_read", json=[{"id": 55, "number": "SO55"}])
    make(shipping_product_id="99").order_create(order_request(shipping=Decimal("4.95")))
    lines = body_of(create.calls[0])[0][0]["lines"][0][1]
    assert lines[1] == {
        "product": 99,
        "quantity": 1,
        "unit_price": {"__class__": "Decimal", "decimal": "4.95"},
        "description": "Shipping (STD)",
    }


def test_orders_need_the_party():
    with pytest.raises(ConfigError, match="party_id"):
        make(party_id="")._sale_values(order_request())


def test_a_create_answer_without_an_id_is_rechecked_not_resent(mocked):
    lookup(mocked, [])
    mocked.put(f"{V2}/product.product/search_read", json=[{"id": 11, "code": "SKU-1"}])
    mocked.put(f"{V2}/country.country/search_read", json=[{"id": 44}])
    mocked.put(f"{V2}/party.address/create", json=[301])
    mocked.put(f"{V2}/party.contact_mechanism/create", json=[401])
    create = mocked.put(f"{V2}/sale.sale/create", json=[])
    lookup(mocked, [])
    with pytest.raises(TransientError, match="without an id"):
        make().order_create(order_request())
    assert create.call_count == 1
